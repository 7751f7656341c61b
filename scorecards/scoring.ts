/**
 * The QA score of one review (metrics.md `qa_score`), worked out in
 * scorecards/SCORING.md:
 *
 *   qa_score = Σ weight × score ÷ Σ weight over rated criteria (N/A leaves both sums),
 *   each score normalised to 0–100 over its scale; 0 when a critical criterion failed.
 *
 * @example
 *   const result = scoreReview(rubric, [
 *     { criterion: 'understanding', rating: 4 },
 *     { criterion: 'accuracy', rating: 'pass' },
 *     { criterion: 'proactive_guidance', na: true },
 *   ]);
 *   result.qa_score; // e.g. 87.5
 */
import type { QaReviewCriteria } from '../warehouse/tables.js';
import { z } from 'zod';
import { criteriaOf, type Criterion, type Rubric, type Scale } from './rubric-schema.js';

/** One criterion's grade as a reviewer gives it. */
export const gradeSchema = z.strictObject({
  criterion: z.string().min(1),
  /** 1…N on a point scale, 'pass'/'fail', or an option's label. Absent when `na`. */
  rating: z.union([z.number(), z.string()]).optional(),
  na: z.boolean().optional(),
  comment: z.string().optional(),
  root_causes: z.array(z.string()).optional(),
});
export type Grade = z.infer<typeof gradeSchema>;

/** One criterion of a scored review: its row of qa_review_criteria, named for the rubric. */
export interface CriterionScore extends Omit<QaReviewCriteria, 'review_id' | 'criterion_id' | 'section_id' | 'position' | 'autoqa_check'> {
  criterion: string;
  section: string;
  /** The AutoQA check that suggested the rating, if any. */
  autoqa: string | null;
}

export interface ScoredReview {
  /** 0–100; null when every criterion is N/A (nothing to score). */
  qa_score: number | null;
  /** The weighted mean before the critical-failure rule (for category trends). */
  score_before_auto_fail: number | null;
  /** A critical criterion failed, so qa_score is 0. */
  auto_failed: boolean;
  criteria: CriterionScore[];
}

/** Grades that do not fit the rubric; one line per problem. */
export class GradeError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'GradeError';
  }
}

/** The lowest and highest points of a scale, and the points of each rating. */
export function scaleRange(scale: Scale): { min: number; max: number } {
  if (scale === 'pass/fail') return { min: 0, max: 1 };
  if (typeof scale === 'string') return { min: 1, max: Number(scale[0]) };
  const points = scale.options.map((o) => o.points);
  return { min: Math.min(...points), max: Math.max(...points) };
}

/** The ratings a scale accepts, as text (for messages and spreadsheets). */
export function scaleRatings(scale: Scale): string[] {
  if (scale === 'pass/fail') return ['pass', 'fail'];
  if (typeof scale === 'string') return Array.from({ length: Number(scale[0]) }, (_, i) => String(i + 1));
  return scale.options.map((o) => o.label);
}

/**
 * Reads a rating on a criterion's scale: its points and whether it fails,
 * or a message saying what the scale accepts.
 */
export function readRating(c: Criterion, rating: string | number): { label: string; points: number; failed: boolean } | string {
  const scale = c.scale;
  const accepted = () => `${JSON.stringify(rating)} is not on its ${typeof scale === 'string' ? scale : 'options'} scale (use ${scaleRatings(scale).join(', ')})`;
  if (scale === 'pass/fail') {
    const v = String(rating).trim().toLowerCase();
    if (v === 'pass') return { label: 'pass', points: 1, failed: false };
    if (v === 'fail') return { label: 'fail', points: 0, failed: true };
    return accepted();
  }
  if (typeof scale === 'string') {
    const n = typeof rating === 'number' ? rating : /^\s*\d+\s*$/.test(rating) ? Number(rating) : NaN;
    const max = Number(scale[0]);
    if (!Number.isInteger(n) || n < 1 || n > max) return accepted();
    return { label: String(n), points: n, failed: n === 1 };
  }
  const option = scale.options.find((o) => o.label === String(rating).trim()) ?? scale.options.find((o) => o.label.toLowerCase() === String(rating).trim().toLowerCase());
  if (!option) return accepted();
  const explicit = scale.options.some((o) => o.fails !== undefined);
  const { min } = scaleRange(scale);
  return { label: option.label, points: option.points, failed: explicit ? option.fails === true : option.points === min };
}

/** points → 0–100 over the scale. */
export function normalise(scale: Scale, points: number): number {
  const { min, max } = scaleRange(scale);
  return ((points - min) / (max - min)) * 100;
}

/**
 * Scores one review. Every criterion of the rubric needs a rating or N/A
 * (where allowed); an unknown criterion, a rating off its scale, N/A where it
 * is not allowed, or an unknown root cause is refused with a {@link GradeError}.
 */
export function scoreReview(rubric: Rubric, grades: readonly Grade[]): ScoredReview {
  const problems: string[] = [];
  const all = criteriaOf(rubric);
  const known = new Map(all.map((c) => [c.id, c]));
  const byCriterion = new Map<string, Grade>();
  for (const g of grades) {
    if (!known.has(g.criterion)) {
      problems.push(`criterion "${g.criterion}" is not in rubric ${rubric.id} (its criteria: ${all.map((c) => c.id).join(', ')})`);
      continue;
    }
    if (byCriterion.has(g.criterion)) problems.push(`criterion "${g.criterion}" is graded twice: give one grade`);
    byCriterion.set(g.criterion, g);
  }
  const criteria: CriterionScore[] = [];
  for (const c of all) {
    const g = byCriterion.get(c.id);
    const where = `criterion "${c.id}"`;
    if (!g || (g.na !== true && (g.rating === undefined || g.rating === ''))) {
      problems.push(`${where} has no grade: rate it (${scaleRatings(c.scale).join(', ')})${c.na_allowed ? ' or mark it N/A' : ''}`);
      continue;
    }
    const base = {
      criterion: c.id,
      section: c.section,
      weight: c.weight,
      critical: c.critical,
      comment: g.comment?.trim() ? g.comment.trim() : null,
      root_causes: g.root_causes ?? [],
      autoqa: c.autoqa ?? null,
    };
    const unknownCause = base.root_causes.find((r) => !c.root_causes.includes(r));
    if (unknownCause !== undefined) {
      problems.push(`${where}: root cause "${unknownCause}" is not one of its choices (${c.root_causes.join(', ') || 'none defined'})`);
    }
    if (g.na === true) {
      if (g.rating !== undefined && g.rating !== '') problems.push(`${where} is marked N/A and also rated ${JSON.stringify(g.rating)}: give one`);
      if (!c.na_allowed) problems.push(`${where} cannot be N/A in rubric ${rubric.id}: rate it (${scaleRatings(c.scale).join(', ')})`);
      criteria.push({ ...base, rating: null, points: null, score: null, na: true, failed: false });
      continue;
    }
    const read = readRating(c, g.rating!);
    if (typeof read === 'string') {
      problems.push(`${where}: ${read}`);
      continue;
    }
    criteria.push({ ...base, rating: read.label, points: read.points, score: normalise(c.scale, read.points), na: false, failed: read.failed });
  }
  if (problems.length) throw new GradeError(problems);
  return summarise(criteria);
}

/** The review's score from its criterion scores (used again when a dispute changes a grade). */
export function summarise(criteria: CriterionScore[]): ScoredReview {
  const rated = criteria.filter((c) => !c.na && c.score !== null);
  const weights = rated.reduce((sum, c) => sum + c.weight, 0);
  const before = rated.length ? rated.reduce((sum, c) => sum + c.weight * c.score!, 0) / weights : null;
  const autoFailed = criteria.some((c) => c.critical && c.failed && !c.na);
  return {
    qa_score: before === null ? null : autoFailed ? 0 : before,
    score_before_auto_fail: before,
    auto_failed: autoFailed,
    criteria,
  };
}
