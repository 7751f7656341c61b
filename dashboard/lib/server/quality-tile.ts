/**
 * The overview's internal quality score tile, read from scorecards' mart
 * `qa_internal_quality` (mean qa_score of a month's reviews, by month and by
 * month × team / channel; as of the last `parley build`). It shows the last
 * reviewed month in the date range against the month before; the mart has
 * no intent grouping, so under an intent filter (or team and channel
 * together) the tile says so instead of showing a number.
 *
 * @example
 *   const tile = await qualityTile(db, filters); // { label: 'Internal quality score', value: '84.2', ... }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { filterQuery, trendRange, type Filters } from './filters.js';
import { cachedAll, martsBuilt } from './mart-query.js';
import { sparkline } from './charts/sparkline.js';
import type { Tile } from './overview.js';

export async function qualityTile(db: Warehouse, f: Filters): Promise<Tile | null> {
  if (!(await martsBuilt(db, 'qa_internal_quality'))) return null;
  const base = { metric: 'qa_score', label: 'Internal quality score', href: `/agents${filterQuery({ from: f.from, to: f.to })}`, spark: '' };
  if (f.intent || (f.team && f.channel)) {
    return { ...base, value: '–', second: 'not kept by intent', change: null, tone: null };
  }
  const grouping = f.team ? 'month,team' : f.channel ? 'month,channel' : 'month';
  const trend = trendRange(f);
  const rows = await cachedAll<{ month: string; score: number | null; reviews: number }>(
    db,
    `select month, internal_quality_score as score, reviews from qa_internal_quality
     where "grouping" = $1 and month between $2 and $3
       and ($4::varchar is null or team = $4) and ($5::varchar is null or channel = $5)
     order by month`,
    [grouping, trend.from.slice(0, 7), f.to.slice(0, 7), f.team ?? null, f.channel ?? null],
  );
  const inRange = rows.filter((r) => r.month >= f.from.slice(0, 7));
  const last = inRange.at(-1);
  const before = last ? rows[rows.indexOf(last) - 1] : undefined;
  const delta = last?.score != null && before?.score != null ? last.score - before.score : null;
  return {
    ...base,
    value: last?.score == null ? '–' : last.score.toFixed(1),
    second: last ? `${last.month}, ${last.reviews} review${last.reviews === 1 ? '' : 's'}` : 'no reviews in the range',
    change: delta === null ? null : `${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(1)} pts vs ${before!.month}`,
    tone: delta === null ? null : Math.abs(delta) < 1e-9 ? 'same' : delta > 0 ? 'better' : 'worse',
    spark: sparkline(rows.map((r) => ({ month: r.month, value: r.score }))),
  };
}
