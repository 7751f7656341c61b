/**
 * insight_emerging: what rose in a month against the months before it. One
 * row per (month, issue): the rises that passed {@link emergingTest} and are
 * one issue ({@link groupRises}) are one row, shown by one of them — kind 'topic'
 * (item = topic_id, label = the topic's name) or 'term' (item = the stemmed
 * term, label = as customers wrote it). `conversations` in the month mention
 * it; `expected` is what the baseline months (up to three before it) predict
 * at this month's volume; `ratio` = conversations ÷ expected; `p_value` the
 * one-sided Poisson p-value; `tests` how many rises were tested in that month
 * (the Bonferroni factor); `rank` orders a month's rows by p-value, then ratio;
 * `variants` are the other rises' labels.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { LIST, VARCHAR } from '@duckdb/node-api';
import { surfaceLabels } from './labels.js';
import { emergingTest, type EmergingOptions } from './significance.js';

const LIST_VARCHAR = LIST(VARCHAR);

export interface EmergingRow {
  month: string;
  kind: 'topic' | 'term';
  item: string;
  label: string;
  /** the other phrases of the same issue that rose with it, as written */
  variants: string[];
  conversations: number;
  expected: number;
  ratio: number;
  p_value: number;
  baseline_conversations: number;
  baseline_months: number;
  tests: number;
  rank: number;
}

/** Two rises of a month are one item when the conversations they share are at least this share of the smaller one's. */
export const GROUP_OVERLAP = 0.5;

/**
 * Tests every candidate rise, groups the rises of one issue (the same
 * month's conversations, or one phrase inside the other: `502`, `code 502`,
 * `error code 502`) into one item with its variants, and writes
 * insight_emerging; returns its rows. A group is shown by its topic when one
 * of the rises is a topic, else by its commonest phrase.
 */
export async function buildEmerging(
  db: Warehouse,
  opts: Required<Pick<EmergingOptions, 'minCount' | 'minRatio' | 'alpha'>> & { baselineMonths: number },
  topicNames: ReadonlyMap<string, string>,
  termLabel: (term: string) => string,
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
  const passed: EmergingRow[] = [];
  for (const c of candidates) {
    const tests = testsPerMonth.get(c.month) ?? 1;
    const r = emergingTest(
      { count: c.count, total: c.total, baselineCount: c.baseline_count, baselineTotal: c.baseline_total },
      { minCount: opts.minCount, minRatio: opts.minRatio, alpha: opts.alpha, tests },
    );
    if (!r.emerging) continue;
    passed.push({
      month: c.month,
      kind: c.kind,
      item: c.item,
      label: '',
      variants: [],
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
  const labels = await surfaceLabels(
    db,
    passed.filter((r) => r.kind === 'term').map((r) => r.item),
    termLabel,
  );
  const labelOf = (r: EmergingRow) => (r.kind === 'topic' ? (topicNames.get(r.item) ?? r.item) : (labels.get(r.item) ?? termLabel(r.item)));
  const rows = groupRises(passed, await sharedConversations(db, passed), labelOf);
  rows.sort((a, b) => a.month.localeCompare(b.month) || a.p_value - b.p_value || b.ratio - a.ratio || a.kind.localeCompare(b.kind) || a.item.localeCompare(b.item));
  let month = '';
  let rank = 0;
  for (const r of rows) {
    rank = r.month === month ? rank + 1 : 1;
    month = r.month;
    r.rank = rank;
  }
  await db.run(`create or replace table insight_emerging (
    month varchar, rank integer, kind varchar, item varchar, label varchar, variants varchar[], conversations integer, expected double,
    ratio double, p_value double, baseline_conversations integer, baseline_months integer, tests integer)`);
  const appender = await db.connection.createAppender('insight_emerging');
  try {
    for (const r of rows) {
      appender.appendVarchar(r.month);
      appender.appendInteger(r.rank);
      appender.appendVarchar(r.kind);
      appender.appendVarchar(r.item);
      appender.appendVarchar(r.label);
      appender.appendList(r.variants, LIST_VARCHAR);
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

/** Conversations of its month shared by two rises of the same month (keys `kind:item`). */
async function sharedConversations(db: Warehouse, rises: readonly EmergingRow[]): Promise<Array<{ month: string; a: string; b: string; shared: number }>> {
  if (rises.length < 2) return [];
  await db.run('create or replace temp table _ins_rises as select unnest($1::varchar[]) as month, unnest($2::varchar[]) as kind, unnest($3::varchar[]) as item', [
    rises.map((r) => r.month),
    rises.map((r) => r.kind),
    rises.map((r) => r.item),
  ]);
  const rows = await db.all<{ month: string; a: string; b: string; shared: number }>(`
    with docs as (
      select r.month, 'term:' || r.item as key, k.doc
      from _ins_rises r join _ins_kept k on r.kind = 'term' and k.term = r.item join _ins_attr a on a.doc = k.doc and a.month = r.month
      union all
      select r.month, 'topic:' || r.item, td.doc
      from _ins_rises r join _ins_topic_docs td on r.kind = 'topic' and td.topic_id::varchar = r.item join _ins_attr a on a.doc = td.doc and a.month = r.month
    )
    select x.month, x.key as a, y.key as b, count(*) as shared
    from docs x join docs y on x.month = y.month and x.doc = y.doc and x.key < y.key
    group by all`);
  await db.run('drop table _ins_rises');
  return rows;
}

/**
 * Groups the rises of a month into items: two rises are one item when one
 * phrase holds the other's words, or when the conversations they share are
 * at least {@link GROUP_OVERLAP} of the smaller one's (transitively). An
 * item is shown by its topic if one of its rises is a topic, else by its
 * commonest phrase of several words (when that is at least half as common
 * as its commonest rise), else its commonest rise; the other rises' labels
 * are its variants (commonest first). Numbers are those of the shown rise.
 *
 * @example
 *   groupRises([{ month: '2026-09', kind: 'term', item: '502', conversations: 175, … }, { …, item: 'code 502', conversations: 175 }], [], (r) => r.item)
 *   // one row: label 'code 502', variants ['502']
 */
export function groupRises(
  rises: readonly EmergingRow[],
  shared: ReadonlyArray<{ month: string; a: string; b: string; shared: number }>,
  labelOf: (r: EmergingRow) => string,
): EmergingRow[] {
  const key = (r: EmergingRow) => `${r.month}\t${r.kind}:${r.item}`;
  const byKey = new Map(rises.map((r) => [key(r), r]));
  const parent = new Map(rises.map((r) => [key(r), key(r)]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const join = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const byMonth = new Map<string, EmergingRow[]>();
  for (const r of rises) byMonth.set(r.month, [...(byMonth.get(r.month) ?? []), r]);
  for (const list of byMonth.values()) {
    const terms = list.filter((r) => r.kind === 'term');
    for (const x of terms) {
      const wx = x.item.split(' ');
      for (const y of terms) {
        if (x === y || y.item.length <= x.item.length) continue;
        // x's words, in order, inside y
        if (` ${y.item} `.includes(` ${wx.join(' ')} `)) join(key(x), key(y));
      }
    }
  }
  for (const s of shared) {
    const a = byKey.get(`${s.month}\t${s.a}`);
    const b = byKey.get(`${s.month}\t${s.b}`);
    if (!a || !b) continue;
    if (s.shared / Math.min(a.conversations, b.conversations) >= GROUP_OVERLAP) join(key(a), key(b));
  }
  const groups = new Map<string, EmergingRow[]>();
  for (const r of rises) groups.set(find(key(r)), [...(groups.get(find(key(r))) ?? []), r]);
  const out: EmergingRow[] = [];
  for (const members of groups.values()) {
    members.sort((a, b) => b.conversations - a.conversations || b.item.split(' ').length - a.item.split(' ').length || a.item.localeCompare(b.item));
    const most = members[0]!.conversations;
    const shown = members.find((r) => r.kind === 'topic') ?? members.find((r) => r.item.includes(' ') && r.conversations >= 0.5 * most) ?? members[0]!;
    const label = labelOf(shown);
    const variants: string[] = [];
    for (const r of members) {
      const l = labelOf(r);
      if (r !== shown && l !== label && !variants.includes(l)) variants.push(l);
    }
    out.push({ ...shown, label, variants });
  }
  return out;
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
