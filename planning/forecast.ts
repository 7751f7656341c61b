/**
 * The volume forecast of issue 16 (item 1): a robust, STL-like seasonal model
 * of conversations per day, split into the hours (or shorter intervals) of the
 * day, with an 80 % prediction interval. Pure functions over counts; the
 * counts come from planning/volume-sql.ts. The method, step by step (README
 * "Planning" says the same):
 *
 * 1. The fit window is the last `weeks` weeks of whole days (default 8).
 * 2. Weekly profile: for each weekday, the median of that weekday's counts
 *    divided by the trend, normalised to a mean of 1 (start: trend flat).
 * 3. Trend: a Theil–Sen line (median of pairwise slopes) through the
 *    deseasonalised counts (count ÷ weekday factor). Steps 2–3 run three times.
 * 4. Forecast of a day = trend × weekday factor (never below 0).
 * 5. Interval: the 10th and 90th percentiles of actual ÷ fitted over the fit
 *    window, times the forecast (an 80 % interval from robust residuals).
 * 6. Intraday: the share of each weekday's volume in each slot of the day is
 *    the trimmed mean (lowest and highest eighth dropped) over the window's
 *    days of that weekday, normalised to sum 1;
 *    slot intervals come from residuals scaled by √fitted (counts per slot are
 *    small, so their noise is closer to Poisson than proportional).
 *
 * Medians and Theil–Sen ignore a one-off spike (an incident) or dip (a public
 * holiday): a single day moves neither a median of eight nor the median slope.
 *
 * @example
 *   const model = fitDaily(days);               // days: contiguous { date, count }
 *   forecastDays(model, 28);                    // [{ date: '2026-12-01', forecast: 231.4, low: 198.0, high: 262.9 }, …]
 */

export interface DayCount {
  /** Local date, YYYY-MM-DD. */
  date: string;
  count: number;
}

export interface ForecastDay {
  date: string;
  forecast: number;
  low: number;
  high: number;
}

export interface DailyModel {
  /** The first day of the fit window (day index 0 of the trend). */
  start: string;
  /** Days in the fit window. */
  days: number;
  /** Trend at day index 0, conversations per day (deseasonalised). */
  level: number;
  /** Trend change per day. */
  slope: number;
  /** Weekday factors, index 0 = Sunday … 6 = Saturday, mean 1. */
  weekday: number[];
  /** 10th and 90th percentile of actual ÷ fitted in the window. */
  ratioLow: number;
  ratioHigh: number;
  /** The fitted value of each day of the window. */
  fitted: number[];
}

export const FORECAST_DEFAULTS: { readonly weeks: number; readonly coverage: number } = { weeks: 8, coverage: 0.8 };

const DAY_MS = 86_400_000;

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-quantile (0–1) with linear interpolation between order statistics. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Theil–Sen line through (x, y): slope = median of pairwise slopes, intercept = median of y − slope·x. */
export function theilSen(xs: readonly number[], ys: readonly number[]): { intercept: number; slope: number } {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j]! - ys[i]!) / (xs[j]! - xs[i]!));
  const slope = slopes.length ? median(slopes) : 0;
  return { intercept: median(xs.map((x, i) => ys[i]! - slope * x)), slope };
}

/**
 * Fits the daily model on `history` (contiguous days, oldest first; at least
 * two weeks), using its last `weeks` weeks.
 */
export function fitDaily(history: readonly DayCount[], { weeks = FORECAST_DEFAULTS.weeks, coverage = FORECAST_DEFAULTS.coverage } = {}): DailyModel {
  if (history.length < 14) throw new RangeError(`a forecast needs at least 14 whole days of history (got ${history.length})`);
  const window = history.slice(-weeks * 7);
  const n = window.length;
  const y = window.map((d) => d.count);
  const wd = window.map((d) => weekdayOf(d.date));
  let trend = y.map(() => Math.max(1e-9, y.reduce((a, b) => a + b, 0) / n));
  let weekday = [1, 1, 1, 1, 1, 1, 1];
  let level = trend[0]!;
  let slope = 0;
  for (let pass = 0; pass < 3; pass++) {
    const raw = [0, 1, 2, 3, 4, 5, 6].map((w) => {
      const ratios = y.flatMap((v, i) => (wd[i] === w && trend[i]! > 0 ? [v / trend[i]!] : []));
      return ratios.length ? median(ratios) : 1;
    });
    const mean = raw.reduce((a, b) => a + b, 0) / 7;
    weekday = raw.map((r) => (mean > 0 ? r / mean : 1));
    const xs: number[] = [];
    const zs: number[] = [];
    y.forEach((v, i) => {
      const f = weekday[wd[i]!]!;
      if (f > 0.05) {
        xs.push(i);
        zs.push(v / f);
      }
    });
    ({ intercept: level, slope } = theilSen(xs, zs));
    trend = y.map((_, i) => Math.max(1e-9, level + slope * i));
  }
  const fitted = y.map((_, i) => Math.max(0, (level + slope * i) * weekday[wd[i]!]!));
  const ratios = y.flatMap((v, i) => (fitted[i]! > 0 ? [v / fitted[i]!] : []));
  const tail = (1 - coverage) / 2;
  return {
    start: window[0]!.date,
    days: n,
    level,
    slope,
    weekday,
    ratioLow: quantile(ratios, tail),
    ratioHigh: quantile(ratios, 1 - tail),
    fitted,
  };
}

/** The model's forecast for the `horizon` days after its fit window. */
export function forecastDays(model: DailyModel, horizon: number): ForecastDay[] {
  return Array.from({ length: horizon }, (_, k) => {
    const i = model.days + k;
    const date = addDays(model.start, i);
    const forecast = Math.max(0, (model.level + model.slope * i) * model.weekday[weekdayOf(date)]!);
    return { date, forecast, low: forecast * model.ratioLow, high: forecast * model.ratioHigh };
  });
}

export interface SlotCount {
  date: string;
  /** The slot of the day: minutes since local midnight ÷ slot length. */
  slot: number;
  count: number;
}

/** The mean after dropping the lowest and highest eighth (at least one each side from four values on). */
export function trimmedMean(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const cut = s.length >= 4 ? Math.max(1, Math.floor(s.length / 8)) : 0;
  const kept = s.slice(cut, s.length - cut);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

/**
 * Each weekday's share of volume by slot: the trimmed mean (lowest and
 * highest eighth dropped) over the window's days of that weekday with any
 * volume of slot count ÷ day count, normalised to sum 1 (an even split for a
 * weekday that never had volume). Not a median: at a few conversations a slot
 * most days' share of a slot is 0, and medians would pile the day into a few slots.
 */
export function intradayProfile(slots: readonly SlotCount[], days: readonly DayCount[], slotsPerDay: number): number[][] {
  const byDay = new Map<string, number[]>();
  for (const d of days) byDay.set(d.date, new Array<number>(slotsPerDay).fill(0));
  for (const s of slots) {
    const row = byDay.get(s.date);
    if (row && s.slot >= 0 && s.slot < slotsPerDay) row[s.slot]! += s.count;
  }
  return [0, 1, 2, 3, 4, 5, 6].map((w) => {
    const rows = [...byDay.entries()].filter(([date, row]) => weekdayOf(date) === w && row.some((c) => c > 0));
    if (rows.length === 0) return new Array<number>(slotsPerDay).fill(1 / slotsPerDay);
    const shares = Array.from({ length: slotsPerDay }, (_, k) =>
      trimmedMean(
        rows.map(([, row]) => {
          const total = row.reduce((a, b) => a + b, 0);
          return row[k]! / total;
        }),
      ),
    );
    const sum = shares.reduce((a, b) => a + b, 0);
    return sum > 0 ? shares.map((s) => s / sum) : shares.map(() => 1 / slotsPerDay);
  });
}

export interface ForecastSlot {
  date: string;
  slot: number;
  forecast: number;
  low: number;
  high: number;
}

/**
 * The daily forecast split into slots by the intraday profile, with intervals
 * from the window's slot residuals (actual − fitted) ÷ √fitted.
 */
export function forecastSlots(
  model: DailyModel,
  horizon: number,
  slots: readonly SlotCount[],
  history: readonly DayCount[],
  slotsPerDay: number,
  { coverage = FORECAST_DEFAULTS.coverage } = {},
): ForecastSlot[] {
  const window = history.slice(-model.days);
  const profile = intradayProfile(slots, window, slotsPerDay);
  const actual = new Map(slots.map((s) => [`${s.date}|${s.slot}`, s.count]));
  const z: number[] = [];
  window.forEach((d, i) => {
    const share = profile[weekdayOf(d.date)]!;
    for (let k = 0; k < slotsPerDay; k++) {
      const fitted = model.fitted[i]! * share[k]!;
      if (fitted > 0) z.push(((actual.get(`${d.date}|${k}`) ?? 0) - fitted) / Math.sqrt(fitted));
    }
  });
  const tail = (1 - coverage) / 2;
  const zLow = z.length ? quantile(z, tail) : 0;
  const zHigh = z.length ? quantile(z, 1 - tail) : 0;
  return forecastDays(model, horizon).flatMap((day) =>
    profile[weekdayOf(day.date)]!.map((share, slot) => {
      const forecast = day.forecast * share;
      const spread = Math.sqrt(forecast);
      return { date: day.date, slot, forecast, low: Math.max(0, forecast + zLow * spread), high: Math.max(0, forecast + zHigh * spread) };
    }),
  );
}

export interface BacktestScore {
  /** Mean of |actual − forecast| ÷ actual over held-out days with actual > 0. */
  mape: number | null;
  /** Mean of |actual − forecast| over all held-out days. */
  mae: number;
}

export interface Backtest {
  days: number;
  model: BacktestScore;
  seasonalNaive: BacktestScore;
  /** Share of held-out days whose actual lies inside the model's interval. */
  coverage: number;
  rows: { date: string; actual: number; forecast: number; low: number; high: number; seasonal_naive: number }[];
}

export function score(actual: readonly number[], predicted: readonly number[]): BacktestScore {
  const ape = actual.flatMap((a, i) => (a > 0 ? [Math.abs(a - predicted[i]!) / a] : []));
  return {
    mape: ape.length ? ape.reduce((x, y) => x + y, 0) / ape.length : null,
    mae: actual.reduce((sum, a, i) => sum + Math.abs(a - predicted[i]!), 0) / actual.length,
  };
}

/**
 * Holds out the last `holdout` days, fits on the days before them, and scores
 * the model against seasonal-naive: each held-out day forecast as the same
 * weekday of the last week before the hold-out (what was known at that point).
 */
export function backtest(history: readonly DayCount[], holdout: number, options: { weeks?: number; coverage?: number } = {}): Backtest {
  if (!(holdout >= 1) || history.length - holdout < 14) {
    throw new RangeError(`a ${holdout}-day backtest needs at least ${holdout + 14} whole days of history (got ${history.length})`);
  }
  const train = history.slice(0, history.length - holdout);
  const test = history.slice(history.length - holdout);
  const model = fitDaily(train, options);
  const predicted = forecastDays(model, holdout);
  const lastWeek = train.slice(-7);
  const naive = test.map((_, k) => lastWeek[k % 7]!.count);
  const actual = test.map((d) => d.count);
  const inside = test.filter((d, k) => d.count >= predicted[k]!.low && d.count <= predicted[k]!.high).length;
  return {
    days: holdout,
    model: score(
      actual,
      predicted.map((p) => p.forecast),
    ),
    seasonalNaive: score(actual, naive),
    coverage: inside / holdout,
    rows: test.map((d, k) => ({ date: d.date, actual: d.count, forecast: predicted[k]!.forecast, low: predicted[k]!.low, high: predicted[k]!.high, seasonal_naive: naive[k]! })),
  };
}
