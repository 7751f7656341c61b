/**
 * Disputes: the only path by which a submitted review's grades change. An
 * agent disputes named criteria of a review with a reason; a supervisor
 * accepts (changing every disputed criterion), partly accepts (changing some)
 * or rejects (changing none). Every change is written to `qa_audit`: who,
 * when, the value before and after, per criterion and for the qa_score.
 *
 * @example
 *   const d = await fileDispute(db, { review_id: 'rev_…', agent_id: 'agent-07', criteria: ['accuracy'], reason: 'The refund policy changed on 1 Oct.' });
 *   await resolveDispute(db, { dispute_id: d.dispute_id, supervisor_id: 'sup-1', decision: 'accepted',
 *     changes: [{ criterion: 'accuracy', rating: 'pass' }], note: 'Policy v2 applies.' });
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { refreshQaMartsInTransaction } from '../models/build.js';
import { fromJson, tables, textArray } from '../warehouse/tables.js';
import { getReview, type Review } from './reviews.js';
import { getRubric } from './rubric-store.js';
import { criteriaOf } from './rubric-schema.js';
import { normalise, readRating, summarise, type CriterionScore } from './scoring.js';
import { newId } from './ids.js';
import { ScorecardError } from './scorecard-error.js';

export const fileDisputeSchema = z.strictObject({
  review_id: z.string().min(1),
  agent_id: z.string().min(1),
  criteria: z.array(z.string().min(1)).min(1, 'name at least one criterion you dispute'),
  reason: z.string().trim().min(1, 'say why the grade is wrong'),
});
export type FileDisputeInput = z.input<typeof fileDisputeSchema>;

export const resolveDisputeSchema = z.strictObject({
  dispute_id: z.string().min(1),
  supervisor_id: z.string().min(1),
  decision: z.enum(['accepted', 'partly_accepted', 'rejected']),
  /** New grades for disputed criteria (a rating, or na: true). */
  changes: z
    .array(
      z.strictObject({
        criterion: z.string().min(1),
        rating: z.union([z.number(), z.string()]).optional(),
        na: z.boolean().optional(),
      }),
    )
    .default([]),
  note: z.string().optional(),
});
export type ResolveDisputeInput = z.input<typeof resolveDisputeSchema>;

export type DisputeStatus = 'open' | 'accepted' | 'partly_accepted' | 'rejected';

export interface Dispute {
  dispute_id: string;
  review_id: string;
  agent_id: string;
  criteria: string[];
  reason: string;
  status: DisputeStatus;
  filed_at: Date;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution_note: string | null;
}

export interface AuditEntry {
  audit_id: string;
  review_id: string;
  dispute_id: string | null;
  field: 'criterion' | 'qa_score';
  criterion_id: string | null;
  before_value: unknown;
  after_value: unknown;
  changed_by: string;
  changed_at: Date;
}

function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ScorecardError(`${what} ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return result.data;
}

/** Disputes a review may have in all, unless its rubric says otherwise (`disputes_per_review`). */
export const DISPUTES_PER_REVIEW = 2;

/** The decisions, in the words the dashboard shows. */
export const DECISION_WORDS: Record<Exclude<DisputeStatus, 'open'>, string> = { accepted: 'accept', partly_accepted: 'partly accept', rejected: 'reject' };

/**
 * An agent disputes named criteria of one of their reviews: one open dispute
 * at a time, another only after a regrade, at most `disputes_per_review`.
 */
export async function fileDispute(db: Warehouse, body: FileDisputeInput, now = new Date()): Promise<Dispute> {
  const input = parse(fileDisputeSchema, body, 'dispute');
  const t = tables(db);
  return db.transaction(async () => {
    const review = await getReview(db, input.review_id);
    if (review.kind !== 'review') throw new ScorecardError(`review ${review.review_id} is a ${review.kind} review: only reviews that score an agent can be disputed`);
    if (review.agent_id !== input.agent_id) {
      throw new ScorecardError(`review ${review.review_id} is of agent ${review.agent_id ?? '(none)'}, not ${input.agent_id}: agents dispute their own reviews`, 'conflict');
    }
    const known = new Set(review.criteria.map((c) => c.criterion));
    const unknown = input.criteria.filter((c) => !known.has(c));
    if (unknown.length) throw new ScorecardError(`review ${review.review_id} has no criterion ${unknown.map((c) => `"${c}"`).join(', ')} (its criteria: ${[...known].join(', ')})`);
    const earlier = await t
      .selectFrom('qa_disputes')
      .select(['dispute_id', 'status'])
      .where('review_id', '=', review.review_id)
      .orderBy('filed_at')
      .orderBy('dispute_id')
      .execute();
    const open = earlier.find((d) => d.status === 'open');
    if (open) throw new ScorecardError(`review ${review.review_id} already has an open dispute (${open.dispute_id}): wait for its answer`, 'conflict');
    const rubric = await getRubric(db, review.rubric_id, review.rubric_version);
    const limit = rubric.disputes_per_review ?? DISPUTES_PER_REVIEW;
    const last = earlier.at(-1);
    if (last?.status === 'rejected')
      throw new ScorecardError(`review ${review.review_id}: the dispute before was rejected, so the grades stand; a review is disputed again only after a regrade`, 'conflict');
    if (earlier.length >= limit)
      throw new ScorecardError(`review ${review.review_id} was disputed ${earlier.length} times, the most its rubric allows (${limit}): the grades stand`, 'conflict');
    const dispute: Dispute = {
      dispute_id: newId('dsp'),
      review_id: review.review_id,
      agent_id: input.agent_id,
      criteria: [...new Set(input.criteria)],
      reason: input.reason,
      status: 'open',
      filed_at: now,
      resolved_by: null,
      resolved_at: null,
      resolution_note: null,
    };
    await t
      .insertInto('qa_disputes')
      .values({ ...dispute, criteria: textArray(dispute.criteria) })
      .execute();
    await refreshQaMartsInTransaction(db);
    return dispute;
  });
}

/** One dispute. */
export async function getDispute(db: Warehouse, disputeId: string): Promise<Dispute> {
  const row = await tables(db).selectFrom('qa_disputes').selectAll().where('dispute_id', '=', disputeId).executeTakeFirst();
  if (!row) throw new ScorecardError(`no dispute ${disputeId}`, 'not_found');
  return row as Dispute;
}

/**
 * A supervisor's answer. Accepted: `changes` regrade every disputed
 * criterion; partly accepted: some of them; rejected: none. The review's
 * qa_score is recomputed and every change audited, in one transaction.
 */
export async function resolveDispute(db: Warehouse, body: ResolveDisputeInput, now = new Date()): Promise<{ dispute: Dispute; review: Review }> {
  const input = parse(resolveDisputeSchema, body, 'dispute resolution');
  const t = tables(db);
  return db.transaction(async () => {
    const dispute = await getDispute(db, input.dispute_id);
    if (dispute.status !== 'open') throw new ScorecardError(`dispute ${dispute.dispute_id} was already answered (${dispute.status}) by ${dispute.resolved_by}`, 'conflict');
    if (input.supervisor_id === dispute.agent_id) throw new ScorecardError(`${input.supervisor_id} filed dispute ${dispute.dispute_id} and cannot answer it`, 'conflict');
    const review = await getReview(db, dispute.review_id);
    if (input.supervisor_id === review.reviewer_id)
      throw new ScorecardError(`${input.supervisor_id} wrote the review under dispute and cannot decide it: another supervisor or an admin must`, 'conflict');
    const rubric = await getRubric(db, review.rubric_id, review.rubric_version);
    const definitions = new Map(criteriaOf(rubric).map((c) => [c.id, c]));
    const named = (ids: readonly string[]) => ids.map((id) => definitions.get(id)?.name ?? id).join(', ');
    const outside = input.changes.filter((c) => !dispute.criteria.includes(c.criterion));
    if (outside.length) throw new ScorecardError(`this dispute is about ${named(dispute.criteria)}: ${named([outside[0]!.criterion])} was not disputed and cannot change here`);
    const changed = new Set(input.changes.map((c) => c.criterion));
    if (changed.size !== input.changes.length) throw new ScorecardError('each criterion may change once per answer');
    const words = DECISION_WORDS;
    if (input.decision === 'rejected' && input.changes.length)
      throw new ScorecardError(`to ${words.rejected} is to keep every grade: leave ${named([...changed])} as they are, or choose ${words.accepted} or ${words.partly_accepted}`);
    if (input.decision === 'accepted' && changed.size !== dispute.criteria.length) {
      const kept = dispute.criteria.filter((c) => !changed.has(c));
      throw new ScorecardError(
        `to ${words.accepted} is to regrade every disputed criterion: choose a new rating for ${named(kept)}, or choose ${words.partly_accepted} to change only some`,
      );
    }
    if (input.decision === 'partly_accepted' && changed.size === 0)
      throw new ScorecardError(`to ${words.partly_accepted} is to change at least one grade: choose a new rating for ${named(dispute.criteria)}, or choose ${words.rejected}`);

    const updated: CriterionScore[] = review.criteria.map((c) => {
      const change = input.changes.find((x) => x.criterion === c.criterion);
      if (!change) return c;
      const def = definitions.get(c.criterion)!;
      if (change.na === true) {
        if (!def.na_allowed) throw new ScorecardError(`criterion "${c.criterion}" cannot be N/A in rubric ${rubric.id}`);
        return { ...c, rating: null, points: null, score: null, na: true, failed: false };
      }
      if (change.rating === undefined) throw new ScorecardError(`criterion "${c.criterion}": give the new rating or na: true`);
      const read = readRating(def, change.rating);
      if (typeof read === 'string') throw new ScorecardError(`criterion "${c.criterion}": ${read}`);
      return { ...c, rating: read.label, points: read.points, score: normalise(def.scale, read.points), na: false, failed: read.failed };
    });
    const scored = summarise(updated);
    const audit = async (field: AuditEntry['field'], criterion: string | null, before: unknown, after: unknown) => {
      await t
        .insertInto('qa_audit')
        .values({
          audit_id: newId('aud'),
          review_id: review.review_id,
          dispute_id: dispute.dispute_id,
          field,
          criterion_id: criterion,
          before_value: JSON.stringify(before),
          after_value: JSON.stringify(after),
          changed_by: input.supervisor_id,
          changed_at: now,
        })
        .execute();
    };
    const view = (c: CriterionScore) => ({ rating: c.rating, na: c.na, score: c.score });
    for (const [i, c] of updated.entries()) {
      const before = review.criteria[i]!;
      if (JSON.stringify(view(before)) === JSON.stringify(view(c))) continue;
      await t
        .updateTable('qa_review_criteria')
        .set({ rating: c.rating, points: c.points, score: c.score, na: c.na, failed: c.failed })
        .where('review_id', '=', review.review_id)
        .where('criterion_id', '=', c.criterion)
        .execute();
      await audit('criterion', c.criterion, view(before), view(c));
    }
    if (scored.qa_score !== review.qa_score || scored.auto_failed !== review.auto_failed) {
      await audit('qa_score', null, { qa_score: review.qa_score, auto_failed: review.auto_failed }, { qa_score: scored.qa_score, auto_failed: scored.auto_failed });
    }
    await t
      .updateTable('qa_reviews')
      .set({ qa_score: scored.qa_score, score_before_auto_fail: scored.score_before_auto_fail, auto_failed: scored.auto_failed, updated_at: now })
      .where('review_id', '=', review.review_id)
      .execute();
    await t
      .updateTable('qa_disputes')
      .set({ status: input.decision, resolved_by: input.supervisor_id, resolved_at: now, resolution_note: input.note?.trim() || null })
      .where('dispute_id', '=', dispute.dispute_id)
      .execute();
    await refreshQaMartsInTransaction(db);
    return { dispute: await getDispute(db, dispute.dispute_id), review: await getReview(db, review.review_id) };
  });
}

/**
 * Disputes, newest first, optionally by status, agent or review.
 *
 * @example
 *   const open = await listDisputes(db, { status: 'open' });
 */
export async function listDisputes(db: Warehouse, filter: { status?: DisputeStatus; agent_id?: string; review_id?: string } = {}): Promise<Dispute[]> {
  const rows = await tables(db)
    .selectFrom('qa_disputes')
    .selectAll()
    .$if(filter.status != null, (q) => q.where('status', '=', filter.status!))
    .$if(filter.agent_id != null, (q) => q.where('agent_id', '=', filter.agent_id!))
    .$if(filter.review_id != null, (q) => q.where('review_id', '=', filter.review_id!))
    .orderBy('filed_at', 'desc')
    .orderBy('dispute_id')
    .execute();
  return rows as Dispute[];
}

/**
 * Every change of a review, oldest first.
 *
 * @example
 *   const trail = await auditTrail(db, 'rev_…'); // [{ field: 'criterion', criterion_id: 'accuracy', before_value: {...}, after_value: {...}, changed_by: 'sup-1', ... }]
 */
export async function auditTrail(db: Warehouse, reviewId: string): Promise<AuditEntry[]> {
  const rows = await tables(db)
    .selectFrom('qa_audit')
    .selectAll()
    .where('review_id', '=', reviewId)
    .orderBy('changed_at')
    .orderBy(sql`case field when 'criterion' then 0 else 1 end`)
    .orderBy('criterion_id')
    .execute();
  return rows.map((r) => ({ ...r, field: r.field as AuditEntry['field'], before_value: fromJson(r.before_value), after_value: fromJson(r.after_value) }));
}
