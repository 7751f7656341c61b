import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, repoRoot, sharedData } from '../../testing/paths.js';
import { testWarehouse } from '../../testing/warehouse.js';
import { mappingAdapter } from './mapping.js';
import { expressionProblem } from './expressions.js';
import { AdapterError } from './types.js';

const example = (f: string) => path.join(repoRoot, 'ingest/adapters/examples', f);
const IBM = [sharedData('ibm-twitter', 'dev.json'), sharedData('ibm-twitter', 'test.json')];

interface IbmRecord {
  dialogHeader: { sessionID: string };
  dialogContent: { client?: string; client1?: string; agent?: string; datetime: string; tweet_ID: string }[];
}

describe('mapping adapter, nested records', () => {
  it('loads the IBM Twitter set as published: every dialog, every tweet, roles from the keys, first responses as the JSON says', async () => {
    const records = IBM.flatMap((f) => JSON.parse(readFileSync(f, 'utf8')) as IbmRecord[]);
    const w = await testWarehouse({ adapter: mappingAdapter, files: IBM, mapping: example('ibm-twitter-mapping.yaml'), build: true });
    expect(w.load).toMatchObject({ read: 1025, loaded: 1025, quarantined: 0 });
    expect(w.load.read).toBe(w.load.loaded + w.load.quarantined);

    const roleOf = (m: IbmRecord['dialogContent'][number]) => (m.agent !== undefined ? 'agent' : 'customer');
    const roles = await w.db.all<{ role: string; n: number }>('select author_role as role, count(*)::integer as n from raw_messages group by 1 order by 1');
    const expected = new Map<string, number>();
    for (const r of records) for (const m of r.dialogContent) expected.set(roleOf(m), (expected.get(roleOf(m)) ?? 0) + 1);
    expect(roles).toEqual([...expected].sort().map(([role, n]) => ({ role, n })));
    expect(roles.reduce((n, r) => n + r.n, 0)).toBe(records.reduce((n, r) => n + r.dialogContent.length, 0));
    const loaded = await w.db.all<{ id: string; m: string }>('select conversation_id as id, message_id as m from raw_messages order by conversation_id, seq');
    const fromJson = records
      .flatMap((r) => [...r.dialogContent].sort((a, b) => Date.parse(a.datetime) - Date.parse(b.datetime)).map((m) => ({ id: r.dialogHeader.sessionID, m: m.tweet_ID })))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(loaded.map((x) => `${x.id}/${x.m}`).sort()).toEqual(fromJson.map((x) => `${x.id}/${x.m}`).sort());

    // first customer tweet → first agent tweet after it, from the JSON itself
    const gaps = new Map<string, number | null>();
    for (const r of records) {
      const ms = r.dialogContent.map((m) => ({ role: roleOf(m), at: Date.parse(m.datetime) }));
      const first = Math.min(...ms.filter((m) => m.role === 'customer').map((m) => m.at));
      const reply = Math.min(...ms.filter((m) => m.role === 'agent' && m.at >= first).map((m) => m.at));
      if (Number.isFinite(first)) gaps.set(r.dialogHeader.sessionID, Number.isFinite(reply) ? (reply - first) / 1000 : null);
    }
    const metrics = await w.db.all<{ id: string; s: number | null }>('select conversation_id as id, first_response_s as s from conversation_metrics');
    const got = new Map(metrics.filter((m) => gaps.has(m.id)).map((m) => [m.id, m.s === null ? null : Number(m.s)]));
    expect(got.size).toBe(gaps.size);
    expect(got).toEqual(gaps);
    expect([...gaps.values()].filter((g) => g !== null).length).toBeGreaterThan(50);

    // handles are personal data: the loaded ids are pseudonyms
    const c = await w.conversation('LgwAXtbbEm0mBvDrGmjk');
    expect(c.conversation).toMatchObject({ source: 'ibm_twitter', channel: 'twitter' });
    expect(c.conversation['customer_id']).toMatch(/^tw_[0-9a-f]{16}$/);
    const ids = await w.db.all<{ n: number }>("select count(*)::integer as n from raw_messages where author_id in ('CinVakas', 'TeamYouTube')");
    expect(ids).toEqual([{ n: 0 }]);
    w.close();
  });

  it('loads the Help Scout example: a page of conversations with their threads, notes internal, line items as status events', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [example('helpscout-conversations.json')], mapping: example('helpscout-mapping.yaml'), build: true });
    expect(w.load).toMatchObject({ read: 2, loaded: 2, quarantined: 0 });
    const c = await w.conversation('2391938111');
    expect(c.conversation).toMatchObject({ source: 'helpscout', channel: 'email', customer_id: '1001', subject: 'Cannot export my invoices' });
    expect(c.messages.map((m) => [m['message_id'], m['author_role'], m['author_name'], m['internal']])).toEqual([
      ['70001', 'customer', 'Sam Rivera', false],
      ['70002', 'agent', 'Mia Lind', true],
      ['70003', 'agent', 'Mia Lind', false],
    ]);
    expect(c.events.map((e) => [e['type'], e['status'] ?? e['agent_id']])).toEqual([
      ['status', 'open'],
      ['assign', '256'],
      ['status', 'resolved'],
    ]);
    // 08:00 → 09:15: the note at 08:40 is not a reply
    expect(await w.db.all('select conversation_id, channel, first_response_s from conversation_metrics order by 1')).toEqual([
      { conversation_id: '2391938111', channel: 'email', first_response_s: 4500 },
      { conversation_id: '2391938112', channel: 'webchat', first_response_s: null },
    ]);
    w.close();
  });

  it('loads the Front example: messages and the events array beside them (assign, archive, reopen)', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [example('front-conversations.jsonl')], mapping: example('front-mapping.yaml'), build: true });
    expect(w.load).toMatchObject({ read: 2, loaded: 2, quarantined: 0 });
    const c = await w.conversation('cnv_55c8c149');
    expect(c.conversation).toMatchObject({ source: 'front', channel: 'email', customer_id: 'jo@customer.example' });
    expect(c.messages.map((m) => [m['message_id'], m['author_role'], m['author_id']])).toEqual([
      ['msg_1a', 'customer', 'jo@customer.example'],
      ['msg_1b', 'agent', 'tea_6r55a'],
      ['msg_1c', 'customer', 'jo@customer.example'],
    ]);
    expect(c.events.map((e) => [e['type'], e['status'] ?? e['agent_id']])).toEqual([
      ['assign', 'tea_6r55a'],
      ['status', 'resolved'],
      ['status', 'open'],
      ['status', 'resolved'],
    ]);
    expect(await w.db.all('select conversation_id, channel, first_response_s, reopens from conversation_metrics order by 1')).toEqual([
      { conversation_id: 'cnv_55c8c149', channel: 'email', first_response_s: 1800, reopens: 1 },
      { conversation_id: 'cnv_55c8c150', channel: 'sms', first_response_s: null, reopens: 0 },
    ]);
    w.close();
  });

  it('quarantines bad messages and records with one-line reasons, and read = loaded + quarantined', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [fixture('nested-bad.json')], mapping: fixture('nested-bad.yaml') });
    expect((await w.quarantine()).map((r) => r.reason)).toEqual([
      'nested-bad.json record 1 message 3 (conversation N1): columns.author_role "ROBOT" is not in values.author_role of nested-bad.yaml (it maps CLIENT, AGENT): add it there',
      'nested-bad.json record 1 message 4 (conversation N1): at "05/10/2026 08:12" is not an ISO 8601 timestamp such as 2026-10-04T09:15:00Z: set timestamp_format in nested-bad.yaml',
      'nested-bad.json record 2: its items is empty: nothing to load',
      'nested-bad.json record 3: items is object, not an array of messages',
      'nested-bad.json record 4: has no items: the mapping says its messages are there (messages: in nested-bad.yaml)',
    ]);
    // a record takes a line and each of its messages the next ones: the loader's lines stay one per entry
    expect((await w.quarantine()).map((r) => r.line)).toEqual([4, 5, 6, 7, 8]);
    expect(w.load).toMatchObject({ read: 6, loaded: 1, quarantined: 5 });
    expect(w.load.read).toBe(w.load.loaded + w.load.quarantined);
    const c = await w.conversation('N1');
    expect(c.messages.map((m) => [m['message_id'], m['author_role'], m['author_name']])).toEqual([
      ['m1', 'customer', 'Acme'],
      ['m2', 'agent', 'Acme'],
    ]);
    w.close();
  });

  it('reads a surveys array beside the messages; an answer that is not a number or outside its scale is quarantined', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [fixture('nested-surveys.jsonl')], mapping: fixture('nested-surveys.yaml'), build: true });
    expect((await w.quarantine()).map((r) => [r.line, r.reason])).toEqual([
      [5, 'nested-surveys.jsonl record 1 survey 2 (conversation S1): the survey score 9 is outside its scale (csat 1–5): set surveys.scale in the mapping'],
      [6, 'nested-surveys.jsonl record 1 survey 3 (conversation S1): the survey score "great" is not a number'],
    ]);
    expect(w.load).toMatchObject({ read: 4, loaded: 2, quarantined: 2 });
    expect(w.load.read).toBe(w.load.loaded + w.load.quarantined);
    const surveys = await w.db.all('select conversation_id, kind, score, comment from raw_surveys order by 1');
    expect(surveys).toEqual([
      { conversation_id: 'S1', kind: 'csat', score: 5, comment: 'quick' },
      { conversation_id: 'S2', kind: 'ces', score: 2, comment: null },
    ]);
    w.close();
  });

  it('refuses an unknown path, an expression DuckDB refuses, and an expression reaching outside the record, naming the field', async () => {
    const refused = async (mapping: string) => {
      const e = await testWarehouse({ adapter: mappingAdapter, files: [fixture('nested-bad.json')], mapping: fixture(mapping) }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AdapterError);
      return (e as Error).message;
    };
    expect(await refused('nested-unknown-path.yaml')).toBe(
      'nested-bad.json (fields named by nested-unknown-path.yaml): columns.conversation_id: no record has $.header.sessionID; found: header, items. Fix the path ("$.a.b" reads the record)',
    );
    expect(await refused('nested-broken-sql.yaml')).toMatch(/^nested-broken-sql\.yaml: columns\.author_role: the expression fails: .*\+\(VARCHAR, INTEGER_LITERAL\)/);
    expect(await refused('nested-runtime-sql.yaml')).toMatch(/^nested-runtime-sql\.yaml: columns\.author_name: the expression fails: Could not convert string 'Acme' to INT32/);
    expect(await refused('nested-file-sql.yaml')).toBe(
      'nested-file-sql.yaml: columns.author_name: the expression is refused: it holds a subquery: an expression reads only `message` and `record`',
    );
    expect(await refused('nested-fn-sql.yaml')).toMatch(/^nested-fn-sql\.yaml: columns\.author_name: the expression is refused: it calls getenv\(\)/);
  });

  it('checks expressions before they run', async () => {
    const w = await testWarehouse({});
    expect(await expressionProblem(w.db, "message->>'agent' is not null")).toBeUndefined();
    expect(await expressionProblem(w.db, "1; copy (select 1) to '/tmp/x'")).toMatch(/^DuckDB cannot parse it/);
    expect(await expressionProblem(w.db, "read_text('/etc/passwd')")).toMatch(/calls read_text\(\)/);
    expect(await expressionProblem(w.db, "(select 1 from glob('*'))")).toMatch(/subquery/);
    w.close();
  });

  it('computes fields of a flat CSV by expressions over the row', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [fixture('mapping-expr.csv')], mapping: fixture('mapping-expr.yaml'), build: true });
    expect((await w.quarantine()).map((r) => r.reason)).toEqual([
      'mapping-expr.csv line 4 (conversation T1): columns.timestamp "2026-10-05T8h10:00Z" is not an ISO 8601 timestamp such as 2026-10-04T09:15:00Z: set timestamp_format in mapping-expr.yaml',
    ]);
    expect(w.load).toMatchObject({ read: 2, loaded: 1, quarantined: 1 });
    const c = await w.conversation('T1');
    expect(c.messages.map((m) => [m['author_role'], m['author_id']])).toEqual([
      ['customer', 'ann'],
      ['agent', 'bo'],
    ]);
    expect((await w.metrics('T1', 'mapping'))['first_response_s']).toBe(300);
    w.close();
  });

  it('quarantines the rows of a flat CSV or JSON file on which an expression fails, and loads the rest', async () => {
    for (const file of ['mapping-expr.csv', 'mapping-expr.jsonl']) {
      const w = await testWarehouse({ adapter: mappingAdapter, files: [fixture(file)], mapping: fixture('mapping-expr-strict.yaml'), build: true });
      const reasons = (await w.quarantine()).map((r) => [r.line, r.reason]);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]![0]).toBe(file.endsWith('.csv') ? 4 : 3);
      expect(reasons[0]![1]).toMatch(
        new RegExp(
          `^${file.replace('.', '\\.')} line \\d \\(conversation T1\\): columns\\.timestamp: the expression fails on this record \\(on the first such, DuckDB said: .*8h10.*\\); fix the value or the expression in mapping-expr-strict\\.yaml$`,
        ),
      );
      expect(w.load).toMatchObject({ read: 2, loaded: 1, quarantined: 1 });
      const c = await w.conversation('T1');
      expect(c.messages.map((m) => [m['author_role'], m['author_id'], (m['sent_at'] as Date).toISOString()])).toEqual([
        ['customer', 'ann', '2026-10-05T08:00:00.000Z'],
        ['agent', 'bo', '2026-10-05T08:05:00.000Z'],
      ]);
      expect((await w.metrics('T1', 'mapping'))['first_response_s']).toBe(300);
      w.close();
    }
  });

  it('quarantines the messages of a nested record on which an expression fails', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [fixture('nested-bad.json')], mapping: fixture('nested-rowfail-sql.yaml') });
    const reasons = (await w.quarantine()).map((r) => r.reason);
    expect(reasons[0]).toBe(
      'nested-bad.json record 1 message 3 (conversation N1): columns.author_role "ROBOT" is not in values.author_role of nested-rowfail-sql.yaml (it maps CLIENT, AGENT): add it there',
    );
    expect(reasons[1]).toMatch(
      /^nested-bad\.json record 1 message 4 \(conversation N1\): columns\.timestamp: the expression fails on this record \(on the first such, DuckDB said: .*05\/10\/2026 08:12/,
    );
    expect(reasons).toHaveLength(5);
    expect(w.load).toMatchObject({ read: 6, loaded: 1, quarantined: 5 });
    expect((await w.conversation('N1')).messages.map((m) => m['message_id'])).toEqual(['m1', 'm2']);
    w.close();
  });

  it('refuses an expression that fails on every record, naming the field', async () => {
    const e = await testWarehouse({ adapter: mappingAdapter, files: [fixture('mapping-expr.csv')], mapping: fixture('mapping-expr-everyrow.yaml') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AdapterError);
    expect((e as Error).message).toMatch(/^mapping-expr-everyrow\.yaml: columns\.timestamp: the expression fails: Could not convert string '2026-10-05' to INT32/);
  });
});
