/**
 * Topic names are phrases customers write in the topic's own sense.
 *
 * The warehouse: 40 billing conversations about a payment card (four
 * wordings, 10 each: "card" is the billing conversations' word), 20 delivery conversations that also say "card" —
 * "there is no card in the letterbox" — 40 about a late parcel and 30 about a
 * password reset. "card in the letterbox" is the commonest phrase holding
 * "card" (20 of its 60 conversations), but every one of them is a delivery
 * conversation, while two thirds of the card conversations are billing: the
 * intent mixes overlap by 20/60 = 0.33, under {@link SENSE_OVERLAP} (0.4), so
 * it does not name the card topic (though the letterbox's words are the
 * topic's terms: 20 of the card's 60 conversations, Jaccard 0.33). The
 * billing wordings (10 of 60 = 17 % ≥ 15 %, overlap 40/60 = 0.67) are topics
 * of their own, and another topic's term never names a topic: the card topic
 * is named by its seed, "card".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { agent, conversation, customer, on } from '../testing/fixtures.js';
import { testWarehouse } from '../testing/warehouse.js';
import type { Warehouse } from '../warehouse/connection.js';
import { buildInsights } from './build.js';
import { SENSE_OVERLAP, sameSense } from './topics.js';

const BILLING = ['Is my card blocked?', 'My card was declined.', 'This card payment looks wrong.', 'I lost my card.'];

let db: Warehouse;
beforeAll(async () => {
  const records: object[] = [];
  const at = on('2026-10-10');
  const add = (id: string, text: string, intent: string) => records.push(conversation(id, [customer(at('10:00'), text), agent(at('10:05'))], { intent }));
  for (let i = 0; i < 40; i++) add(`b${i}`, BILLING[i % 4]!, 'billing');
  for (let i = 0; i < 20; i++) add(`l${i}`, 'Nobody rang the bell and there is no card in the letterbox.', 'delivery_delay');
  for (let i = 0; i < 40; i++) add(`p${i}`, 'The parcel is late and the courier never came.', 'delivery_delay');
  for (let i = 0; i < 30; i++) add(`a${i}`, 'The password reset link has expired.', 'account_access');
  db = (await testWarehouse({ records, build: true })).db;
  await buildInsights(db, { minDf: 2, minCount: 5, now: TEST_NOW });
}, 60_000);
afterAll(() => db?.close());

describe('topic names', () => {
  it('are not a phrase that uses the seed word in another sense ("card in the letterbox" for a topic of card payments)', async () => {
    const card = await db.one<{ name: string; conversations: number }>("select name, conversations from insight_topics where topic_key = 'card'");
    expect(card).toBeDefined();
    expect(card!.conversations).toBe(60);
    expect(card!.name).not.toMatch(/letterbox/);
    // the billing phrases holding "card" (10 conversations each, 17 % ≥ 15 %) are topics of their own
    // ("card blocked", "lost my card", …), so no name of the card topic: it is named by its seed
    expect(card!.name).toBe('card');
    const names = (await db.all<{ name: string }>('select name from insight_topics')).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['card', 'card blocked', 'card was declined', 'lost my card']));
    expect(names.length).toBe(new Set(names).size);
  });

  it('tell senses apart by the overlap of the intent mixes', () => {
    expect(SENSE_OVERLAP).toBe(0.4);
    const card = new Map([
      ['billing', 40],
      ['delivery_delay', 20],
    ]);
    // 0 + min(1, 20/60) = 0.33
    expect(sameSense(new Map([['delivery_delay', 20]]), card)).toBe(false);
    // min(1, 40/60) = 0.67
    expect(sameSense(new Map([['billing', 10]]), card)).toBe(true);
    // 0.5 × … : min(0.5, 0.67) + min(0.5, 0.33) = 0.83
    expect(
      sameSense(
        new Map([
          ['billing', 5],
          ['delivery_delay', 5],
        ]),
        card,
      ),
    ).toBe(true);
    // exactly at the threshold: min(0.4, 0.4) + min(0.6, 0) = 0.4
    expect(
      sameSense(
        new Map([
          ['a', 4],
          ['c', 6],
        ]),
        new Map([
          ['a', 4],
          ['b', 6],
        ]),
      ),
    ).toBe(true);
    // no intents on either side: nothing tells the senses apart
    expect(sameSense(undefined, card)).toBe(true);
    expect(sameSense(new Map(), card)).toBe(true);
  });

  it("show each wording once among a topic's examples", async () => {
    const examples = async (key: string) =>
      (await db.all<{ text: string }>('select e.text from insight_topic_examples e join insight_topics t using (topic_id) where t.topic_key = $1 order by e.rank', [key])).map(
        (r) => r.text,
      );
    // the 40 parcel conversations all wrote the same: one example
    expect(await examples('courier')).toEqual(['The parcel is late and the courier never came.']);
    // the card topic's conversations wrote five things: the letterbox first (it mentions most of the topic's terms), then the four billing wordings
    const card = await examples('card');
    expect(card[0]).toBe('Nobody rang the bell and there is no card in the letterbox.');
    expect([...card].sort()).toEqual(['Nobody rang the bell and there is no card in the letterbox.', ...BILLING].sort());
  });
});
