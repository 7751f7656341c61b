/**
 * The overview's two tiles for leadership on what support is worth: cost per
 * resolution (catalogue `cost_per_resolution`, over the overview's filters and
 * period, against the previous period, with the bot and people figures) and
 * churn within 90 days after a resolved conversation (`churn_rate_90d`, from
 * the retention_outcomes mart, which is not kept by filter: the tile says so),
 * after FCR beside without it.
 *
 * @example
 *   costTile(metricsNow, metricsBefore, byType, spark, filters);
 *   // { label: 'Cost per resolution', value: '4.12', second: 'bot 0.61 · people 6.80', change: '−2.1%', ... }
 *   await retentionTile(db, filters);
 *   // { label: 'Churn within 90 days', value: '9.8%', second: 'after FCR 7.9% · without 13.0%', note: '95% interval 8.9%–10.7%, 2,042 resolved conversations' }
 */
import type { Row, Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { cachedAll, martsBuilt } from './mart-query.js';
import { filterQuery, narrowed, type Filters } from './filters.js';
import { change, PREVIOUS_PERIOD, type Tile } from './tiles.js';

/** The summary fields the cost tile reads. */
export const COST_FIELDS = ['cost_per_resolution', 'cost_per_resolution_base'] as const;

/**
 * The cost tile from the period's summary (`now`, `before`) and the period's
 * summary by resolution type; without a `costs` section (`configured` false) it says where to set one.
 */
export function costTile(now: Row, before: Row, byType: readonly Row[], spark: string, f: Filters, configured: boolean): Tile {
  const m = metric('cost_per_resolution');
  const typed = (t: string) => byType.find((r) => r['resolution_type'] === t)?.['cost_per_resolution'];
  const parts = [
    ['bot', typed('bot')],
    ['people', typed('people')],
  ].filter(([, v]) => typeof v === 'number');
  return {
    metric: m.name,
    label: m.label,
    value: formatValue(m, now['cost_per_resolution']),
    second: configured ? (parts.length ? parts.map(([t, v]) => `${t} ${formatValue(m, v)}`).join(' · ') : null) : 'set costs in parley.config.yaml',
    ...change(m, now['cost_per_resolution'], before['cost_per_resolution']),
    comparedWith: PREVIOUS_PERIOD,
    spark,
    href: `/metrics/${m.name}${filterQuery(f)}`,
  };
}

/** Whether the last build had a `costs` section (config_costs has its default row). */
export async function costsConfigured(db: Warehouse): Promise<boolean> {
  if (!(await martsBuilt(db, 'config_costs'))) return false;
  const rows = await cachedAll<{ n: number }>(db, 'select count(*) as n from config_costs where channel is null');
  return (rows[0]?.n ?? 0) > 0;
}

type RetentionRow = {
  grouping: string;
  band: string;
  conversations: number;
  churn_rate_90d: number;
  ci_low: number;
  ci_high: number;
};

/** The retention tile; null when no build made retention_outcomes (an older warehouse). */
export async function retentionTile(db: Warehouse, f: Filters): Promise<Tile | null> {
  if (!(await martsBuilt(db, 'retention_outcomes'))) return null;
  const m = metric('churn_rate_90d');
  const rows = await cachedAll<RetentionRow>(
    db,
    `select "grouping", band, conversations, churn_rate_90d, ci_low, ci_high from retention_outcomes where "grouping" in ('all', 'fcr')`,
  );
  const band = (g: string, b: string) => rows.find((r) => r.grouping === g && r.band === b);
  const all = band('all', 'all');
  const fcr = band('fcr', 'fcr');
  const notFcr = band('fcr', 'not fcr');
  const filtered = Boolean(f.channel || f.intent || f.team || f.agent || f.month) || narrowed(f);
  const pct = (v: number | undefined) => formatValue(m, v);
  return {
    metric: m.name,
    label: 'Churn within 90 days',
    value: pct(all?.churn_rate_90d),
    second: all ? `after FCR ${pct(fcr?.churn_rate_90d)} · without ${pct(notFcr?.churn_rate_90d)}` : 'load outcomes.jsonl to see it',
    change: null,
    tone: null,
    comparedWith: '',
    note: all
      ? `95% interval ${pct(all.ci_low)}–${pct(all.ci_high)}, ${all.conversations.toLocaleString('en-US')} resolved conversations${filtered ? ', all conversations (not filtered)' : ''}`
      : 'no customer outcomes loaded',
    spark: '',
    href: `/metrics/${m.name}`,
  };
}
