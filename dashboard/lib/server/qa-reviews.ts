/**
 * The QA figures under the dashboard's filters: which reviews of
 * qa_reviews_scored a view holds, and the internal quality score by month.
 *
 * A review belongs to its conversation: the date range, channel, intent and
 * team are the mart's own columns (the conversation's, the team the
 * reviewed agent's), the agent is the reviewed agent, and every other filter
 * (tag, priority, account, custom dimensions, status, CSAT, SLA) is the
 * conversation's in conversation_metrics (filters.ts {@link narrowingWhere}).
 * The monthly scores come from the qa_internal_quality mart when it keeps
 * the view (one of agent, team or channel, nothing else), and otherwise from
 * the reviews themselves with the mart's definition (mean qa_score of the
 * month's scored reviews, by the conversation's month).
 *
 * @example
 *   const w = reviewWhere({ from: '2026-10-01', to: '2026-10-31', tag: 'vip' });
 *   await db.all(`select count(*) from qa_reviews_scored r where ${w.sql}`, w.params);
 *   await qualityMonths(db, filters, trendRange(filters)); // [{ month: '2026-10', reviews: 12, internal_quality_score: 84.2 }, …]
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { cachedAll } from './cache.js';
import { dataDays, narrowed, narrowingWhere, numbered, type Filters, type Where } from './filters.js';

/** The conditions on qa_reviews_scored (alias `r`) of every filter of `f`, numbered from `$start`; `dates: false` leaves the range out. */
export function reviewWhere(f: Filters, options: { dates?: boolean; start?: number } = {}): Where {
  const own = numbered(
    [
      ...(options.dates === false
        ? []
        : ([
            ['r.created_at >= ?::date', f.from],
            ['r.created_at < ?::date + 1', f.to],
          ] as const)),
      ...(f.channel ? ([['r.channel = ?', f.channel]] as const) : []),
      ...(f.intent ? ([['r.intent = ?', f.intent]] as const) : []),
      ...(f.team ? ([['r.team = ?', f.team]] as const) : []),
      ...(f.agent ? ([['r.agent_id = ?', f.agent]] as const) : []),
    ],
    options.start ?? 1,
  );
  const narrowing = narrowingWhere(f, { prefix: 'cm', start: (options.start ?? 1) + own.params.length });
  if (narrowing.sql === 'true') return own;
  return {
    // main.: the table itself, also inside a mart computed over narrowed inputs (models/mart-over.ts)
    sql: `${own.sql} and exists (select 1 from main.conversation_metrics cm where cm.source = r.source and cm.conversation_id = r.conversation_id and ${narrowing.sql})`,
    params: [...own.params, ...narrowing.params],
  };
}

/**
 * The conditions on qa_reviews (alias `q`: every kind, calibration ratings
 * too) of every filter of `f`, numbered from `$start`: the review seen as
 * qa_reviews_scored sees it (its conversation's day, channel and intent; the
 * reviewed agent, and that agent's team from the roster, else the
 * conversation's — as in qa_reviews_scored.sql), under {@link reviewWhere}.
 */
export function ratingWhere(f: Filters, start = 1): Where {
  const w = reviewWhere(f, { start });
  if (w.sql === 'true') return w;
  return {
    sql: `q.review_id in (select r.review_id from (
       select v.review_id, v.source, v.conversation_id, v.agent_id, coalesce(a.team, c.team) as team, c.created_at, c.channel, c.intent
       from main.qa_reviews v
       join main.conversation_metrics c on c.source = v.source and c.conversation_id = v.conversation_id
       left join main.stg_agents a on a.agent_id = v.agent_id) r
     where ${w.sql})`,
    params: w.params,
  };
}

/**
 * Whether `f` asks for every review there is (no filter but a date range
 * that holds every conversation): what an all-time QA mart (the agreement
 * marts) keeps as it is.
 */
export async function everyReview(db: Warehouse, f: Filters): Promise<boolean> {
  if (f.channel || f.intent || f.team || f.agent || narrowed(f)) return false;
  const { first, last } = await dataDays(db);
  return f.from <= first && f.to >= last;
}

export interface QualityMonth {
  month: string;
  reviews: number;
  internal_quality_score: number | null;
}

/** The mart grouping that keeps `f`'s view, or null when it does not (an intent, two groups, a narrowing filter). */
function martGrouping(f: Filters): readonly [string, 'agent' | 'team' | 'channel' | null, string | null] | null {
  const groups = [f.agent, f.team, f.channel].filter(Boolean).length;
  if (f.intent || groups > 1 || narrowingWhere(f).sql !== 'true') return null;
  if (f.agent) return ['month,agent', 'agent', f.agent];
  if (f.team) return ['month,team', 'team', f.team];
  if (f.channel) return ['month,channel', 'channel', f.channel];
  return ['month', null, null];
}

/** Whether the qa_internal_quality mart keeps `f`'s view (else the months are computed from the reviews). */
export function martKeeps(f: Filters): boolean {
  return martGrouping(f) !== null;
}

/** The internal quality score of each month of `range` (by its months) in `f`'s view, with its count of scored reviews. */
export async function qualityMonths(db: Warehouse, f: Filters, range: { from: string; to: string }): Promise<QualityMonth[]> {
  const group = martGrouping(f);
  const months = [range.from.slice(0, 7), range.to.slice(0, 7)] as const;
  let rows: QualityMonth[];
  if (group) {
    const w = numbered([['"grouping" = ?', group[0]], ['month >= ?', months[0]], ['month <= ?', months[1]], ...(group[1] ? ([[`${group[1]} = ?`, group[2]]] as const) : [])]);
    rows = await cachedAll<QualityMonth & Record<string, unknown>>(
      db,
      `select month, reviews, internal_quality_score from qa_internal_quality where ${w.sql} order by month`,
      w.params,
    );
  } else {
    // qa_internal_quality's definition over the reviews of the view: reviews without a score (all N/A) are left out
    const w = reviewWhere(f, { dates: false });
    const n = w.params.length;
    rows = await cachedAll<QualityMonth & Record<string, unknown>>(
      db,
      `select r.month, count(*) as reviews, avg(r.qa_score) as internal_quality_score
       from qa_reviews_scored r
       where r.qa_score is not null and r.month is not null and r.month >= $${n + 1} and r.month <= $${n + 2} and ${w.sql}
       group by r.month order by r.month`,
      [...w.params, ...months],
    );
  }
  return rows.map((r) => ({ month: r.month, reviews: Number(r.reviews), internal_quality_score: r.internal_quality_score === null ? null : Number(r.internal_quality_score) }));
}
