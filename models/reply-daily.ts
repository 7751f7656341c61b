/**
 * The reply summary of a date range from the per-day rollup `reply_daily`
 * (models/marts/reply_daily.sql) instead of joining every reply to its
 * conversation (models/summary.ts replySummarySql): the same replies (given,
 * of conversations created in the range, by the reply's agent or team, and
 * of a channel), so the same figures. A median or p90 is the quantile of the
 * same values, whatever the order they come in; the next-response rate is
 * met ÷ measured, sums of whole counts. Several groups (an agent, a team) are
 * answered by one read of the mart, each as one row named by `as`.
 *
 * The rollup keeps the conversation's day, channel, the reply's agent and
 * team and nothing else: a view filtered on anything else (intent, tag, …) is
 * not its to answer ({@link REPLY_DAILY_FILTERS}).
 *
 * @example
 *   const q = replyDailySql({ from: '2026-10-01', to: '2026-10-31', groups: [{ as: 'agent', column: 'reply_agent', value: 'a1' }], fields: ['reply_time_s_median'] });
 *   await db.all(q.sql, q.params); // [{ as: 'agent', reply_time_s_median: 120 }]
 */
import { enough } from './summary.js';

/** The rollup the build makes (a mart of models/marts). */
export const REPLY_DAILY_MART = 'reply_daily';

/**
 * The reply-summary fields the rollup answers exactly: quantiles and whole
 * counts (not the mean: a floating-point sum depends on its order).
 */
export const REPLY_DAILY_FIELDS = ['reply_time_s_median', 'reply_time_s_p90', 'sla_next_response_rate', 'sla_next_response_rate_base'] as const;
export type ReplyDailyField = (typeof REPLY_DAILY_FIELDS)[number];

/** The conversation filters the rollup keeps besides the date range. */
export const REPLY_DAILY_FILTERS = ['channel'] as const;

export interface ReplyDailyGroup {
  /** The row's name in the result (column `as`). */
  as: string;
  column: 'reply_agent' | 'reply_team';
  value: string;
}

export interface ReplyDailyQuery {
  /** First and last day of the range (YYYY-MM-DD, UTC days of the conversation's creation). */
  from: string;
  to: string;
  groups: readonly ReplyDailyGroup[];
  fields: readonly ReplyDailyField[];
  channel?: string;
}

/** Whether the rollup answers `fields` (every one of them is among {@link REPLY_DAILY_FIELDS}). */
export function replyDailyAnswers(fields: readonly string[]): fields is readonly ReplyDailyField[] {
  return fields.every((f) => (REPLY_DAILY_FIELDS as readonly string[]).includes(f));
}

/** The reply-time fields, each with its quantile. */
const QUANTILES = ['reply_time_s_median', 'reply_time_s_p90'] as const;
const QUANTILE_OF: Record<(typeof QUANTILES)[number], number> = { reply_time_s_median: 0.5, reply_time_s_p90: 0.9 };

/** One query over reply_daily: a row per group (in the order of `groups`), each with `fields`. */
export function replyDailySql(q: ReplyDailyQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [q.from, q.to];
  const bind = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const channel = q.channel !== undefined ? ` and channel = ${bind(q.channel)}` : '';
  const conditions = q.groups.map((g) => `${g.column} = ${bind(g.value)}`);
  const names = q.groups.map((g) => bind(g.as));
  // the reply times and the per-row counts are aggregated apart (unnesting the lists repeats each
  // row's counts), each in one pass for every group (g0, g1, …: the row is the group's)
  const times = q.fields.filter((f): f is (typeof QUANTILES)[number] => (QUANTILES as readonly string[]).includes(f));
  const counts = q.fields.filter((f): f is Exclude<ReplyDailyField, (typeof QUANTILES)[number]> => !(QUANTILES as readonly string[]).includes(f));
  const flags = q.groups.map((_, i) => `g${i}`);
  // the median and the p90 of a group from one list quantile (one copy of the group's times, sorted once, not one for each):
  // the same interpolation between the same order statistics, so the same values
  const quantiles = `[${times.map((f) => QUANTILE_OF[f]).join(', ')}]`;
  const timeColumns = q.groups.flatMap((_, i) => {
    const w = `filter (where g${i})`;
    return times.map((f, k) => `${enough(`count(x) ${w}`, `(quantile_cont(x, ${quantiles}) ${w})[${k + 1}]`)} as ${f}_${i}`);
  });
  const countColumns = q.groups.flatMap((_, i) => {
    const w = `filter (where g${i})`;
    const measured = `coalesce(sum(sla_next_response_measured) ${w}, 0)`;
    const all: Record<(typeof counts)[number], string> = {
      sla_next_response_rate: enough(measured, `(sum(sla_next_response_met) ${w})::double / ${measured}`),
      sla_next_response_rate_base: measured,
    };
    return counts.map((f) => `${all[f]} as ${f}_${i}`);
  });
  const from = [...(times.length ? ['t'] : []), ...(counts.length ? ['c'] : [])].join(', ');
  const rows = q.groups.map((_, i) => `select ${[`${names[i]} as "as"`, ...q.fields.map((f) => `${f}_${i} as ${f}`)].join(', ')}${from ? ` from ${from}` : ''}`);
  if (!rows.length) return { sql: 'select null as "as" where false', params: [] };
  const sql = `with d as materialized (
  select ${[...conditions.map((c, i) => `${c} as g${i}`), 'reply_times', 'sla_next_response_measured', 'sla_next_response_met'].join(', ')}
  from ${REPLY_DAILY_MART}
  where day between $1::date and $2::date${channel} and (${conditions.join(' or ')})
)${times.length ? `,\nt as (\n  select\n    ${timeColumns.join(',\n    ')}\n  from (select ${flags.join(', ')}, unnest(reply_times) as x from d)\n)` : ''}${counts.length ? `,\nc as (\n  select\n    ${countColumns.join(',\n    ')}\n  from d\n)` : ''}
${rows.join('\nunion all\n')}`;
  return { sql, params };
}
