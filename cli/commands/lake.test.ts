/**
 * `parley lake export DIR` and `parley build --lake DIR` from the command line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';
import { agent, conversation, customer, on, status } from '../../testing/fixtures.js';

const oct6 = on('2026-10-06');
const nov2 = on('2026-11-02');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-lake-cli-'));
  const write = (name: string, records: object[]) => writeFileSync(path.join(dir, name), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  write('october.jsonl', [
    conversation('c1', [customer(oct6('09:00')), agent(oct6('09:05')), status(oct6('09:10'), 'resolved')]),
    conversation('c2', [customer(oct6('10:00')), agent(oct6('10:03'))]),
  ]);
  write('november.jsonl', [conversation('c3', [customer(nov2('09:00')), agent(nov2('09:30'))])]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley lake', () => {
  it('exports, exports again after a load writing only the new month, and builds over the lake', async () => {
    const db = path.join(dir, 'w.duckdb');
    const lake = path.join(dir, 'lake');
    expect((await parley('ingest', path.join(dir, 'october.jsonl'), '--source', 'acme', '--db', db)).code).toBe(0);
    expect((await parley('build', '--db', db)).code).toBe(0);
    const first = await parley('lake', 'export', lake, '--db', db);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^exported \d+ tables \(\d+ partitions, [\d,]+ rows\) to .+ in [\d.]+ s: \d+ partitions written, 0 removed\n$/);
    const manifest = JSON.parse(readFileSync(path.join(lake, 'manifest.json'), 'utf8'));
    expect(manifest.tables.raw_messages.partitions.map((p: { path: string; rows: number }) => [p.path, p.rows])).toEqual([['source=acme/month=2026-10', 4]]);
    expect(existsSync(path.join(lake, 'raw_messages', 'source=acme', 'month=2026-10', 'data.parquet'))).toBe(true);

    // November's file, without a build: the raw tables' new month and the load log, nothing else
    expect((await parley('ingest', path.join(dir, 'november.jsonl'), '--source', 'acme', '--db', db)).code).toBe(0);
    const again = await parley('lake', 'export', lake, '--only', 'raw', '--db', db, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).rewritten.sort()).toEqual(['load_log', 'raw_conversations/source=acme/month=2026-11', 'raw_messages/source=acme/month=2026-11']);

    const built = await parley('build', '--lake', lake);
    expect(built.code).toBe(0);
    expect(built.out).toMatch(/^built \d+ models over the lake .+ in [\d.]+ s \(time zone UTC\): \d+ mart partitions written\n$/);
    const after = JSON.parse(readFileSync(path.join(lake, 'manifest.json'), 'utf8'));
    // the lake's conversation_metrics now has November's conversation (the file warehouse was not built again)
    expect(after.tables.conversation_metrics.partitions.map((p: { path: string; rows: number }) => [p.path, p.rows])).toEqual([
      ['source=acme/month=2026-10', 2],
      ['source=acme/month=2026-11', 1],
    ]);
  });

  it('prints the external tables for an engine from the manifest', async () => {
    const db = path.join(dir, 'ddl.duckdb');
    const lake = path.join(dir, 'ddl-lake');
    expect((await parley('ingest', path.join(dir, 'october.jsonl'), '--source', 'acme', '--db', db)).code).toBe(0);
    expect((await parley('lake', 'export', lake, '--only', 'raw', '--db', db)).code).toBe(0);
    const trino = await parley('lake', 'ddl', lake, '--engine', 'trino', '--location', 's3://acme-lake/parley');
    expect(trino.code).toBe(0);
    expect(trino.out).toContain('CREATE TABLE hive.parley.raw_messages (\n  "conversation_id" varchar,');
    expect(trino.out).toContain("  external_location = 's3://acme-lake/parley/raw_messages',");
    expect(trino.out).toContain("CALL hive.system.sync_partition_metadata('parley', 'raw_messages', 'FULL');");
    expect((await parley('lake', 'ddl', lake)).code).toBe(2);
    expect((await parley('lake', 'ddl', lake, '--engine', 'hive')).code).toBe(2);
  });

  it('says what to do when the folder holds no lake, and needs the folder', async () => {
    const none = await parley('build', '--lake', path.join(dir, 'nothing-here'));
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/holds no Parley lake \(no manifest.json\): write one with `parley lake export/);
    expect((await parley('lake', 'export')).code).toBe(2);
    expect((await parley('lake', 'export', dir, '--only', 'everything')).code).toBe(2);
  });
});
