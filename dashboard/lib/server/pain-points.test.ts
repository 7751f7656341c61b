/**
 * Period-correct pain points on a hand-made warehouse of two months whose
 * topic rates differ: a topic's CSAT in a month is that of its conversations
 * of that month, beside the CSAT of all of that month's conversations — not
 * the whole year's.
 *
 *   September: 20 refund conversations, all satisfied (5 of 5); 20 parcel ones, none (1 of 5).
 *   October:   20 refund, none satisfied; 20 parcel, all satisfied; 10 about opening hours, satisfied.
 *
 * So refund's CSAT is 100 % in September against 20/40 = 50 % for the month, and 0 % in
 * October against 30/50 = 60 %; over both months 20/40 = 50 % against 50/90.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInsights } from '../../../insights/build.js';
import { TEST_NOW } from '../../../testing/clock.js';
import { agent, conversation, csat, customer, on, status } from '../../../testing/fixtures.js';
import { testWarehouse } from '../../../testing/warehouse.js';
import type { Warehouse } from '../../../warehouse/connection.js';
import { loadPainPoints } from './pain-points.js';

let db: Warehouse;
beforeAll(async () => {
  const records: object[] = [];
  const add = (id: string, day: string, text: string, intent: string, score: number) => {
    const at = on(day);
    records.push(conversation(id, [customer(at('10:00'), text), agent(at('10:05')), status(at('10:10'), 'resolved'), csat(at('10:20'), score, [1, 5])], { intent }));
  };
  for (let i = 0; i < 20; i++) {
    add(`s-r${i}`, '2026-09-10', 'Where is my refund for the returned jacket?', 'refund', 5);
    add(`s-p${i}`, '2026-09-10', 'The parcel is late and the courier never came.', 'delivery_delay', 1);
    add(`o-r${i}`, '2026-10-10', 'Where is my refund for the returned jacket?', 'refund', 1);
    add(`o-p${i}`, '2026-10-10', 'The parcel is late and the courier never came.', 'delivery_delay', 5);
  }
  for (let i = 0; i < 10; i++) add(`o-q${i}`, '2026-10-12', 'What are your opening hours on Sunday?', 'product_question', 5);
  // reader connections as the server has them: a read leaves the data generation (and the page's cache) as it is
  db = (await testWarehouse({ records, build: true, readers: 2 })).db;
  await buildInsights(db, { minDf: 2, minCount: 5, now: TEST_NOW });
});
afterAll(() => db?.close());

const topicOf = async (term: string) => (await db.one<{ topic_id: number }>('select topic_id from insight_topics where list_contains(terms, $1)', [term]))!.topic_id;

describe('pain points of a period', () => {
  it("gives each (topic, month) the rates of the topic's conversations that month beside the same month's rates", async () => {
    const refund = await topicOf('refund');
    const rows = await db.all<Record<string, unknown>>(
      'select month, conversations, month_conversations, share, csat_rate, csat_rate_all from insight_topic_months where topic_id = $1 order by month',
      [refund],
    );
    expect(rows).toEqual([
      { month: '2026-09', conversations: 20, month_conversations: 40, share: 0.5, csat_rate: 1, csat_rate_all: 0.5 },
      { month: '2026-10', conversations: 20, month_conversations: 50, share: 0.4, csat_rate: 0, csat_rate_all: 0.6 },
    ]);
    const parcel = await topicOf('parcel');
    expect(await db.one('select csat_rate, csat_rate_all from insight_topic_months where topic_id = $1 and month = $2', [parcel, '2026-09'])).toEqual({
      csat_rate: 0,
      csat_rate_all: 0.5,
    });
  });

  it('opens on the latest month with data, and shows the whole span under "all"', async () => {
    const latest = await loadPainPoints(db, undefined);
    expect(latest!.period).toBe('2026-10');
    expect(latest!.conversations).toBe(50);
    // kept until the data change: a load in between reads nothing
    expect(await loadPainPoints(db, undefined)).toBe(latest);
    const refund = latest!.topics.find((t) => t.labels.includes('refund'))!;
    expect(refund).toMatchObject({ conversations: 20, share: 0.4, csat_rate: 0, csat_rate_all: 0.6 });
    // a trend line over the months up to the period
    expect(refund.trendSvg).toMatch(/^<svg/);
    expect(refund.trendText).toBe('2026-09 50.0%, 2026-10 40.0%');

    const september = await loadPainPoints(db, '2026-09');
    expect(september!.topics.find((t) => t.labels.includes('refund'))).toMatchObject({ conversations: 20, share: 0.5, csat_rate: 1, csat_rate_all: 0.5 });
    expect(september!.topics.some((t) => t.labels.includes('opening'))).toBe(false);

    const all = await loadPainPoints(db, 'all');
    expect(all!.period).toBe('all');
    expect(all!.conversations).toBe(90);
    const whole = all!.topics.find((t) => t.labels.includes('refund'))!;
    expect(whole.csat_rate).toBe(0.5);
    expect(whole.csat_rate_all).toBeCloseTo(50 / 90, 10);
  });
});
