/**
 * `parley forecast` and `parley plan staffing` (issue 16): the volume forecast
 * with its 80 % interval and backtest, and the agents each interval needs
 * (Erlang C with concurrency). The figures come from planning/plan.ts.
 */
import { CommandError, UsageError, oneOf, requireBuilt, withWarehouse, type Command } from '../command.js';
import { write, type Format } from '../output.js';
import { PlanningDataError, backtestFigures, forecastRows, staffingRows } from '../../planning/plan.js';
import { parseDuration, parseTarget } from '../../planning/staffing.js';

function days(command: Command, flag: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const s = parseDuration(String(value));
  if (s === undefined || s % 86_400 !== 0 || s === 0) throw new UsageError(`--${flag} takes whole days such as 28d (got "${String(value)}")`, command.name);
  return s / 86_400;
}

function positive(command: Command, flag: string, value: unknown, { integer = false, below }: { integer?: boolean; below?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const ok = Number.isFinite(n) && (integer ? Number.isInteger(n) : true) && (below === undefined ? n > 0 : n >= 0 && n < below);
  if (!ok)
    throw new UsageError(
      `--${flag} must be ${below === undefined ? `a positive ${integer ? 'whole ' : ''}number` : `at least 0 and below ${below}`} (got "${String(value)}")`,
      command.name,
    );
  return n;
}

const filter = (values: Record<string, unknown>) => ({
  channel: values['channel'] as string | undefined,
  team: values['team'] as string | undefined,
});

/** Runs planning work, turning a planning data error into a command error (exit 1). */
async function planning<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PlanningDataError) throw new CommandError(error.message);
    throw error;
  }
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

export const forecastCommand: Command = {
  name: 'forecast',
  summary: 'conversations per day or hour after the data horizon, with an 80 % interval; --backtest scores it',
  usage: 'parley forecast [--by day|hour] [--horizon 28d] [--channel C] [--team T] [--format table|json|csv] [--backtest 14d]',
  help: `
Forecasts conversations started per day (or hour, in the configured time zone) for the days
after the last whole day of data: a weekly profile from medians of the last 8 weeks, a
Theil–Sen trend, an intraday profile from medians by weekday and hour, and an 80 %
prediction interval from the robust residuals (README "Planning").

  --by day|hour     rows per day (default) or per hour
  --horizon Nd      how far ahead (default 28d)
  --channel C       only conversations of this channel
  --team T          only conversations of this team
  --format F        table (default), json or csv; json rows are
                    { "date" (or "hour"), "forecast", "low", "high" }
  --backtest Nd     instead: hold out the last N days, fit on the days before, and print MAPE
                    and MAE of the model and of seasonal-naive (each day as the same weekday of
                    the last week before the hold-out), and how often the interval held the actual

Examples:
  parley forecast --horizon 14d
  parley forecast --by hour --channel webchat --format csv
  parley forecast --backtest 14d`,
  options: {
    by: { type: 'string' },
    horizon: { type: 'string' },
    channel: { type: 'string' },
    team: { type: 'string' },
    format: { type: 'string' },
    backtest: { type: 'string' },
  },
  async run({ values }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const by = oneOf(this, 'by', values['by'], ['day', 'hour'] as const, 'day');
    const horizonDays = days(this, 'horizon', values['horizon'], 28);
    const held = values['backtest'] === undefined ? undefined : days(this, 'backtest', values['backtest'], 14);
    await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      if (held !== undefined) {
        const b = await planning(() => backtestFigures(db, { ...filter(values), days: held }));
        if (format === 'json') {
          const out = { days: b.days, model: b.model, seasonal_naive: b.seasonalNaive, coverage: b.coverage, rows: b.rows };
          io.out.write(JSON.stringify(out, null, 2) + '\n');
        } else if (format === 'csv') {
          write(io.out, b.rows, 'csv');
        } else {
          io.out.write(
            [
              `backtest: the last ${b.days} days held out (${b.rows[0]!.date} – ${b.rows.at(-1)!.date})`,
              `  model           MAPE ${pct(b.model.mape)}  MAE ${b.model.mae.toFixed(1)}`,
              `  seasonal-naive  MAPE ${pct(b.seasonalNaive.mape)}  MAE ${b.seasonalNaive.mae.toFixed(1)}`,
              `  80 % interval held the actual on ${Math.round(b.coverage * b.days)} of ${b.days} days (${pct(b.coverage)})`,
              '',
            ].join('\n'),
          );
          write(
            io.out,
            b.rows.map((r) => ({
              date: r.date,
              actual: r.actual,
              forecast: r.forecast.toFixed(1),
              low: r.low.toFixed(1),
              high: r.high.toFixed(1),
              seasonal_naive: r.seasonal_naive,
            })),
            'table',
          );
        }
        return;
      }
      const { rows } = await planning(() => forecastRows(db, { by, horizonDays, ...filter(values) }));
      const shown = format === 'table' ? rows.map((r) => ({ ...r, forecast: r.forecast.toFixed(1), low: r.low.toFixed(1), high: r.high.toFixed(1) })) : rows;
      write(io.out, shown as unknown as Record<string, unknown>[], format);
    });
    return 0;
  },
};

export const planStaffingCommand: Command = {
  name: 'plan staffing',
  summary: 'agents needed per interval of the forecast (Erlang C with concurrency and shrinkage)',
  usage:
    'parley plan staffing [--interval 30m] [--target 80/120] [--concurrency 3] [--shrinkage 0.3] [--handle-time S] [--agents N] [--horizon 7d] [--channel C] [--team T] [--format table|json|csv]',
  help: `
For each interval of the forecast: λ = forecast conversations ÷ the interval's seconds;
h = mean handle time (catalogue handle_time, measured from the data unless --handle-time);
A = λ·h Erlangs; N agents at concurrency c are s = N·c servers with service level
SL = 1 − C(s, A)·e^(−(s − A)·t/h) (Erlang C); N is the smallest whole number with SL at
the target share; agents = ⌈N ÷ (1 − shrinkage)⌉. service_level and occupancy (A ÷ s)
are those of the N agents before shrinkage.

  --interval D      the interval length: 15m, 30m (default), 1h …
  --target P/T      answer P % within T seconds (default 80/120)
  --concurrency C   conversations an agent holds at once (default 3)
  --shrinkage X     share of paid time off conversations, 0 ≤ X < 1 (default 0.3)
  --handle-time S   h in seconds instead of the measured mean
  --agents N        instead of the agents needed: the service level and occupancy N agents
                    (on conversations) reach
  --horizon Nd      how many days of the forecast (default 7d)
  --channel C, --team T   only that channel's or team's conversations
  --format F        table (default), json or csv; json rows are { "interval", "conversations",
                    "handle_time_s", "agents", "service_level", "occupancy" }

Examples:
  parley plan staffing --interval 1h --concurrency 2
  parley plan staffing --agents 12 --concurrency 4 --format csv`,
  options: {
    interval: { type: 'string' },
    target: { type: 'string' },
    concurrency: { type: 'string' },
    shrinkage: { type: 'string' },
    'handle-time': { type: 'string' },
    agents: { type: 'string' },
    horizon: { type: 'string' },
    channel: { type: 'string' },
    team: { type: 'string' },
    format: { type: 'string' },
  },
  async run({ values }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const intervalS = parseDuration(String(values['interval'] ?? '30m'));
    if (intervalS === undefined || intervalS % 60 !== 0 || 86_400 % intervalS !== 0 || intervalS < 300) {
      throw new UsageError(`--interval must divide a day into whole minutes, at least 5m (got "${String(values['interval'])}")`, this.name);
    }
    const target = parseTarget(String(values['target'] ?? '80/120'));
    if (!target) throw new UsageError(`--target takes PERCENT/SECONDS such as 80/120 (got "${String(values['target'])}")`, this.name);
    const concurrency = positive(this, 'concurrency', values['concurrency'] ?? '3', { integer: true })!;
    const shrinkage = positive(this, 'shrinkage', values['shrinkage'] ?? '0.3', { below: 1 })!;
    const handleS = positive(this, 'handle-time', values['handle-time']);
    const agents = values['agents'] === undefined ? undefined : positive(this, 'agents', values['agents'], { integer: true });
    const horizonDays = days(this, 'horizon', values['horizon'], 7);
    await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      const plan = await planning(() =>
        staffingRows(db, {
          intervalMinutes: intervalS / 60,
          horizonDays,
          concurrency,
          targetShare: target.share,
          targetS: target.seconds,
          shrinkage,
          handleS,
          agents,
          ...filter(values),
        }),
      );
      if (format === 'table') {
        io.err.write(`handle time ${Math.round(plan.handleS)} s (${plan.measured ? 'measured: mean active time of owned conversations, last 8 weeks' : '--handle-time'})\n`);
        write(
          io.out,
          plan.rows.map((r) => ({
            ...r,
            conversations: r.conversations.toFixed(1),
            handle_time_s: Math.round(r.handle_time_s),
            service_level: pct(r.service_level),
            occupancy: pct(r.occupancy),
          })),
          'table',
        );
      } else {
        write(io.out, plan.rows as unknown as Record<string, unknown>[], format);
      }
    });
    return 0;
  },
};
