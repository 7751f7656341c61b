import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../testing/paths.js';
import { testWarehouse, type TestWarehouse } from '../../testing/warehouse.js';
import { chatwootAdapter } from './chatwoot.js';
import { AdapterError } from './types.js';

describe('chatwoot API JSON', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({ adapter: chatwootAdapter, files: [fixture('chatwoot.jsonl')], build: true });
  });
  afterAll(() => w.close());

  it('message types as numbers or strings: contacts are customers, users agents, AgentBot and templates bots, activities system, private notes internal', async () => {
    const c = await w.conversation('301');
    expect(c.messages.map((m) => [m['message_id'], m['author_role'], m['internal']])).toEqual([
      ['1', 'customer', false],
      ['2', 'bot', false],
      ['3', 'bot', false],
      ['4', 'system', false],
      ['5', 'agent', true],
      ['6', 'agent', false],
      ['7', 'system', false],
      ['8', 'customer', false],
      ['9', 'system', false],
      ['10', 'system', false],
      ['11', 'agent', false],
      ['12', 'agent', false],
      ['13', 'system', false],
      ['14', 'bot', false],
    ]);
    expect(c.messages[10]).toMatchObject({ body: '', attachments: 1 });
  });

  it("the customer's answer to the CSAT survey is a csat answer (1–5) with its feedback, dated when it was given", async () => {
    expect(await w.db.all('select conversation_id, answered_at, kind, score, scale_min, scale_max, comment from raw_surveys')).toEqual([
      { conversation_id: '301', answered_at: new Date('2026-01-05T10:30:00Z'), kind: 'csat', score: 2, scale_min: 1, scale_max: 5, comment: 'Took two tries' },
    ]);
    expect(await w.db.one('select csat_score, csat_satisfied from conversation_metrics where conversation_id = $1', ['301'])).toEqual({ csat_score: 25, csat_satisfied: false });
  });

  it('activity texts give status and assign events (agent names resolved to ids): a reopen and a reassignment', async () => {
    const c = await w.conversation('301');
    expect(c.events.map((e) => [e['type'], e['status'] ?? e['agent_id']])).toEqual([
      ['assign', '7'],
      ['status', 'resolved'],
      ['status', 'open'],
      ['assign', '8'],
      ['status', 'resolved'],
    ]);
    const m = await w.db.one('select first_response_s, reopens, transfers, handoff_from_bot, owner_agent from conversation_metrics where conversation_id = $1', ['301']);
    expect(m).toEqual({ first_response_s: 300, reopens: 1, transfers: 1, handoff_from_bot: true, owner_agent: '7' });
  });

  it('without activities, the current status and team stand; channels read from the inbox type', async () => {
    const c = await w.conversation('302');
    expect(c.conversation).toMatchObject({ channel: 'whatsapp', customer_id: '56' });
    expect(c.events.map((e) => [e['type'], e['status'] ?? e['team']])).toEqual([
      ['assign', 'Sales'],
      ['status', 'pending'],
    ]);
  });

  it('quarantines a conversation with an unknown message type and one with an unknown sender type', async () => {
    expect((await w.quarantine()).map((r) => r.reason)).toEqual([
      'chatwoot.jsonl record 3 (conversation 303), message 31: message_type "7" is not 0-3 (incoming, outgoing, activity, template)',
      'chatwoot.jsonl record 4 (conversation 304), message 41: sender_type "Robot" is not Contact, User or AgentBot',
    ]);
    expect(w.load).toMatchObject({ read: 4, loaded: 2, quarantined: 2 });
  });
});

describe('chatwoot bad input', () => {
  it('quarantines a wrong date format, a record without id and an unknown status; refuses a file that is not UTF-8', async () => {
    const w = await testWarehouse({ adapter: chatwootAdapter, files: [fixture('chatwoot-bad.jsonl')] });
    expect((await w.quarantine()).map((r) => r.reason)).toEqual([
      'chatwoot-bad.jsonl record 1 (conversation 401): created_at "05/01/2026 09:00" is neither Unix seconds nor ISO 8601',
      'chatwoot-bad.jsonl record 2: id is missing: is this a Chatwoot conversation?',
      'chatwoot-bad.jsonl record 3 (conversation 403): status "closed" is not open, resolved, pending or snoozed',
    ]);
    w.close();
    const error = await testWarehouse({ adapter: chatwootAdapter, files: [fixture('chatwoot-latin1.jsonl')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as Error).message).toMatch(/^chatwoot-latin1\.jsonl cannot be read as JSON: .*UTF-8.*; fix that record or export the file again/);
  });
});
