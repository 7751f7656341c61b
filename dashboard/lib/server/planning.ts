/**
 * The Planning page's one loader: the daily forecast with its interval and
 * backtest, and the staffing of the next week per 30-minute interval for the
 * inputs of the page's form, with the effect of concurrency 2–5 side by side.
 * Every figure is planning/'s (the same as `parley forecast` and
 * `parley plan staffing`); this file only arranges them for the page.
 *
 * @example
 *   const inputs = planningInputs(url.searchParams);
 *   const page = await loadPlanning(db, inputs); // { error } when the data cannot carry a forecast
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import { tableExists } from '../../../warehouse/table-exists.js';
import { PlanningDataError, backtestFigures, forecastRows, staffingRows, type DayRow } from '../../../planning/plan.js';
import { forecastChart } from '../../../charts/forecast.js';
import { concurrencyEffect, summariseDays, type ConcurrencyEffect, type StaffingDay } from '../../../planning/staffing-summary.js';
import { loadVolume } from '../../../planning/volume-sql.js';
import { memo } from './cache.js';

export const PLANNING_DEFAULTS = { concurrency: 3, targetPct: 80, targetS: 120, shrinkage: 0.3, intervalMinutes: 30, horizonDays: 28, staffingDays: 7, backtestDays: 14 } as const;
export const CONCURRENCY_COMPARED = [2, 3, 4, 5] as const;

const inputSchema = z.object({
  concurrency: z.coerce.number().int().min(1).max(20).catch(PLANNING_DEFAULTS.concurrency),
  targetPct: z.coerce.number().gt(0).lt(100).catch(PLANNING_DEFAULTS.targetPct),
  targetS: z.coerce.number().min(0).max(86_400).catch(PLANNING_DEFAULTS.targetS),
  shrinkage: z.coerce.number().min(0).lt(1).catch(PLANNING_DEFAULTS.shrinkage),
  // blank: measured from the data
  handleS: z.preprocess((v) => (v === '' || v === null || v === undefined ? null : v), z.coerce.number().positive().max(86_400).nullable()).catch(null),
});

export type PlanningInputs = z.infer<typeof inputSchema>;

/** The form's inputs from the query string; a value out of range falls back to its default. */
export function planningInputs(params: URLSearchParams): PlanningInputs {
  const get = (k: string) => params.get(k) ?? undefined;
  return inputSchema.parse({ concurrency: get('concurrency'), targetPct: get('target_pct'), targetS: get('target_s'), shrinkage: get('shrinkage'), handleS: get('handle_s') });
}

export interface PlanningPage {
  history: { date: string; value: number }[];
  forecast: DayRow[];
  /** The forecast chart (SVG from charts/). */
  svg: string;
  backtest: { days: number; model: { mape: number | null; mae: number }; seasonalNaive: { mape: number | null; mae: number }; coverage: number } | null;
  handleS: number;
  handleMeasured: boolean;
  /** Interval start times of a day, HH:MM local. */
  slots: string[];
  /** agents[day][slot]. */
  agents: number[][];
  days: StaffingDay[];
  concurrency: ConcurrencyEffect[];
}

/** The page's figures, or why there are none. */
export async function loadPlanning(db: Warehouse, inputs: PlanningInputs): Promise<PlanningPage | { error: string }> {
  if (!(await tableExists(db, 'conversation_metrics'))) return { error: 'The warehouse has no models yet: run `parley build`.' };
  return memo(db, `planning:${JSON.stringify(inputs)}`, async () => {
    const d = PLANNING_DEFAULTS;
    try {
      // one read of the counts, at the staffing intervals, for every figure of the page
      const volume = await loadVolume(db, { slotMinutes: d.intervalMinutes });
      const { rows } = await forecastRows(db, { by: 'day', horizonDays: d.horizonDays, volume });
      let backtest: PlanningPage['backtest'] = null;
      if (volume.days.length >= d.backtestDays + 14) {
        const b = await backtestFigures(db, { days: d.backtestDays, volume });
        backtest = { days: b.days, model: b.model, seasonalNaive: b.seasonalNaive, coverage: b.coverage };
      }
      const request = {
        intervalMinutes: d.intervalMinutes,
        horizonDays: d.staffingDays,
        targetShare: inputs.targetPct / 100,
        targetS: inputs.targetS,
        shrinkage: inputs.shrinkage,
        handleS: inputs.handleS ?? undefined,
        volume,
      };
      const plan = await staffingRows(db, { ...request, concurrency: inputs.concurrency });
      const slotsPerDay = 1440 / d.intervalMinutes;
      const hours = d.intervalMinutes / 60;
      const compared = await Promise.all(
        CONCURRENCY_COMPARED.map(async (c) => concurrencyEffect((await staffingRows(db, { ...request, handleS: plan.handleS, concurrency: c })).rows, c, hours)),
      );
      const history = volume.days.slice(-56).map((x) => ({ date: x.date, value: x.count }));
      return {
        history,
        forecast: rows as DayRow[],
        svg: forecastChart(history, rows as DayRow[], { label: 'Conversations per day', idPrefix: 'plan-forecast' }),
        backtest,
        handleS: plan.handleS,
        handleMeasured: plan.measured,
        slots: Array.from(
          { length: slotsPerDay },
          (_, k) => `${String(Math.floor((k * d.intervalMinutes) / 60)).padStart(2, '0')}:${String((k * d.intervalMinutes) % 60).padStart(2, '0')}`,
        ),
        agents: Array.from({ length: d.staffingDays }, (_, day) => plan.rows.slice(day * slotsPerDay, (day + 1) * slotsPerDay).map((r) => r.agents)),
        days: summariseDays(
          plan.rows,
          (rows as DayRow[]).slice(0, d.staffingDays).map((r) => r.date),
          slotsPerDay,
          hours,
        ),
        concurrency: compared,
      };
    } catch (error) {
      if (error instanceof PlanningDataError) return { error: error.message };
      throw error;
    }
  });
}
