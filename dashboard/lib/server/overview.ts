/**
 * The overview's loader: tiles of the catalogue's headline figures (this
 * period, the previous period of the same length, a monthly sparkline) and
 * monthly trend charts, all from models/summary.ts over conversation_metrics
 * with parameterised filters.
 *
 * @example
 *   const data = await loadOverview(db, filters);
 *   data.tiles[0]; // { metric: 'conversations', label: 'Volume', value: '4,210', change: '+3.1%', ... }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { fieldMetric, HEADLINES } from '../../../models/summary.js';
import { cachedAll, chartAnnotations, memo, monthly as monthlySummary, rangeSummary, summaryOfPeriods } from './mart-query.js';
import { inferredCaveat, RESOLUTION_COUNTS_SQL, type ResolutionCounts } from '../../../models/caveats.js';
import { filterQuery, filterWhere, previousPeriod, partialMonth, trendRange, type Filters } from './filters.js';
import { sparkline } from '../../../charts/sparkline.js';
import { trendChart } from '../../../charts/trend.js';
import { NARROW_WIDTH } from './mart-page-parts.js';
import { internalQualityTile } from './internal-quality-tile.js';
import { change, PREVIOUS_PERIOD, tileTarget, type Tile } from './tiles.js';
import { formatTarget, readTargets, targetFor, targetScope } from '../../../models/targets.js';
import { COST_FIELDS, costsConfigured, costTile, retentionTile } from './business-tiles.js';
import { SLA_TILE_FIELDS, SLA_TILE_RATES, slaTiles } from './sla-tiles.js';

type SummaryRow = Record<string, number | string | null>;

export interface Overview {
  tiles: Tile[];
  charts: { title: string; svg: string; narrow: string; metric: string }[];
  period: { from: string; to: string; previousFrom: string; previousTo: string; partialMonth: string | null };
}

/** The overview for `f` (memoised: it depends on the marts only). */
export function loadOverview(db: Warehouse, f: Filters): Promise<Overview> {
  return memo(db, `overview\u0000${JSON.stringify(f)}`, () => computeOverview(db, f));
}

async function computeOverview(db: Warehouse, f: Filters): Promise<Overview> {
  const prev = previousPeriod(f);
  const where = filterWhere(f);
  const [[now, before], trends, quality, byType, configured, retention, targets, [resolutions]] = await Promise.all([
    summaryOfPeriods(db, f, prev, FIELDS, CHANGE_FIELDS) as Promise<[SummaryRow, SummaryRow]>,
    trendPart(db, f),
    internalQualityTile(db, f),
    rangeSummary(db, 'resolution_type', f, ['cost_per_resolution']),
    costsConfigured(db),
    retentionTile(db, f),
    memo(db, 'targets', () => readTargets(db)),
    cachedAll<ResolutionCounts>(db, `select ${RESOLUTION_COUNTS_SQL} from conversation_metrics where ${where.sql}`, where.params),
  ]);
  const tiles: Tile[] = HEADLINES.map((t) => {
    const m = t.metric;
    // a figure built on resolutions, where many of them are inferred, says so (models/caveats.ts)
    const caveat = inferredCaveat([m, ...(t.second ? [t.second.field] : [])], resolutions);
    return {
      metric: m.name,
      label: t.label,
      value: formatValue(m, now[t.field]),
      second: t.second ? `${t.second.label} ${formatValue(fieldMetric(t.second.field)?.metric ?? m, now[t.second.field])}` : null,
      ...change(m, now[t.field], before[t.field]),
      comparedWith: PREVIOUS_PERIOD,
      spark: trends.sparks[t.field] ?? '',
      href: `/metrics/${m.name}${filterQuery(f)}`,
      ...(caveat ? { caveat: caveat.short } : {}),
    };
  });
  if (quality) tiles.push(quality);
  // for leadership: what a resolution costs, and whether customers stay after support
  tiles.push(costTile(now, before, byType, trends.sparks['cost_per_resolution'] ?? '', f, configured));
  if (retention) tiles.push(retention);
  tiles.push(...slaTiles(now, before, trends.sparks, f));
  // each tile of a summary figure with a configured target says whether the period meets it
  const scope = targetScope(f);
  for (const tile of tiles) {
    const m = fieldMetric(tile.metric)?.metric;
    const field = m ? (HEADLINES.find((h) => h.metric === m)?.field ?? m.name) : undefined;
    const target = m && field ? tileTarget(m, now[field], targets, scope) : undefined;
    if (target) tile.target = target;
  }
  return { tiles, charts: trends.charts, period: { from: f.from, to: f.to, previousFrom: prev.from, previousTo: prev.to, partialMonth: partialMonth(f)?.month ?? null } };
}

/**
 * The sparklines and monthly charts: they depend on the twelve months to
 * `f.to` and the group filters, not on `f.from`, so they are kept apart.
 */
function trendPart(db: Warehouse, f: Filters) {
  const key = JSON.stringify([f.to, f.channel, f.intent, f.team, f.agent, f.month]);
  return memo(db, `overview-trends\u0000${key}`, async () => {
    const [monthly, targets, annotations] = await Promise.all([
      monthlySummary(db, trendRange(f), TREND_FIELDS) as Promise<SummaryRow[]>,
      memo(db, 'targets', () => readTargets(db)),
      chartAnnotations(db, { from: trendRange(f).from, to: f.to, team: f.team, channel: f.channel }),
    ]);
    const partial = partialMonth(f);
    const series = (field: string) => monthly.map((r) => ({ month: String(r['month']), value: num(r[field]) }));
    const drill = (m: string) => (month: string) => `/conversations${filterQuery({ ...f, from: undefined, to: undefined }, { month, metric: m })}`;
    const chart = (title: string, name: string, field: string, kind: 'bar' | 'line') => {
      const m = metric(name);
      // the rule of the target over the twelve months: the one for the channel and team, not a month's own
      const t = targetFor(targets, name, { channel: f.channel, team: f.team });
      const target = t ? { target: { value: t.value, label: `target ${formatTarget(m, t.value)}` } } : {};
      const o = { kind, label: m.label, href: drill(name), format: (v: number) => formatValue(m, v), unit: m.unit, annotations, partial, ...target };
      return { title, metric: name, svg: trendChart(series(field), o), narrow: trendChart(series(field), { ...o, width: NARROW_WIDTH }) };
    };
    return {
      sparks: Object.fromEntries(TREND_FIELDS.map((field) => [field, sparkline(series(field), { partial: partial?.month })])) as Record<string, string>,
      charts: [
        chart('Conversations per month', 'conversations', 'conversations', 'bar'),
        chart('First response time, median', 'first_response_s', 'first_response_s_median', 'line'),
        chart('First contact resolution', 'fcr_rate', 'fcr_rate', 'line'),
        chart('CSAT (satisfied)', 'csat_rate', 'csat_rate', 'line'),
      ],
    };
  });
}

/** Every summary field the tiles show. */
const FIELDS = [...HEADLINES.flatMap((t) => [t.field, ...(t.second ? [t.second.field] : [])]), ...COST_FIELDS, ...SLA_TILE_FIELDS];
/** The fields whose change against the previous period the tiles show (not their second figures or bases). */
const CHANGE_FIELDS = [...HEADLINES.map((t) => t.field), 'cost_per_resolution', ...SLA_TILE_RATES];
/** The fields of the sparklines and monthly charts: a tile's change figure each (the charts' are among them). */
const TREND_FIELDS = CHANGE_FIELDS;

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
