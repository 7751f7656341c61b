/**
 * Reviews: one reviewer's grades of one conversation on a pinned rubric
 * version, scored by scoring.ts and stored in `qa_reviews` +
 * `qa_review_criteria`. A submitted review is never overwritten: a second
 * review of the same sample item is refused, and grades change only through a
 * dispute (disputes.ts), which keeps an audit trail.
 *
 * @example
 *   const review = await saveReview(db, {
 *     sample_id: 'smp_…', source: 'demo', conversation_id: 'c-1', reviewer_id: 'rev-ana',
 *     grades: [{ criterion: 'understanding', rating: 4 }, …], time_spent_s: 240,
 *   });
 *   review.qa_score; // 86.7
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { refreshQaMartsInTransaction } from '../models/build.js';
import { tableExists } from '../warehouse/table-exists.js';
import { fromJson, tables, textArray, type Database, type QaReviews } from '../warehouse/tables.js';
import { getRubric } from './rubric-store.js';
import { GradeError, gradeSchema, scoreReview, type CriterionScore, type ScoredReview } from './scoring.js';
import { newId } from './ids.js';
import { ScorecardError } from './scorecard-error.js';

export const reviewInputSchema = z.strictObject({
  /** The sample the conversation was drawn in (its rubric version is used). */
  sample_id: z.string().min(1).optional(),
  /** A calibration session instead of a sample (see calibration.ts). */
  session_id: z.string().min(1).optional(),
  source: z.string().min(1),
  conversation_id: z.string().min(1),
  reviewer_id: z.string().min(1),
  /** Without a sample or session: the rubric to use (latest version when no version). */
  rubric_id: z.string().min(1).optional(),
  rubric_version: z.number().int().positive().optional(),
  /** Without a sample: the agent reviewed (default: the conversation's owner_agent). */
  agent_id: z.string().min(1).optional(),
  grades: z.array(gradeSchema).min(1, 'needs at least one grade'),
  comment: z.string().optional(),
  time_spent_s: z.number().nonnegative().optional(),
});
export type ReviewInput = z.input<typeof reviewInputSchema>;

export type ReviewKind = 'review' | 'calibration' | 'benchmark';

/** A review as the application reads it: its row of qa_reviews with its criteria. */
export interface Review extends Omit<QaReviews, 'kind'> {
  kind: ReviewKind;
  criteria: CriterionScore[];
}

/** Reads a request body; a bad one is a ScorecardError naming the field. */
export function parseReviewInput(body: unknown): z.output<typeof reviewInputSchema> {
  const result = reviewInputSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ScorecardError(`review ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return result.data;
}

interface Target {
  kind: ReviewKind;
  rubric_id: string;
  rubric_version: number;
  agent_id: string | null;
}

async function ownerAgent(db: Warehouse, source: string, conversationId: string): Promise<string | null> {
  if (await tableExists(db, 'conversation_metrics')) {
    const row = await db.one<{ owner_agent: string | null }>('select owner_agent from conversation_metrics where source = $1 and conversation_id = $2', [source, conversationId]);
    if (row) return row.owner_agent;
  }
  const raw = await db.one<{ n: number }>('select count(*) as n from raw_conversations where source = $1 and conversation_id = $2', [source, conversationId]);
  if (!raw?.n) throw new ScorecardError(`no conversation ${source}/${conversationId} in the warehouse: check the source and id`, 'not_found');
  return null;
}

/** Where a review goes: its kind, rubric version and agent, after the checks of its sample or session. */
async function target(db: Warehouse, input: z.output<typeof reviewInputSchema>): Promise<Target> {
  const key = `${input.source}/${input.conversation_id}`;
  if (input.sample_id && input.session_id) throw new ScorecardError('a review belongs to a sample or to a calibration session, not both');
  const t = tables(db);
  if (input.sample_id) {
    const sample = await t.selectFrom('qa_samples').select(['rubric_id', 'rubric_version', 'kind']).where('sample_id', '=', input.sample_id).executeTakeFirst();
    if (!sample) throw new ScorecardError(`no sample ${input.sample_id}: check the sample id (parley sample list)`, 'not_found');
    const item = await t
      .selectFrom('qa_sample_items')
      .select(['agent_id', 'reviewer_id'])
      .where('sample_id', '=', input.sample_id)
      .where('source', '=', input.source)
      .where('conversation_id', '=', input.conversation_id)
      .executeTakeFirst();
    if (!item) throw new ScorecardError(`conversation ${key} is not in sample ${input.sample_id}: samples are frozen, review only their items`, 'not_found');
    if (item.reviewer_id && item.reviewer_id !== input.reviewer_id) {
      throw new ScorecardError(`conversation ${key} of sample ${input.sample_id} is assigned to ${item.reviewer_id}, not ${input.reviewer_id}`, 'conflict');
    }
    const existing = await t
      .selectFrom('qa_reviews')
      .select(['review_id', 'reviewer_id', 'created_at'])
      .where('sample_id', '=', input.sample_id)
      .where('source', '=', input.source)
      .where('conversation_id', '=', input.conversation_id)
      .where('kind', '=', 'review')
      .executeTakeFirst();
    if (existing) {
      throw new ScorecardError(
        `conversation ${key} of sample ${input.sample_id} was already reviewed (${existing.review_id} by ${existing.reviewer_id} at ${existing.created_at.toISOString()}): ` +
          'a submitted review is not overwritten; its grades change only through a dispute',
        'conflict',
      );
    }
    return { kind: 'review', rubric_id: sample.rubric_id, rubric_version: sample.rubric_version, agent_id: item.agent_id };
  }
  if (input.session_id) {
    const session = await t
      .selectFrom('qa_calibration_sessions')
      .select(['rubric_id', 'rubric_version', 'facilitator_id', 'reviewers', 'conversations', 'closed_at'])
      .where('session_id', '=', input.session_id)
      .executeTakeFirst();
    if (!session) throw new ScorecardError(`no calibration session ${input.session_id}`, 'not_found');
    if (session.closed_at) throw new ScorecardError(`calibration session ${input.session_id} is closed: its reviews no longer change`, 'conflict');
    const conversations = fromJson<Array<{ source: string; conversation_id: string }>>(session.conversations);
    if (!conversations.some((c) => c.source === input.source && c.conversation_id === input.conversation_id)) {
      throw new ScorecardError(`conversation ${key} is not part of calibration session ${input.session_id}`, 'not_found');
    }
    const kind: ReviewKind = input.reviewer_id === session.facilitator_id ? 'benchmark' : 'calibration';
    if (kind === 'calibration' && !session.reviewers.includes(input.reviewer_id)) {
      throw new ScorecardError(`${input.reviewer_id} is not a reviewer of calibration session ${input.session_id} (reviewers: ${session.reviewers.join(', ')})`, 'conflict');
    }
    const existing = await t
      .selectFrom('qa_reviews')
      .select('review_id')
      .where('session_id', '=', input.session_id)
      .where('source', '=', input.source)
      .where('conversation_id', '=', input.conversation_id)
      .where('reviewer_id', '=', input.reviewer_id)
      .executeTakeFirst();
    if (existing) throw new ScorecardError(`${input.reviewer_id} already graded ${key} in calibration session ${input.session_id} (${existing.review_id})`, 'conflict');
    const agent = await ownerAgent(db, input.source, input.conversation_id);
    return { kind, rubric_id: session.rubric_id, rubric_version: session.rubric_version, agent_id: agent };
  }
  if (!input.rubric_id) throw new ScorecardError('a review outside a sample or calibration session names its rubric_id');
  const rubric = await getRubric(db, input.rubric_id, input.rubric_version);
  const agent = input.agent_id ?? (await ownerAgent(db, input.source, input.conversation_id));
  return { kind: 'review', rubric_id: input.rubric_id, rubric_version: rubric.version, agent_id: agent };
}

/** Writes one scored review's rows (inside the caller's transaction). */
async function insertReview(db: Warehouse, review: Omit<Review, 'criteria'>, scored: ScoredReview): Promise<void> {
  const t = tables(db);
  await t
    .insertInto('qa_reviews')
    .values({ ...review, qa_score: scored.qa_score, score_before_auto_fail: scored.score_before_auto_fail, auto_failed: scored.auto_failed })
    .execute();
  for (const [position, c] of scored.criteria.entries()) {
    await t
      .insertInto('qa_review_criteria')
      .values({
        review_id: review.review_id,
        criterion_id: c.criterion,
        section_id: c.section,
        position,
        rating: c.rating,
        points: c.points,
        score: c.score,
        na: c.na,
        weight: c.weight,
        critical: c.critical,
        failed: c.failed,
        comment: c.comment,
        root_causes: textArray(c.root_causes),
        autoqa_check: c.autoqa,
      })
      .execute();
  }
}

/**
 * Grades a conversation: checks the grades against the pinned rubric
 * version, scores them and stores the review. Refused (ScorecardError) when
 * the item was already reviewed, is assigned to someone else, or a grade does
 * not fit the rubric (the message lists every problem).
 */
export async function saveReview(db: Warehouse, body: ReviewInput, now = new Date()): Promise<Review> {
  return db.transaction(async () => {
    const review = await saveReviewInTransaction(db, body, now);
    // the QA marts (scorecard, quality tile, calibration…) show it on the next page load
    await refreshQaMartsInTransaction(db);
    return review;
  });
}

/** {@link saveReview} inside a transaction the caller holds (CSV import saves many at once). */
export async function saveReviewInTransaction(db: Warehouse, body: ReviewInput, now = new Date()): Promise<Review> {
  const input = parseReviewInput(body);
  {
    const t = await target(db, input);
    const rubric = await getRubric(db, t.rubric_id, t.rubric_version);
    let scored: ScoredReview;
    try {
      scored = scoreReview(rubric, input.grades);
    } catch (error) {
      if (error instanceof GradeError) throw new ScorecardError(`review of ${input.source}/${input.conversation_id}: ${error.problems.join('; ')}`);
      throw error;
    }
    const review: Omit<Review, 'criteria'> = {
      review_id: newId('rev'),
      sample_id: input.sample_id ?? null,
      session_id: input.session_id ?? null,
      kind: t.kind,
      source: input.source,
      conversation_id: input.conversation_id,
      agent_id: t.agent_id,
      reviewer_id: input.reviewer_id,
      rubric_id: t.rubric_id,
      rubric_version: t.rubric_version,
      qa_score: scored.qa_score,
      score_before_auto_fail: scored.score_before_auto_fail,
      auto_failed: scored.auto_failed,
      comment: input.comment?.trim() ? input.comment.trim() : null,
      time_spent_s: input.time_spent_s ?? null,
      created_at: now,
      updated_at: now,
    };
    await insertReview(db, review, scored);
    return { ...review, criteria: scored.criteria };
  }
}

/** The criteria of reviews, in the names of {@link CriterionScore}. */
function criteriaOfReviews(db: Warehouse) {
  return tables(db)
    .selectFrom('qa_review_criteria')
    .select([
      'review_id',
      'criterion_id as criterion',
      'section_id as section',
      'rating',
      'points',
      'score',
      'na',
      'weight',
      'critical',
      'failed',
      'comment',
      'root_causes',
      'autoqa_check as autoqa',
    ]);
}

const asReview = (row: Database['qa_reviews'], criteria: CriterionScore[]): Review => ({ ...row, kind: row.kind as ReviewKind, criteria });

/**
 * One review with its criteria.
 *
 * @example
 *   const r = await getReview(db, 'rev_…'); r.criteria[0].score;
 */
export async function getReview(db: Warehouse, reviewId: string): Promise<Review> {
  const row = await tables(db).selectFrom('qa_reviews').selectAll().where('review_id', '=', reviewId).executeTakeFirst();
  if (!row) throw new ScorecardError(`no review ${reviewId}`, 'not_found');
  const criteria = await criteriaOfReviews(db).where('review_id', '=', reviewId).orderBy('position').execute();
  return asReview(
    row,
    criteria.map(({ review_id: _, ...c }) => c as CriterionScore),
  );
}

export const reviewFilterSchema = z.strictObject({
  agent_id: z.string().optional(),
  reviewer_id: z.string().optional(),
  sample_id: z.string().optional(),
  session_id: z.string().optional(),
  kind: z.enum(['review', 'calibration', 'benchmark']).optional(),
  source: z.string().optional(),
  conversation_id: z.string().optional(),
  /** only these reviews (a view the caller chose, e.g. the dashboard's filters over qa_reviews_scored) */
  review_ids: z.array(z.string()).max(10_000).optional(),
  limit: z.number().int().positive().max(10_000).default(500),
});
export type ReviewFilter = z.input<typeof reviewFilterSchema>;

/**
 * Reviews matching a filter, newest first, with their criteria.
 *
 * @example
 *   const mine = await listReviews(db, { agent_id: 'agent-07', kind: 'review' });
 */
export async function listReviews(db: Warehouse, filter: ReviewFilter = {}): Promise<Review[]> {
  const rows = await reviewsQuery(db, filter).execute();
  if (!rows.length) return [];
  const criteria = await criteriaOfReviews(db)
    .where('review_id', 'in', sql<string>`(select unnest(${textArray(rows.map((r) => r.review_id))}))`)
    .orderBy('review_id')
    .orderBy('position')
    .execute();
  const byReview = new Map<string, CriterionScore[]>();
  for (const { review_id, ...c } of criteria) byReview.set(review_id, [...(byReview.get(review_id) ?? []), c as CriterionScore]);
  return rows.map((r) => asReview(r, byReview.get(r.review_id) ?? []));
}

/** The query of {@link listReviews} before it runs: one `=` condition per field of the filter given (`in` for `review_ids`). */
export function reviewsQuery(db: Warehouse, filter: ReviewFilter = {}) {
  const f = reviewFilterSchema.parse(filter);
  let query = tables(db).selectFrom('qa_reviews').selectAll();
  for (const key of ['agent_id', 'reviewer_id', 'sample_id', 'session_id', 'kind', 'source', 'conversation_id'] as const) {
    const value = f[key];
    if (value !== undefined) query = query.where(key, '=', value);
  }
  if (f.review_ids) query = query.where('review_id', 'in', sql<string>`(select unnest(${textArray(f.review_ids)}))`);
  return query.orderBy('created_at', 'desc').orderBy('review_id').limit(f.limit);
}
