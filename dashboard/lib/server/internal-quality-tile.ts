/**
 * The overview's internal quality score tile, read from scorecards' mart
 * `qa_internal_quality` (mean qa_score of a month's reviews, by month and by
 * month × team / channel; refreshed by every QA write). It shows the last
 * reviewed month in the date range against the month before; the mart has
 * no intent grouping, so under an intent filter (or team and channel
 * together) the tile says so instead of showing a number. A month of fewer
 * reviews than the catalogue's minimum shows no score, and says why
 * (models/caveats.ts, the rule the reports follow too).
 *
 * @example
 *   const tile = await internalQualityTile(db, filters); // { label: 'Internal quality score', value: '84.2', ... }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { filterQuery, trendRange, type Filters } from './filters.js';
import { cachedAll, martsBuilt } from './mart-query.js';
import { sparkline } from '../../../charts/sparkline.js';
import { change, type Tile } from './tiles.js';
import { sampleCaveat, shownValue } from '../../../models/caveats.js';

export async function internalQualityTile(db: Warehouse, f: Filters): Promise<Tile | null> {
  if (!(await martsBuilt(db, 'qa_internal_quality'))) return null;
  const m = metric('internal_quality_score');
  const base = { metric: 'qa_score', label: m.label, href: `/agents${filterQuery({ from: f.from, to: f.to })}`, spark: '', comparedWith: 'previous month' };
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
  // a month of fewer reviews than the catalogue's minimum has no score to show
  const score = (r: { score: number | null; reviews: number } | undefined) => (r ? shownValue(r.score, Number(r.reviews)) : null);
  const caveat = sampleCaveat(last ? Number(last.reviews) : undefined, 'review');
  return {
    ...base,
    value: formatValue(m, score(last)),
    second: last ? `${last.month}, ${last.reviews} review${Number(last.reviews) === 1 ? '' : 's'}` : 'no reviews in the range',
    // a 0–100 score: its change in points, against the month before the last reviewed one
    ...change(m, score(last), score(before), 'points'),
    ...(before ? { comparedWith: before.month } : {}),
    spark: sparkline(rows.map((r) => ({ month: r.month, value: score(r) }))),
    ...(caveat ? { caveat: caveat.text } : {}),
  };
}
