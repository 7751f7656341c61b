/**
 * The QA metric pages (mart-metric-page.ts): QA score, internal quality score
 * and agreement, from qa_reviews_scored, qa_internal_quality and
 * qa_calibration_agreement / qa_autoqa_agreement.
 *
 * - A review belongs to the period of its conversation (created_at), as in
 *   qa_internal_quality's months, and takes every filter through it
 *   (qa-reviews.ts); calibration reviews are not in these marts.
 * - A statistic over fewer than MIN_GROUP_SIZE reviews shows its count and no
 *   value (spec "Grouping"): a month, a team or an agent with 3 reviews has no
 *   score on these pages.
 * - Agreement is kept per scope (a calibration session, or '(reviews)') and
 *   criterion over every rating so far; a view with filters is computed from
 *   its ratings with the marts' own SQL. Alphas are not averaged across criteria.
 *
 * @example
 *   await loadInternalQualityPage(db, { from: '2026-10-01', to: '2026-10-31' });
 *   // { total: '84.0 over 12 reviews', charts: [monthly trend, by team, by agent], drill: [reviews] }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { MIN_GROUP_SIZE } from '../../../models/catalogue.js';
import { trendChart } from '../../../charts/trend.js';
import { breakdownChart } from '../../../charts/breakdown.js';
import { histogram } from '../../../charts/histogram.js';
import { rateTick } from '../../../charts/ticks.js';
import type { ChartAnnotation } from '../../../charts/annotations.js';
import { cachedAll } from './cache.js';
import { filterQuery, filterWords, trendRange, type Filters } from './filters.js';
import { everyReview, qualityMonths, ratingWhere, reviewWhere } from './qa-reviews.js';
import { martOver } from '../../../models/mart-over.js';
import { drillTable, NARROW_WIDTH, type DrillTable, type MartMetricPage } from './mart-page-parts.js';

type ScoredReview = {
  review_id: string;
  source: string;
  conversation_id: string;
  agent_id: string | null;
  agent_name: string | null;
  team: string | null;
  day: string | null;
  reviewer_id: string;
  qa_score: number | null;
  auto_failed: boolean;
  rated_criteria: number;
  na_criteria: number;
  disputes: number;
};

const score = (v: number | null) => (v === null ? '–' : v.toFixed(1));
const n = (v: unknown) => Number(v ?? 0);
const reviewsWord = (k: number) => `${k.toLocaleString('en-US')} review${k === 1 ? '' : 's'}`;

/** The reviews of the period and filters (newest conversation first). */
function scoredReviews(db: Warehouse, f: Filters): Promise<ScoredReview[]> {
  // every filter: the mart's own columns, and the rest through the conversation (qa-reviews.ts)
  const w = reviewWhere(f);
  return cachedAll<ScoredReview>(
    db,
    `select r.review_id, r.source, r.conversation_id, r.agent_id, r.agent_name, r.team, r.created_at::date::varchar as day, r.reviewer_id,
       r.qa_score, r.auto_failed, r.rated_criteria, r.na_criteria, r.disputes
     from qa_reviews_scored r where ${w.sql}
     order by r.created_at desc, r.review_id`,
    w.params,
  ).then((rows) =>
    rows.map((r) => ({
      ...r,
      qa_score: r.qa_score === null ? null : Number(r.qa_score),
      rated_criteria: n(r.rated_criteria),
      na_criteria: n(r.na_criteria),
      disputes: n(r.disputes),
    })),
  );
}

/** The mean score of reviews with one, or null under MIN_GROUP_SIZE of them. */
export function meanScore(reviews: readonly Pick<ScoredReview, 'qa_score'>[]): { mean: number | null; scored: number } {
  const scores = reviews.map((r) => r.qa_score).filter((s): s is number => s !== null);
  return { mean: scores.length >= MIN_GROUP_SIZE ? scores.reduce((a, b) => a + b, 0) / scores.length : null, scored: scores.length };
}

/** The middle score (the mean of the two middle ones for an even count). */
export function medianScore(scores: readonly number[]): number | null {
  if (!scores.length) return null;
  const s = [...scores].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function reviewsTable(title: string, reviews: readonly ScoredReview[]): DrillTable {
  return drillTable(
    title,
    [
      { key: 'day', label: 'Conversation day' },
      { key: 'conversation', label: 'Conversation' },
      { key: 'agent', label: 'Agent' },
      { key: 'team', label: 'Team' },
      { key: 'reviewer', label: 'Reviewer' },
      { key: 'score', label: 'QA score', numeric: true },
      { key: 'criteria', label: 'Rated / N/A', numeric: true },
      { key: 'disputes', label: 'Disputes', numeric: true },
    ],
    reviews.map((r) => ({
      day: { text: r.day ?? '–' },
      conversation: { text: r.conversation_id, href: `/conversations/${encodeURIComponent(r.source)}/${encodeURIComponent(r.conversation_id)}` },
      agent: r.agent_id ? { text: r.agent_name ?? r.agent_id, href: `/agents/${encodeURIComponent(r.agent_id)}` } : { text: '–' },
      team: { text: r.team ?? '–' },
      reviewer: { text: r.reviewer_id },
      score: { text: r.qa_score === null ? 'all N/A' : `${score(r.qa_score)}${r.auto_failed ? ' (auto-fail)' : ''}` },
      criteria: { text: `${r.rated_criteria} / ${r.na_criteria}` },
      disputes: { text: String(r.disputes) },
    })),
  );
}

/** Score bins of ten points; 100 falls in the last. */
export function scoreBins(scores: readonly number[]): { bin: string; n: number; lo: number }[] {
  return Array.from({ length: 10 }, (_, i) => ({
    bin: i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`,
    lo: i * 10,
    n: scores.filter((s) => Math.min(9, Math.floor(s / 10)) === i).length,
  }));
}

/** The QA score page: the distribution of the period's review scores and the reviews. */
export async function loadQaScorePage(db: Warehouse, f: Filters): Promise<MartMetricPage> {
  const reviews = await scoredReviews(db, f);
  const scores = reviews.map((r) => r.qa_score).filter((s): s is number => s !== null);
  const median = scores.length >= MIN_GROUP_SIZE ? medianScore(scores) : null;
  const autoFailed = reviews.filter((r) => r.auto_failed).length;
  const bins = scoreBins(scores);
  const chart = (width?: number) =>
    scores.length ? histogram(bins, { label: 'QA score', href: () => '#drill-0', ...(width ? { width } : {}) }).replaceAll('Conversations', 'Reviews') : '';
  const total = !reviews.length
    ? 'no reviews'
    : median === null
      ? `${reviewsWord(scores.length)} scored: fewer than ${MIN_GROUP_SIZE}, so no median is shown`
      : `median ${score(median)} over ${reviewsWord(scores.length)} (${autoFailed} auto-failed)`;
  return {
    total,
    charts: [
      {
        title: 'Review scores',
        svg: chart(),
        narrow: chart(NARROW_WIDTH),
        caption: 'Each bar counts the reviews whose score falls in its ten points; an auto-failed review scores 0.',
      },
    ],
    drill: [reviewsTable('Reviews (newest conversation first)', reviews)],
    notes: [],
  };
}

/** The internal quality score page: its monthly trend, by team and agent for the period, and the reviews it is the mean of. */
export async function loadInternalQualityPage(db: Warehouse, f: Filters, annotations: readonly ChartAnnotation[] = []): Promise<MartMetricPage> {
  const [monthly, reviews] = await Promise.all([qualityMonths(db, f, trendRange(f)), scoredReviews(db, f)]);
  const points = monthly.map((r) => ({ month: r.month, value: n(r.reviews) >= MIN_GROUP_SIZE && r.internal_quality_score !== null ? Number(r.internal_quality_score) : null }));
  const trend = (width?: number) =>
    trendChart(points, {
      kind: 'line',
      label: 'Internal quality score',
      unit: 'score',
      format: score,
      href: (month) => `/metrics/internal_quality_score${filterQuery({ ...f, month: undefined, from: `${month}-01`, to: monthEnd(month) })}`,
      annotations,
      ...(width ? { width } : {}),
    });
  const scored = reviews.filter((r) => r.qa_score !== null);
  const { mean } = meanScore(scored);
  const byGroup = (key: 'team' | 'agent_id', width?: number) => {
    const groups = new Map<string, { label: string; scores: number[] }>();
    for (const r of scored) {
      const k = r[key];
      if (k === null) continue;
      const g = groups.get(k) ?? { label: key === 'agent_id' ? (r.agent_name ?? k) : k, scores: [] };
      g.scores.push(r.qa_score as number);
      groups.set(k, g);
    }
    const rows = [...groups.entries()]
      .filter(([, g]) => g.scores.length >= MIN_GROUP_SIZE)
      .map(([k, g]) => ({ key: k, label: g.label, value: g.scores.reduce((a, b) => a + b, 0) / g.scores.length, reviews: g.scores.length }))
      .sort((a, b) => b.reviews - a.reviews || a.key.localeCompare(b.key))
      .slice(0, 20);
    return breakdownChart(rows, {
      label: 'Internal quality score',
      href: (k) => `/metrics/internal_quality_score${filterQuery({ ...f, [key === 'agent_id' ? 'agent' : 'team']: k })}`,
      format: score,
      ...(width ? { width } : {}),
    });
  };
  const hidden = monthly.filter((r) => n(r.reviews) > 0 && n(r.reviews) < MIN_GROUP_SIZE).length;
  return {
    total: mean === null ? `${reviewsWord(scored.length)} scored: fewer than ${MIN_GROUP_SIZE}, so no score is shown` : `${score(mean)} over ${reviewsWord(scored.length)}`,
    charts: [
      {
        title: 'Monthly trend',
        svg: trend(),
        narrow: trend(NARROW_WIDTH),
        caption: hidden
          ? `${hidden} month${hidden === 1 ? ' has' : 's have'} fewer than ${MIN_GROUP_SIZE} reviews and show${hidden === 1 ? 's' : ''} no score.`
          : `The mean QA score of each month's reviews (at least ${MIN_GROUP_SIZE}).`,
      },
      { title: `By team (teams with at least ${MIN_GROUP_SIZE} reviews)`, svg: byGroup('team'), narrow: byGroup('team', NARROW_WIDTH) },
      { title: `By agent (top 20, at least ${MIN_GROUP_SIZE} reviews)`, svg: byGroup('agent_id'), narrow: byGroup('agent_id', NARROW_WIDTH) },
    ],
    drill: [reviewsTable('The reviews it is the mean of (newest conversation first)', scored)],
    // the figure, the months and the reviews take every filter (qa-reviews.ts)
    notes: [],
  };
}

function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * The agreement page: Krippendorff's alpha and exact matches per scope and
 * criterion, and AutoQA against reviewers. The marts keep every rating so
 * far; a view with a filter or a narrower date range is computed from its
 * ratings with the marts' own SQL (models/mart-over.ts): a rating counts in
 * the view of its conversation ({@link ratingWhere}, {@link reviewWhere}).
 */
export async function loadAgreementPage(db: Warehouse, f: Filters): Promise<MartMetricPage> {
  const whole = await everyReview(db, f);
  const ratings = whole ? null : ratingWhere(f);
  const reviews = whole ? null : reviewWhere(f);
  const calibration = ratings ? `(${martOver('qa_calibration_agreement', { qa_reviews: { alias: 'q', where: ratings.sql } })})` : 'qa_calibration_agreement';
  const autoqaFrom = reviews ? `(${martOver('qa_autoqa_agreement', { qa_reviews_scored: { alias: 'r', where: reviews.sql } })})` : 'qa_autoqa_agreement';
  const [rows, autoqa] = await Promise.all([
    cachedAll<{
      scope: string;
      scope_name: string;
      rubric_id: string;
      rubric_version: number;
      criterion_id: string;
      units: number;
      ratings: number;
      alpha_ordinal: number | null;
      exact_match_share: number | null;
    }>(
      db,
      `select a.scope, coalesce(s.name, case when a.scope = '(reviews)' then 'ordinary reviews' else a.scope end) as scope_name,
         a.rubric_id, a.rubric_version, a.criterion_id, a.units, a.ratings, a.alpha_ordinal, a.exact_match_share
       from ${calibration} as a
       left join qa_calibration_sessions as s on s.session_id = a.scope
       order by a.ratings desc, a.scope, a.criterion_id`,
      ratings?.params ?? [],
    ),
    cachedAll<{ criterion_id: string; autoqa_check: string; reviews: number; agreeing: number; agreement_share: number | null }>(
      db,
      `select criterion_id, autoqa_check, reviews, agreeing, agreement_share from ${autoqaFrom} as a order by reviews desc, criterion_id`,
      reviews?.params ?? [],
    ),
  ]);
  const alpha = (v: number | null) => (v === null ? '–' : v.toFixed(2));
  // alphas of different scopes are not comparable bars: the charts show the scope with the most ratings
  const ratingsOf = new Map<string, number>();
  for (const r of rows) ratingsOf.set(r.scope, (ratingsOf.get(r.scope) ?? 0) + n(r.ratings));
  const charted = [...ratingsOf.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const top = rows.filter((r) => r.scope === charted);
  const chartedName = top[0]?.scope_name ?? '';
  const keyOf = (r: (typeof rows)[number]) => r.criterion_id;
  const alphaChart = (width?: number) =>
    breakdownChart(
      top.map((r) => ({ key: keyOf(r), value: r.alpha_ordinal === null ? null : Number(r.alpha_ordinal) })),
      { label: "Krippendorff's α (ordinal)", href: () => '#drill-0', format: alpha, ...(width ? { width } : {}) },
    );
  const matchChart = (width?: number) =>
    breakdownChart(
      top.map((r) => ({ key: keyOf(r), value: r.exact_match_share === null ? null : Number(r.exact_match_share) })),
      { label: 'Exact matches', unit: 'rate', href: () => '#drill-0', format: rateTick, ...(width ? { width } : {}) },
    );
  const alphas = rows
    .map((r) => r.alpha_ordinal)
    .filter((a): a is number => a !== null)
    .map(Number);
  const scopes = new Set(rows.map((r) => r.scope)).size;
  const total = !rows.length
    ? 'no conversation rated by two or more reviewers yet'
    : alphas.length
      ? `α from ${alpha(Math.min(...alphas))} to ${alpha(Math.max(...alphas))} over ${rows.length} criteri${rows.length === 1 ? 'on' : 'a'} in ${scopes} scope${scopes === 1 ? '' : 's'}`
      : `${rows.length} criteri${rows.length === 1 ? 'on' : 'a'} rated twice or more, none with an alpha (every rating the same value)`;
  return {
    total,
    charts: [
      {
        title: `Krippendorff's α by criterion: ${chartedName}`,
        svg: alphaChart(),
        narrow: alphaChart(NARROW_WIDTH),
        caption:
          '1 is perfect agreement, 0 is what chance gives; below 0.67 the ratings are not to be relied on. A criterion whose ratings were all the same value has no α. Every scope is in the table below.',
      },
      { title: `Exact matches by criterion: ${chartedName}`, svg: matchChart(), narrow: matchChart(NARROW_WIDTH) },
    ],
    drill: [
      drillTable(
        'Criteria rated by two or more reviewers, per scope (a calibration session, or ordinary reviews)',
        [
          { key: 'scope', label: 'Scope' },
          { key: 'rubric', label: 'Rubric' },
          { key: 'criterion', label: 'Criterion' },
          { key: 'units', label: 'Conversations', numeric: true },
          { key: 'ratings', label: 'Ratings', numeric: true },
          { key: 'alpha', label: 'α (ordinal)', numeric: true },
          { key: 'match', label: 'Exact matches', numeric: true },
        ],
        rows.map((r) => ({
          scope: r.scope === '(reviews)' ? { text: r.scope_name } : { text: r.scope_name, href: `/qa/calibration/${encodeURIComponent(r.scope)}` },
          rubric: { text: `${r.rubric_id} v${r.rubric_version}` },
          criterion: { text: r.criterion_id },
          units: { text: String(n(r.units)) },
          ratings: { text: String(n(r.ratings)) },
          alpha: { text: alpha(r.alpha_ordinal === null ? null : Number(r.alpha_ordinal)) },
          match: { text: r.exact_match_share === null ? '–' : rateTick(Number(r.exact_match_share)) },
        })),
      ),
      drillTable(
        'AutoQA against reviewers, per criterion',
        [
          { key: 'criterion', label: 'Criterion' },
          { key: 'check', label: 'AutoQA check' },
          { key: 'reviews', label: 'Reviews', numeric: true },
          { key: 'agreeing', label: 'Agreeing', numeric: true },
          { key: 'share', label: 'Agreement', numeric: true },
        ],
        autoqa.map((r) => ({
          criterion: { text: r.criterion_id },
          check: { text: r.autoqa_check },
          reviews: { text: String(n(r.reviews)) },
          agreeing: { text: String(n(r.agreeing)) },
          share: { text: r.agreement_share === null ? '–' : rateTick(Number(r.agreement_share)) },
        })),
      ),
    ],
    notes: [
      whole
        ? 'Every rating so far: the date range holds every conversation and no other filter is set.'
        : `The ratings of conversations from ${f.from} to ${f.to}${filterWords(f)
            .map((w) => `, ${w}`)
            .join('')} (team and agent: the reviewed agent's), computed from the reviews with the agreement marts' definitions.`,
    ],
  };
}
