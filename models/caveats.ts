/**
 * When a figure needs a caveat, and its words: the one rule that the
 * dashboard's tiles (dashboard/lib/server/) and the reports (notebooks/)
 * both apply.
 *
 * - **Too few values**: a statistic over fewer values than the catalogue's
 *   minimum (MIN_GROUP_SIZE, 10) is not shown; its count is, with a caveat
 *   saying why ("3 reviews: fewer than 10 reviews hide a score").
 * - **Inferred resolutions**: a figure of a metric built on resolutions
 *   (catalogue `usesInferredResolution`) over conversations of which a
 *   quarter or more were resolved by inference (spec "inferred resolution":
 *   the export has no status events, so a conversation counts as resolved
 *   at its last reply; `inferred_resolution` of conversation_metrics) says
 *   so: re-opens cannot be seen there, so FCR reads high and re-opens low.
 *
 * @example
 *   sampleCaveat(3, 'review');           // { kind: 'sample', text: '3 reviews: fewer than 10 reviews hide a score.', short: (the same) }
 *   shownValue(88.4, 3);                 // null
 *   inferredCaveat(['fcr_rate', 'reopen_rate'], { resolved: 1000, inferred: 996 });
 *   // { kind: 'inferred', text: '99.6% of these 1,000 resolutions are inferred …' }
 */
import { MIN_GROUP_SIZE, type Metric } from './catalogue.js';
import { fieldMetric } from './summary.js';

export interface Caveat {
  kind: 'sample' | 'inferred';
  text: string;
  /** The same in a few words, for a tile. */
  short: string;
}

/** The metrics that an inferred resolution (which has no re-open) biases: re-opens and first contact resolution. */
const REOPEN_FIGURES = new Set(['reopens', 'reopen_rate', 'fcr', 'fcr_rate']);

/** From this share of inferred resolutions on, figures built on resolutions carry the caveat. */
export const INFERRED_CAVEAT_SHARE = 0.25;

/** What a count counts: a word and its plural, and what too few of them hide. */
export const COUNTED: Record<string, { one: string; many: string; hides: string }> = {
  review: { one: 'review', many: 'reviews', hides: 'a score' },
  conversation: { one: 'conversation', many: 'conversations', hides: 'a rate or a median' },
  survey: { one: 'survey answer', many: 'survey answers', hides: 'a score' },
};

/** Whether a statistic over `n` values may be shown (the catalogue's minimum sample). */
export function enoughValues(n: unknown): boolean {
  return typeof n === 'number' && n >= MIN_GROUP_SIZE;
}

/** `value` when it rests on enough values, else null (shown as "–" with {@link sampleCaveat}). */
export function shownValue<T>(value: T | null | undefined, n: unknown): T | null {
  return enoughValues(n) ? (value ?? null) : null;
}

/** The caveat for a figure over `n` counted things, or null when there are enough (or none at all). */
export function sampleCaveat(n: unknown, counted: keyof typeof COUNTED): Caveat | null {
  if (typeof n !== 'number' || n <= 0 || n >= MIN_GROUP_SIZE) return null;
  const c = COUNTED[counted]!;
  const text = `${n} ${n === 1 ? c.one : c.many}: fewer than ${MIN_GROUP_SIZE} ${c.many} hide ${c.hides}.`;
  return { kind: 'sample', text, short: text };
}

/** The general sentence under a table in which some figures are hidden for too few values. */
export function hiddenNote(counted: keyof typeof COUNTED): string {
  const c = COUNTED[counted]!;
  const also = counted === 'conversation' ? ' (for a survey score, fewer than 10 answers)' : '';
  return `"–" where fewer than ${MIN_GROUP_SIZE} ${c.many}${also} stand behind a figure: too few to judge (the catalogue's minimum sample).`;
}

/** The count column of a query result that a hidden figure rests on, by its name. */
export function countedBy(column: string): keyof typeof COUNTED | undefined {
  if (/^(reviews|reviewed|review_count)$/.test(column)) return 'review';
  if (/^(conversations|conversation_count|n)$/.test(column)) return 'conversation';
  if (/^(surveys|csat_responses|responses)$/.test(column)) return 'survey';
  return undefined;
}

// a type, not an interface: a query's row type (warehouse Row) must take it
export type ResolutionCounts = {
  /** Resolved conversations. */
  resolved: number;
  /** Of them, those resolved by inference. */
  inferred: number;
};

/** SQL columns over conversation_metrics giving {@link ResolutionCounts} (`resolved`, `inferred`). */
export const RESOLUTION_COUNTS_SQL = 'count(*) filter (where resolved)::integer as resolved, count(*) filter (where resolved and inferred_resolution)::integer as inferred';

/** Whether `m` (a catalogue metric, or its name or summary field: fcr_rate, full_resolution_s_median) is built on resolutions, inferred ones included. */
export function restsOnResolutions(m: Metric | string): boolean {
  return (typeof m === 'string' ? fieldMetric(m)?.metric : m)?.usesInferredResolution ?? false;
}

/**
 * The caveat for figures of `metrics` over conversations with `counts`, or
 * null when none of them rests on resolutions or fewer than a quarter of the
 * resolutions are inferred.
 */
export function inferredCaveat(metrics: readonly (Metric | string)[], counts: ResolutionCounts | null | undefined): Caveat | null {
  if (!counts || counts.resolved <= 0 || counts.inferred / counts.resolved < INFERRED_CAVEAT_SHARE) return null;
  const resting = metrics.filter(restsOnResolutions);
  if (resting.length === 0) return null;
  const share = (100 * counts.inferred) / counts.resolved;
  const pct = share >= 99.95 && counts.inferred < counts.resolved ? '99.9' : share.toFixed(1);
  const why = `${pct}% of these ${counts.resolved.toLocaleString('en-US')} resolutions are inferred: the export has no status events, so a conversation counts as resolved at its last reply.`;
  // re-opens and what is built on them (FCR) are the figures an inferred resolution skews one way
  if (resting.some((m) => REOPEN_FIGURES.has(typeof m === 'string' ? (fieldMetric(m)?.metric.name ?? m) : m.name)))
    return {
      kind: 'inferred',
      text: `${why} Re-opens cannot be seen there, so first contact resolution reads high and the re-open rate low.`,
      short: `${pct}% of resolutions inferred (no status events): re-opens unseen, FCR reads high`,
    };
  return { kind: 'inferred', text: `${why} Figures built on resolutions rest on that guess.`, short: `${pct}% of resolutions inferred (no status events)` };
}
