import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFiles } from '../ingest/load.js';
import { buildModels } from '../models/build.js';
import { parseConfig } from '../models/config.js';
import { TEST_NOW } from '../testing/clock.js';
import { agent, conversation, csat, customer, on, status } from '../testing/fixtures.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import type { Warehouse } from '../warehouse/connection.js';
import { LATEST_VERSION } from '../warehouse/migrate.js';
import { STAGING, exportLake } from './export.js';
import { readManifest, type LakeTable } from './manifest.js';

const sep = on('2026-09-10');
const oct = on('2026-10-05');
const nov = on('2026-11-02');

// acme: c1 in September; c2 starts 23:50 UTC on 30 September and is answered at 00:10 on 1 October,
// so its two messages fall in two months; c3 in October. beta: b1 in October. One bad record.
const ACME = [
  conversation('c1', [customer(sep('09:00')), agent(sep('09:05')), status(sep('09:20'), 'resolved'), csat(sep('09:30'), 5)]),
  conversation('c2', [customer('2026-09-30T23:50:00Z'), agent('2026-10-01T00:10:00Z')]),
  conversation('c3', [customer(oct('10:00')), agent(oct('10:02')), status(oct('10:30'), 'resolved')]),
  { id: 'bad', channel: 'webchat', customer: { id: 'x' }, messages: [] },
];
const BETA = [conversation('b1', [customer(on('2026-10-07')('08:00')), agent(on('2026-10-07')('08:30')), customer(on('2026-10-07')('08:40'))])];
const BETA_NOVEMBER = [conversation('b2', [customer(nov('12:00')), agent(nov('12:04')), status(nov('12:30'), 'resolved')])];

const dirs: string[] = [];
const warehouses: TestWarehouse[] = [];
afterEach(() => {
  for (const w of warehouses.splice(0)) w.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'parley-lake-'));
  dirs.push(d);
  return d;
}

async function load(db: Warehouse, records: readonly object[], source: string): Promise<void> {
  const dir = tempDir();
  const file = path.join(dir, `${source}.jsonl`);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await loadFiles(db, [{ file }], { source, now: TEST_NOW });
}

async function twoSources(build = true): Promise<TestWarehouse> {
  const w = await testWarehouse({ records: ACME, source: 'acme' });
  warehouses.push(w);
  await load(w.db, BETA, 'beta');
  if (build) await buildModels(w.db, parseConfig({}), { now: TEST_NOW });
  return w;
}

const rowsByPath = (t: LakeTable | undefined) => Object.fromEntries((t?.partitions ?? []).map((p) => [p.path, p.rows]));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('parley lake export', () => {
  it('writes each raw table by source and UTC month, with row counts, columns and SHA-256 checksums in the manifest', async () => {
    const w = await twoSources();
    const dir = tempDir();
    await exportLake(w.db, dir, { now: TEST_NOW });
    const m = readManifest(dir)!;

    expect(m.schema_version).toBe(LATEST_VERSION);
    expect(m.exported_at).toBe('2026-12-01T12:00:00.000Z');
    const messages = m.tables['raw_messages']!;
    expect(messages.partition_by).toEqual(['source', 'month']);
    expect(messages.month_of).toBe('sent_at');
    // c1: 2 and c2's first in September; c2's reply and c3's 2 in October; b1's 3
    expect(rowsByPath(messages)).toEqual({ 'source=acme/month=2026-09': 3, 'source=acme/month=2026-10': 3, 'source=beta/month=2026-10': 3 });
    expect(messages.rows).toBe(9);
    expect(rowsByPath(m.tables['raw_conversations'])).toEqual({ 'source=acme/month=2026-09': 2, 'source=acme/month=2026-10': 1, 'source=beta/month=2026-10': 1 });
    expect(rowsByPath(m.tables['raw_events'])).toEqual({ 'source=acme/month=2026-09': 1, 'source=acme/month=2026-10': 1 });
    expect(rowsByPath(m.tables['raw_surveys'])).toEqual({ 'source=acme/month=2026-09': 1 });
    // the bad record, quarantined at the load's moment (TEST_NOW)
    expect(rowsByPath(m.tables['quarantine'])).toEqual({ 'month=2026-12': 1 });
    expect(rowsByPath(m.tables['load_log'])).toEqual({ '': 2 });
    expect(m.tables['raw_agents']!.partitions).toEqual([]);
    expect(messages.columns.map((c) => `${c.name} ${c.lake_type}`)).toEqual([
      'source VARCHAR',
      'conversation_id VARCHAR',
      'seq INTEGER',
      'message_id VARCHAR',
      'sent_at TIMESTAMP WITH TIME ZONE',
      'author_role VARCHAR',
      'author_id VARCHAR',
      'author_name VARCHAR',
      'body VARCHAR',
      'internal BOOLEAN',
      'channel VARCHAR',
      'attachments INTEGER',
    ]);
    // marts: conversation_metrics by source and its own (reporting) month; the summary in one file
    expect(rowsByPath(m.tables['conversation_metrics'])).toEqual({ 'source=acme/month=2026-09': 2, 'source=acme/month=2026-10': 1, 'source=beta/month=2026-10': 1 });
    // reply_metrics has no month column: the UTC month its turn started (c2's turn starts 23:50 on 30 September;
    // b1 has two customer turns, the second unanswered)
    expect(m.tables['reply_metrics']!.month_of).toBe('turn_started_at');
    expect(rowsByPath(m.tables['reply_metrics'])).toEqual({ 'source=acme/month=2026-09': 2, 'source=acme/month=2026-10': 1, 'source=beta/month=2026-10': 2 });
    expect(m.tables['metric_summary']!.partition_by).toEqual([]);
    // the sums of counts: HUGEINT in the warehouse, BIGINT in Parquet
    expect(m.tables['metric_summary']!.columns.find((c) => c.name === 'customer_messages')).toEqual({ name: 'customer_messages', type: 'HUGEINT', lake_type: 'BIGINT' });

    for (const t of Object.values(m.tables)) {
      for (const p of t.partitions) {
        const file = path.join(dir, p.file);
        expect(sha256(file), p.file).toBe(p.sha256);
        expect(statSync(file).size).toBe(p.bytes);
      }
    }
    expect(existsSync(path.join(dir, STAGING))).toBe(false);
  });

  it('writes files any Hive-aware reader sees as the warehouse: partition columns in the paths, timestamps as UTC instants', async () => {
    const w = await twoSources(false);
    const dir = tempDir();
    await exportLake(w.db, dir, { now: TEST_NOW });
    const glob = `read_parquet('${dir}/raw_messages/*/*/*.parquet', hive_partitioning = true)`;
    const rows = await w.db.all<{ source: string; month: string; n: number; first: Date }>(
      `select source, month, count(*) as n, min(sent_at) as first from ${glob} group by all order by all`,
    );
    expect(rows).toEqual([
      { source: 'acme', month: '2026-09', n: 3, first: new Date('2026-09-10T09:00:00Z') },
      { source: 'acme', month: '2026-10', n: 3, first: new Date('2026-10-01T00:10:00Z') },
      { source: 'beta', month: '2026-10', n: 3, first: new Date('2026-10-07T08:00:00Z') },
    ]);
    // the partition columns are not repeated inside the files
    const schema = await w.db.all<{ name: string; logical: string | null }>(
      `select name, logical_type::varchar as logical from parquet_schema('${dir}/raw_messages/source=acme/month=2026-09/data.parquet')`,
    );
    expect(schema.map((c) => c.name)).not.toContain('source');
    expect(schema.map((c) => c.name)).not.toContain('month');
    expect(schema.find((c) => c.name === 'sent_at')!.logical).toMatch(/isAdjustedToUTC=1|isAdjustedToUTC=true/i);
  });

  it('a second export after one more file rewrites only the partitions that changed', async () => {
    const w = await twoSources(false);
    const dir = tempDir();
    const first = await exportLake(w.db, dir, { now: TEST_NOW });
    expect(first.rewritten).toContain('raw_messages/source=acme/month=2026-09');
    const files = (m = readManifest(dir)!) => Object.values(m.tables).flatMap((t) => t.partitions.map((p) => p.file));
    const before = new Map(files().map((f) => [f, statSync(path.join(dir, f))]));

    await load(w.db, BETA_NOVEMBER, 'beta');
    const second = await exportLake(w.db, dir, { now: new Date('2026-12-02T08:00:00Z') });
    // b2: a conversation, 2 messages and an event in a new month; the load log has a third load
    expect([...second.rewritten].sort()).toEqual([
      'load_log',
      'raw_conversations/source=beta/month=2026-11',
      'raw_events/source=beta/month=2026-11',
      'raw_messages/source=beta/month=2026-11',
    ]);
    expect(second.removed).toEqual([]);
    const m = readManifest(dir)!;
    expect(m.rewritten).toEqual(second.rewritten);
    expect(rowsByPath(m.tables['raw_messages'])['source=beta/month=2026-11']).toBe(2);
    for (const f of files(m)) {
      const old = before.get(f);
      if (!old || f === 'load_log/data.parquet') continue;
      const now = statSync(path.join(dir, f));
      expect([now.ino, now.mtimeMs], f).toEqual([old.ino, old.mtimeMs]);
    }
    const p = m.tables['raw_messages']!.partitions.find((x) => x.path === 'source=acme/month=2026-09')!;
    expect(p.written_at).toBe('2026-12-01T12:00:00.000Z');

    // a third export with nothing new writes nothing
    expect((await exportLake(w.db, dir, { now: TEST_NOW })).rewritten).toEqual([]);
  });

  it('keeps a file whose DOUBLEs differ from the warehouse by floating-point noise only, and writes one that changed', async () => {
    const w = await twoSources();
    const dir = tempDir();
    const column = (await w.db.one<{ name: string }>(
      "select column_name as name from information_schema.columns where table_name = 'metric_summary' and data_type = 'DOUBLE' order by ordinal_position limit 1",
    ))!.name;
    const set = (value: string) => w.db.run(`update metric_summary set "${column}" = ${value}`);
    // two values 1.6e-14 apart (relative), on either side of a ninth decimal's rounding: what two builds can give
    // for one mean, DuckDB summing in another order
    const [below, above] = ['0.1234567885 - 1e-15', '0.1234567885 + 1e-15'];
    const rounded = await w.db.one<{ a: number; b: number }>(`select round(${below}, 9) as a, round(${above}, 9) as b`);
    expect(rounded!.a).not.toBe(rounded!.b);
    await set(below);
    await exportLake(w.db, dir, { now: TEST_NOW });
    const file = path.join(dir, 'metric_summary', 'data.parquet');
    const before = statSync(file);

    await set(above);
    const noise = await exportLake(w.db, dir, { now: TEST_NOW });
    expect(noise.rewritten).toEqual([]);
    expect(statSync(file).ino).toBe(before.ino);
    // the manifest still describes the file that is there
    expect(readManifest(dir)!.tables['metric_summary']!.partitions[0]!.sha256).toBe(sha256(file));

    // a change of a millionth is a change
    await set('0.1234567885 * 1.000001');
    expect((await exportLake(w.db, dir, { now: TEST_NOW })).rewritten).toEqual(['metric_summary']);
    const values = (from: string) => w.db.all<{ v: number }>(`select distinct "${column}" as v from ${from}`);
    expect(await values(`read_parquet('${file}')`)).toEqual(await values('metric_summary'));
    // and so is a change of another column, the DOUBLEs the same
    await w.db.run('update metric_summary set conversations = conversations + 1');
    expect((await exportLake(w.db, dir, { now: TEST_NOW })).rewritten).toEqual(['metric_summary']);
  });

  it('removes the partitions the warehouse no longer has', async () => {
    const w = await twoSources(false);
    const dir = tempDir();
    await exportLake(w.db, dir, { now: TEST_NOW });
    for (const t of ['raw_conversations', 'raw_messages']) await w.db.run(`delete from ${t} where source = 'beta'`);
    const r = await exportLake(w.db, dir, { now: TEST_NOW });
    expect([...r.removed].sort()).toEqual(['raw_conversations/source=beta/month=2026-10', 'raw_messages/source=beta/month=2026-10']);
    expect(r.rewritten).toEqual([]);
    expect(existsSync(path.join(dir, 'raw_messages', 'source=beta'))).toBe(false);
    expect(Object.keys(rowsByPath(readManifest(dir)!.tables['raw_messages']))).toEqual(['source=acme/month=2026-09', 'source=acme/month=2026-10']);
  });

  it('an export that dies half way leaves every partition whole, and the next one cleans up and catches up', async () => {
    const w = await twoSources(false);
    const dir = tempDir();
    await exportLake(w.db, dir, { now: TEST_NOW });
    const manifestBefore = readFileSync(path.join(dir, 'manifest.json'), 'utf8');
    // b2 and a September conversation for acme: two raw_messages partitions to write
    await load(w.db, BETA_NOVEMBER, 'beta');
    await load(w.db, [conversation('c4', [customer(sep('11:00')), agent(sep('11:01'))])], 'acme');
    let written = 0;
    await expect(
      exportLake(w.db, dir, {
        afterPartition: (table) => {
          if (table === 'raw_messages' && ++written === 1) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    // the manifest is the old one; the other changed partition waits in the staging folder, never in a table's folder
    expect(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe(manifestBefore);
    expect(existsSync(path.join(dir, STAGING, 'raw_messages'))).toBe(true);
    const counts = await w.db.all<{ source: string; month: string; n: number }>(
      `select source, month, count(*) as n from read_parquet('${dir}/raw_messages/*/*/*.parquet', hive_partitioning = true) group by all order by all`,
    );
    // each partition is the old file or the new one: acme September has 3 or 5 rows, beta November none or 2
    const of = (s: string, mo: string) => counts.find((c) => c.source === s && c.month === mo)?.n ?? 0;
    expect([3, 5]).toContain(of('acme', '2026-09'));
    expect([0, 2]).toContain(of('beta', '2026-11'));
    expect(of('acme', '2026-09') === 5 || of('beta', '2026-11') === 2).toBe(true);

    // a leftover of some other crash in the staging folder
    mkdirSync(path.join(dir, STAGING, 'raw_events', 'source=acme'), { recursive: true });
    writeFileSync(path.join(dir, STAGING, 'raw_events', 'source=acme', 'part_0.parquet'), 'half a file');
    const next = await exportLake(w.db, dir, { now: TEST_NOW });
    expect(next.rewritten).toEqual(expect.arrayContaining(['raw_messages/source=acme/month=2026-09', 'raw_messages/source=beta/month=2026-11']));
    expect(existsSync(path.join(dir, STAGING))).toBe(false);
    const m = readManifest(dir)!;
    expect(rowsByPath(m.tables['raw_messages'])).toEqual({
      'source=acme/month=2026-09': 5,
      'source=acme/month=2026-10': 3,
      'source=beta/month=2026-10': 3,
      'source=beta/month=2026-11': 2,
    });
    for (const p of m.tables['raw_messages']!.partitions) expect(sha256(path.join(dir, p.file))).toBe(p.sha256);
    expect(readdirSync(path.join(dir, 'raw_messages', 'source=acme', 'month=2026-09'))).toEqual(['data.parquet']);
  });

  it('a partition value that is not a plain name is written and found again (Hive escapes it in the path)', async () => {
    const w = await testWarehouse({ records: [conversation('s1', [customer(sep('09:00'))])], source: 'acme chat/eu' });
    warehouses.push(w);
    const dir = tempDir();
    await exportLake(w.db, dir, { now: TEST_NOW });
    expect(rowsByPath(readManifest(dir)!.tables['raw_messages'])).toEqual({ 'source=acme%20chat%2Feu/month=2026-09': 1 });
    expect((await exportLake(w.db, dir, { now: TEST_NOW })).rewritten).toEqual([]);
  });
});
