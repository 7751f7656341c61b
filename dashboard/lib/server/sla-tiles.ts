/**
 * The overview's SLA tiles: SLA achievement (`sla_achievement_rate`) and
 * first-response SLA attainment (`sla_first_response_rate`), over the
 * overview's filters and period, against the previous period, each with the
 * conversations it covers. None when no conversation of the period has an SLA
 * (no `sla_policies`, or none matches): the overview then shows no SLA tile
 * rather than two empty ones.
 *
 * @example
 *   slaTiles(now, before, sparks, filters);
 *   // [{ label: 'SLA achievement', value: '87.5%', second: '1,204 settled conversations', change: '+1.2 pts', ... }, ...]
 */
import type { Row } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { filterQuery, type Filters } from './filters.js';
import { change, PREVIOUS_PERIOD, type Tile } from './tiles.js';

const TILES = [
  { name: 'sla_achievement_rate', label: 'SLA achievement', base: 'settled conversations' },
  { name: 'sla_first_response_rate', label: 'First response within SLA', base: 'first responses due' },
] as const;

/** The rates of the SLA tiles: each tile's change and sparkline. */
export const SLA_TILE_RATES: readonly string[] = TILES.map((t) => t.name);
/** The summary fields the SLA tiles read (each rate and its base). */
export const SLA_TILE_FIELDS: readonly string[] = TILES.flatMap((t) => [t.name, `${t.name}_base`]);

const count = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0);

/** The SLA tiles from the period's summary (`now`, `before`) and the monthly sparklines by field; [] without any SLA in the period. */
export function slaTiles(now: Row, before: Row, sparks: Record<string, string>, f: Filters): Tile[] {
  if (count(now['sla_achievement_rate_base']) === 0 && count(now['sla_first_response_rate_base']) === 0) return [];
  return TILES.map((t) => {
    const m = metric(t.name);
    return {
      metric: m.name,
      label: t.label,
      value: formatValue(m, now[t.name]),
      second: `${count(now[`${t.name}_base`]).toLocaleString('en-US')} ${t.base}`,
      ...change(m, now[t.name], before[t.name]),
      comparedWith: PREVIOUS_PERIOD,
      spark: sparks[t.name] ?? '',
      href: `/metrics/${m.name}${filterQuery(f)}`,
    };
  });
}
