import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadFiles } from '../load.js';
import { TEST_NOW } from '../../testing/clock.js';
import { fixture, sharedData } from '../../testing/paths.js';
import { testWarehouse, type TestWarehouse } from '../../testing/warehouse.js';
import { intercomApiAdapter } from './intercom-api.js';
import { intercomTablesAdapter } from './intercom-tables.js';
import { AdapterError } from './types.js';

describe('intercom API JSON', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({ adapter: intercomApiAdapter, files: [fixture('intercom-api.json')], build: true });
  });
  afterAll(() => w.close());

  it('reads the opening message, bot and admin comments, notes as internal, assignments and closes', async () => {
    const c = await w.conversation('101');
    expect(c.messages.map((m) => [m['message_id'], m['author_role'], m['internal']])).toEqual([
      ['source', 'customer', false],
      ['901', 'bot', false],
      ['904', 'agent', true],
      ['905', 'agent', false],
      ['907', 'customer', false],
      ['909', 'agent', false],
    ]);
    expect(c.events.map((e) => [e['type'], e['status'] ?? e['agent_id'] ?? e['team']])).toEqual([
      ['assign', 't1'],
      ['assign', 'a1'],
      ['status', 'closed'],
      ['assign', 'a2'],
      ['status', 'closed'],
    ]);
    expect(c.conversation).toMatchObject({ customer_id: 'u1', priority: 'high', tags: ['billing'], channel: 'in_app' });
  });

  it('a customer reply after the close is a reopen, reassignment between admins a transfer, the bot a handoff', async () => {
    const m = await w.db.all(
      'select conversation_id, first_response_s, first_response_any_s, reopens, transfers, handoff_from_bot, contained from conversation_metrics order by 1',
    );
    expect(m).toEqual([
      { conversation_id: '101', first_response_s: 300, first_response_any_s: 60, reopens: 1, transfers: 1, handoff_from_bot: true, contained: false },
      { conversation_id: '102', first_response_s: null, first_response_any_s: 30, reopens: 0, transfers: 0, handoff_from_bot: false, contained: true },
    ]);
  });

  it('the conversation rating is a csat answer on the 1–5 scale, with its remark; an empty rating is none', async () => {
    expect(await w.db.all('select conversation_id, answered_at, kind, score, scale_min, scale_max, comment from raw_surveys order by 1')).toEqual([
      { conversation_id: '101', answered_at: new Date('2026-01-05T10:13:20Z'), kind: 'csat', score: 4, scale_min: 1, scale_max: 5, comment: 'Quick once a person answered' },
    ]);
    expect(await w.db.all('select conversation_id, csat_score, csat_satisfied from conversation_metrics order by 1')).toEqual([
      { conversation_id: '101', csat_score: 75, csat_satisfied: true },
      { conversation_id: '102', csat_score: null, csat_satisfied: null },
    ]);
  });

  it("fills priority, tags, the contact's company as the account (its name, else its id) and custom_attributes as metadata", async () => {
    const rows = await w.db.all<{ conversation_id: string; priority: string | null; tags: string[] | null; customer_account: string | null; metadata: string }>(
      'select conversation_id, priority, tags, customer_account, metadata from raw_conversations order by 1',
    );
    // a custom attribute without a value (Escalated: null) is left out
    expect(rows.map((r) => ({ ...r, metadata: JSON.parse(r.metadata) as unknown }))).toEqual([
      { conversation_id: '101', priority: 'high', tags: ['billing'], customer_account: 'Acme Ltd', metadata: { platform: 'intercom', state: 'closed', Plan: 'Pro', Region: 'EU' } },
      { conversation_id: '102', priority: null, tags: [], customer_account: 'c8', metadata: { platform: 'intercom', state: 'closed' } },
    ]);
  });

  it('quarantines a conversation with an author of unknown type and one with a bad date, naming the part', async () => {
    expect((await w.quarantine()).map((r) => r.reason)).toEqual([
      'intercom-api.json record 3 (conversation 103), part 913: author type "visitor" is not one of user, lead, contact, admin, team, bot',
      'intercom-api.json record 4 (conversation 104): created_at "yesterday" is neither Unix seconds nor ISO 8601',
    ]);
  });
});

describe('intercom Fivetran tables', () => {
  it('on the seed tables: the latest version of each conversation; parts of conversations not in the export are quarantined', async () => {
    const w = await testWarehouse({ adapter: intercomTablesAdapter, files: [sharedData('intercom-seeds')] });
    expect(w.load.perFile.map((f) => [f.file.split('/').pop(), f.read, f.loaded, f.quarantined])).toEqual([
      ['conversation_history_data.csv', 2, 2, 0],
      ['conversation_part_history_data.csv', 9, 0, 9],
    ]);
    const c = await w.conversation('156643300001311');
    // no status part: the latest state (closed) as of its last update
    expect(c.events.map((e) => [e['type'], e['status'], e['event_at']])).toEqual([['status', 'closed', new Date('2020-11-02T14:17:59Z')]]);
    expect((await w.quarantine())[0]!.reason).toBe(
      'conversation_part_history_data.csv line 2 (part 6862013567): conversation_id 12 refers to no conversation in conversation_history_data.csv; export both tables from the same sync',
    );
    w.close();
  });

  it('on a hand-written landing: notes, routing, names from admin, and each bad part under its file', async () => {
    const w = await testWarehouse({ adapter: intercomTablesAdapter, files: [fixture('intercom-tables')], build: true });
    const c = await w.conversation('201');
    expect(c.messages.map((m) => [m['author_role'], m['internal'], m['author_name'], m['body']])).toEqual([
      ['customer', false, null, 'My export fails'],
      ['agent', true, 'Ann', 'looking'],
      ['agent', false, 'Ann', 'Fixed it'],
    ]);
    const m = await w.db.one('select first_response_s, transfers, resolved, owner_agent from conversation_metrics where conversation_id = $1', ['201']);
    expect(m).toEqual({ first_response_s: 600, transfers: 0, resolved: true, owner_agent: 'a1' });
    // the rating of the latest version of the conversation
    expect(await w.db.all('select conversation_id, answered_at, kind, score, comment from raw_surveys')).toEqual([
      { conversation_id: '201', answered_at: new Date('2026-01-05T10:05:00Z'), kind: 'csat', score: 2, comment: 'Took two tries, but fixed' },
    ]);
    // tags from conversation_tag_history and tag; the account is the customer's latest company, by its latest name;
    // the custom_* columns are the custom attributes
    const rows = await w.db.all<{ conversation_id: string; priority: string | null; tags: string[] | null; customer_account: string | null; metadata: string }>(
      'select conversation_id, priority, tags, customer_account, metadata from raw_conversations order by 1',
    );
    expect(rows.map((r) => ({ ...r, metadata: JSON.parse(r.metadata) as unknown }))).toEqual([
      // custom_plan and custom_region of the latest version (the first said Basic); 202's are empty and left out
      {
        conversation_id: '201',
        priority: 'normal',
        tags: ['Export', 'billing'],
        customer_account: 'Beta GmbH',
        metadata: { platform: 'intercom', state: 'closed', plan: 'Pro', region: 'EU' },
      },
      { conversation_id: '202', priority: 'normal', tags: null, customer_account: 'Acme Ltd', metadata: { platform: 'intercom', state: 'open' } },
    ]);
    expect((await w.quarantine()).map((r) => r.reason)).toEqual([
      'conversation_part_history.csv line 7 (part 6): conversation_id 999 refers to no conversation in conversation_history.csv; export both tables from the same sync',
      'conversation_part_history.csv line 8 (part 7): author_type "robot" is not one of user, lead, contact, admin, team, bot',
      'conversation_part_history.csv line 9 (part 8): created_at "05/01/2026 11:03" is not a timestamp such as 2020-10-28 23:59:37: export the tables again without reformatting dates',
    ]);
    w.close();
  });

  it('reads the custom_* columns of a Parquet conversation_history too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-intercom-parquet-'));
    const from = fixture('intercom-tables');
    const w = await testWarehouse({});
    for (const f of ['admin', 'conversation_part_history', 'conversation_tag_history', 'tag', 'contact_company_history', 'company_history']) {
      writeFileSync(path.join(dir, `${f}.csv`), readFileSync(path.join(from, `${f}.csv`)));
    }
    await w.db.run(
      `copy (select * from read_csv('${path.join(from, 'conversation_history.csv')}', all_varchar = true)) to '${path.join(dir, 'conversation_history.parquet')}' (format parquet)`,
    );
    const prepared = await intercomTablesAdapter.prepare(w.db, [dir], {});
    await loadFiles(w.db, prepared.inputs, { now: TEST_NOW }).finally(() => prepared.cleanup());
    rmSync(dir, { recursive: true, force: true });
    const rows = await w.db.all<{ conversation_id: string; metadata: string }>('select conversation_id, metadata from raw_conversations order by 1');
    expect(rows.map((r) => [r.conversation_id, JSON.parse(r.metadata) as unknown])).toEqual([
      ['201', { platform: 'intercom', state: 'closed', plan: 'Pro', region: 'EU' }],
      ['202', { platform: 'intercom', state: 'open' }],
    ]);
    w.close();
  });

  it('refuses a folder without the conversation table', async () => {
    const error = await testWarehouse({ adapter: intercomTablesAdapter, files: [fixture('zendesk-tables')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as Error).message).toMatch(/no conversation_history table .* found: point at the folder of the Intercom sync/);
  });
});

describe('intercom API JSON: deleted conversations', () => {
  it("Intercom's deleted-conversation object is quarantined as not loaded and removes the stored copy; a conversation it does not name stays", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-intercom-'));
    const later = path.join(dir, 'later.jsonl');
    writeFileSync(later, JSON.stringify({ id: '101', object: 'conversation', deleted: true }) + '\n');
    const w = await testWarehouse({ adapter: intercomApiAdapter, files: [fixture('intercom-api.json')] });
    expect(w.load).toMatchObject({ loaded: 2 });
    const prepared = await intercomApiAdapter.prepare(w.db, [later], {});
    const summary = await loadFiles(w.db, prepared.inputs, { now: TEST_NOW }).finally(() => prepared.cleanup());
    rmSync(dir, { recursive: true, force: true });
    expect(summary).toMatchObject({ read: 1, loaded: 0, quarantined: 1, removed: 1 });
    expect(await w.db.all('select conversation_id from raw_conversations')).toEqual([{ conversation_id: '102' }]);
    expect(await w.db.all("select count(*)::integer as n from raw_messages where conversation_id = '101'")).toEqual([{ n: 0 }]);
    expect((await w.quarantine()).find((r) => r.reason.startsWith('later'))?.reason).toBe(
      'later.jsonl record 1 (conversation 101): the conversation was deleted in Intercom; deleted conversations are not loaded (a stored copy is removed)',
    );
    w.close();
  });
});
