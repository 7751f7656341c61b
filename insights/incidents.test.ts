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
import { tokenize } from './text.js';

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

  // what names an incident: its phrases as the generator writes them
  const incidentRe = (w: { phrases: readonly string[] }) => new RegExp(w.phrases.map((p) => p.toLowerCase()).join('|'));

  it('finds each planted incident as exactly one emerging item in its month, named by its words, its nested phrases listed under it', async () => {
    const windows = demoIncidentWindows(END);
    expect(windows.length).toBe(2);
    for (const w of windows) {
      const month = w.start.toISOString().slice(0, 7);
      const rows = await db.all<{ label: string; variants: string[] }>('select label, variants from insight_emerging where month = $1', [month]);
      const hits = rows.filter((r) => incidentRe(w).test([r.label, ...r.variants].join(' | ')));
      expect(hits.length, `${w.key} in ${month}: ${JSON.stringify(rows)}`).toBe(1);
      expect(hits[0]!.label).toMatch(incidentRe(w));
    }
    // the payment outage's nested phrases are one item: 502, code 502 and error code 502 come out together
    const outage = windows.find((w) => w.key === 'payment_outage')!;
    const item = await db.one<{ label: string; variants: string[] }>("select label, variants from insight_emerging where month = $1 and (label like '%502%')", [
      outage.start.toISOString().slice(0, 7),
    ]);
    expect([item!.label, ...item!.variants]).toEqual(expect.arrayContaining(['502', 'code 502', 'error code 502']));
  });

  it('finds nothing of the incidents outside their months, and no other item in their months', async () => {
    const windows = demoIncidentWindows(END);
    const rows = await db.all<{ month: string; label: string; variants: string[] }>('select month, label, variants from insight_emerging');
    const related = rows.filter((r) => windows.some((w) => incidentRe(w).test([r.label, ...r.variants].join(' | '))));
    expect(related.map((r) => r.month).sort()).toEqual(windows.map((w) => w.start.toISOString().slice(0, 7)).sort());
    expect(rows.length, JSON.stringify(rows)).toBe(2);
  });

  it('names topics and emerging items by words customers wrote: no placeholder, no stem that is not a word', async () => {
    const written = new Set<string>();
    for (const r of await db.all<{ body: string }>("select body from raw_messages where author_role = 'customer'")) for (const t of tokenize(r.body)) written.add(t);
    const labels = [
      ...(await db.all<{ l: string }>('select unnest(list_prepend(name, labels)) as l from insight_topics')),
      ...(await db.all<{ l: string }>('select unnest(list_prepend(label, variants)) as l from insight_emerging')),
    ].map((r) => r.l);
    expect(labels.length).toBeGreaterThan(20);
    for (const label of labels) {
      expect(label).not.toMatch(/\[|\]/);
      for (const word of label.split(' ')) expect(written.has(word), `"${word}" of "${label}"`).toBe(true);
    }
    // masking leftovers are no topic's words ("card ending [card]")
    expect(labels.filter((l) => /\bending\b/.test(l))).toEqual([]);
    // near-duplicate topics are one: no two topics share their name
    const names = (await db.all<{ name: string }>('select name from insight_topics')).map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
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
