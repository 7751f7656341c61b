/**
 * The intent review list: a conversation the model cannot place (one word of
 * each of two intents) is listed; one click records the reviewer's intent,
 * and the next insights build shows it as the intent, off the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../../accounts/index.js';
import { buildInsights } from '../../../insights/build.js';
import { TEST_NOW } from '../../../testing/clock.js';
import { agent, conversation, customer, on } from '../../../testing/fixtures.js';
import { testWarehouse } from '../../../testing/warehouse.js';
import type { Warehouse } from '../../../warehouse/connection.js';
import { correctIntentFromForm, intentReview } from './intent-review.js';

let db: Warehouse;
const at = on('2026-10-06');
beforeAll(async () => {
  const records: object[] = [];
  for (let i = 0; i < 12; i++) records.push(conversation(`r${i}`, [customer(at('09:00'), 'Where is my refund?'), agent(at('09:05'))], { intent: 'refund' }));
  for (let i = 0; i < 12; i++) records.push(conversation(`p${i}`, [customer(at('09:00'), 'Where is my parcel?'), agent(at('09:05'))], { intent: 'delivery_delay' }));
  // no label, one word of each intent: a coin toss for the model; the name is masked in the list
  records.push(conversation('u1', [customer(at('09:00'), 'Refund or parcel? Kim Berg', { author: { role: 'customer', name: 'Kim Berg' } }), agent(at('09:05'))]));
  // reader connections as the server has them: a read leaves the data generation (and the list's cache) as it is
  db = (await testWarehouse({ records, build: true, readers: 2 })).db;
  await buildInsights(db, { minDf: 1, minCount: 2, now: TEST_NOW });
});
afterAll(() => db?.close());

const reviewer = { username: 'reviewer', role: 'reviewer' } as Account;

describe('the intent review list', () => {
  it('lists the low-confidence prediction with its masked first message, and records a one-click correction that the next build applies', async () => {
    const before = await intentReview(db);
    expect(before!.items.map((i) => i.conversation_id)).toEqual(['u1']);
    expect(before!.items[0]!.text).toBe('Refund or parcel? [name] [name]');
    expect(before!.intents).toEqual(['delivery_delay', 'refund']);
    // kept until the data change: a load in between reads nothing
    expect(await intentReview(db)).toBe(before);

    const form = new FormData();
    form.set('conversationId', 'u1');
    form.set('intent', 'delivery_delay');
    const source = (await db.one<{ source: string }>("select source from insight_intents where conversation_id = 'u1'"))!.source;
    form.set('source', source);
    expect(await correctIntentFromForm(db, reviewer, form, TEST_NOW)).toMatchObject({ ok: true });
    expect((await intentReview(db))!.items[0]).toMatchObject({ conversation_id: 'u1', corrected: 'delivery_delay', corrected_by: 'reviewer' });

    await buildInsights(db, { minDf: 1, minCount: 2, now: TEST_NOW });
    expect(await db.one("select intent, intent_source from insight_intents where conversation_id = 'u1'")).toEqual({ intent: 'delivery_delay', intent_source: 'correction' });
    expect((await intentReview(db))!.items).toEqual([]);
  });

  it('refuses a form without an intent or for an unknown conversation, in one line', async () => {
    const form = new FormData();
    form.set('source', 'x');
    form.set('conversationId', 'nope');
    expect(await correctIntentFromForm(db, reviewer, form, TEST_NOW)).toEqual({ ok: false, message: 'Pick an intent for the conversation.' });
    form.set('intent', 'refund');
    expect(await correctIntentFromForm(db, reviewer, form, TEST_NOW)).toMatchObject({ ok: false, message: expect.stringMatching(/^no conversation x\/nope/) });
  });
});
