/**
 * The monthly report's planning section on three hand-made weeks (as in
 * cli/commands/planning.test.ts): four conversations each weekday at 09:00, 09:15, 09:30
 * and 09:45, two on weekend days at 10:00 and 23:10; each handled 15 minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agent, conversation, customer, on, status } from '../testing/fixtures.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { addDays, weekdayOf } from '../planning/forecast.js';
import { planningMonth, renderPlanningBlock } from './planning-block.js';
import { parseNotebook } from './parse.js';
import { renderNotebook } from './render.js';

const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const text = (html: string) =>
  html
    .replace(/<svg[\s\S]*?<\/svg>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

let w: TestWarehouse;
beforeAll(async () => {
  const records = [];
  for (let i = 0; i < 21; i++) {
    const day = addDays('2026-11-01', i);
    const times = [0, 6].includes(weekdayOf(day)) ? ['10:00', '23:10'] : ['09:00', '09:15', '09:30', '09:45'];
    for (const [k, hhmm] of times.entries()) {
      const t = on(day)(hhmm);
      records.push(conversation(`${day}-${k}`, [customer(t), agent(plus(t, 5)), status(plus(t, 20), 'resolved')]));
    }
  }
  w = await testWarehouse({ records, build: true });
});
afterAll(() => w.close());

describe('the planning block', () => {
  it('plans the month holding the first day after the data, or the next when under a week is left', () => {
    expect(planningMonth('2026-11-22')).toEqual({ month: '2026-11', through: '2026-11-30' });
    expect(planningMonth('2026-11-25')).toEqual({ month: '2026-12', through: '2026-12-31' });
    expect(planningMonth('2026-12-01')).toEqual({ month: '2026-12', through: '2026-12-31' });
  });

  it('forecasts the rest of November and staffs the first week at concurrency 2–5', async () => {
    const out = text(await renderPlanningBlock(w.db, {}, 1));
    // 22–30 November: Sun 2, Mon–Fri 4 each, Sat 2, Sun 2, Mon 4 = 30; the first Monday is the busiest
    expect(out).toContain('Forecast for November 2026: 30 conversations, busiest on Monday 2026-11-23 ( 4 , 80 % interval 4–4)');
    // three weeks of data: too few for a 14-day backtest, so none is claimed
    expect(out).not.toContain('Backtest');
    expect(out).toContain('a handle time of 900 s (measured from the data)');
    // weekday 30-minute intervals hold 2 conversations: A = 2 × 900 / 1800 = 1 Erlang. At c = 3 one
    // agent (s = 3, SL 93 %) suffices, ⌈1 ÷ 0.7⌉ = 2; at c = 2, s = 2 reaches only 70.8 %, so N = 2, ⌈2 ÷ 0.7⌉ = 3.
    // Agent hours: c = 3, 2 intervals × 2 agents × ½ h on 5 weekdays + 2 × 2 × ½ on 2 weekend days = 14;
    // c = 2, 2 × 3 × ½ × 5 + 2 × 2 × ½ × 2 = 19.
    expect(out).toContain('2 at once 3 19.0');
    expect(out).toContain('3 at once 2 14.0');
    expect(out).toContain('5 at once 2 14.0');
  });

  it('sits in a notebook as a ```planning block with its options', async () => {
    const nb = parseNotebook('---\ntitle: Plan\n---\n## Planning\n\n```planning\nconcurrency: 2\nhandle_time: 900\n```\n', 'plan');
    const r = await renderNotebook(w.db, nb, {}, { fragment: true });
    expect(r.errors).toEqual([]);
    expect(text(r.html)).toContain('at 2 conversations at once, up to 3 agents');
    const bad = parseNotebook('---\ntitle: Plan\n---\n```planning\nconcurency: 2\n```\n', 'plan');
    expect(bad.blocks[0]!.problem).toMatch(/concurency/);
  });
});
