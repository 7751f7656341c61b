/**
 * The backlog and concurrency pages (mart-metric-page.ts), from their daily
 * marts: backlog_daily (by day, channel and team) and agent_concurrency_daily
 * (by agent and day).
 *
 * - Backlog of the period: the backlog at the end of its last day, summed over
 *   the channels and teams kept; its chart is that sum day by day.
 * - Concurrency of the period: the mean over all active agent-minutes, so each
 *   agent-day's mean weighs by its active minutes (Σ mean × minutes ÷ Σ
 *   minutes); the peak is the highest of the days' peaks.
 *
 * @example
 *   await loadConcurrencyPage(db, { from: '2026-11-01', to: '2026-11-30' });
 *   // { total: 'mean 1.58 over 3h 00m of active agent time, peak 3', drill: [{ title: 'Agents', … }], … }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { CATALOGUE, formatValue } from '../../../models/catalogue.js';
import { dailyChart } from '../../../charts/daily.js';
import { breakdownChart } from '../../../charts/breakdown.js';
import { formatDuration } from '../../../charts/duration.js';
import type { ChartAnnotation } from '../../../charts/annotations.js';
import { cachedAll } from './cache.js';
import { filterQuery, numbered, type Filters } from './filters.js';
import { agentNames } from './metric-page.js';
import { drillTable, NARROW_WIDTH, unusedFilters, type MartMetricPage } from './mart-page-parts.js';

const count = (v: unknown) => formatValue({ unit: 'count' }, v === null || v === undefined ? null : Number(v));
const n = (v: unknown): number => Number(v ?? 0);

/** The backlog page: end-of-day backlog over the period, by channel and team at its end, and the days. */
export async function loadBacklogPage(db: Warehouse, f: Filters, annotations: readonly ChartAnnotation[] = []): Promise<MartMetricPage> {
  const m = CATALOGUE.find((c) => c.name === 'backlog')!;
  const where = numbered([
    ['day >= ?::date', f.from],
    ['day <= ?::date', f.to],
    ...(f.channel ? ([['channel = ?', f.channel]] as const) : []),
    ...(f.team ? ([['team = ?', f.team]] as const) : []),
  ]);
  const [days, groups] = await Promise.all([
    cachedAll<{ day: string; opened: number; resolved: number; backlog: number }>(
      db,
      `select day::varchar as day, sum(opened) as opened, sum(resolved) as resolved, sum(backlog) as backlog
       from backlog_daily where ${where.sql} group by day order by day`,
      where.params,
    ),
    // each channel's and team's backlog at the end of the period's last day
    cachedAll<{ dimension: string; key: string | null; backlog: number }>(
      db,
      `with last_day as (select * from backlog_daily where ${where.sql} and day = (select max(day) from backlog_daily where ${where.sql}))
       select case when grouping(channel) = 0 then 'channel' else 'team' end as dimension, coalesce(channel, team) as key, sum(backlog) as backlog
       from last_day group by grouping sets ((channel), (team)) order by backlog desc, key`,
      where.params,
    ),
  ]);
  const last = days.at(-1);
  const link = (extra: Partial<Filters>) => `/conversations${filterQuery({ ...f, ...extra })}`;
  const chart = (width?: number) =>
    dailyChart(
      days.map((d) => ({ day: d.day, value: n(d.backlog) })),
      { label: 'Backlog at end of day', format: count, annotations, ...(width ? { width } : {}) },
    );
  const breakdown = (dimension: 'channel' | 'team', width?: number) =>
    breakdownChart(
      groups.filter((g) => g.dimension === dimension && g.key !== null).map((g) => ({ key: String(g.key), value: n(g.backlog) })),
      { label: `Backlog at end of ${last?.day ?? 'the period'}`, href: (key) => link({ [dimension]: key }), format: count, ...(width ? { width } : {}) },
    );
  return {
    total: last ? `${count(n(last.backlog))} open at the end of ${last.day}` : '–',
    charts: [
      { title: 'Backlog at the end of each day', svg: chart(), narrow: chart(NARROW_WIDTH), caption: m.definition },
      { title: 'By channel, at the end of the period', svg: breakdown('channel'), narrow: breakdown('channel', NARROW_WIDTH) },
      { title: 'By team, at the end of the period', svg: breakdown('team'), narrow: breakdown('team', NARROW_WIDTH) },
    ],
    drill: [
      drillTable(
        'Days (newest first): opened, first-resolved, open at the end of the day',
        [
          { key: 'day', label: 'Day' },
          { key: 'opened', label: 'Opened', numeric: true },
          { key: 'resolved', label: 'Resolved', numeric: true },
          { key: 'backlog', label: 'Backlog at end of day', numeric: true },
        ],
        [...days].reverse().map((d) => ({
          day: { text: d.day },
          opened: { text: count(n(d.opened)), href: link({ from: d.day, to: d.day }) },
          resolved: { text: count(n(d.resolved)) },
          backlog: { text: count(n(d.backlog)) },
        })),
      ),
    ],
    notes: unusedFilters(f, ['channel', 'team']),
  };
}

/** The concurrency page: agents' mean concurrency day by day (peak beside it), and the agents behind it. */
export async function loadConcurrencyPage(db: Warehouse, f: Filters, annotations: readonly ChartAnnotation[] = []): Promise<MartMetricPage> {
  const m = CATALOGUE.find((c) => c.name === 'concurrency')!;
  const where = numbered([
    ['day >= ?::date', f.from],
    ['day <= ?::date', f.to],
    ...(f.agent ? ([['agent_id = ?', f.agent]] as const) : []),
    ...(f.team ? ([['agent_id in (select agent_id from raw_agents where team = ?)', f.team]] as const) : []),
  ]);
  const weighted = 'sum(mean_concurrency * active_minutes) / nullif(sum(active_minutes), 0)';
  const [days, agents, names] = await Promise.all([
    cachedAll<{ day: string; mean: number; peak: number; minutes: number }>(
      db,
      `select day::varchar as day, ${weighted} as mean, max(peak_concurrency) as peak, sum(active_minutes) as minutes
       from agent_concurrency_daily where ${where.sql} group by day order by day`,
      where.params,
    ),
    cachedAll<{ agent_id: string; days: number; minutes: number; mean: number; peak: number }>(
      db,
      `select agent_id, count(*) as days, sum(active_minutes) as minutes, ${weighted} as mean, max(peak_concurrency) as peak
       from agent_concurrency_daily where ${where.sql} group by agent_id order by minutes desc, agent_id`,
      where.params,
    ),
    agentNames(db),
  ]);
  const minutes = days.reduce((s, d) => s + n(d.minutes), 0);
  const mean = minutes > 0 ? days.reduce((s, d) => s + n(d.mean) * n(d.minutes), 0) / minutes : null;
  const peak = days.length ? Math.max(...days.map((d) => n(d.peak))) : null;
  const fmt = (v: number) => formatValue(m, v);
  const chart = (width?: number) =>
    dailyChart(
      days.map((d) => ({ day: d.day, value: n(d.mean) })),
      { label: 'Mean concurrency', second: { label: 'Peak', points: days.map((d) => ({ day: d.day, value: n(d.peak) })) }, format: fmt, annotations, ...(width ? { width } : {}) },
    );
  const name = (id: string) => names.get(id) ?? id;
  const top = agents.slice(0, 20);
  const breakdown = (width?: number) =>
    breakdownChart(
      top.map((a) => ({ key: a.agent_id, label: name(a.agent_id), value: n(a.mean) })),
      { label: 'Mean concurrency', href: (id) => `/metrics/concurrency${filterQuery({ ...f, agent: id })}`, format: fmt, ...(width ? { width } : {}) },
    );
  return {
    total: mean === null ? '–' : `mean ${fmt(mean)} over ${formatDuration(minutes * 60)} of active agent time, peak ${count(peak)}`,
    charts: [
      { title: 'Mean and peak concurrency per day', svg: chart(), narrow: chart(NARROW_WIDTH), caption: m.definition },
      { title: 'By agent (top 20 by active time)', svg: breakdown(), narrow: breakdown(NARROW_WIDTH) },
    ],
    drill: [
      drillTable(
        'Agents: active time, mean and peak concurrency over the period',
        [
          { key: 'agent', label: 'Agent' },
          { key: 'days', label: 'Days active', numeric: true },
          { key: 'active', label: 'Active time', numeric: true },
          { key: 'mean', label: 'Mean', numeric: true },
          { key: 'peak', label: 'Peak', numeric: true },
        ],
        agents.map((a) => ({
          agent: { text: name(a.agent_id), href: `/agents/${encodeURIComponent(a.agent_id)}` },
          days: { text: count(n(a.days)) },
          active: { text: formatDuration(n(a.minutes) * 60) },
          mean: { text: fmt(n(a.mean)) },
          peak: { text: count(n(a.peak)) },
        })),
      ),
    ],
    notes: unusedFilters(f, ['agent', 'team']),
  };
}
