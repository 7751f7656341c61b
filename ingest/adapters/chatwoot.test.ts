import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture } from '../../testing/paths.js';
import { testWarehouse, type TestWarehouse } from '../../testing/warehouse.js';
import { chatwootAdapter } from './chatwoot.js';
import { AdapterError } from './types.js';
import { loadFiles } from '../load.js';
import { TEST_NOW } from '../../testing/clock.js';

describe('chatwoot API JSON', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({ adapter: chatwootAdapter, files: [fixture('chatwoot.jsonl')], build: true });
  });
  afterAll(() => w.close());

  it("fills priority (medium → normal), labels as tags, the contact's company_name as the account and custom_attributes as metadata", async () => {
    const rows = await w.db.all<{ conversation_id: string; priority: string | null; tags: string[] | null; customer_account: string | null; metadata: string }>(
      "select conversation_id, priority, tags, customer_account, metadata from raw_conversations where conversation_id in ('301', '302') order by 1",
    );
    // a blank company name is no account; a custom attribute without a value is left out
    expect(rows.map((r) => ({ ...r, metadata: JSON.parse(r.metadata) as unknown }))).toEqual([
      {
        conversation_id: '301',
        priority: 'high',
        tags: ['billing'],
        customer_account: 'Acme Ltd',
        metadata: { platform: 'chatwoot', status: 'resolved', inbox_id: '3', plan: 'pro', seats: 12 },
      },
      { conversation_id: '302', priority: 'normal', tags: null, customer_account: null, metadata: { platform: 'chatwoot', status: 'pending', inbox_id: '4' } },
    ]);
  });

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
  it('quarantines a wrong date format, a record without id and an unknown status', async () => {
    const w = await testWarehouse({ adapter: chatwootAdapter, files: [fixture('chatwoot-bad.jsonl')] });
    expect((await w.quarantine()).map((r) => r.reason)).toEqual([
      'chatwoot-bad.jsonl record 1 (conversation 401): created_at "05/01/2026 09:00" is neither Unix seconds nor ISO 8601',
      'chatwoot-bad.jsonl record 2: id is missing: is this a Chatwoot conversation?',
      'chatwoot-bad.jsonl record 3 (conversation 403): status "closed" is not open, resolved, pending or snoozed',
    ]);
    w.close();
  });

  it('refuses a single JSON array that does not parse, saying where it broke', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-chatwoot-'));
    const f = path.join(dir, 'broken.json');
    writeFileSync(f, '[{"id": "1", "status": "open"},\n{"id": "2", "status": }]\n');
    const error = await testWarehouse({ adapter: chatwootAdapter, files: [f] }).catch((e: unknown) => e);
    rmSync(dir, { recursive: true, force: true });
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as Error).message).toMatch(/^broken\.json cannot be read as JSON: .*; fix that record or export the file again/);
  });
});

describe('chatwoot: one bad record is quarantined, the rest load', () => {
  const [r301, r302] = readFileSync(fixture('chatwoot.jsonl'), 'utf8').split('\n') as [string, string];
  const withId = (line: string, id: string) => line.replace(/"id": \d+/, `"id": "${id}"`);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-chatwoot-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a Latin-1 byte, a NUL, a record over 16 MB, a duplicate id and a cut-off last record: each record on its own', async () => {
    const big = JSON.parse(withId(r302, 'B1')) as { messages: { content: string }[] };
    big.messages[0]!.content = 'x'.repeat(17 * 2 ** 20);
    const f = path.join(dir, 'export.jsonl');
    writeFileSync(
      f,
      Buffer.concat([
        Buffer.from(r301 + '\n'),
        Buffer.concat([Buffer.from(withId(r302, 'L1').replace('"content": "', '"content": "caf')), Buffer.from([0xe9]), Buffer.from('\n')]), // line 2: Latin-1 é
        Buffer.from(withId(r302, 'N1').replace('"content": "', '"content": "a\u0000b') + '\n'), // line 3: a NUL byte
        Buffer.from(r302 + '\n'), // line 4: conversation 302, again at line 6
        Buffer.from(JSON.stringify(big) + '\n'), // line 5: 17 MB
        Buffer.from(r302.replace('"status": "pending"', '"status": "open"') + '\n'), // line 6: 302, the later copy
        Buffer.from(withId(r301, 'C1').slice(0, 120)), // line 7: cut off
      ]),
    );
    const w = await testWarehouse({ adapter: chatwootAdapter, files: [f] });
    expect(w.load).toMatchObject({ read: 7, loaded: 3, quarantined: 4, duplicates: 1 });
    expect((await w.db.all<{ id: string }>('select conversation_id as id from raw_conversations order by 1')).map((r) => r.id)).toEqual(['301', '302', 'B1']);
    expect((await w.quarantine()).map((r) => [r.line, r.reason])).toEqual([
      [2, 'export.jsonl record 2: the record is not valid UTF-8 text (a byte such as Latin-1 é): export the file again as UTF-8'],
      [3, 'export.jsonl record 3: the record holds a NUL byte, which JSON text cannot: export it again, or remove the byte'],
      [4, 'export.jsonl record 4: duplicate of record at line 6 (conversation 302); the later one was loaded'],
      [7, 'export.jsonl record 7: the record is not valid JSON (cut off or damaged): fix that record or export it again'],
    ]);
    // the later copy of 302 is the one stored, and the 17 MB message whole
    expect((await w.conversation('302')).conversation).toMatchObject({ metadata: expect.stringContaining('"open"') });
    expect((await w.db.one<{ n: number }>("select strlen(body) as n from raw_messages where conversation_id = 'B1' order by seq limit 1"))!.n).toBe(17 * 2 ** 20);
    w.close();
  }, 60_000);
});

describe('chatwoot: deleted conversations', () => {
  it('a deleted-conversation record is quarantined as not loaded and removes the stored copy; a conversation it does not name stays', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-chatwoot-'));
    const later = path.join(dir, 'later.jsonl');
    writeFileSync(later, JSON.stringify({ id: 302, deleted: true }) + '\n');
    const w = await testWarehouse({ adapter: chatwootAdapter, files: [fixture('chatwoot.jsonl')] });
    expect(w.load).toMatchObject({ loaded: 2 });
    const prepared = await chatwootAdapter.prepare(w.db, [later], {});
    const summary = await loadFiles(w.db, prepared.inputs, { now: TEST_NOW }).finally(() => prepared.cleanup());
    rmSync(dir, { recursive: true, force: true });
    expect(summary).toMatchObject({ read: 1, loaded: 0, quarantined: 1, removed: 1 });
    expect(await w.db.all('select conversation_id from raw_conversations order by 1')).toEqual([{ conversation_id: '301' }]);
    expect((await w.quarantine()).find((r) => r.reason.startsWith('later'))?.reason).toBe(
      'later.jsonl record 1 (conversation 302): the conversation was deleted in Chatwoot; deleted conversations are not loaded (a stored copy is removed)',
    );
    w.close();
  });
});
