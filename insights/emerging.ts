/**
 * insight_emerging: what rose in a month against the months before it. One
 * row per (month, kind, item) that passed {@link emergingTest}: kind 'topic'
 * (item = topic_id, label = the topic's name) or 'term' (item = the stemmed
 * term, label = as customers wrote it). `conversations` in the month mention
 * it; `expected` is what the baseline months (up to three before it) predict
 * at this month's volume; `ratio` = conversations ÷ expected; `p_value` the
 * one-sided Poisson p-value; `tests` how many rises were tested in that month
 * (the Bonferroni factor); `rank` orders a month's rows by p-value, then ratio.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { emergingTest, type EmergingOptions } from './significance.js';

export interface EmergingRow {
  month: string;
  kind: 'topic' | 'term';
  item: string;
  label: string;
  conversations: number;
  expected: number;
  ratio: number;
  p_value: number;
  baseline_conversations: number;
  baseline_months: number;
  tests: number;
  rank: number;
}

/** Tests every candidate rise and writes insight_emerging; returns its rows. */
export async function buildEmerging(
  db: Warehouse,
  opts: Required<Pick<EmergingOptions, 'minCount' | 'minRatio' | 'alpha'>> & { baselineMonths: number },
  labelOf: (kind: 'topic' | 'term', item: string) => string,
): Promise<EmergingRow[]> {
  const candidates = await db.all<{
    kind: 'topic' | 'term';
    item: string;
    month: string;
    count: number;
    total: number;
    baseline_count: number;
    baseline_total: number;
    baseline_months: number;
  }>(emergingCandidatesSql(opts.minCount, opts.baselineMonths));
  const testsPerMonth = new Map<string, number>();
  for (const c of candidates) testsPerMonth.set(c.month, (testsPerMonth.get(c.month) ?? 0) + 1);
  const rows: EmergingRow[] = [];
  for (const c of candidates) {
    const tests = testsPerMonth.get(c.month) ?? 1;
    const r = emergingTest(
      { count: c.count, total: c.total, baselineCount: c.baseline_count, baselineTotal: c.baseline_total },
      { minCount: opts.minCount, minRatio: opts.minRatio, alpha: opts.alpha, tests },
    );
    if (!r.emerging) continue;
    rows.push({
      month: c.month,
      kind: c.kind,
      item: c.item,
      label: labelOf(c.kind, c.item),
      conversations: c.count,
      expected: r.expected,
      ratio: r.ratio,
      p_value: r.pValue,
      baseline_conversations: c.baseline_count,
      baseline_months: c.baseline_months,
      tests,
      rank: 0,
    });
  }
  rows.sort((a, b) => a.month.localeCompare(b.month) || a.p_value - b.p_value || b.ratio - a.ratio || a.kind.localeCompare(b.kind) || a.item.localeCompare(b.item));
  let month = '';
  let rank = 0;
  for (const r of rows) {
    rank = r.month === month ? rank + 1 : 1;
    month = r.month;
    r.rank = rank;
  }
  await db.run(`create or replace table insight_emerging (
    month varchar, rank integer, kind varchar, item varchar, label varchar, conversations integer, expected double,
    ratio double, p_value double, baseline_conversations integer, baseline_months integer, tests integer)`);
  const appender = await db.connection.createAppender('insight_emerging');
  try {
    for (const r of rows) {
      appender.appendVarchar(r.month);
      appender.appendInteger(r.rank);
      appender.appendVarchar(r.kind);
      appender.appendVarchar(r.item);
      appender.appendVarchar(r.label);
      appender.appendInteger(r.conversations);
      appender.appendDouble(r.expected);
      appender.appendDouble(r.ratio);
      appender.appendDouble(r.p_value);
      appender.appendInteger(r.baseline_conversations);
      appender.appendInteger(r.baseline_months);
      appender.appendInteger(r.tests);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return rows;
}

/**
 * Candidate rises: per month (from the second on), each term
 * and topic with at least `minCount` conversations, with its count over the
 * previous `baselineMonths` months and those months' total conversations.
 */
export const emergingCandidatesSql = (minCount: number, baselineMonths: number) => `
with
month_list as (
  select month, count(*) as total, row_number() over (order by month) as mi
  from _ins_attr
  group by month
),
monthly as (
  select 'term' as kind, k.term as item, a.month, count(*) as n
  from _ins_kept k join _ins_attr a using (doc)
  group by all
  union all
  select 'topic', td.topic_id::varchar, a.month, count(*)
  from _ins_topic_docs td join _ins_attr a using (doc)
  group by all
),
candidates as (
  select m.kind, m.item, m.month, m.n, l.mi, l.total
  from monthly m
  join month_list l using (month)
  where m.n >= ${minCount} and l.mi > 1
),
baseline as (
  select c.kind, c.item, c.month, sum(m.n) as baseline_count
  from candidates c
  join month_list l on l.mi between c.mi - ${baselineMonths} and c.mi - 1
  join monthly m on m.kind = c.kind and m.item = c.item and m.month = l.month
  group by all
),
baseline_totals as (
  select c.month, sum(l.total) as baseline_total, count(*) as baseline_months
  from (select distinct month, mi from candidates) c
  join month_list l on l.mi between c.mi - ${baselineMonths} and c.mi - 1
  group by all
)
select
  c.kind,
  c.item,
  c.month,
  c.n as count,
  c.total,
  coalesce(b.baseline_count, 0) as baseline_count,
  t.baseline_total,
  t.baseline_months
from candidates c
left join baseline b using (kind, item, month)
join baseline_totals t using (month)
order by c.month, c.kind, c.item
`;
