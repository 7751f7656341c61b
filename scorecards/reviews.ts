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
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { getRubric } from './rubric-store.js';
import { GradeError, gradeSchema, scoreReview, type CriterionScore, type ScoredReview } from './scoring.js';
import { newId, ScorecardError, textArray } from './store.js';

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

export interface Review {
  review_id: string;
  sample_id: string | null;
  session_id: string | null;
  kind: ReviewKind;
  source: string;
  conversation_id: string;
  agent_id: string | null;
  reviewer_id: string;
  rubric_id: string;
  rubric_version: number;
  qa_score: number | null;
  score_before_auto_fail: number | null;
  auto_failed: boolean;
  comment: string | null;
  time_spent_s: number | null;
  created_at: Date;
  updated_at: Date;
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
  if (input.sample_id) {
    const sample = await db.one<{ rubric_id: string; rubric_version: number; kind: string }>(
      'select rubric_id, rubric_version, kind from qa_samples where sample_id = $1',
      [input.sample_id],
    );
    if (!sample) throw new ScorecardError(`no sample ${input.sample_id}: check the sample id (parley sample list)`, 'not_found');
    const item = await db.one<{ agent_id: string | null; reviewer_id: string | null }>(
      'select agent_id, reviewer_id from qa_sample_items where sample_id = $1 and source = $2 and conversation_id = $3',
      [input.sample_id, input.source, input.conversation_id],
    );
    if (!item) throw new ScorecardError(`conversation ${key} is not in sample ${input.sample_id}: samples are frozen, review only their items`, 'not_found');
    if (item.reviewer_id && item.reviewer_id !== input.reviewer_id) {
      throw new ScorecardError(`conversation ${key} of sample ${input.sample_id} is assigned to ${item.reviewer_id}, not ${input.reviewer_id}`, 'conflict');
    }
    const existing = await db.one<{ review_id: string; reviewer_id: string; created_at: Date }>(
      "select review_id, reviewer_id, created_at from qa_reviews where sample_id = $1 and source = $2 and conversation_id = $3 and kind = 'review'",
      [input.sample_id, input.source, input.conversation_id],
    );
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
    const session = await db.one<{ rubric_id: string; rubric_version: number; facilitator_id: string; reviewers: string[]; conversations: unknown; closed_at: Date | null }>(
      'select rubric_id, rubric_version, facilitator_id, reviewers, conversations, closed_at from qa_calibration_sessions where session_id = $1',
      [input.session_id],
    );
    if (!session) throw new ScorecardError(`no calibration session ${input.session_id}`, 'not_found');
    if (session.closed_at) throw new ScorecardError(`calibration session ${input.session_id} is closed: its reviews no longer change`, 'conflict');
    const conversations = (typeof session.conversations === 'string' ? JSON.parse(session.conversations) : session.conversations) as Array<{ source: string; conversation_id: string }>;
    if (!conversations.some((c) => c.source === input.source && c.conversation_id === input.conversation_id)) {
      throw new ScorecardError(`conversation ${key} is not part of calibration session ${input.session_id}`, 'not_found');
    }
    const kind: ReviewKind = input.reviewer_id === session.facilitator_id ? 'benchmark' : 'calibration';
    if (kind === 'calibration' && !session.reviewers.includes(input.reviewer_id)) {
      throw new ScorecardError(`${input.reviewer_id} is not a reviewer of calibration session ${input.session_id} (reviewers: ${session.reviewers.join(', ')})`, 'conflict');
    }
    const existing = await db.one<{ review_id: string }>(
      'select review_id from qa_reviews where session_id = $1 and source = $2 and conversation_id = $3 and reviewer_id = $4',
      [input.session_id, input.source, input.conversation_id, input.reviewer_id],
    );
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
  await db.run(
    `insert into qa_reviews (review_id, sample_id, session_id, kind, source, conversation_id, agent_id, reviewer_id, rubric_id, rubric_version,
       qa_score, score_before_auto_fail, auto_failed, comment, time_spent_s, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      review.review_id, review.sample_id, review.session_id, review.kind, review.source, review.conversation_id, review.agent_id,
      review.reviewer_id, review.rubric_id, review.rubric_version, scored.qa_score, scored.score_before_auto_fail, scored.auto_failed,
      review.comment, review.time_spent_s, review.created_at, review.updated_at,
    ],
  );
  for (const [position, c] of scored.criteria.entries()) {
    await db.run(
      `insert into qa_review_criteria values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, cast($13 as json)::varchar[], $14)`,
      [review.review_id, c.criterion, c.section, position, c.rating, c.points, c.score, c.na, c.weight, c.critical, c.failed, c.comment, textArray(c.root_causes), c.autoqa],
    );
  }
}

/**
 * Grades a conversation: checks the grades against the pinned rubric
 * version, scores them and stores the review. Refused (ScorecardError) when
 * the item was already reviewed, is assigned to someone else, or a grade does
 * not fit the rubric (the message lists every problem).
 */
export async function saveReview(db: Warehouse, body: ReviewInput, now = new Date()): Promise<Review> {
  return db.transaction(() => saveReviewInTransaction(db, body, now));
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

type ReviewRow = Omit<Review, 'criteria'> & Record<string, unknown>;
type CriterionRow = CriterionScore & { review_id: string } & Record<string, unknown>;

const CRITERIA_SQL = `select review_id, criterion_id as criterion, section_id as section, rating, points, score, na, weight, critical, failed,
  comment, root_causes, autoqa_check as autoqa from qa_review_criteria`;

/**
 * One review with its criteria.
 *
 * @example
 *   const r = await getReview(db, 'rev_…'); r.criteria[0].score;
 */
export async function getReview(db: Warehouse, reviewId: string): Promise<Review> {
  const row = await db.one<ReviewRow>('select * from qa_reviews where review_id = $1', [reviewId]);
  if (!row) throw new ScorecardError(`no review ${reviewId}`, 'not_found');
  const criteria = await db.all<CriterionRow>(`${CRITERIA_SQL} where review_id = $1 order by position`, [reviewId]);
  return { ...row, criteria: criteria.map(({ review_id: _, ...c }) => c as CriterionScore) };
}

export const reviewFilterSchema = z.strictObject({
  agent_id: z.string().optional(),
  reviewer_id: z.string().optional(),
  sample_id: z.string().optional(),
  session_id: z.string().optional(),
  kind: z.enum(['review', 'calibration', 'benchmark']).optional(),
  source: z.string().optional(),
  conversation_id: z.string().optional(),
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
  const f = reviewFilterSchema.parse(filter);
  const where: string[] = [];
  const params: unknown[] = [];
  for (const key of ['agent_id', 'reviewer_id', 'sample_id', 'session_id', 'kind', 'source', 'conversation_id'] as const) {
    if (f[key] !== undefined) {
      params.push(f[key]);
      where.push(`${key} = $${params.length}`);
    }
  }
  params.push(f.limit);
  const rows = await db.all<ReviewRow>(
    `select * from qa_reviews ${where.length ? `where ${where.join(' and ')}` : ''} order by created_at desc, review_id limit $${params.length}`,
    params,
  );
  if (!rows.length) return [];
  const criteria = await db.all<CriterionRow>(
    `${CRITERIA_SQL} where review_id in (select unnest(cast($1 as json)::varchar[])) order by review_id, position`,
    [JSON.stringify(rows.map((r) => r.review_id))],
  );
  const byReview = new Map<string, CriterionScore[]>();
  for (const { review_id, ...c } of criteria) byReview.set(review_id, [...(byReview.get(review_id) ?? []), c as CriterionScore]);
  return rows.map((r) => ({ ...r, criteria: byReview.get(r.review_id) ?? [] }));
}
