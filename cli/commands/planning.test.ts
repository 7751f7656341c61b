/**
 * `parley forecast` and `parley plan staffing` on three hand-made weeks: four conversations
 * on each weekday (09:00, 09:15, 09:30, 09:45 UTC), two on Saturday and Sunday (10:00 and
 * 23:10, so the last day, Saturday 21 November, is whole). Each conversation: customer at t,
 * agent at t + 5 min, resolved at t + 20 min.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';
import { agent, conversation, customer, on, status } from '../../testing/fixtures.js';
import { testWarehouse } from '../../testing/warehouse.js';
import { addDays, weekdayOf } from '../../planning/forecast.js';

const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

function records() {
  const out = [];
  for (let i = 0; i < 21; i++) {
    const day = addDays('2026-11-01', i);
    const weekend = [0, 6].includes(weekdayOf(day));
    const times = weekend ? ['10:00', '23:10'] : ['09:00', '09:15', '09:30', '09:45'];
    for (const [k, hhmm] of times.entries()) {
      const t = on(day)(hhmm);
      out.push(conversation(`${day}-${k}`, [customer(t), agent(plus(t, 5)), status(plus(t, 20), 'resolved')]));
    }
  }
  return out;
}

let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-planning-'));
  db = path.join(dir, 'w.duckdb');
  (await testWarehouse({ records: records(), build: true, path: db })).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley forecast', () => {
  it('prints { date, forecast, low, high } for the days after the last whole day', async () => {
    const r = await parley('forecast', '--horizon', '7d', '--format', 'json', '--db', db);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(7);
    rows.forEach((row) => expect(Object.keys(row)).toEqual(['date', 'forecast', 'low', 'high']));
    // the weekly pattern repeats exactly, so the interval is the forecast itself
    expect(rows[0]).toEqual({ date: '2026-11-22', forecast: 2, low: 2, high: 2 });
    expect(rows[1]).toEqual({ date: '2026-11-23', forecast: 4, low: 4, high: 4 });
  });

  it('by hour: { hour, forecast, low, high }, a weekday all in its 09:00 hour', async () => {
    const r = await parley('forecast', '--by', 'hour', '--horizon', '2d', '--format', 'json', '--db', db);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(48);
    expect(Object.keys(rows[0]!)).toEqual(['hour', 'forecast', 'low', 'high']);
    expect(rows[24 + 9]).toMatchObject({ hour: '2026-11-23T09:00:00.000Z', forecast: 4 });
    expect(rows[24 + 10]).toMatchObject({ hour: '2026-11-23T10:00:00.000Z', forecast: 0 });
    expect(rows[10]).toMatchObject({ hour: '2026-11-22T10:00:00.000Z', forecast: 1 });
  });

  it('--backtest prints both scores; a repeating week is forecast exactly', async () => {
    const r = await parley('forecast', '--backtest', '7d', '--format', 'json', '--db', db);
    expect(r.code).toBe(0);
    const b = JSON.parse(r.out);
    expect(b).toMatchObject({ days: 7, model: { mape: 0, mae: 0 }, seasonal_naive: { mape: 0, mae: 0 }, coverage: 1 });
    expect(b.rows[0]).toEqual({ date: '2026-11-15', actual: 2, forecast: 2, low: 2, high: 2, seasonal_naive: 2 });
    const table = await parley('forecast', '--backtest', '7d', '--db', db);
    expect(table.out).toContain('seasonal-naive  MAPE 0.0 %  MAE 0.0');
  });

  it('says what is missing', async () => {
    const none = await parley('forecast', '--channel', 'sms', '--db', db);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no conversations to forecast from/);
    const long = await parley('forecast', '--backtest', '14d', '--db', db);
    expect(long.code).toBe(1);
    expect(long.err).toMatch(/needs at least 28 whole days.*shorten --backtest/);
    expect((await parley('forecast', '--horizon', '3h', '--db', db)).code).toBe(2);
  });
});

describe('parley plan staffing', () => {
  // Monday 09:00–10:00: λ = 4/3600 s, h = 900 s → A = 1 Erlang; 80 % within 120 s.
  // s = 2: C = 1/3, SL = 1 − ⅓·e^(−120/900) = 0.7083; s = 3: C = 0.25 / 2.75 = 1/11,
  // SL = 1 − e^(−240/900)/11 = 0.9304 → N = 3, occupancy 1/3; ⌈3 ÷ 0.7⌉ = 5 with 30 % shrinkage.
  const monday9 = (rows: Record<string, unknown>[]) => rows.find((r) => r['interval'] === '2026-11-23T09:00:00.000Z');

  it('measures h from the data: 15 active minutes a conversation (agent reply to resolution)', async () => {
    const r = await parley('plan', 'staffing', '--interval', '1h', '--concurrency', '1', '--format', 'json', '--db', db);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(7 * 24);
    expect(Object.keys(rows[0]!)).toEqual(['interval', 'conversations', 'handle_time_s', 'agents', 'service_level', 'occupancy']);
    expect(monday9(rows)).toEqual({
      interval: '2026-11-23T09:00:00.000Z',
      conversations: 4,
      handle_time_s: 900,
      agents: 5,
      service_level: Math.round((1 - Math.exp(-240 / 900) / 11) * 1e4) / 1e4,
      occupancy: Math.round((1 / 3) * 1e4) / 1e4,
    });
  });

  it('--agents gives what that many reach; --concurrency 2 makes two agents four servers', async () => {
    const two = await parley('plan', 'staffing', '--interval', '1h', '--concurrency', '1', '--agents', '2', '--handle-time', '900', '--format', 'json', '--db', db);
    expect(monday9(JSON.parse(two.out))).toMatchObject({ agents: 2, service_level: Math.round((1 - Math.exp(-120 / 900) / 3) * 1e4) / 1e4, occupancy: 0.5 });
    // s = 4, A = 1: C(4, 1) = (1/24·4/3) / (1 + 1 + 1/2 + 1/6 + 1/18) = 1/49 → occupancy 1/4
    const c2 = await parley('plan', 'staffing', '--interval', '1h', '--concurrency', '2', '--agents', '2', '--handle-time', '900', '--format', 'json', '--db', db);
    expect(monday9(JSON.parse(c2.out))).toMatchObject({ service_level: Math.round((1 - Math.exp(-360 / 900) / 49) * 1e4) / 1e4, occupancy: 0.25 });
  });

  it('refuses bad option values', async () => {
    expect((await parley('plan', 'staffing', '--target', '120/80', '--db', db)).code).toBe(2);
    expect((await parley('plan', 'staffing', '--interval', '7m', '--db', db)).code).toBe(2);
    expect((await parley('plan', 'staffing', '--shrinkage', '1', '--db', db)).code).toBe(2);
  });
});
