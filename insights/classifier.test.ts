import { TEST_NOW } from '../testing/clock.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../warehouse/connection.js';
import { loadConfig } from '../models/config.js';
import { testWarehouse } from '../testing/warehouse.js';
import { createTrainer, evaluate, isHeldOut, predict } from './classifier.js';
import { buildInsights } from './build.js';
import { recordIntentCorrection } from './corrections.js';

describe('naive Bayes', () => {
  it('learns from labelled documents and predicts with a confidence', () => {
    const t = createTrainer(['refund', 'money', 'parcel', 'courier', 'late']);
    for (let i = 0; i < 5; i++) t.add(['refund', 'money'], 'refund');
    for (let i = 0; i < 5; i++) t.add(['parcel', 'courier', 'late'], 'delivery_delay');
    const model = t.finish();
    const p = predict(model, ['parcel', 'late', 'unknown-word']);
    expect(p.intent).toBe('delivery_delay');
    expect(p.confidence).toBeGreaterThan(0.9);
    expect(p.lowConfidence).toBe(false);
    // nothing known: the commonest intent, marked low-confidence
    expect(predict(model, ['zebra']).lowConfidence).toBe(true);
    // a document with one word of each is a coin toss
    expect(predict(model, ['refund', 'parcel']).lowConfidence).toBe(true);
  });

  it('splits deterministically', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `demo/c${i}`);
    const a = keys.filter((k) => isHeldOut(k, 7, 0.2));
    expect(keys.filter((k) => isHeldOut(k, 7, 0.2))).toEqual(a);
    expect(a.length).toBeGreaterThan(330);
    expect(a.length).toBeLessThan(470);
  });

  it('reports precision, recall, F1 and the confusion matrix', () => {
    const e = evaluate([
      { actual: 'a', predicted: 'a' },
      { actual: 'a', predicted: 'b' },
      { actual: 'b', predicted: 'b' },
      { actual: 'c', predicted: 'b' },
    ]);
    const b = e.perIntent.find((r) => r.intent === 'b')!;
    expect(b.precision).toBeCloseTo(1 / 3);
    expect(b.recall).toBe(1);
    expect(b.f1).toBeCloseTo(0.5);
    expect(e.perIntent.find((r) => r.intent === 'c')).toMatchObject({ precision: null, recall: 0, f1: 0 });
    expect(e.macroF1).toBeCloseTo((2 / 3 + 0.5 + 0) / 3);
    expect(e.accuracy).toBe(0.5);
    expect(e.confusion).toContainEqual({ actual: 'a', predicted: 'b', n: 1 });
  });
});

describe('intents in the warehouse: training, prediction and corrections', () => {
  let dir: string;
  let db: Warehouse;
  const conversation = (id: string, text: string, intent?: string) =>
    JSON.stringify({
      id,
      channel: 'webchat',
      created_at: '2026-03-02T10:00:00Z',
      customer: { id: `cus_${id}` },
      ...(intent ? { intent } : {}),
      messages: [
        { id: 'm1', at: '2026-03-02T10:00:00Z', author: { role: 'customer', name: 'Kim Berg' }, body: text },
        { id: 'm2', at: '2026-03-02T10:05:00Z', author: { role: 'agent', id: 'a1' }, body: 'Sorry about that, sorting it now.' },
      ],
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-intents-'));
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(conversation(`r${i}`, `I returned the jacket, where is my refund ${['please', 'now', 'today'][i % 3]}?`, 'refund'));
    for (let i = 0; i < 12; i++) lines.push(conversation(`d${i}`, `The parcel is late and the courier never came ${['again', 'today', 'yesterday'][i % 3]}.`, 'delivery_delay'));
    for (let i = 0; i < 12; i++) lines.push(conversation(`b${i}`, `My invoice shows a double charge, fix the invoice.`, 'billing'));
    // the only conversation mentioning a voucher is labelled refund by the platform
    lines.push(conversation('v1', 'My voucher was not applied to the invoice, Kim Berg kim@example.com', 'refund'));
    lines.push(conversation('u1', 'Where is my refund for the jacket?'));
    lines.push(conversation('u2', 'voucher'));
    writeFileSync(path.join(dir, 'c.jsonl'), lines.join('\n') + '\n');
    db = (await testWarehouse({ files: [path.join(dir, 'c.jsonl')], source: 't', build: loadConfig() })).db;
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const intents = async () =>
    Object.fromEntries(
      (
        await db.all<{ conversation_id: string; intent: string; intent_source: string; low_confidence: boolean }>(
          'select conversation_id, intent, intent_source, low_confidence from insight_intents',
        )
      ).map((r) => [r.conversation_id, r]),
    );

  it('labels unlabelled conversations with the model and keeps the platform labels', async () => {
    const summary = await buildInsights(db, { minDf: 1, minCount: 2, now: TEST_NOW });
    expect(summary.intents.trained).toBe(37);
    const i = await intents();
    expect(i['u1']).toMatchObject({ intent: 'refund', intent_source: 'model', low_confidence: false });
    expect(i['d3']).toMatchObject({ intent: 'delivery_delay', intent_source: 'label' });
    expect(i['u2']!.intent).toBe('refund');
    const report = await db.all('select * from insight_intent_report');
    expect(report.length).toBeGreaterThan(0);
    expect((await db.one<{ n: number }>('select count(*) as n from insight_intent_evaluation'))!.n).toBe(1);
    // no personal data became a term
    const leaked = await db.one<{ n: number }>("select count(*) as n from insight_conversation_terms where term like '%kim%' or term like '%berg%' or term like '%example%'");
    expect(leaked!.n).toBe(0);
  });

  it('keeps a reviewer correction, shows it as the intent and learns from it in the next build', async () => {
    await recordIntentCorrection(db, { at: TEST_NOW, source: 't', conversationId: 'v1', intent: 'billing', correctedBy: 'qa-reviewer-1' });
    await buildInsights(db, { minDf: 1, minCount: 2, now: TEST_NOW });
    const i = await intents();
    expect(i['v1']).toMatchObject({ intent: 'billing', intent_source: 'correction' });
    // "voucher" now belongs to billing, so the model moves u2 with it
    expect(i['u2']).toMatchObject({ intent: 'billing', intent_source: 'model' });
    // corrections survive the rebuild of every insight table
    expect((await db.one<{ n: number }>('select count(*) as n from insight_intent_corrections'))!.n).toBe(1);
  });
});
