/**
 * Calibration in the dashboard, over scorecards/: sessions of several
 * reviewers grading the same conversations blind (each sees only their own
 * grades; the facilitator's grade is the benchmark), then closed and revealed
 * with agreement per criterion (Krippendorff's alpha, exact match) and each
 * reviewer's distance from the benchmark — all computed by scorecards.
 *
 * @example
 *   const s = await calibrationSession(db, 'cal_…', user);
 *   s.results?.criteria[0].alpha_ordinal;
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import {
  calibrationResults,
  closeCalibrationSession,
  createCalibrationSession,
  getCalibrationSession,
  getSample,
  sessionReviews,
  ScorecardError,
} from '../../../scorecards/index.js';
import type { Account } from '../../../accounts/index.js';
import { tables } from '../../../warehouse/tables.js';
import type { Outcome } from './form-outcome.js';
import { rubricView } from './qa-workspace.js';
import { memo } from './cache.js';

export { getCalibrationSession };

/** Sessions the user facilitates or calibrates in (all of them for admins and supervisors). */
export async function listSessions(db: Warehouse, user: Account) {
  const everyone = user.role === 'admin' || user.role === 'supervisor';
  const rows = await tables(db)
    .selectFrom('qa_calibration_sessions')
    .select(['session_id', 'name', 'facilitator_id', 'reviewers', 'created_at', 'closed_at'])
    .$if(!everyone, (q) => q.where((eb) => eb.or([eb('facilitator_id', '=', user.username), sql<boolean>`list_contains(reviewers, ${user.username})`])))
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({ ...r, reviewers: [...r.reviewers], created_at: r.created_at.toISOString().slice(0, 10), open: r.closed_at === null }));
}

const sessionForm = z.object({
  name: z.string().trim().min(1, 'give the session a name').max(100),
  sample: z.string().min(1, 'choose the sample whose first conversations are calibrated').max(100),
  conversations: z.coerce.number().int().min(1).max(20),
  reviewers: z.array(z.string().min(1).max(40)).min(2, 'choose at least two reviewers'),
});

/** Opens a session on the first N conversations of a sample, with the user as facilitator. */
export async function createSessionFromForm(db: Warehouse, user: Account, form: FormData): Promise<Outcome & { sessionId?: string }> {
  const parsed = sessionForm.safeParse({ ...Object.fromEntries(form), reviewers: form.getAll('reviewers') });
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join('; ') };
  try {
    const sample = await getSample(db, parsed.data.sample);
    const session = await createCalibrationSession(db, {
      name: parsed.data.name,
      rubric_id: sample.rubric_id,
      rubric_version: sample.rubric_version,
      facilitator_id: user.username,
      reviewers: parsed.data.reviewers,
      conversations: sample.items.slice(0, parsed.data.conversations).map((i) => ({ source: i.source, conversation_id: i.conversation_id })),
    });
    return { ok: true, message: `Opened “${session.name}”.`, sessionId: session.session_id };
  } catch (error) {
    if (error instanceof ScorecardError) return { ok: false, message: error.message };
    throw error;
  }
}

/** A session as `user` may see it: blind while open, revealed with agreement once closed. */
export function calibrationSession(db: Warehouse, sessionId: string, user: Account) {
  // kept until the data change (cache.ts): a grade, a close or a new session is a write, so the next load reads it
  return memo(db, `calibration-session\u0000${sessionId}\u0000${user.username}`, () => sessionOf(db, sessionId, user));
}

async function sessionOf(db: Warehouse, sessionId: string, user: Account) {
  const session = await getCalibrationSession(db, sessionId);
  const visible = await sessionReviews(db, sessionId, user.username);
  const results = session.closed_at ? await calibrationResults(db, sessionId) : null;
  const { criteria: rubricCriteria } = await rubricView(db, session.rubric_id, session.rubric_version);
  const role = user.username === session.facilitator_id ? 'facilitator' : session.reviewers.includes(user.username) ? 'reviewer' : 'observer';
  return {
    session: {
      id: session.session_id,
      name: session.name,
      facilitator: session.facilitator_id,
      reviewers: [...session.reviewers],
      rubric: { id: session.rubric_id, version: session.rubric_version },
      closed: session.closed_at !== null,
    },
    role,
    conversations: session.conversations.map((c, n) => {
      const reviews = visible.filter((r) => r.source === c.source && r.conversation_id === c.conversation_id);
      return {
        n: n + 1,
        source: c.source,
        conversationId: c.conversation_id,
        mine: reviews.find((r) => r.reviewer_id === user.username)?.qa_score ?? null,
        gradedByMe: reviews.some((r) => r.reviewer_id === user.username),
        reviews: reviews.map((r) => ({
          reviewer: r.reviewer_id,
          kind: r.kind,
          qaScore: r.qa_score,
          criteria: r.criteria.map((x) => ({ criterion: x.criterion, rating: x.na ? 'n/a' : (x.rating ?? '–') })),
        })),
        reveal: session.closed_at ? revealGrid(rubricCriteria, session.reviewers, reviews) : null,
      };
    }),
    results: results && {
      criteria: results.criteria.map((c) => ({ ...c })),
      reviewers: results.reviewers.map((r) => ({ ...r })),
    },
  };
}

type SessionReview = Awaited<ReturnType<typeof sessionReviews>>[number];

/**
 * The reveal of one conversation: per criterion, every reviewer's grade and
 * comment, the benchmark's (the facilitator's) where one was set, and whether
 * the reviewers disagreed (more than one distinct grade among them). A cell
 * that differs from the benchmark is marked too. Columns follow the session's
 * reviewers; one who did not grade shows –.
 */
export function revealGrid(criteria: ReadonlyArray<{ id: string; name: string }>, reviewers: readonly string[], reviews: readonly SessionReview[]) {
  const byReviewer = new Map(reviews.filter((r) => r.kind !== 'benchmark').map((r) => [r.reviewer_id, r]));
  const graders = reviewers.map((name) => byReviewer.get(name) ?? { reviewer_id: name, criteria: [] });
  const benchmark = reviews.find((r) => r.kind === 'benchmark');
  const cell = (r: Pick<SessionReview, 'criteria'>, id: string) => {
    const x = r.criteria.find((c) => c.criterion === id);
    return x ? { rating: x.na ? 'N/A' : (x.rating ?? '–'), comment: x.comment ?? null } : { rating: '–', comment: null };
  };
  return {
    reviewers: graders.map((r) => r.reviewer_id),
    benchmark: benchmark?.reviewer_id ?? null,
    rows: criteria.map((c) => {
      const grades = graders.map((r) => ({ reviewer: r.reviewer_id, ...cell(r, c.id) }));
      const bench = benchmark ? cell(benchmark, c.id) : null;
      const rated = grades.filter((g) => g.rating !== '–');
      return {
        criterion: c.id,
        name: c.name,
        disagree: new Set(rated.map((g) => g.rating)).size > 1,
        benchmark: bench,
        grades: grades.map((g) => ({ ...g, offBenchmark: bench !== null && g.rating !== '–' && g.rating !== bench.rating })),
      };
    }),
  };
}

/** The facilitator closes the session: grades freeze and everyone's are revealed. */
export async function closeSession(db: Warehouse, sessionId: string, user: Account): Promise<Outcome> {
  try {
    await closeCalibrationSession(db, { session_id: sessionId, facilitator_id: user.username });
    return { ok: true, message: 'Session closed: grades revealed.' };
  } catch (error) {
    if (error instanceof ScorecardError) return { ok: false, message: error.message };
    throw error;
  }
}
