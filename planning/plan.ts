/**
 * The planning figures as the CLI, the Planning page and the monthly report
 * show them: the loader (volume-sql.ts) and the arithmetic (forecast.ts,
 * staffing.ts) put together, rows shaped as issue 16 writes them.
 *
 * @example
 *   const { rows } = await forecastRows(db, { by: 'day', horizonDays: 28 });
 *   // [{ date: '2026-12-01', forecast: 263.4, low: 231.9, high: 301.2 }, …]
 *   const plan = await staffingRows(db, { intervalMinutes: 30, horizonDays: 7, concurrency: 3, targetShare: 0.8, targetS: 120, shrinkage: 0.3 });
 *   // plan.rows: [{ interval: '2026-12-01T00:00:00.000Z', conversations: 3.1, handle_time_s: 4215.2, agents: 3, service_level: 0.93, occupancy: 0.49 }, …]
 */
import type { Warehouse } from '../warehouse/connection.js';
import { backtest, fitDaily, forecastDays, forecastSlots, FORECAST_DEFAULTS, type Backtest } from './forecast.js';
import { staffInterval } from './staffing.js';
import { loadHandleTime, loadVolume, type Volume, type VolumeFilter } from './volume-sql.js';

/** A planning figure that cannot be computed from this warehouse: the message names the fix. */
export class PlanningDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanningDataError';
  }
}

export interface DayRow {
  date: string;
  forecast: number;
  low: number;
  high: number;
}
export interface HourRow {
  hour: string;
  forecast: number;
  low: number;
  high: number;
}
export interface StaffingRow {
  interval: string;
  conversations: number;
  handle_time_s: number;
  agents: number;
  service_level: number;
  occupancy: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The UTC offset of `tz` at `instant`, in minutes (Berlin in winter: 60). */
function offsetMinutes(tz: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .formatToParts(new Date(instant))
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  const wall = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']));
  return Math.round((wall - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/** The instant of a local wall-clock time: `minutes` after midnight of `date` in `tz`. */
export function localInstant(date: string, minutes: number, tz: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  let instant = wall - offsetMinutes(tz, wall) * 60_000;
  instant = wall - offsetMinutes(tz, instant) * 60_000;
  return new Date(instant);
}

function history(volume: Volume): Volume['days'] {
  if (volume.days.length < 14) {
    throw new PlanningDataError(
      volume.days.length === 0
        ? 'no conversations to forecast from: load some with `parley ingest` and run `parley build`'
        : `a forecast needs at least 14 whole days of conversations (this selection has ${volume.days.length}): widen --channel/--team or load more history`,
    );
  }
  return volume.days;
}

export interface ForecastRequest extends VolumeFilter {
  by: 'day' | 'hour';
  horizonDays: number;
  weeks?: number;
  /** Counts already loaded for the same filter (loadVolume), to read them once for several figures. */
  volume?: Volume | undefined;
}

/** `given` when it serves (the same slots, or any for daily figures), else a fresh read. */
async function volumeFor(db: Warehouse, given: Volume | undefined, slotMinutes: number | null, filter: VolumeFilter): Promise<Volume> {
  if (given && (slotMinutes === null || given.slotMinutes === slotMinutes)) return given;
  return loadVolume(db, { slotMinutes: slotMinutes ?? 60, channel: filter.channel, team: filter.team });
}

/** Conversations per day (or hour) for `horizonDays` days after the last whole day of data. */
export async function forecastRows(db: Warehouse, o: ForecastRequest): Promise<{ rows: DayRow[] | HourRow[]; volume: Volume }> {
  const volume = await volumeFor(db, o.volume, o.by === 'day' ? null : 60, o);
  const days = history(volume);
  const model = fitDaily(days, { weeks: o.weeks ?? FORECAST_DEFAULTS.weeks });
  if (o.by === 'day') {
    return { rows: forecastDays(model, o.horizonDays).map((d) => ({ date: d.date, forecast: round(d.forecast, 2), low: round(d.low, 2), high: round(d.high, 2) })), volume };
  }
  const rows = forecastSlots(model, o.horizonDays, volume.slots, days, 24).map((s) => ({
    hour: localInstant(s.date, s.slot * 60, volume.timezone).toISOString(),
    forecast: round(s.forecast, 2),
    low: round(s.low, 2),
    high: round(s.high, 2),
  }));
  return { rows, volume };
}

/** `parley forecast --backtest N`: the last N whole days held out. */
export async function backtestFigures(db: Warehouse, o: VolumeFilter & { days: number; weeks?: number; volume?: Volume | undefined }): Promise<Backtest> {
  const volume = await volumeFor(db, o.volume, null, o);
  const days = volume.days;
  if (days.length < o.days + 14) {
    throw new PlanningDataError(`a ${o.days}-day backtest needs at least ${o.days + 14} whole days of conversations (this selection has ${days.length}): shorten --backtest`);
  }
  return backtest(days, o.days, { weeks: o.weeks ?? FORECAST_DEFAULTS.weeks });
}

export interface StaffingRequest extends VolumeFilter {
  intervalMinutes: number;
  horizonDays: number;
  concurrency: number;
  targetShare: number;
  targetS: number;
  shrinkage: number;
  /** h in seconds; measured from the data (loadHandleTime) when absent. */
  handleS?: number | undefined;
  agents?: number | undefined;
  /** Counts already loaded for the same filter at `intervalMinutes` slots. */
  volume?: Volume | undefined;
}

/** Staffing for every interval of the next `horizonDays` days of the forecast. */
export async function staffingRows(db: Warehouse, o: StaffingRequest): Promise<{ rows: StaffingRow[]; handleS: number; measured: boolean; volume: Volume }> {
  if (1440 % o.intervalMinutes !== 0) throw new RangeError(`the interval must divide a day (got ${o.intervalMinutes} minutes)`);
  const volume = await volumeFor(db, o.volume, o.intervalMinutes, o);
  const days = history(volume);
  let handleS = o.handleS;
  const measured = handleS === undefined;
  if (handleS === undefined) {
    handleS = (await loadHandleTime(db, { channel: o.channel, team: o.team })).handle_s ?? undefined;
    if (handleS === undefined || !(handleS > 0)) {
      throw new PlanningDataError('no handle time in the data (no conversation owned by an agent in the last 8 weeks): give it with --handle-time SECONDS');
    }
  }
  const model = fitDaily(days, { weeks: FORECAST_DEFAULTS.weeks });
  const slotsPerDay = 1440 / o.intervalMinutes;
  const h = handleS;
  const rows = forecastSlots(model, o.horizonDays, volume.slots, days, slotsPerDay).map((s) => {
    const figures = staffInterval(s.forecast, {
      intervalS: o.intervalMinutes * 60,
      handleS: h,
      concurrency: o.concurrency,
      targetShare: o.targetShare,
      targetS: o.targetS,
      shrinkage: o.shrinkage,
      agents: o.agents,
    });
    return {
      interval: localInstant(s.date, s.slot * o.intervalMinutes, volume.timezone).toISOString(),
      conversations: round(s.forecast, 2),
      handle_time_s: round(h, 1),
      agents: figures.agents,
      service_level: round(figures.service_level, 4),
      occupancy: round(figures.occupancy, 4),
    };
  });
  return { rows, handleS: h, measured, volume };
}
