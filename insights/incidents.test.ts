import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../warehouse/connection.js';
import { loadConfig } from '../models/config.js';
import { testWarehouse } from '../testing/warehouse.js';
import { generateDemo, demoIncidentWindows } from '../demo/generate.js';
import { buildInsights, type InsightSummary } from './build.js';
import { TEST_NOW } from '../testing/clock.js';

const END = new Date('2026-11-01T00:00:00Z');

describe('on the demo warehouse', () => {
  let dir: string;
  let db: Warehouse;
  let summary: InsightSummary;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-insights-demo-'));
    const demo = await generateDemo({ conversations: 20_000, seed: 3, end: END, outDir: dir });
    db = (await testWarehouse({ files: demo.files, source: 'demo', build: loadConfig() })).db;
    summary = await buildInsights(db, { now: TEST_NOW });
  }, 120_000);
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds each planted incident as an emerging topic in its month, named by its words', async () => {
    const windows = demoIncidentWindows(END);
    expect(windows.length).toBe(2);
    for (const w of windows) {
      const month = w.start.toISOString().slice(0, 7);
      const rows = await db.all<{ label: string; conversations: number }>("select label, conversations from insight_emerging where kind = 'topic' and month = $1", [month]);
      const words = w.phrases.flatMap((p) => p.toLowerCase().split(' '));
      const hit = rows.find((r) => words.some((word) => r.label.includes(word)));
      expect(hit, `${w.key} in ${month}: ${JSON.stringify(rows)}`).toBeDefined();
    }
  });

  it('finds nothing of the incidents outside their months', async () => {
    const rows = await db.all<{ month: string; label: string }>("select month, label from insight_emerging where label like '%502%' or label like '%depot%'");
    const months = new Set(demoIncidentWindows(END).map((w) => w.start.toISOString().slice(0, 7)));
    for (const r of rows) expect(months.has(r.month), JSON.stringify(r)).toBe(true);
  });

  it('reports the held-out macro F1 and labels every conversation', async () => {
    expect(summary.intents.macroF1).toBeGreaterThan(0.8);
    const row = await db.one<{ missing: number; f1: number }>(
      'select (select count(*) from insight_intents where intent is null) as missing, (select macro_f1 from insight_intent_evaluation) as f1',
    );
    expect(row!.missing).toBe(0);
    expect(row!.f1).toBeCloseTo(summary.intents.macroF1!, 10);
  });

  it('gives topics their rates and masked examples without customer identities', async () => {
    const topics = await db.all<{ fcr_rate: number | null; conversations: number }>('select * from insight_topics');
    expect(topics.length).toBeGreaterThan(5);
    const examples = await db.all<{ text: string }>('select text from insight_topic_examples');
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(e.text).not.toMatch(/@[a-z]|\+?\d[\d ]{8,}\d|cus_/i);
    const sentiment = await db.one<{ n: number; risk: number }>('select count(*) as n, count(*) filter (where sentiment_risk) as risk from insight_sentiment_conversations');
    expect(sentiment!.risk).toBeGreaterThan(0);
    expect(sentiment!.risk).toBeLessThan(sentiment!.n);
  });
});
