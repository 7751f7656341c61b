import { TEST_NOW } from '../testing/clock.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Warehouse } from '../warehouse/connection.js';
import { LoadError, loadFiles, type LoadInput } from './load.js';
import { parsePlainFile, readPlainLines, scanPlainLines } from './direct-read.js';
import { RECORD_STRUCTURE } from './canonical-checks.js';
import { readLines } from './line-reader.js';
import { inPart } from './parts.js';
import { goodConversation } from '../testing/records.js';
import { testWarehouse } from '../testing/warehouse.js';
import { sqlEscape, sqlString } from './adapters/sql.js';

let dir: string;
let db: Warehouse;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-ingest-'));
  db = (await testWarehouse()).db;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, lines: (string | object)[]): string {
  const p = path.join(dir, name);
  writeFileSync(p, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return p;
}

/** Every statement sent on the warehouse's main connection from now on, until `stop()`. */
function recordStatements(w: Warehouse): { sent: string[]; stop: () => void } {
  const sent: string[] = [];
  const connection = w.connection;
  const run = connection.run.bind(connection);
  connection.run = ((sql: string, values?: never) => {
    sent.push(sql);
    return run(sql, values);
  }) as typeof connection.run;
  return { sent, stop: () => void (connection.run = run) };
}

const quarantined = () => db.all<{ line: number; reason: string; raw: string }>('select line, reason, raw from quarantine order by line');
const conversationIds = async () => (await db.all<{ id: string }>('select conversation_id as id from raw_conversations order by 1')).map((r) => r.id);

describe('each class of broken record is quarantined with a reason a person understands', () => {
  const good = goodConversation('ok');
  const messages = good['messages'] as Record<string, unknown>[];
  const cases: [string, string | object, RegExp][] = [
    ['not JSON', '{"id": "x1", "channel": ', /^not valid JSON/],
    ['a JSON array', '[1, 2]', /^not a JSON object.*an array/],
    ['a missing field', goodConversation('x2', { channel: undefined }), /^channel: is missing/],
    ['a missing customer', goodConversation('x3', { customer: undefined }), /^customer: is missing/],
    [
      'an unknown role',
      goodConversation('x4', { messages: [{ ...messages[0], author: { role: 'robot' } }] }),
      /^messages\[0\]\.author\.role: "robot" is not a role: use one of customer, agent, bot, system/,
    ],
    ['an unparseable timestamp', goodConversation('x5', { created_at: '04/10/2026 09:00' }), /^created_at: "04\/10\/2026 09:00" is not an ISO 8601 timestamp/],
    ['a timestamp before 1990', goodConversation('x6', { created_at: '1970-01-01T00:00:00Z' }), /before 1990/],
    [
      'a message dated far in the future',
      goodConversation('x7', { messages: [{ ...messages[0], at: '2031-01-01T00:00:00Z' }] }),
      /^messages\[0\]\.at: .*more than a day after the load/,
    ],
    ['no messages and no events', goodConversation('x8', { messages: [], events: [] }), /no messages and no events/],
    ['a bad event status', goodConversation('x9', { events: [{ at: '2026-10-04T09:10:00Z', type: 'status', status: 'done' }] }), /^events\[0\]\.status/],
    ['an assign event naming nobody', goodConversation('x10', { events: [{ at: '2026-10-04T09:10:00Z', type: 'assign' }] }), /agent_id or team/],
    ['a survey score off its scale', goodConversation('x11', { surveys: [{ at: '2026-10-04T10:00:00Z', kind: 'csat', score: 9 }] }), /outside the scale \[1, 5\]/],
  ];

  it.each(cases)('%s', async (_name, broken, reason) => {
    const p = file('mixed.jsonl', [good, broken, goodConversation('ok2')]);
    const summary = await loadFiles(db, [{ file: p }], { now: new Date('2026-11-01T00:00:00Z') });
    expect(summary).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
    const [q] = await quarantined();
    expect(q!.line).toBe(2);
    expect(q!.reason).toMatch(reason);
    expect(q!.raw).toBe(typeof broken === 'string' ? broken : JSON.stringify(broken));
    // nothing else in the load is lost
    expect(await conversationIds()).toEqual(['ok', 'ok2']);
  });
});

describe('encodings', () => {
  it('a UTF-8 byte order mark before the first record is dropped: both records load', async () => {
    const p = path.join(dir, 'bom.jsonl');
    writeFileSync(p, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(goodConversation('b1')) + '\n' + JSON.stringify(goodConversation('b2')) + '\n')]));
    expect(await loadFiles(db, [{ file: p }], { now: TEST_NOW })).toMatchObject({ read: 2, loaded: 2, quarantined: 0 });
    expect(await conversationIds()).toEqual(['b1', 'b2']);
  });

  it.each([
    ['UTF-16LE', 'with its byte order mark', [0xff, 0xfe]],
    ['UTF-16BE', 'with its byte order mark', [0xfe, 0xff]],
    ['UTF-16LE', 'without a byte order mark', []],
  ] as const)('a %s file %s is refused in one line naming the encoding and the iconv fix', async (name, _how, bom) => {
    const text = JSON.stringify(goodConversation('u1')) + '\n';
    const le = Buffer.from(text, 'utf16le');
    const body = name === 'UTF-16BE' ? Buffer.from(le).swap16() : le;
    const p = path.join(dir, 'wide.jsonl');
    writeFileSync(p, Buffer.concat([Buffer.from(bom), body]));
    await expect(loadFiles(db, [{ file: p }], { now: TEST_NOW })).rejects.toThrow(
      new RegExp(`wide\\.jsonl is ${name} text, not UTF-8: convert it first \\(iconv -f UTF-16 -t UTF-8 .*wide\\.jsonl > wide-utf8\\.jsonl\\) and load that\\. Nothing was loaded`),
    );
    expect(await conversationIds()).toEqual([]);
  });
});

describe('files', () => {
  it('loads .jsonl.gz exactly as .jsonl, with the checksum of the file on disk', async () => {
    const lines = [goodConversation('g1'), goodConversation('g2')].map((r) => JSON.stringify(r)).join('\n') + '\n';
    const p = path.join(dir, 'a.jsonl.gz');
    writeFileSync(p, gzipSync(lines));
    const summary = await loadFiles(db, [{ file: p }], { now: TEST_NOW });
    expect(summary).toMatchObject({ read: 2, loaded: 2, quarantined: 0 });
    const [log] = await db.all<{ checksum: string; bytes: number }>('select checksum, bytes from load_log');
    expect(log!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(log!.bytes).toBe(gzipSync(lines).length);
  });

  /** Nothing of any load is in the warehouse: no conversation, no quarantined record, no load-log row. */
  const nothingLanded = async () =>
    expect(await db.one('select (select count(*) from raw_conversations) as c, (select count(*) from quarantine) as q, (select count(*) from load_log) as l')).toEqual({
      c: 0,
      q: 0,
      l: 0,
    });

  it('a truncated .gz stops the load: nothing of it or of the good file beside it lands', async () => {
    const lines = Array.from({ length: 93 }, (_, i) => JSON.stringify(goodConversation(`t${i}`))).join('\n') + '\n';
    const whole = gzipSync(lines);
    const p = path.join(dir, 'cut.jsonl.gz');
    writeFileSync(p, whole.subarray(0, whole.length - 20));
    const load = loadFiles(db, [{ file: file('good.jsonl', [goodConversation('g1')]) }, { file: p }], { now: TEST_NOW });
    await expect(load).rejects.toThrow(LoadError);
    await expect(load).rejects.toThrow(/cut\.jsonl\.gz ends abruptly .*Nothing was loaded/);
    await nothingLanded();
  });

  it('a good file and a missing one: the load stops before reading, naming the missing file, and nothing lands', async () => {
    const p = file('good.jsonl', [goodConversation('a1')]);
    const load = loadFiles(db, [{ file: p }, { file: path.join(dir, 'missing.jsonl') }], { now: TEST_NOW });
    await expect(load).rejects.toThrow(/missing\.jsonl does not exist: check the path\. Nothing was loaded/);
    await nothingLanded();
  });

  it('a file cut short while it is read stops the load: none of its 60,000 lines lands', async () => {
    // 60,000 lines (about 10 MB): far more than the reader holds ahead, so the cut falls inside what is still to read
    const p = path.join(dir, 'growing.jsonl');
    const line = JSON.stringify(goodConversation('c'));
    writeFileSync(p, Array.from({ length: 60_000 }, (_, i) => line.replace('"id":"c"', `"id":"c${i}"`)).join('\n') + '\n');
    const size = statSync(p).size;
    const load = loadFiles(
      db,
      [
        {
          file: p,
          // the file's own reader; after its first line the file is cut to a tenth, as a copy that is restarted does
          async *lines(digest) {
            let first = true;
            for await (const l of readLines(p, digest)) {
              if (first) truncateSync(p, Math.floor(size / 10));
              first = false;
              yield l;
            }
          },
        },
      ],
      { now: TEST_NOW },
    );
    await expect(load).rejects.toThrow(new RegExp(`growing\\.jsonl changed while it was read \\(${size} bytes when opened, \\d+ read\\)`));
    await nothingLanded();
  });

  it('a named pipe is refused in one line, before anything is read', async () => {
    const fifo = path.join(dir, 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    await expect(loadFiles(db, [{ file: fifo }], { now: TEST_NOW })).rejects.toThrow(
      /pipe\.jsonl is a named pipe \(FIFO\): Parley loads files only; save the stream to a file first/,
    );
    await nothingLanded();
  });

  it('an empty file loads nothing and says so, without failing', async () => {
    const p = path.join(dir, 'empty.jsonl');
    writeFileSync(p, '');
    const summary = await loadFiles(db, [{ file: p }], { now: TEST_NOW });
    expect(summary.perFile[0]).toMatchObject({ read: 0, loaded: 0, quarantined: 0 });
    expect(summary.perFile[0]!.problem).toMatch(/empty/);
  });

  it('bytes that are not UTF-8 quarantine their line, not the file', async () => {
    const p = path.join(dir, 'latin1.jsonl');
    const bad = Buffer.concat([Buffer.from('{"id":"b1","channel":"email","subject":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    writeFileSync(p, Buffer.concat([Buffer.from(JSON.stringify(goodConversation('u1')) + '\n'), bad]));
    const summary = await loadFiles(db, [{ file: p }], { now: TEST_NOW });
    expect(summary).toMatchObject({ read: 2, loaded: 1, quarantined: 1 });
    expect((await quarantined())[0]!.reason).toMatch(/not valid UTF-8/);
  });

  it('counts lines of the file, so blank lines and CRLF endings keep line numbers true', async () => {
    const p = path.join(dir, 'crlf.jsonl');
    writeFileSync(p, [JSON.stringify(goodConversation('r1')), '', '{broken', JSON.stringify(goodConversation('r2'))].join('\r\n') + '\r\n');
    const summary = await loadFiles(db, [{ file: p }], { now: TEST_NOW });
    expect(summary).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
    expect((await quarantined())[0]!.line).toBe(3);
  });
});

describe('replacing conversations', () => {
  it('a conversation seen again in a later load replaces the earlier one whole', async () => {
    await loadFiles(db, [{ file: file('v1.jsonl', [goodConversation('c1'), goodConversation('c2')]) }], { now: TEST_NOW });
    const v2 = goodConversation('c1', {
      messages: [{ id: 'only', at: '2026-10-05T09:00:00Z', author: { role: 'customer' }, body: 'still waiting' }],
      events: [],
    });
    const summary = await loadFiles(db, [{ file: file('v2.jsonl', [v2]) }], { now: TEST_NOW });
    expect(summary.replaced).toBe(1);
    const messages = await db.all<{ id: string; message_id: string }>('select conversation_id as id, message_id from raw_messages order by 1, 2');
    expect(messages).toEqual([
      { id: 'c1', message_id: 'only' },
      { id: 'c2', message_id: 'm1' },
      { id: 'c2', message_id: 'm2' },
    ]);
    expect(await db.all('select count(*) as n from raw_events where conversation_id = $1', ['c1'])).toEqual([{ n: 0 }]);
  });

  it('within one file the later line wins, and the earlier copy is quarantined as its duplicate', async () => {
    const p = file('dup.jsonl', [goodConversation('d1', { channel: 'email' }), goodConversation('d1', { channel: 'sms' })]);
    const summary = await loadFiles(db, [{ file: p }], { now: TEST_NOW });
    expect(summary).toMatchObject({ read: 2, loaded: 1, quarantined: 1, duplicates: 1 });
    expect(await db.all('select channel, line from raw_conversations')).toEqual([{ channel: 'sms', line: 2 }]);
    expect(await db.all('select line, reason from quarantine')).toEqual([{ line: 1, reason: 'duplicate of record at line 2 (conversation d1); the later one was loaded' }]);
  });

  it('a conversation in two files of one load: the later file wins, and neither copy is a duplicate', async () => {
    const a = file('a.jsonl', [goodConversation('d2', { channel: 'email' })]);
    const b = file('b.jsonl', [goodConversation('d2', { channel: 'sms' })]);
    const summary = await loadFiles(db, [{ file: a }, { file: b }], { now: TEST_NOW });
    expect(summary).toMatchObject({ read: 2, loaded: 2, quarantined: 0, duplicates: 0 });
    expect(await db.all('select channel, file from raw_conversations')).toEqual([{ channel: 'sms', file: b }]);
  });

  it('the key is source + id: the same id from two sources is two conversations', async () => {
    await loadFiles(db, [{ file: file('a.jsonl', [goodConversation('s1')]) }], { now: TEST_NOW, source: 'acme' });
    await loadFiles(db, [{ file: file('b.jsonl', [goodConversation('s1', { source: 'zendesk' })]) }], { now: TEST_NOW, source: 'acme' });
    expect(await db.all('select source from raw_conversations order by 1')).toEqual([{ source: 'acme' }, { source: 'zendesk' }]);
  });
});

describe('the load log', () => {
  it('records file, counts and duration for every file of a load under one load id', async () => {
    const a = file('a.jsonl', [goodConversation('a1'), '{bad']);
    const b = file('b.jsonl', [goodConversation('b1')]);
    await loadFiles(db, [{ file: a }, { file: b }], { now: TEST_NOW });
    const log = await db.all('select load_id, file, "read", loaded, quarantined from load_log order by file');
    expect(log).toEqual([
      { load_id: 1, file: a, read: 2, loaded: 1, quarantined: 1 },
      { load_id: 1, file: b, read: 1, loaded: 1, quarantined: 0 },
    ]);
  });

  it('reads the agent roster from agents.jsonl', async () => {
    const roster = file('agents.jsonl', [{ id: 'a1', name: 'Ana', team: 'Billing' }, { name: 'no id' }]);
    const summary = await loadFiles(db, [{ file: roster }], { now: TEST_NOW });
    expect(summary).toMatchObject({ read: 2, loaded: 1, quarantined: 1 });
    expect(await db.all('select agent_id, name, team from raw_agents')).toEqual([{ agent_id: 'a1', name: 'Ana', team: 'Billing' }]);
    expect((await quarantined())[0]!.reason).toMatch(/^id: is missing/);
  });
});

describe('adapter inputs', () => {
  it('loads canonical lines produced by a query, and quarantines the ones an adapter refused with its reason', async () => {
    const good = sqlEscape(JSON.stringify(goodConversation('q1')));
    const summary = await loadFiles(
      db,
      [
        {
          file: 'export.csv',
          format: 'test-adapter',
          sql: `select * from (values
          (2, '${good}', null),
          (3, 'x,y,2026/10/04', 'export.csv row 3: created "2026/10/04" is not a date the mapping knows; set date_format')
        ) t(line, raw, problem)`,
          digest: async () => ({ checksum: 'abc', bytes: 10 }),
        },
      ],
      { now: TEST_NOW },
    );
    expect(summary).toMatchObject({ read: 2, loaded: 1, quarantined: 1 });
    expect(await quarantined()).toEqual([{ line: 3, reason: 'export.csv row 3: created "2026/10/04" is not a date the mapping knows; set date_format', raw: 'x,y,2026/10/04' }]);
    expect(await db.all('select format, checksum from load_log')).toEqual([{ format: 'test-adapter', checksum: 'abc' }]);
  });
});

describe('a load in chunks and parts (memory stays flat as the input grows)', () => {
  const snapshot = async () => ({
    conversations: await db.all('select source, conversation_id, channel, line, load_id from raw_conversations order by all'),
    messages: await db.all('select conversation_id, message_id, seq from raw_messages order by all'),
    events: await db.all('select conversation_id, seq from raw_events order by all'),
    quarantine: await db.all('select file, line, reason from quarantine order by all'),
    log: await db.all('select file, "read", loaded, quarantined, replaced from load_log order by all'),
  });

  it('a line at a time gives the same warehouse as one chunk: later lines win, replacements counted once', async () => {
    const lines = [
      goodConversation('c1', { channel: 'email' }),
      '{bad',
      goodConversation('c2'),
      goodConversation('c1', { channel: 'sms' }),
      goodConversation('c3', { created_at: 'yesterday' }),
      goodConversation('c1', { channel: 'chat' }),
    ];
    const results = [];
    for (const chunkBytes of [Infinity, 1]) {
      db.close();
      db = (await testWarehouse()).db;
      await loadFiles(db, [{ file: file('first.jsonl', [goodConversation('c2'), goodConversation('c9')]) }], { now: TEST_NOW });
      const a = file('a.jsonl', lines);
      const b = file('b.jsonl', [goodConversation('c2', { channel: 'whatsapp' })]);
      const summary = await loadFiles(db, [{ file: a }, { file: b }], { now: TEST_NOW, chunkBytes });
      // c1 at lines 1 and 4 are earlier copies of line 6: duplicates, whether checked in one chunk or line by line
      expect(summary).toMatchObject({ read: 7, loaded: 3, quarantined: 4, duplicates: 2, replaced: 1 });
      results.push(await snapshot());
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]!.conversations).toMatchObject([
      { conversation_id: 'c1', channel: 'chat', line: 6 },
      { conversation_id: 'c2', channel: 'whatsapp', line: 1 },
      { conversation_id: 'c9' },
    ]);
  });

  it('agents and outcomes a line at a time give the same warehouse as one chunk: the last record of a key wins', async () => {
    const results = [];
    for (const chunkBytes of [Infinity, 1]) {
      db.close();
      db = (await testWarehouse()).db;
      await loadFiles(
        db,
        [
          {
            file: file('agents.jsonl', [
              { id: 'a1', name: 'Old' },
              { id: 'a9', name: 'Kept' },
            ]),
          },
        ],
        { now: TEST_NOW },
      );
      const agents = file('agents-2.jsonl', [{ id: 'a1', name: 'Ana' }, { id: 'a2', team: 'Billing' }, { id: 'a1', name: 'Ana B', hours_per_week: 20 }, { name: 'no id' }]);
      const at = '2026-10-04T09:00:00Z';
      const outcomes = file('outcomes.jsonl', [
        { customer_id: 'u1', event: 'churned', at },
        { customer_id: 'u2', event: 'renewed', at, source: 'crm' },
        { customer_id: 'u1', event: 'churned', at },
        { customer_id: 'u3', event: 'nothing', at },
      ]);
      const summary = await loadFiles(db, [{ file: agents }, { file: outcomes }], { now: TEST_NOW, chunkBytes });
      expect(summary).toMatchObject({ read: 8, loaded: 6, quarantined: 2 });
      results.push({
        agents: await db.all('select agent_id, name, team, hours_per_week, load_id from raw_agents order by all'),
        outcomes: await db.all('select source, customer_id, event, file, line from raw_customer_outcomes order by all'),
        quarantine: await db.all('select file, line, reason from quarantine order by all'),
      });
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]!.agents).toMatchObject([
      { agent_id: 'a1', name: 'Ana B', hours_per_week: 20, load_id: 2 },
      { agent_id: 'a2', team: 'Billing' },
      { agent_id: 'a9', name: 'Kept', load_id: 1 },
    ]);
    expect(results[0]!.outcomes).toMatchObject([
      { source: 'canonical', customer_id: 'u1', line: 3 },
      { source: 'crm', customer_id: 'u2', line: 2 },
    ]);
  });

  it("checks every chunk but the last outside the transaction, which holds the writes, so each chunk's scratch is freed before the next", async () => {
    const recorded = recordStatements(db);
    // seven lines of one length, two to a chunk: three chunks checked while reading, the fourth after it
    const lines = Array.from({ length: 7 }, (_, i) => goodConversation(`k${i}`));
    const chunkBytes = 2 * Buffer.byteLength(JSON.stringify(lines[0]));
    const summary = await loadFiles(db, [{ file: file('k.jsonl', lines) }], { now: TEST_NOW, chunkBytes });
    expect(summary).toMatchObject({ read: 7, loaded: 7 });
    const sent = recorded.sent.map((sql) => sql.replace(/\s+/g, ' ').trim());
    const begin = sent.indexOf('begin transaction');
    // each chunk's copy parsed by read_json becomes its parsed lines by a rename (direct-read.ts)
    const parses = sent.flatMap((s, i) =>
      /^(create or replace temp table _ingest_staged_docs_\d+ as|alter table temp\.main\._ingest_direct_\w+ rename to _ingest_staged_docs_\d+)/.test(s) ? [i] : [],
    );
    const drops = sent.flatMap((s, i) => (s.startsWith('drop table _ingest_conversations') ? [i] : []));
    expect(parses).toHaveLength(4);
    expect(drops).toHaveLength(4);
    // every chunk parsed and its scratch dropped before the next is parsed; all but the last before the transaction begins
    for (let c = 0; c < 4; c++) expect(drops[c]!).toBeGreaterThan(parses[c]!);
    for (let c = 1; c < 4; c++) expect(parses[c]!).toBeGreaterThan(drops[c - 1]!);
    expect(begin).toBeGreaterThan(drops[2]!);
    expect(parses[3]!).toBeGreaterThan(begin);
    // inside the transaction: the last chunk's checks and the writes
    const inside = sent.slice(begin, sent.indexOf('commit'));
    expect(inside.filter((s) => s.includes('json_transform('))).toHaveLength(2); // its agents and outcomes: its conversations read_json parsed
    expect(inside.filter((s) => s.includes('read_json('))).toHaveLength(0);
    expect(inside.filter((s) => s.includes('insert into raw_conversations'))).toHaveLength(4);
    // and after the load no temp table of it is left
    expect(await db.all("select table_name from duckdb_tables() where database_name = 'temp'")).toEqual([]);
  });

  it("a load that fails before its commit leaves nothing behind, and what an interrupted load left does not get in the next one's way", async () => {
    const lines = [goodConversation('f1'), goodConversation('f2'), goodConversation('f1', { channel: 'sms' })];
    const failing = loadFiles(db, [{ file: file('f.jsonl', lines) }], {
      now: TEST_NOW,
      chunkBytes: 1,
      beforeCommit: () => Promise.reject(new Error('refused before the commit')),
    });
    await expect(failing).rejects.toThrow('refused before the commit');
    expect(await db.all('select count(*) as n from raw_conversations union all select count(*) from quarantine')).toEqual([{ n: 0 }, { n: 0 }]);
    expect(await db.all("select table_name from duckdb_tables() where database_name = 'temp'")).toEqual([]);
    // staging tables of a load stopped half-way, with rows that must not be written
    await db.run(`create temp table _ingest_staged_1 as select 0 as file_no, 1 as line, 'ghost' as id, 'canonical' as src;
      create temp table _ingest_staged_quarantine as select * from quarantine limit 0;
      insert into _ingest_staged_quarantine values (99, 'old.jsonl', 1, 'left by a stopped load', null, now());
      create temp table _ingest_written (x integer)`);
    const summary = await loadFiles(db, [{ file: file('f.jsonl', lines) }], { now: TEST_NOW, chunkBytes: 1 });
    expect(summary).toMatchObject({ read: 3, loaded: 2, quarantined: 1, duplicates: 1 });
    expect(await conversationIds()).toEqual(['f1', 'f2']);
    expect(await db.all('select line, reason from quarantine')).toEqual([{ line: 1, reason: 'duplicate of record at line 3 (conversation f1); the later one was loaded' }]);
  });

  it('an adapter query in parts yields each row once, and every part is written', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `(${i + 1}, ${sqlString(JSON.stringify(goodConversation(`p${i}`)))}, null)`);
    const asked: number[] = [];
    const summary = await loadFiles(
      db,
      [
        {
          file: 'export.json',
          format: 'test-adapter',
          parts: 4,
          sql: (part) => {
            asked.push(part.index);
            return `select * from (values ${rows.join(', ')}) t(line, raw, problem) where ${inPart(part, 'line')}`;
          },
        },
      ],
      { now: TEST_NOW },
    );
    expect(asked).toEqual([0, 1, 2, 3]);
    expect(summary).toMatchObject({ read: 40, loaded: 40, quarantined: 0 });
    expect(await db.all('select count(distinct conversation_id) as n from raw_conversations')).toEqual([{ n: 40 }]);
  });

  it('an adapter query that fails stops the load with the file named, and nothing is written', async () => {
    const good = sqlEscape(JSON.stringify(goodConversation('ok1')));
    const load = loadFiles(
      db,
      [
        { file: file('ok.jsonl', [goodConversation('ok0')]) },
        { file: 'broken.json', sql: `select 1 as line, '${good}' as raw, null as problem union all select 'x'::integer, '', null` },
      ],
      { now: TEST_NOW },
    );
    await expect(load).rejects.toThrow(LoadError);
    await expect(load).rejects.toThrow(/^broken\.json could not be loaded: Conversion Error/);
    expect(await db.all('select count(*) as n from raw_conversations')).toEqual([{ n: 0 }]);
    expect(await db.all('select count(*) as n from load_log')).toEqual([{ n: 0 }]);
  });
});

describe('string compression during a load', () => {
  const setting = async () => (await db.one<{ v: string }>("select current_setting('disabled_compression_methods') as v"))!.v;

  it('a load writes without FSST and gives the setting back as it was, after a load that lands and one that fails', async () => {
    const during: string[] = [];
    const beforeCommit = async () => void during.push(await setting());
    await loadFiles(db, [{ file: file('a.jsonl', [goodConversation('c1')]) }], { now: TEST_NOW, beforeCommit });
    expect(during).toEqual(['FSST']);
    expect(await setting()).toBe('');

    await db.run("set disabled_compression_methods = 'rle'");
    const failing = loadFiles(db, [{ file: file('b.jsonl', [goodConversation('c2')]) }], {
      now: TEST_NOW,
      beforeCommit: async () => {
        await beforeCommit();
        throw new Error('refused before the commit');
      },
    });
    await expect(failing).rejects.toThrow('refused before the commit');
    expect(during).toEqual(['FSST', 'RLE,FSST']);
    expect(await setting()).toBe('RLE');
    expect(await conversationIds()).toEqual(['c1']);
  });
});

describe('a canonical file parsed by read_json straight from disk (direct-read.ts)', () => {
  const m = (fields: Record<string, unknown>) => ({ id: 'm1', at: '2026-10-04T09:00:00Z', author: { role: 'customer' }, body: 'hi', ...fields });
  /** Records read_json reads: each must come out as json_transform makes it, and break or keep the same rules. */
  const accepted: string[] = [
    JSON.stringify(goodConversation('ok1')),
    '{"id":"u1","zzz":1,"channel":"webchat","created_at":"2026-10-04T09:00:00Z","customer":{"id":"c","zz":[1]},"messages":[{"id":"m1","at":"2026-10-04T09:00:00Z","author":{"role":"agent","x":2},"body":"b","extra":{"a":1}}]}',
    JSON.stringify(goodConversation('n1', { messages: [m({ attachments: '2', internal: 'true', body: '' })] })),
    JSON.stringify(goodConversation('n2', { messages: [m({ attachments: 2, internal: true, id: 7 })] })),
    '{"id":5,"channel":"webchat","created_at":"2026-10-04T09:00:00Z","customer":{"id":1.50},"messages":[{"id":1e3,"at":"2026-10-04T09:00:00Z","author":{"role":"customer"},"body":-0,"attachments":1.0}]}',
    '{"id":"big","channel":"webchat","created_at":"2026-10-04T09:00:00Z","customer":{"id":12345678901234567890},"subject":123456789012345678901234567890,"intent":1e400,"priority":NaN,"messages":[]}',
    '{"id":null,"channel":null,"created_at":null,"customer":null,"tags":null,"messages":null,"events":null,"surveys":null,"metadata":null}',
    '{}',
    JSON.stringify(goodConversation('t1', { tags: [1, { a: 1 }, null, true], subject: { a: [1, 2.5] }, metadata: [1] })),
    JSON.stringify(goodConversation('t2', { metadata: 's' })),
    '{"id":"md","channel":"webchat","created_at":"2026-10-04T09:00:00Z","customer":{"id":"c"},"messages":[],"events":[{"at":"2026-10-04T09:00:00Z","type":"assign","team":"t"}],"metadata":{"k":1.50,"k":2}}',
    JSON.stringify(goodConversation('s1', { surveys: [{ at: '2026-10-04T10:00:00Z', kind: 'csat', score: 4.5, scale: [1, '5'] }] })),
    JSON.stringify(goodConversation('s2', { surveys: [{ at: '2026-10-04T10:00:00Z', kind: 'nps', score: '9' }] })),
    '{"id":"tc","channel":"webchat","created_at":"2026-10-04T09:00:00Z","customer":{"id":"c"},"messages":[],"events":[{"at":"2026-10-04T09:00:00Z","type":"status","status":"open"},],}',
    '{"id":"esc\\u0000\\ud83d\\ude00 é\\n\\t\\"x","channel":"webchat","created_at":"2026-10-04T09:00:00Z","customer":{"id":"c"},"messages":[null],"events":[{"type":null}]}',
    '{ "id" : "sp" ,\t"channel":"Web Chat", "ID":"x","Channel":"y", "created_at":"2026-10-04T09:00:00","customer":{"id":"c"},"messages":[]}',
    JSON.stringify(goodConversation('ok1', { subject: 'the later copy' })),
    JSON.stringify(goodConversation('dm', { messages: [m({}), m({ at: '2031-01-01T00:00:00Z' }), m({})] })),
    JSON.stringify(goodConversation('ok2')),
  ];
  /** Lines read_json refuses (so the whole file goes through the line reader), though json_transform reads some of them. */
  const refused: string[] = [
    '{"id":"a","id":"b","channel":"webchat"}',
    '{"customer":{"id":"x","id":"y"}}',
    '{"messages":[{"body":"x","body":"y"}]}',
    '{"messages":"abc"}',
    '{"customer":"x"}',
    '{"tags":"x"}',
    '{"messages":[{"author":"x"}]}',
    '{"messages":[1,2]}',
    '{"surveys":[{"scale":"x","score":[1]}]}',
    '{"id":"a"} {"id":"b"}',
    '{"id":"a"}{"id":"b"}',
    '{"id":"a"/*c*/}',
    '{"id":"\\ud800"}',
    '{"id":01}',
    '{"id":"a\tb"}',
    "{'id':'a'}",
  ];

  const warehouseRows = async (w: Warehouse) => ({
    conversations: await w.all('select * from raw_conversations order by all'),
    messages: await w.all('select * from raw_messages order by all'),
    events: await w.all('select * from raw_events order by all'),
    surveys: await w.all('select * from raw_surveys order by all'),
    quarantine: await w.all('select load_id, file, line, reason, raw from quarantine order by all'),
    log: await w.all('select load_id, file, format, source, checksum, bytes, "read", loaded, quarantined, replaced, problem from load_log order by all'),
  });
  /** The same files loaded through the line reader (lines given: never read by read_json), into a warehouse of its own. */
  const throughLineReader = async (p: string | string[], chunkBytes?: number) => {
    const other = (await testWarehouse()).db;
    try {
      const inputs: LoadInput[] = [p].flat().map((f) => ({ file: f, lines: (digest) => readLines(f, digest) }));
      const summary = await loadFiles(other, inputs, { now: TEST_NOW, chunkBytes });
      return { summary, rows: await warehouseRows(other) };
    } finally {
      other.close();
    }
  };
  /** A load's summary without its timings, to compare two loads. */
  const untimed = (s: Awaited<ReturnType<typeof loadFiles>>) => ({ ...s, seconds: 0, perFile: s.perFile.map((f) => ({ ...f, seconds: 0 })) });
  const directTables = async () => (await db.one<{ n: number }>("select count(*)::integer as n from duckdb_tables() where table_name like '_ingest_direct%'"))?.n;

  it('gives every record it reads the struct json_transform gives', async () => {
    const p = file('accepted.jsonl', accepted);
    expect(await readPlainLines(db, '_t', 0, p)).toBe(accepted.length);
    await db.run('create temp table _l (line integer, raw varchar)');
    for (const [i, raw] of accepted.entries()) await db.run('insert into temp.main._l values ($1, $2)', [i + 1, raw]);
    expect(await db.all('select raw from temp.main._l order by line')).toEqual(accepted.map((raw) => ({ raw })));
    const rows = await db.all<{ line: number; same: boolean }>(
      `select t.line, t.r is not distinct from try(json_transform(l.raw, ${sqlString(RECORD_STRUCTURE)})) as same
       from temp.main._t t join temp.main._l l using (line) order by t.line`,
    );
    expect(rows).toEqual(accepted.map((_, i) => ({ line: i + 1, same: true })));
  });

  it.each(refused)('refuses the whole file for a line it cannot read as json_transform does: %s', async (line) => {
    const p = file('refused.jsonl', [goodConversation('ok1'), line, goodConversation('ok2')]);
    expect(await scanPlainLines(p)).toBeDefined();
    expect(await readPlainLines(db, '_t', 0, p)).toBeUndefined();
    expect(await parsePlainFile(db, '_t', 0, p)).toBeUndefined();
    expect(await directTables()).toBe(0);
  });

  it('a file it reads loads exactly as through the line reader: rows, quarantined lines, reasons and text, the load log', async () => {
    const p = file('accepted.jsonl', accepted);
    const scan = await scanPlainLines(p);
    expect(scan).toMatchObject({ lines: accepted.length });
    const direct = await loadFiles(db, [{ file: p }], { now: TEST_NOW });
    const lineByLine = await throughLineReader(p);
    expect(direct).toMatchObject({ read: accepted.length, duplicates: 1 });
    expect(direct.quarantined).toBeGreaterThan(8);
    expect(untimed(direct)).toEqual(untimed(lineByLine.summary));
    expect(await warehouseRows(db)).toEqual(lineByLine.rows);
    expect((await quarantined()).map((q) => q.raw)).toEqual((await quarantined()).map((q) => accepted[q.line - 1]));
    expect(await directTables()).toBe(0);
  });

  it('a file it refuses, or the line reader alone reads (CRLF, a blank line, a last line without a newline), loads as before', async () => {
    const mixed = [JSON.stringify(goodConversation('ok1')), ...refused, JSON.stringify(goodConversation('ok2'))];
    const files = [
      file('refused.jsonl', mixed),
      (() => {
        const p = path.join(dir, 'crlf.jsonl');
        writeFileSync(p, accepted.join('\r\n') + '\r\n');
        return p;
      })(),
      file('blank.jsonl', [accepted[0]!, '', accepted[2]!]),
    ];
    for (const p of files) expect(await parsePlainFile(db, '_t', 0, p)).toBeUndefined();
    const last = path.join(dir, 'no-newline.jsonl');
    writeFileSync(last, accepted.join('\n'));
    expect(await parsePlainFile(db, '_t', 0, last)).toMatchObject({ lines: accepted.length });
    await db.run('drop table temp.main._t');
    for (const p of [...files, last]) {
      const w = (await testWarehouse()).db;
      try {
        const summary = await loadFiles(w, [{ file: p }], { now: TEST_NOW });
        const lineByLine = await throughLineReader(p);
        expect(summary.quarantined).toBe(lineByLine.summary.quarantined);
        expect(await warehouseRows(w)).toEqual(lineByLine.rows);
      } finally {
        w.close();
      }
    }
  });

  it('a file larger than a chunk: copied a chunk at a time, plain chunks parsed by read_json, the rest through the appender, and it loads exactly as through the line reader', async () => {
    const recorded = recordStatements(db);
    // segments of whole lines: plain ones, one read_json refuses, CRLF endings, a blank line; ids repeat across chunks
    const plain = accepted.join('\n') + '\n';
    const text = [
      plain,
      plain,
      [accepted[0], refused[0], accepted[1]].join('\n') + '\n',
      plain,
      accepted.slice(0, 4).join('\r\n') + '\r\n',
      plain,
      [accepted[2], '', accepted[3]].join('\n') + '\n',
      plain,
      accepted.slice(0, 3).join('\n'),
    ].join('');
    const p = path.join(dir, 'large.jsonl');
    writeFileSync(p, text);
    const chunkBytes = Math.ceil(Buffer.byteLength(plain) / 2);
    const chunked = await loadFiles(db, [{ file: p }], { now: TEST_NOW, chunkBytes });
    recorded.stop();
    const lineByLine = await throughLineReader(p, chunkBytes);
    expect(untimed(chunked)).toEqual(untimed(lineByLine.summary));
    expect(await warehouseRows(db)).toEqual(lineByLine.rows);
    expect(chunked.quarantined).toBeGreaterThan(40);
    // the chunks read by read_json are copies, gone after the load; the others went through the appender
    const copies = recorded.sent.flatMap((sql) => [...(/read_json\('([^']*chunk-\d+\.jsonl)'/.exec(sql)?.slice(1) ?? [])]);
    const chunks = Math.ceil(Buffer.byteLength(text) / chunkBytes);
    expect(copies.length).toBeGreaterThan(chunks / 2);
    expect(copies.length).toBeLessThan(chunks);
    for (const copy of copies) expect(existsSync(copy)).toBe(false);
    expect(existsSync(path.dirname(copies[0]!))).toBe(false);
    expect(await directTables()).toBe(0);
  });

  it('files that each fit a chunk in a load of more than one chunk: each parsed by read_json, and they load exactly as through the line reader', async () => {
    const a = file('a.jsonl', accepted);
    const b = file('b.jsonl', [...accepted.slice(0, 5), refused[0]!, ...accepted.slice(5)]);
    const c = file('c.jsonl', accepted.slice(3, 9));
    const chunkBytes = statSync(b).size + 1;
    const recorded = recordStatements(db);
    const direct = await loadFiles(db, [{ file: a }, { file: b }, { file: c }], { now: TEST_NOW, chunkBytes });
    recorded.stop();
    // a and c by read_json; b, which it refuses, through the line reader
    expect(recorded.sent.filter((sql) => sql.includes('read_json(')).map((sql) => path.basename(/read_json\('([^']*)'/.exec(sql)![1]!))).toEqual(['a.jsonl', 'b.jsonl', 'c.jsonl']);
    const lineByLine = await throughLineReader([a, b, c], chunkBytes);
    expect(untimed(direct)).toEqual(untimed(lineByLine.summary));
    expect(await warehouseRows(db)).toEqual(lineByLine.rows);
    expect(await directTables()).toBe(0);
  });

  it('reads nothing when insertion order is not kept (its line numbers come from the order of the scan)', async () => {
    const p = file('accepted.jsonl', accepted);
    await db.run('set preserve_insertion_order = false');
    try {
      expect(await readPlainLines(db, '_t', 0, p)).toBeUndefined();
      const summary = await loadFiles(db, [{ file: p }], { now: TEST_NOW });
      expect(summary.quarantined).toBe((await throughLineReader(p)).summary.quarantined);
    } finally {
      await db.run('set preserve_insertion_order = true');
    }
  });
});
