/**
 * The numbers behind the plain-language summary, from the marts: the month
 * and the month before from `metric_summary`, each group's part of a move
 * from `conversation_metrics` (using the catalogue's own numerator and
 * denominator for a rate), and the driver's busiest day. The wording is in
 * notable-changes.ts. By default it looks at the catalogue's headline
 * figures (HEADLINE_FIELDS).
 *
 * @example
 *   await findNotableChanges(db, '2026-10')
 *   // { compared: true, changes: [{ column: 'fcr_rate', sentence: 'FCR rate fell 4.2 points to 74.1% (from 78.3%), most of it in billing conversations (−3.1 pts).', better: false, … }] }
 */
import { MIN_GROUP_SIZE } from '../models/catalogue.js';
import { fieldMetric, HEADLINE_FIELDS } from '../models/summary.js';
import type { Warehouse } from '../warehouse/connection.js';
import { describeChange, pickDriver, rankMoves, THRESHOLDS, type Driver, type Move, type RankedMove, type Spike } from './notable-changes.js';
import { shiftMonth } from './params.js';

export const DRIVER_DIMENSIONS = ['channel', 'intent', 'team'] as const;
type Dim = (typeof DRIVER_DIMENSIONS)[number];

export interface NotableChange extends RankedMove {
  driver?: Driver;
  spike?: Spike;
  sentence: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Each group's part of a move of `column` between `previous` and `month`, for one dimension. */
export function driverSql(column: string, dimension: Dim): { sql: string; kind: Driver['kind'] } | undefined {
  const cm = fieldMetric(column);
  const s = cm?.metric.summary;
  if (!cm || !s || cm.stat === 'base') return undefined;
  const col = cm.metric.column ?? cm.metric.name;
  const months = `month in ($1, $2)`;
  const step = (per: string, total: string) => `
with per_group as (
  select ${dimension} as value, month, ${per} as part_num
  from conversation_metrics
  where ${months}
  group by all
),
totals as (
  select month, ${total} as total
  from conversation_metrics
  where ${months}
  group by month
),
shares as (
  select p.value, p.month, p.part_num / nullif(t.total, 0) as part
  from per_group p
  join totals t using (month)
)
select
  value,
  coalesce(sum(part) filter (where month = $1), 0) - coalesce(sum(part) filter (where month = $2), 0) as amount
from shares
group by value
order by abs(amount) desc, value
limit 5`;
  if (s.kind === 'total') return { kind: 'contribution', sql: step(`(${s.sql})::double`, '1') };
  if (s.kind === 'rate') {
    return { kind: 'contribution', sql: step(`(count(*) filter (where (${s.denominator}) and (${s.numerator})))::double`, `count(*) filter (where ${s.denominator})`) };
  }
  if (s.kind === 'ratio') return { kind: 'contribution', sql: step(`coalesce(sum(${s.numerator}), 0)::double`, `coalesce(sum(${s.denominator}), 0)`) };
  if (cm.stat === 'mean' || s.kind === 'mean') return { kind: 'contribution', sql: step(`sum(${col})::double`, `count(${col})`) };
  const q = cm.stat === 'p90' ? 0.9 : 0.5;
  return {
    kind: 'own',
    sql: `
with per_group as (
  select
    ${dimension} as value,
    quantile_cont(${col}, ${q}) filter (where month = $1) as now_value,
    quantile_cont(${col}, ${q}) filter (where month = $2) as before_value,
    count(${col}) filter (where month = $1) as now_n,
    count(${col}) filter (where month = $2) as before_n
  from conversation_metrics
  where ${months}
  group by all
),
weighted as (
  select *, now_n / sum(now_n) over () as share
  from per_group
  where now_n >= ${MIN_GROUP_SIZE} and before_n >= ${MIN_GROUP_SIZE}
)
select value, now_value - before_value as amount, share, before_value, now_value
from weighted
order by abs(now_value - before_value) * share desc, value
limit 5`,
  };
}

const SPIKE_SQL = (dimension: Dim) => `
with days as (
  select strftime(created_at, '%Y-%m-%d') as day, count(*) as n
  from conversation_metrics
  where month = $1 and ${dimension} is not distinct from $2
  group by 1
)
select day, n, n / median(n) over () as ratio
from days
order by n desc, day
limit 1`;

/**
 * The month's notable changes against the month before, each with its driver
 * (and the driver's spike day) and its sentence. `compared` is false when
 * either month has no data; `changes` is empty when nothing moved enough.
 */
export async function findNotableChanges(
  db: Warehouse,
  month: string,
  options: { columns?: readonly string[]; by?: readonly Dim[]; top?: number } = {},
): Promise<{ compared: boolean; changes: NotableChange[] }> {
  const columns = options.columns ?? HEADLINE_FIELDS;
  const previous = shiftMonth(month, -1);
  const rows = await db.all("select * from metric_summary where grouping = 'month' and month in ($1, $2)", [month, previous]);
  const now = rows.find((r) => r['month'] === month);
  const before = rows.find((r) => r['month'] === previous);
  if (!now || !before) return { compared: false, changes: [] };
  const moves: Move[] = columns.map((column) => {
    const cm = fieldMetric(column);
    const rate = cm?.metric.unit === 'rate' && !cm.stat;
    return {
      column,
      current: num(now[column]),
      previous: num(before[column]),
      ...(rate ? { currentBase: num(now[`${column}_base`]), previousBase: num(before[`${column}_base`]) } : {}),
    };
  });
  const out: NotableChange[] = [];
  for (const move of rankMoves(moves, options.top ?? 4)) {
    const candidates: Driver[] = [];
    for (const dimension of options.by ?? DRIVER_DIMENSIONS) {
      const q = driverSql(move.column, dimension);
      if (!q) continue;
      for (const r of await db.all(q.sql, [month, previous])) {
        candidates.push({
          dimension,
          value: r['value'] === null ? null : String(r['value']),
          kind: q.kind,
          amount: Number(r['amount']),
          share: q.kind === 'contribution' ? (move.delta === 0 ? 0 : Number(r['amount']) / move.delta) : Number(r['share']),
          ...(q.kind === 'own' ? { from: Number(r['before_value']), to: Number(r['now_value']) } : {}),
        });
      }
    }
    const driver = pickDriver(move, candidates);
    let spike: Spike | undefined;
    if (driver) {
      const s = await db.one(SPIKE_SQL(driver.dimension), [month, driver.value]);
      if (s && Number(s['ratio']) >= THRESHOLDS.spikeRatio && Number(s['n']) >= MIN_GROUP_SIZE) {
        spike = { day: String(s['day']), count: Number(s['n']), ratio: Number(s['ratio']) };
      }
    }
    out.push({ ...move, ...(driver ? { driver } : {}), ...(spike ? { spike } : {}), sentence: describeChange(move, driver, spike) });
  }
  return { compared: true, changes: out };
}
