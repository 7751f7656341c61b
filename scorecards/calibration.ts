/**
 * Calibration: several reviewers grade the same conversations blind (a
 * reviewer sees only their own grades until the session closes); the
 * facilitator's grades are the benchmark. Results: agreement per criterion
 * (Krippendorff's alpha, ordinal, on the ratings' points, and the share of
 * exact matches) and each reviewer's distance from the benchmark. Calibration
 * reviews never enter agent scores (their kind is not 'review').
 *
 * @example
 *   const s = await createCalibrationSession(db, { name: 'Nov calibration', rubric_id: 'messaging_default',
 *     facilitator_id: 'lead', reviewers: ['ana', 'ben', 'cy'], conversations: [{ source: 'demo', conversation_id: 'c-1' }] });
 *   await saveReview(db, { session_id: s.session_id, source: 'demo', conversation_id: 'c-1', reviewer_id: 'ana', grades });
 *   await closeCalibrationSession(db, { session_id: s.session_id, facilitator_id: 'lead' });
 *   const results = await calibrationResults(db, s.session_id);
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { refreshQaMartsInTransaction } from '../models/build.js';
import { fromJson, tables, textArray, type QaCalibrationSessions } from '../warehouse/tables.js';
import { exactMatchShare, krippendorffAlpha } from './krippendorff.js';
import { listReviews, type Review } from './reviews.js';
import { getRubric } from './rubric-store.js';
import { criteriaOf } from './rubric-schema.js';
import { newId } from './ids.js';
import { ScorecardError } from './scorecard-error.js';

export const calibrationInputSchema = z.strictObject({
  name: z.string().min(1),
  rubric_id: z.string().min(1),
  rubric_version: z.number().int().positive().optional(),
  facilitator_id: z.string().min(1),
  reviewers: z.array(z.string().min(1)).min(2, 'a calibration needs at least two reviewers'),
  conversations: z.array(z.strictObject({ source: z.string().min(1), conversation_id: z.string().min(1) })).min(1, 'needs at least one conversation'),
});
export type CalibrationInput = z.input<typeof calibrationInputSchema>;

/** A calibration session: its row of qa_calibration_sessions, the conversations read from their JSON. */
export interface CalibrationSession extends Omit<QaCalibrationSessions, 'conversations'> {
  conversations: Array<{ source: string; conversation_id: string }>;
}

/** Opens a calibration session on a pinned rubric version. */
export async function createCalibrationSession(db: Warehouse, body: CalibrationInput, now = new Date()): Promise<CalibrationSession> {
  const parsed = calibrationInputSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ScorecardError(`calibration ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const input = parsed.data;
  if (input.reviewers.includes(input.facilitator_id)) throw new ScorecardError('the facilitator records the benchmark and is not one of the calibrating reviewers');
  const rubric = await getRubric(db, input.rubric_id, input.rubric_version);
  const session: CalibrationSession = {
    session_id: newId('cal'),
    name: input.name,
    rubric_id: input.rubric_id,
    rubric_version: rubric.version,
    facilitator_id: input.facilitator_id,
    reviewers: [...new Set(input.reviewers)],
    conversations: input.conversations,
    created_at: now,
    closed_at: null,
  };
  await db.transaction(async () => {
    await tables(db)
      .insertInto('qa_calibration_sessions')
      .values({ ...session, reviewers: textArray(session.reviewers), conversations: JSON.stringify(session.conversations) })
      .execute();
    await refreshQaMartsInTransaction(db);
  });
  return session;
}

/** One calibration session. */
export async function getCalibrationSession(db: Warehouse, sessionId: string): Promise<CalibrationSession> {
  const row = await tables(db).selectFrom('qa_calibration_sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  if (!row) throw new ScorecardError(`no calibration session ${sessionId}`, 'not_found');
  return { ...row, conversations: fromJson(row.conversations) };
}

/** Closes a session (facilitator only): grades stop changing and everyone sees everyone's. */
export async function closeCalibrationSession(db: Warehouse, input: { session_id: string; facilitator_id: string }, now = new Date()): Promise<CalibrationSession> {
  const session = await getCalibrationSession(db, input.session_id);
  if (session.facilitator_id !== input.facilitator_id)
    throw new ScorecardError(`only the facilitator (${session.facilitator_id}) closes calibration session ${session.session_id}`, 'conflict');
  if (!session.closed_at) {
    await db.transaction(async () => {
      await tables(db).updateTable('qa_calibration_sessions').set({ closed_at: now }).where('session_id', '=', session.session_id).execute();
      await refreshQaMartsInTransaction(db);
    });
  }
  return getCalibrationSession(db, session.session_id);
}

/**
 * The session's reviews a viewer may see: blind while the session is open
 * (a reviewer sees only their own; the facilitator sees all), all once closed.
 */
export async function sessionReviews(db: Warehouse, sessionId: string, viewerId: string): Promise<Review[]> {
  const session = await getCalibrationSession(db, sessionId);
  const all = await listReviews(db, { session_id: sessionId, limit: 10_000 });
  if (session.closed_at || viewerId === session.facilitator_id) return all;
  return all.filter((r) => r.reviewer_id === viewerId);
}

export interface CriterionAgreement {
  criterion: string;
  /** conversations with two or more (non-benchmark) ratings of this criterion */
  units: number;
  /** the ratings in those conversations (the pairable values) */
  ratings: number;
  alpha_ordinal: number | null;
  exact_match_share: number | null;
}

export interface ReviewerDistance {
  reviewer_id: string;
  conversations: number;
  /** mean |criterion score − benchmark's| over criteria both rated (0–100 points) */
  criterion_distance: number | null;
  /** mean |qa_score − benchmark's qa_score| */
  score_distance: number | null;
}

/** Agreement per criterion and each reviewer's distance from the benchmark (same arithmetic as the qa_calibration_* marts). */
export async function calibrationResults(
  db: Warehouse,
  sessionId: string,
): Promise<{ session: CalibrationSession; criteria: CriterionAgreement[]; reviewers: ReviewerDistance[] }> {
  const session = await getCalibrationSession(db, sessionId);
  const rubric = await getRubric(db, session.rubric_id, session.rubric_version);
  const reviews = await listReviews(db, { session_id: sessionId, limit: 10_000 });
  const graded = reviews.filter((r) => r.kind === 'calibration');
  const benchmarks = new Map(reviews.filter((r) => r.kind === 'benchmark').map((r) => [`${r.source}\u0000${r.conversation_id}`, r]));
  const keyOf = (r: Review) => `${r.source}\u0000${r.conversation_id}`;
  const units = [...new Set(graded.map(keyOf))];
  const criteria = criteriaOf(rubric).map((c): CriterionAgreement => {
    const data = units.map((u) => graded.filter((r) => keyOf(r) === u).map((r) => r.criteria.find((x) => x.criterion === c.id)?.points ?? null));
    const pairable = data.map((d) => d.filter((v) => v !== null)).filter((d) => d.length >= 2);
    return {
      criterion: c.id,
      units: pairable.length,
      ratings: pairable.flat().length,
      alpha_ordinal: krippendorffAlpha(data, 'ordinal'),
      exact_match_share: exactMatchShare(data),
    };
  });
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const reviewers = session.reviewers.map((reviewer): ReviewerDistance => {
    const mine = graded.filter((r) => r.reviewer_id === reviewer);
    const criterionGaps: number[] = [];
    const scoreGaps: number[] = [];
    for (const r of mine) {
      const b = benchmarks.get(keyOf(r));
      if (!b) continue;
      for (const c of r.criteria) {
        const bc = b.criteria.find((x) => x.criterion === c.criterion);
        if (c.score !== null && bc?.score != null) criterionGaps.push(Math.abs(c.score - bc.score));
      }
      if (r.qa_score !== null && b.qa_score !== null) scoreGaps.push(Math.abs(r.qa_score - b.qa_score));
    }
    return { reviewer_id: reviewer, conversations: mine.length, criterion_distance: mean(criterionGaps), score_distance: mean(scoreGaps) };
  });
  return { session, criteria, reviewers };
}

/**
 * Calibration sessions, newest first; with `participant`, only those the
 * person facilitates or reviews in.
 *
 * @example
 *   const mine = await listCalibrationSessions(db, { participant: 'ana', open: true });
 */
export async function listCalibrationSessions(db: Warehouse, filter: { participant?: string; open?: boolean } = {}): Promise<CalibrationSession[]> {
  const { participant } = filter;
  const rows = await tables(db)
    .selectFrom('qa_calibration_sessions')
    .selectAll()
    .$if(participant != null, (q) => q.where((eb) => eb.or([eb('facilitator_id', '=', participant!), sql<boolean>`list_contains(reviewers, ${participant})`])))
    .$if(filter.open === true, (q) => q.where('closed_at', 'is', null))
    .orderBy('created_at', 'desc')
    .orderBy('session_id')
    .execute();
  return rows.map((r) => ({ ...r, conversations: fromJson(r.conversations) }));
}
