import { describe, expect, it } from 'vitest';
import { addDays, backtest, fitDaily, forecastDays, forecastSlots, intradayProfile, theilSen, type DayCount } from './forecast.js';

/** `weeks` weeks of days from `start`, each count from `f(dayIndex, weekday)`. */
function series(start: string, days: number, f: (i: number, weekday: number) => number): DayCount[] {
  return Array.from({ length: days }, (_, i) => {
    const date = addDays(start, i);
    return { date, count: f(i, new Date(`${date}T00:00:00Z`).getUTCDay()) };
  });
}

// Sunday … Saturday, mean 1
const WEEKLY = [0.4, 1.3, 1.2, 1.1, 1.1, 1.2, 0.7];

describe('the daily model', () => {
  it('recovers a known weekly profile and trend (100 + i conversations a day, deseasonalised)', () => {
    // ten weeks from Monday 2026-01-05; the default window is the last eight (day 14 on)
    const days = series('2026-01-05', 70, (i, w) => (100 + i) * WEEKLY[w]!);
    const model = fitDaily(days);
    expect(model.start).toBe('2026-01-19');
    model.weekday.forEach((factor, w) => expect(factor).toBeCloseTo(WEEKLY[w]!, 2));
    expect(model.slope).toBeCloseTo(1, 2);
    expect(model.level).toBeCloseTo(114, 0);
    // day 70 is Monday 2026-03-16: (100 + 70) × 1.3 = 221; day 76, Sunday: 176 × 0.4 = 70.4
    const next = forecastDays(model, 7);
    expect(next[0]!.date).toBe('2026-03-16');
    expect(next[0]!.forecast).toBeCloseTo(221, 0);
    expect(next[6]!.forecast).toBeCloseTo(70.4, 0);
  });

  it('is not moved by a one-off spike or a holiday', () => {
    const days = series('2026-01-05', 70, (i, w) => (100 + i) * WEEKLY[w]!);
    days[50]!.count *= 5; // an incident on a Thursday
    days[36]!.count = 0; // a public holiday on a Wednesday
    const model = fitDaily(days);
    model.weekday.forEach((factor, w) => expect(factor).toBeCloseTo(WEEKLY[w]!, 1));
    expect(model.slope).toBeCloseTo(1, 1);
    expect(forecastDays(model, 1)[0]!.forecast).toBeGreaterThan(221 * 0.97);
    expect(forecastDays(model, 1)[0]!.forecast).toBeLessThan(221 * 1.03);
  });

  it('Theil–Sen takes the median slope, so one outlier does not tilt the line', () => {
    expect(theilSen([0, 1, 2, 3, 4], [1, 3, 5, 7, 100])).toEqual({ intercept: 1, slope: 2 });
  });

  it('needs two weeks of history', () => {
    expect(() => fitDaily(series('2026-01-05', 13, () => 5))).toThrow(/at least 14 whole days/);
  });
});

describe('the intraday split', () => {
  it("takes each weekday's trimmed mean share per slot, dropping the extremes", () => {
    // four Mondays with shares (¼, ¾), (½, ½), (¼, ¾), (0, 1) over two slots: dropping the lowest
    // and highest of each slot leaves (¼, ¼) and (¾, ¾)
    const days = [
      { date: '2026-11-02', count: 4 },
      { date: '2026-11-09', count: 8 },
      { date: '2026-11-16', count: 40 },
      { date: '2026-11-23', count: 3 },
    ];
    const slots = [
      { date: '2026-11-02', slot: 0, count: 1 },
      { date: '2026-11-02', slot: 1, count: 3 },
      { date: '2026-11-09', slot: 0, count: 4 },
      { date: '2026-11-09', slot: 1, count: 4 },
      { date: '2026-11-16', slot: 0, count: 10 },
      { date: '2026-11-16', slot: 1, count: 30 },
      { date: '2026-11-23', slot: 1, count: 3 },
    ];
    const profile = intradayProfile(slots, days, 2);
    expect(profile[1]).toEqual([0.25, 0.75]);
    // a weekday without volume splits evenly
    expect(profile[3]).toEqual([0.5, 0.5]);
  });

  it('does not pile sparse days into a few slots: one conversation a day, each Tuesday in another slot', () => {
    const days = ['2026-11-03', '2026-11-10', '2026-11-17'].map((date) => ({ date, count: 1 }));
    const slots = days.map((d, k) => ({ date: d.date, slot: k, count: 1 }));
    expect(intradayProfile(slots, days, 3)[2]).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('splits each forecast day into slots that add up to it', () => {
    const days = series('2026-11-01', 28, (_, w) => (w === 0 ? 10 : 20));
    const slots = days.flatMap((d) => [
      { date: d.date, slot: 0, count: d.count / 2 },
      { date: d.date, slot: 1, count: d.count / 2 },
    ]);
    const model = fitDaily(days);
    const out = forecastSlots(model, 7, slots, days, 2);
    expect(out).toHaveLength(14);
    expect(out[0]!.date).toBe('2026-11-29');
    expect(out[0]!.forecast + out[1]!.forecast).toBeCloseTo(10, 9);
    expect(out[2]!.forecast).toBeCloseTo(10, 9);
  });
});

describe('the backtest', () => {
  // Three weeks from Sunday 2026-11-01 of 10, 20, 20, 20, 20, 20, 10, the third with a spike
  // of 60 on its Thursday; then a held-out week. The model's weekday medians ignore the spike,
  // so it forecasts 10, 20, 20, 20, 20, 20, 10; seasonal-naive repeats the last week, spike included.
  const week = [10, 20, 20, 20, 20, 20, 10];
  const train = series('2026-11-01', 21, (i) => (i === 18 ? 60 : week[i % 7]!));
  const actual = [12, 21, 18, 19, 25, 22, 0];
  const history = [...train, ...actual.map((count, k) => ({ date: addDays('2026-11-22', k), count }))];

  it('scores model and seasonal-naive on the held-out days (MAPE leaves out days with none)', () => {
    const b = backtest(history, 7);
    expect(b.rows.map((r) => r.date)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28']);
    b.rows.forEach((r, k) => expect(r.forecast).toBeCloseTo(week[k]!, 9));
    expect(b.rows.map((r) => r.seasonal_naive)).toEqual([10, 20, 20, 20, 60, 20, 10]);
    // model errors 2, 1, 2, 1, 5, 2, 10; seasonal-naive the same but 35 on Thursday
    expect(b.model.mae).toBeCloseTo(23 / 7, 9);
    expect(b.seasonalNaive.mae).toBeCloseTo(53 / 7, 9);
    const shared = 2 / 12 + 1 / 21 + 2 / 18 + 1 / 19 + 2 / 22;
    expect(b.model.mape!).toBeCloseTo((shared + 5 / 25) / 6, 9);
    expect(b.seasonalNaive.mape!).toBeCloseTo((shared + 35 / 25) / 6, 9);
    // the training fit is exact but for the spike, so the 80 % interval is the forecast itself
    expect(b.coverage).toBe(0);
  });

  it('counts the days inside the interval', () => {
    const b = backtest([...train, ...week.map((count, k) => ({ date: addDays('2026-11-22', k), count: count + (k % 2) * 0.5 }))], 7, { coverage: 0.8 });
    // Sunday, Tuesday, Thursday, Saturday equal the forecast; the others are half a conversation off
    expect(b.coverage).toBeCloseTo(4 / 7, 9);
  });

  it('needs two weeks before the held-out days', () => {
    expect(() => backtest(history, 15)).toThrow(/needs at least 29/);
  });
});
