/**
 * `parley build`: full the first time, incremental after a load, full again
 * with --full; --json says which and why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';
import { agent, conversation, customer, on, status } from '../../testing/fixtures.js';

const oct6 = on('2026-10-06');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-build-'));
  const write = (name: string, records: object[]) => writeFileSync(path.join(dir, name), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  write('first.jsonl', [conversation('c1', [customer(oct6('09:00')), agent(oct6('09:05')), status(oct6('09:10'), 'resolved')])]);
  write('then.jsonl', [conversation('c2', [customer(oct6('10:00')), agent(oct6('10:05'))], { customer: 'cust-c1' })]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley build', () => {
  it('is incremental after a load, and full with --full', async () => {
    const db = path.join(dir, 'w.duckdb');
    expect((await parley('ingest', path.join(dir, 'first.jsonl'), '--db', db)).code).toBe(0);
    expect((await parley('build', '--db', db)).out).toMatch(/^built \d+ models in [\d.]+ s \(time zone UTC\)\n$/);
    expect((await parley('ingest', path.join(dir, 'then.jsonl'), '--db', db)).code).toBe(0);
    const inc = await parley('build', '--db', db);
    expect(inc.code).toBe(0);
    expect(inc.out).toMatch(/^built incrementally in [\d.]+ s: 1 conversations changed, 2 of 2 recomputed \(time zone UTC\)\n$/);
    const full = await parley('build', '--full', '--db', db, '--json');
    expect(full.code).toBe(0);
    expect(JSON.parse(full.out)).toMatchObject({ kind: 'full', reason: 'asked for a full build' });
    const rows = await parley('sql', 'select conversation_id, recontact_7d from conversation_metrics order by 1', '--db', db, '--format', 'json');
    expect(JSON.parse(rows.out)).toEqual([
      { conversation_id: 'c1', recontact_7d: true },
      { conversation_id: 'c2', recontact_7d: null },
    ]);
  });

  it('takes --memory-limit: a size, and a build that needs more says so in one line with what to do', async () => {
    const db = path.join(dir, 'limited.duckdb');
    expect((await parley('ingest', path.join(dir, 'first.jsonl'), '--db', db)).code).toBe(0);
    const bad = await parley('build', '--memory-limit', 'lots', '--db', db);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--memory-limit takes a size such as 2GB or 512MB \(got "lots"\)/);
    const tiny = await parley('build', '--memory-limit', '1MB', '--db', db);
    expect(tiny.code).toBe(1);
    expect(tiny.err.trim().split('\n').at(-1)).toMatch(/^parley build: DuckDB ran out of memory \(.* used\); raise --memory-limit \(the limit is 1MB\)$/);
    const enough = await parley('build', '--memory-limit', '512MB', '--db', db);
    expect(enough.code).toBe(0);
    expect(enough.out).toMatch(/^built \d+ models/);
  });
});
