/**
 * Hand-worked cases for the summary (models/summary.ts): rates with their
 * bases, quantile_cont medians and 90th percentiles, MIN_GROUP_SIZE (10),
 * months in the configured time zone, and snapshots replaced by later ones.
 */
import { TEST_NOW } from '../testing/clock.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFiles } from '../ingest/load.js';
import { buildModels } from './build.js';
import { parseConfig } from './config.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, assign, bot, conversation, csat, customer, horizon, status, type Item } from '../testing/fixtures.js';

/** 2026-10-06T09:00:00Z plus `s` seconds. */
const t = (s: number) => new Date(Date.parse('2026-10-06T09:00:00Z') + s * 1000).toISOString();

type Outcome = 'resolved' | 'reopened' | 'open';
type Assignment = 'none' | 'a1' | 'a1→a2' | 'Billing→a1';

/** An email conversation: customer at 0 s, bot at 30 s, the agent after `wait` s (null: never), resolution at 2 h, csat at 3.5 h. */
function emailCase(id: string, wait: number | null, outcome: Outcome, assignment: Assignment, score: number): object {
  const items: Item[] = [customer(t(0)), bot(t(30))];
  if (assignment === 'a1') items.push(assign(t(10), { agent_id: 'a1' }));
  if (assignment === 'a1→a2') items.push(assign(t(10), { agent_id: 'a1' }), assign(t(20), { agent_id: 'a2' }));
  if (assignment === 'Billing→a1') items.push(assign(t(10), { team: 'Billing' }), assign(t(20), { agent_id: 'a1' }));
  if (wait !== null) items.push(agent(t(wait), assignment === 'a1→a2' ? 'a2' : 'a1'));
  items.push(status(t(7200), outcome === 'open' ? 'pending' : 'resolved'));
  if (outcome === 'reopened') items.push(customer(t(9000)), status(t(10800), 'resolved'));
  items.push(csat(t(12600), score));
  return conversation(id, items, { channel: 'email' });
}

const smsCase = (id: string, createdAt: string) =>
  conversation(
    id,
    [customer(createdAt), agent(new Date(Date.parse(createdAt) + 600_000).toISOString()), status(new Date(Date.parse(createdAt) + 1_200_000).toISOString(), 'resolved')],
    {
      channel: 'sms',
    },
  );

describe('summary rates and distributions', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        //        id     wait  outcome      assignment     csat
        emailCase('e01', 60, 'resolved', 'a1', 5),
        emailCase('e02', 60, 'resolved', 'a1', 4),
        emailCase('e03', 120, 'resolved', 'a1→a2', 3),
        emailCase('e04', 180, 'reopened', 'a1', 5),
        emailCase('e05', 300, 'resolved', 'a1', 5),
        emailCase('e06', 300, 'resolved', 'a1', 1),
        emailCase('e07', 600, 'resolved', 'Billing→a1', 4),
        emailCase('e08', 900, 'open', 'a1', 2),
        emailCase('e09', 1800, 'resolved', 'a1', 5),
        emailCase('e10', 3600, 'resolved', 'a1→a2', 5),
        emailCase('e11', null, 'resolved', 'none', 4), // contained
        emailCase('e12', null, 'reopened', 'none', 3), // bot only, but reopened
        // resolved on 25 Oct: their 7-day windows reach past the horizon (30 Oct)
        conversation('e13', [customer('2026-10-25T10:00:00Z'), status('2026-10-25T10:30:00Z', 'resolved')], { channel: 'email' }),
        conversation('e14', [customer('2026-10-25T10:00:00Z'), status('2026-10-25T10:30:00Z', 'resolved')], { channel: 'email' }),
        smsCase('m1', '2026-09-30T23:30:00Z'), // 01:30 on 1 Oct in Berlin
        smsCase('m2', '2026-09-30T23:30:00+02:00'), // 21:30Z, still 30 Sep in Berlin
        smsCase('s3', '2026-10-06T09:00:00Z'),
        horizon('2026-10-30T12:00:00Z'),
      ],
      build: { timezone: 'Europe/Berlin' },
    });
  });
  afterAll(() => w.close());

  const group = async (channel: string) => (await w.summary(['channel'])).find((r) => r.channel === channel)!;

  it('counts conversations, customer messages and resolved conversations', async () => {
    // 12 + 2 reopening messages (e04, e12) + e13 + e14; e08 is the one left pending
    expect(await group('email')).toMatchObject({ conversations: 14, customer_messages: 16, resolved_conversations: 13 });
  });

  it('computes rates over their own denominators in a group of at least 10', async () => {
    const email = await group('email');
    expect(email).toMatchObject({ reopen_rate_base: 13, transfer_rate_base: 10, containment_rate_base: 12, csat_rate_base: 12 });
    expect(email.reopen_rate).toBeCloseTo(2 / 13); // e04, e12
    expect(email.transfer_rate).toBeCloseTo(2 / 10); // e03, e10; e07 is routing, e11–e14 unassigned
    expect(email.containment_rate).toBeCloseTo(1 / 12); // e11 only: e12 was reopened
    expect(email.csat_rate).toBeCloseTo(8 / 12); // 4s and 5s: e01 e02 e04 e05 e07 e09 e10 e11
    expect(email.csat_score_mean).toBeCloseTo(850 / 12); // 100+75+50+100+100+0+75+25+100+100+75+50
  });

  it('leaves open 7-day windows out of the fcr_rate denominator', async () => {
    const email = await group('email');
    expect(email.fcr_rate_base).toBe(11); // 13 resolved − e13, e14 (windows open)
    expect(email.fcr_rate).toBeCloseTo(7 / 11); // 11 − reopened e04 − transferred e03, e10 − reopened e12
    expect((await w.metrics('e13')).fcr).toBeNull();
  });

  it('gives the median and 90th percentile by linear interpolation (quantile_cont)', async () => {
    const email = await group('email');
    // first_response_s, sorted: 60 60 120 180 300 300 600 900 1800 3600 (e11–e14 have no human reply)
    expect(email.first_response_s_median).toBe(300); // position 4.5 of 0..9: (300 + 300) / 2
    expect(email.first_response_s_p90).toBeCloseTo(1980); // position 8.1: 1800 + 0.1 × (3600 − 1800)
    expect(email.first_response_s_mean).toBe(792); // 7920 / 10
    expect(email).toMatchObject({ first_response_any_s_median: 30, first_response_any_s_p90: 30 }); // the bot, every time
    expect(email.reopens_mean).toBeCloseTo(2 / 14);
  });

  it('shows counts but no rates or statistics for a group below 10', async () => {
    const sms = await group('sms');
    expect(sms).toMatchObject({ conversations: 3, resolved_conversations: 3, reopen_rate_base: 3, fcr_rate_base: 3 });
    expect(sms).toMatchObject({ reopen_rate: null, fcr_rate: null, first_response_s_median: null, first_response_s_p90: null, first_response_s_mean: null });
  });

  it('counts small groups in the overall summary', async () => {
    const [all] = await w.summary();
    expect(all).toMatchObject({ conversations: 18, fcr_rate_base: 14 });
    expect(all!.fcr_rate).toBeCloseTo(10 / 14); // email 7 + sms 3
  });

  it('reads the month in the configured time zone', async () => {
    expect((await w.metrics('m1')).month).toBe('2026-10');
    expect((await w.metrics('m2')).month).toBe('2026-09');
    const months = await w.summary(['month']);
    expect(months.map((r) => [r.month, r.conversations])).toEqual([
      ['2026-09', 1],
      ['2026-10', 17],
    ]);
  });

  it('groups by owner agent', async () => {
    const a2 = (await w.summary(['agent'])).find((r) => r.agent === 'a2');
    expect(a2?.conversations).toBe(2); // e03 and e10 were transferred to a2
  });
});

describe('snapshots replaced by later ones', () => {
  const first = conversation('snap', [
    customer('2026-10-06T09:00:00Z'),
    customer('2026-10-06T09:01:00Z'),
    agent('2026-10-06T09:30:00Z'),
    status('2026-10-06T09:40:00Z', 'resolved'),
  ]);
  const second = conversation('snap', [
    customer('2026-10-06T09:00:00Z'),
    agent('2026-10-06T09:05:00Z'),
    status('2026-10-06T09:40:00Z', 'resolved'),
    customer('2026-10-06T10:00:00Z'),
  ]);

  it('keeps the later line when one file holds the same conversation twice', async () => {
    const w = await testWarehouse({ records: [first, second], build: true });
    expect(await w.metrics('snap')).toMatchObject({ customer_messages: 2, first_response_s: 300, reopens: 1 });
    expect((await w.summary())[0]?.conversations).toBe(1);
    w.close();
  });

  it('replaces the whole conversation when a later load brings it again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-snap-'));
    const { db } = await testWarehouse();
    try {
      const config = parseConfig({});
      const load = async (name: string, record: object) => {
        const file = path.join(dir, name);
        writeFileSync(file, JSON.stringify(record) + '\n');
        await loadFiles(db, [{ file }], { now: TEST_NOW });
        await buildModels(db, config, { now: TEST_NOW });
        return db.one("select * from conversation_metrics where conversation_id = 'snap'");
      };
      expect(await load('day1.jsonl', first)).toMatchObject({ customer_messages: 2, first_response_s: 1800, reopens: 0 });
      expect(await load('day2.jsonl', second)).toMatchObject({ customer_messages: 2, first_response_s: 300, reopens: 1 }); // 09:01 message gone
      expect(await db.one('select count(*) as n from conversation_metrics')).toEqual({ n: 1 });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
