/**
 * Refresh without downtime: while a load or a build runs on the main
 * connection (as a command handed to `parley serve` does), readers on the
 * reader connections keep getting answers, and every answer is wholly the old
 * data or wholly the new — never a mart of one build beside a mart of another,
 * never half a load. The dashboard's cache follows the commit.
 */
import { TEST_NOW } from '../testing/clock.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedAll } from '../dashboard/lib/server/cache.js';
import { generateDemo, type DemoResult } from '../demo/generate.js';
import { loadFiles } from '../ingest/load.js';
import { buildModels } from '../models/build.js';
import { parseConfig } from '../models/config.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import type { Row } from '../warehouse/connection.js';

const NOW = new Date('2026-11-02T00:00:00Z');
const END = new Date('2026-11-01T00:00:00Z');
let dir: string;
let w: TestWarehouse;
let second: DemoResult;
let first: DemoResult;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-refresh-'));
  first = await generateDemo({ conversations: 2_000, seed: 1, end: END, outDir: path.join(dir, 'a'), source: 'first' });
  second = await generateDemo({ conversations: 1_000, seed: 2, end: END, outDir: path.join(dir, 'b'), source: 'second' });
  w = await testWarehouse({ files: first.files, build: true, readers: 2, now: NOW });
}, 60_000);

afterAll(() => {
  w.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads `sql` on the reader connections until `work` ends; the rows read, and how many came while it ran. */
async function readWhile<T extends Row>(sql: string, work: () => Promise<unknown>): Promise<{ rows: T[]; during: number }> {
  const rows: T[] = [];
  let running = true;
  let during = 0;
  const pending = work().finally(() => (running = false));
  while (running) {
    const [row] = await w.db.all<T>(sql);
    rows.push(row!);
    if (running) during++;
  }
  await pending;
  rows.push((await w.db.all<T>(sql))[0]!);
  return { rows, during };
}

describe('while data are refreshed', () => {
  it('a load: readers see none of it until all of it is in', async () => {
    const before = await cachedAll<{ n: number }>(w.db, 'select count(*) as n from raw_conversations');
    const { rows, during } = await readWhile<{ loads: number; conversations: number; sources: number }>(
      'select (select count(distinct load_id) from load_log) as loads, (select count(*) from raw_conversations) as conversations, (select count(distinct source) from raw_conversations) as sources',
      () =>
        loadFiles(
          w.db,
          second.files.map((file) => ({ file })),
          { now: NOW },
        ),
    );
    expect(during).toBeGreaterThan(0);
    const states = new Set(rows.map((r) => JSON.stringify(r)));
    expect([...states]).toEqual([
      JSON.stringify({ loads: 1, conversations: first.conversations, sources: 1 }),
      JSON.stringify({ loads: 2, conversations: first.conversations + second.conversations, sources: 2 }),
    ]);
    // the cached count was dropped when the load committed
    expect(before[0]!.n).toBe(first.conversations);
    expect((await cachedAll<{ n: number }>(w.db, 'select count(*) as n from raw_conversations'))[0]!.n).toBe(first.conversations + second.conversations);
  }, 60_000);

  it('a build: every read sees the marts of one build, stamped with its built_at', async () => {
    const stamp = `select (select value from warehouse_meta where key = 'built_at') as built_at,
      (select count(*) from conversation_metrics) as metrics,
      (select count(*) from qa_autoqa) as autoqa,
      (select sum(conversations) from metric_summary where "grouping" = 'month') as summary`;
    const { rows, during } = await readWhile<{ built_at: string; metrics: number; autoqa: number; summary: number }>(stamp, () =>
      buildModels(w.db, parseConfig({}), { now: TEST_NOW }),
    );
    expect(during).toBeGreaterThan(0);
    for (const r of rows) expect([r.autoqa, r.summary]).toEqual([r.metrics, r.metrics]);
    // the old build (first export only) until the commit, then the new one, and nothing between
    const byStamp = new Map<string, Set<number>>();
    for (const r of rows) byStamp.set(r.built_at, (byStamp.get(r.built_at) ?? new Set()).add(r.metrics));
    expect(byStamp.size).toBe(2);
    expect([...byStamp.values()].map((s) => [...s])).toEqual([[first.conversations], [first.conversations + second.conversations]]);
    expect(rows[0]!.metrics).toBe(first.conversations);
    expect(rows.at(-1)!.metrics).toBe(first.conversations + second.conversations);
  }, 60_000);
});
