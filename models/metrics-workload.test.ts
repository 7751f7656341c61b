import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, conversation, customer, horizon, on, status } from '../testing/fixtures.js';

const oct6 = on('2026-10-06');
const oct7 = on('2026-10-07');
const oct8 = on('2026-10-08');

let w: TestWarehouse;

beforeAll(async () => {
  w = await testWarehouse({
    records: [
      // a1 owns both (most human replies, no assignment); open spans [09:05, 09:40] and [09:30, 10:00]
      conversation('c1', [customer(oct6('09:00')), agent(oct6('09:05')), customer(oct6('09:20')), agent(oct6('09:25')), status(oct6('09:40'), 'resolved')]),
      conversation('c2', [customer(oct6('09:30')), agent(oct6('09:30')), status(oct6('10:00'), 'resolved')]),
      // b2's conversation is never resolved and runs across midnight
      conversation('c3', [customer(oct7('23:50')), agent(oct7('23:55'), 'b2'), customer(oct8('00:10'))]),
      horizon('2026-10-20T00:00:00Z'),
    ],
    build: true,
  });
});

afterAll(() => w.close());

const concurrency = (agentId: string) =>
  w.db.all(
    "select strftime(day, '%Y-%m-%d') as day, active_minutes, round(mean_concurrency, 4) as mean, peak_concurrency as peak from agent_concurrency_daily where agent_id = $1 order by day",
    [agentId],
  );

describe('concurrency', () => {
  it('counts owned open conversations with activity in the last 30 minutes, per minute, as mean and peak per agent-day', async () => {
    // c1 counts for 09:05–09:40 (its open span, every minute within 30 min of a message);
    // c2 for 09:30–10:00. Levels: 1 for 25 min, 2 for 10 min, 1 for 20 min → 55 active minutes,
    // mean (25 + 20 + 10 × 2) / 55 = 1.1818, peak 2.
    expect(await concurrency('a1')).toEqual([{ day: '2026-10-06', active_minutes: 55, mean: 1.1818, peak: 2 }]);
  });

  it('keeps an unresolved conversation open to the horizon, and splits its minutes at midnight', async () => {
    // c3 is open from the first reply at 23:55; messages at 23:50, 23:55 and 00:10 keep it active until 00:40.
    expect(await concurrency('b2')).toEqual([
      { day: '2026-10-07', active_minutes: 5, mean: 1, peak: 1 },
      { day: '2026-10-08', active_minutes: 40, mean: 1, peak: 1 },
    ]);
  });
});

describe('backlog', () => {
  const backlog = (channel: string) => w.db.all("select strftime(day, '%Y-%m-%d') as day, backlog from backlog_daily where channel = $1 order by day", [channel]);

  it('is the conversations opened and not yet resolved at the end of each day', async () => {
    const webchat = await backlog('webchat');
    // c1 and c2 open and resolve on the 6th; c3 opens on the 7th and stays open to the horizon on the 20th
    expect(webchat[0]).toEqual({ day: '2026-10-06', backlog: 0 });
    expect(webchat.slice(1).every((r) => r['backlog'] === 1)).toBe(true);
    expect(webchat.at(-1)).toEqual({ day: '2026-10-20', backlog: 1 });
    expect(webchat).toHaveLength(15);
  });

  it('has a row for every day and group, so a quiet day still shows what is waiting', async () => {
    const voice = await backlog('voice');
    expect(voice).toHaveLength(15);
    expect(voice.filter((r) => r['backlog'] === 1).map((r) => r['day'])).toEqual(['2026-10-20']);
  });
});
