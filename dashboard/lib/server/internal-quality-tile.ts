/**
 * The overview's internal quality score tile, read from scorecards' mart
 * `qa_internal_quality` (mean qa_score of a month's reviews, by month and by
 * month × team / channel; refreshed by every QA write). It shows the last
 * reviewed month in the date range against the month before. Every filter
 * applies: a view the mart does not keep (an intent, two groups, a tag,
 * priority, account, custom dimension, …) is computed from the reviews
 * themselves (qa-reviews.ts). A month of fewer
 * reviews than the catalogue's minimum shows no score, and says why
 * (models/caveats.ts, the rule the reports follow too).
 *
 * @example
 *   const tile = await internalQualityTile(db, filters); // { label: 'Internal quality score', value: '84.2', ... }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { filterQuery, trendRange, type Filters } from './filters.js';
import { martsBuilt } from './mart-query.js';
import { qualityMonths, type QualityMonth } from './qa-reviews.js';
import { sparkline } from '../../../charts/sparkline.js';
import { change, type Tile } from './tiles.js';
import { sampleCaveat, shownValue } from '../../../models/caveats.js';

export async function internalQualityTile(db: Warehouse, f: Filters): Promise<Tile | null> {
  if (!(await martsBuilt(db, 'qa_internal_quality'))) return null;
  const m = metric('internal_quality_score');
  const base = { metric: 'qa_score', label: m.label, href: `/agents${filterQuery({ from: f.from, to: f.to })}`, spark: '', comparedWith: 'previous month' };
  const trend = trendRange(f);
  // every filter: the mart's months when it keeps the view, else the reviews' own (qa-reviews.ts)
  const rows = await qualityMonths(db, f, trend);
  const inRange = rows.filter((r) => r.month >= f.from.slice(0, 7));
  const last = inRange.at(-1);
  const before = last ? rows[rows.indexOf(last) - 1] : undefined;
  // a month of fewer reviews than the catalogue's minimum has no score to show
  const score = (r: QualityMonth | undefined) => (r ? shownValue(r.internal_quality_score, r.reviews) : null);
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
