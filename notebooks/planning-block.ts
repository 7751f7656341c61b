/**
 * The ```planning``` block of a notebook: the volume forecast for the next
 * calendar month after the data (chart with its 80 % band, weekly totals,
 * the backtest against seasonal-naive) and the staffing summary of the first
 * week (agents at concurrency 2–5 side by side). The figures are planning/'s,
 * the same as `parley forecast` and `parley plan staffing`.
 *
 * @example
 *   ```planning
 *   concurrency: 3
 *   target: 80/120
 *   shrinkage: 0.3
 *   ```
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { forecastChart } from '../charts/forecast.js';
import { addDays, weekdayOf } from '../planning/forecast.js';
import { PlanningDataError, backtestFigures, forecastRows, staffingRows, type DayRow } from '../planning/plan.js';
import { concurrencyEffect } from '../planning/staffing-summary.js';
import { parseTarget } from '../planning/staffing.js';
import { loadVolume } from '../planning/volume-sql.js';
import type { PlanningSpec } from './parse.js';
import { escapeHtml, tableHtml, unavailableBox } from './html.js';
import { formatMonth } from './format.js';

const BACKTEST_DAYS = 14;
const INTERVAL_MINUTES = 30;

const endOfMonth = (date: string) => {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return addDays(d.toISOString().slice(0, 10), -1);
};
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
const whole = (v: number) => Math.round(v).toLocaleString('en-US');
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * The month the section forecasts: the one holding the first day after the
 * data, or the one after it when fewer than 7 days of that month are left.
 */
export function planningMonth(firstDay: string): { month: string; through: string } {
  let through = endOfMonth(firstDay);
  if (daysBetween(firstDay, through) + 1 < 7) through = endOfMonth(addDays(through, 1));
  return { month: through.slice(0, 7), through };
}

/** The block's HTML; `chartIndex` names the chart's SVG ids. */
export async function renderPlanningBlock(db: Warehouse, spec: PlanningSpec, chartIndex: number): Promise<string> {
  if (!(await tableExists(db, 'conversation_metrics'))) return unavailableBox(['conversation_metrics']);
  const target = parseTarget(spec.target ?? '80/120');
  if (!target) throw new Error(`target "${spec.target}" is not PERCENT/SECONDS such as 80/120`);
  const concurrency = spec.concurrency ?? 3;
  const shrinkage = spec.shrinkage ?? 0.3;
  try {
    // the first forecast day, then the whole of the month planned
    const volume = await loadVolume(db, { slotMinutes: INTERVAL_MINUTES });
    const first = (await forecastRows(db, { by: 'day', horizonDays: 1, volume })).rows[0] as DayRow;
    const { month, through } = planningMonth(first.date);
    const { rows } = await forecastRows(db, { by: 'day', horizonDays: daysBetween(first.date, through) + 1, volume });
    const days = (rows as DayRow[]).filter((r) => r.date.startsWith(month));
    const total = days.reduce((s, r) => s + r.forecast, 0);
    const busiest = days.reduce((a, b) => (b.forecast > a.forecast ? b : a));
    let html = `<p>Forecast for ${escapeHtml(formatMonth(month))}: <span class="nb-value">${whole(total)}</span> conversations, busiest on ${escapeHtml(
      `${DAY_NAMES[weekdayOf(busiest.date)]} ${busiest.date}`,
    )} (<span class="nb-value">${whole(busiest.forecast)}</span>, 80 % interval ${whole(busiest.low)}–${whole(busiest.high)}).</p>\n`;
    const history = volume.days.slice(-56).map((d) => ({ date: d.date, value: d.count }));
    const svg = forecastChart(history, rows as DayRow[], { label: 'Conversations per day', idPrefix: `nb-chart${chartIndex}`, width: 720 });
    html += `<figure class="nb-chart"><h4>Conversations per day: the last 8 weeks and the forecast</h4>${svg}<div class="nb-caption">Dashed: the forecast; band: its 80 % prediction interval.</div></figure>\n`;
    const weeks = new Map<string, { forecast: number; low: number; high: number; days: number }>();
    for (const d of days) {
      const monday = addDays(d.date, -((weekdayOf(d.date) + 6) % 7));
      const w = weeks.get(monday) ?? { forecast: 0, low: 0, high: 0, days: 0 };
      weeks.set(monday, { forecast: w.forecast + d.forecast, low: w.low + d.low, high: w.high + d.high, days: w.days + 1 });
    }
    html += tableHtml(
      [...weeks].map(([monday, w]) => ({
        week: `${monday}${w.days < 7 ? ` (${w.days} days in ${formatMonth(month, false)})` : ''}`,
        forecast: whole(w.forecast),
        range: `${whole(w.low)}–${whole(w.high)}`,
      })),
      [
        { column: 'week', label: 'Week of' },
        { column: 'forecast', label: 'Forecast conversations' },
        { column: 'range', label: 'Sum of the daily 80 % bounds' },
      ],
      10,
      'Weekly totals',
    );
    if (volume.days.length >= BACKTEST_DAYS + 14) {
      const b = await backtestFigures(db, { days: BACKTEST_DAYS, volume });
      html += `<p class="nb-note">Backtest on the last ${b.days} days of data: MAPE ${pct(b.model.mape)} (seasonal-naive, the same weekday of the last week: ${pct(
        b.seasonalNaive.mape,
      )}), MAE ${b.model.mae.toFixed(1)} (${b.seasonalNaive.mae.toFixed(1)}); the 80 % interval held the actual on ${Math.round(b.coverage * b.days)} of ${b.days} days.</p>\n`;
    }
    const request = { intervalMinutes: INTERVAL_MINUTES, horizonDays: 7, targetShare: target.share, targetS: target.seconds, shrinkage, handleS: spec.handle_time, volume };
    const base = await staffingRows(db, { ...request, concurrency });
    const effects = [];
    for (const c of [2, 3, 4, 5]) effects.push(concurrencyEffect((await staffingRows(db, { ...request, handleS: base.handleS, concurrency: c })).rows, c, INTERVAL_MINUTES / 60));
    html += `<p>Staffing for the first week forecast (${escapeHtml(first.date)} on), to answer ${whole(target.share * 100)} % of conversations within ${whole(target.seconds)} s with ${pct(
      shrinkage,
    )} shrinkage and a handle time of ${whole(base.handleS)} s (${base.measured ? 'measured from the data' : 'as given'}): at ${concurrency} conversations at once, up to <span class="nb-value">${
      effects.find((e) => e.concurrency === concurrency)?.peakAgents ?? Math.max(...base.rows.map((r) => r.agents))
    }</span> agents in a 30-minute interval.</p>\n`;
    html += tableHtml(
      effects.map((e) => ({ concurrency: `${e.concurrency} at once`, peak: String(e.peakAgents), hours: e.agentHours.toFixed(1), occupancy: pct(e.occupancy) })),
      [
        { column: 'concurrency', label: 'Concurrency' },
        { column: 'peak', label: 'Peak agents' },
        { column: 'hours', label: 'Agent hours in the week' },
        { column: 'occupancy', label: 'Occupancy' },
      ],
      4,
      'The effect of concurrency',
    );
    return html;
  } catch (error) {
    if (error instanceof PlanningDataError) return `<div class="nb-unavailable">${escapeHtml(error.message)}</div>\n`;
    throw error;
  }
}
