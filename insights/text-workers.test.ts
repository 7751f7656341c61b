import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../warehouse/connection.js';
import { loadConfig } from '../models/config.js';
import { testWarehouse } from '../testing/warehouse.js';
import { generateDemo } from '../demo/generate.js';
import { prepareText, type PrepareResult } from './prepare.js';
import { startWorkers } from './workers.js';
import { buildInsights } from './build.js';
import { TEST_NOW } from '../testing/clock.js';

// what one text pass leaves behind, in a fixed order
async function snapshot(db: Warehouse, r: PrepareResult) {
  const scores = await db.all<{ doc: number; seq: number; score: number }>('select doc, seq, score from _ins_message_scores order by doc, seq');
  const docs = await db.all<{ doc: number; terms: string }>('select doc, terms from _ins_docs order by doc');
  const terms = (await db.all<{ term: string }>("select distinct unnest(string_split(terms, chr(9))) as term from _ins_docs where terms <> '' order by 1")).map((x) => x.term);
  return { scores, docs, labels: terms.map((t) => r.forms.label(t)), messages: r.messages, conversations: r.conversations };
}

describe('the insights build in worker threads', () => {
  let dir: string;
  let db: Warehouse;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-insights-workers-'));
    const demo = await generateDemo({ conversations: 9_000, seed: 5, end: new Date('2026-11-01T00:00:00Z'), outDir: dir });
    db = (await testWarehouse({ files: demo.files, source: 'demo', build: loadConfig() })).db;
  }, 120_000);
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same scores, the same terms per conversation in the same order and the same surface forms as the main thread alone', async () => {
    const one = await snapshot(db, await prepareText(db));
    // 9,000 conversations are three batches of 4,000: two workers take turns, the last batch is a short one
    const workers = startWorkers(2, 'text');
    const two = await snapshot(db, await prepareText(db, { workers }).finally(() => Promise.all(workers.map((w) => w.close()))));
    expect(one.conversations).toBeGreaterThan(8_000);
    expect(two.messages).toBe(one.messages);
    expect(two.conversations).toBe(one.conversations);
    expect(two.docs).toEqual(one.docs);
    expect(two.scores).toEqual(one.scores);
    expect(two.labels).toEqual(one.labels);
  }, 120_000);

  // every insight_* table the build writes, in a fixed order; doubles to 12 digits (DuckDB's parallel
  // average varies the last bits of insight_topics.sentiment_mean from one run of the same code to the next)
  async function tables(): Promise<Record<string, unknown[]>> {
    const names = (await db.all<{ name: string }>("select table_name as name from duckdb_tables() where table_name like 'insight%' order by 1")).map((r) => r.name);
    const out: Record<string, unknown[]> = {};
    for (const name of names) {
      const rows = await db.all<Record<string, unknown>>(`select * from ${name} order by all`);
      out[name] = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)));
    }
    return out;
  }

  it('builds the same tables with two workers as with none: intents trained, fitted and predicted in the workers', async () => {
    const alone = await buildInsights(db, { now: TEST_NOW, workers: 0 });
    const one = await tables();
    const pooled = await buildInsights(db, { now: TEST_NOW, workers: 2 });
    const two = await tables();
    expect(Object.keys(one)).toEqual(expect.arrayContaining(['insight_intents', 'insight_topics', 'insight_emerging', 'insight_sentiment_messages']));
    // the demo labels most conversations and leaves some to the model, held-out ones scored by model A
    expect(alone.intents.predicted).toBeGreaterThan(0);
    expect(alone.intents.tested).toBeGreaterThan(0);
    expect(pooled.intents).toEqual(alone.intents);
    for (const name of Object.keys(one)) expect(two[name], name).toEqual(one[name]);
    expect(Object.keys(two)).toEqual(Object.keys(one));
  }, 240_000);
});
