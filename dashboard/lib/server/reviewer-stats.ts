/**
 * Reviewer statistics for QA leads, from the `qa_reviewer_stats` mart: per
 * reviewer and month, reviews given (and per week), the mean QA score they
 * gave against the mean of every reviewer that month, the median time per
 * review, how many of their reviews were disputed and upheld, and their
 * distance from calibration benchmarks.
 *
 * @example
 *   const page = await reviewerStats(db, '2026-11');
 *   page.rows[0]; // { reviewer: 'ana', reviews: 24, perWeek: 5.6, meanScore: 88.1, allMean: 84.0, … }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { cachedAll, martsBuilt } from './mart-query.js';

export interface ReviewerRow {
  reviewer: string;
  reviews: number;
  /** reviews ÷ the month's weeks (its days ÷ 7) */
  perWeek: number;
  meanScore: number | null;
  /** the mean QA score every reviewer gave that month, weighted by reviews */
  allMean: number | null;
  medianSeconds: number | null;
  disputed: number;
  upheld: number;
  /** mean distance from the benchmark in calibration sessions (criteria, 0–100 points); null without one */
  calibrationDistance: number | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The months with reviews, newest first, and the rows of `month` (default: the newest). */
export async function reviewerStats(db: Warehouse, month?: string): Promise<{ months: string[]; month: string | null; rows: ReviewerRow[] }> {
  if (!(await martsBuilt(db, 'qa_reviewer_stats'))) return { months: [], month: null, rows: [] };
  const months = (await cachedAll<{ m: string }>(db, 'select distinct review_month as m from qa_reviewer_stats where review_month is not null order by 1 desc')).map((r) => r.m);
  const chosen = month && months.includes(month) ? month : (months[0] ?? null);
  if (!chosen) return { months, month: null, rows: [] };
  const rows = await cachedAll<Record<string, unknown>>(
    db,
    `select reviewer_id, reviews, mean_qa_score, time_spent_s_median, disputed_reviews, disputes_upheld, calibration_distance,
       sum(mean_qa_score * reviews) over () / nullif(sum(reviews) filter (where mean_qa_score is not null) over (), 0) as all_mean,
       day(last_day(strptime(review_month || '-01', '%Y-%m-%d'))) as days
     from qa_reviewer_stats where review_month = $1 order by reviews desc, reviewer_id`,
    [chosen],
  );
  return {
    months,
    month: chosen,
    rows: rows.map((r) => ({
      reviewer: String(r['reviewer_id']),
      reviews: Number(r['reviews'] ?? 0),
      perWeek: Math.round((Number(r['reviews'] ?? 0) / (Number(r['days']) / 7)) * 10) / 10,
      meanScore: num(r['mean_qa_score']),
      allMean: num(r['all_mean']),
      medianSeconds: num(r['time_spent_s_median']),
      disputed: Number(r['disputed_reviews'] ?? 0),
      upheld: Number(r['disputes_upheld'] ?? 0),
      calibrationDistance: num(r['calibration_distance']),
    })),
  };
}
