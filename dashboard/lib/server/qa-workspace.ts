/**
 * The QA workspace's loaders and actions, over the scorecards/ API: the
 * reviewer's queue, drawing a sample, one sample item with its rubric, and
 * saving a grade (scorecards scores it; nothing is scored here).
 *
 * @example
 *   const queue = await reviewerQueue(db, 'reviewer');
 *   const saved = await gradeItem(db, user, item, formData);  // { reviewId, qaScore, ... }
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import {
  getRubric,
  listRubrics,
  createSample,
  getSample,
  listQueue,
  listSamples,
  listReviews,
  listDrafts,
  getReview,
  saveReview,
  scaleRatings,
  ScorecardError,
  type Grade,
} from '../../../scorecards/index.js';
import { usernamesWithRole, type Account } from '../../../accounts/index.js';
import { loadConversationQa } from './conversation-qa.js';
import { memo } from './cache.js';

export { ScorecardError };

/**
 * The reviewer's queue, done reviews, drafts and the samples overview are
 * kept until the data change (cache.ts): every write — a saved review or
 * draft, a drawn sample, an account — ends the generation, so the next page
 * load reads them again; a page load in between reads nothing.
 */
export function reviewerQueue(db: Warehouse, reviewer: string) {
  return memo(db, `qa-queue\u0000${reviewer}`, () => queueOf(db, reviewer));
}

async function queueOf(db: Warehouse, reviewer: string) {
  const items = await listQueue(db, { reviewer_id: reviewer });
  return items.map((i) => ({
    sampleId: i.sample_id,
    sampleName: i.sample_name,
    position: i.position,
    source: i.source,
    conversationId: i.conversation_id,
    agentId: i.agent_id,
    assigned: i.reviewer_id,
    channel: i.channel,
    intent: i.intent,
    createdAt: i.created_at ? i.created_at.toISOString().slice(0, 10) : null,
  }));
}

export function samplesOverview(db: Warehouse) {
  return memo(db, 'qa-samples-overview', () => overviewOf(db));
}

async function overviewOf(db: Warehouse) {
  const [samples, rubrics, reviewers] = await Promise.all([listSamples(db), listRubrics(db), usernamesWithRole(db, ['reviewer', 'supervisor', 'admin'])]);
  return {
    samples: samples.map((s) => ({ ...s, created_at: s.created_at.toISOString().slice(0, 10) })),
    rubrics: rubrics.map((r) => ({ id: r.rubric_id, version: r.version, name: r.name })),
    reviewers,
  };
}

const sampleForm = z.object({
  name: z.string().trim().min(1, 'give the sample a name').max(100),
  rubric: z.string().min(1, 'choose a rubric').max(100),
  size: z.coerce.number().int().min(1, 'size: at least 1').max(500, 'size: at most 500'),
  method: z.enum(['random', 'risk']),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  agent: z.string().max(100).optional(),
  reviewers: z.array(z.string().min(1).max(40)).min(1, 'choose at least one reviewer'),
});

/** Draws a sample from the form of the QA page. */
export async function drawSampleFromForm(db: Warehouse, user: Account, form: FormData) {
  const parsed = sampleForm.safeParse({ ...Object.fromEntries(form), reviewers: form.getAll('reviewers') });
  if (!parsed.success) return { ok: false as const, message: parsed.error.issues.map((i) => i.message).join('; ') };
  const f = parsed.data;
  const report = await createSample(db, {
    name: f.name,
    cycle: new Date().toISOString().slice(0, 7),
    seed: `${f.name}:${Date.now()}`,
    rubric_id: f.rubric,
    method: f.method,
    size: f.size,
    filter: { match: 'all', ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}), ...(f.agent ? { agents: [f.agent] } : {}) },
    reviewers: f.reviewers,
    created_by: user.username,
  });
  return { ok: true as const, message: `Drew ${report.sample.items.length} conversations into “${f.name}”.`, sampleId: report.sample.sample_id };
}

export interface RubricCriterionView {
  id: string;
  section: string;
  name: string;
  guidance: string;
  weight: number;
  critical: boolean;
  naAllowed: boolean;
  ratings: string[];
  /** What each rating means (the rubric's `levels`), beside `ratings` in the same order; null where the rubric says nothing. */
  levels: (string | null)[];
  /** The AutoQA check that measures the same thing (criterion.autoqa), if any. */
  autoqa: string | null;
}

/** What AutoQA found for the conversation, by check (the `qa_autoqa` mart); `passed` is null where the check does not apply. */
export type AutoQaFindings = Record<string, { passed: boolean | null; description: string }>;

/** One sample item, its rubric (the version the sample pinned) and any review already saved. */
export async function loadItem(db: Warehouse, sampleId: string, position: number) {
  const sample = await getSample(db, sampleId);
  const item = sample.items.find((i) => i.position === position);
  if (!item) return null;
  const { rubric, criteria } = await rubricView(db, sample.rubric_id, sample.rubric_version);
  return itemView(db, sample, item, rubric, criteria, position);
}

/** A pinned rubric version and its criteria as the rubric form shows them. */
export async function rubricView(db: Warehouse, rubricId: string, version: number) {
  const rubric = await getRubric(db, rubricId, version);
  const criteria: RubricCriterionView[] = rubric.sections.flatMap((s) =>
    s.criteria.map((c) => ({
      id: c.id,
      section: s.name,
      name: c.name,
      guidance: c.guidance,
      weight: c.weight,
      critical: c.critical,
      naAllowed: c.na_allowed,
      ratings: scaleRatings(c.scale),
      levels: scaleRatings(c.scale).map((_, i) => c.levels?.[i] ?? null),
      autoqa: c.autoqa ?? null,
    })),
  );
  return { rubric, criteria };
}

async function itemView(
  db: Warehouse,
  sample: Awaited<ReturnType<typeof getSample>>,
  item: Awaited<ReturnType<typeof getSample>>['items'][number],
  rubric: Awaited<ReturnType<typeof getRubric>>,
  criteria: RubricCriterionView[],
  position: number,
) {
  const [[existing], qa] = await Promise.all([
    listReviews(db, { sample_id: sample.sample_id, source: item.source, conversation_id: item.conversation_id, kind: 'review', limit: 1 }),
    loadConversationQa(db, item.source, item.conversation_id),
  ]);
  const autoqa: AutoQaFindings = Object.fromEntries(qa.checks.map((c) => [c.check, { passed: c.passed, description: c.description }]));
  const next = sample.items.find((i) => i.position > position && (i.reviewer_id === item.reviewer_id || i.reviewer_id === null));
  return {
    sample: { id: sample.sample_id, name: sample.name, rubric: `${rubric.name} (v${rubric.version})`, size: sample.items.length },
    item,
    criteria,
    autoqa,
    review: existing
      ? {
          reviewId: existing.review_id,
          qaScore: existing.qa_score,
          autoFailed: existing.auto_failed,
          reviewer: existing.reviewer_id,
          criteria: existing.criteria.map((c) => ({ criterion: c.criterion, rating: c.rating, na: c.na, score: c.score })),
        }
      : null,
    nextPosition: next?.position ?? null,
  };
}

/** Saves a grade from the rubric form; scorecards/ checks it against the rubric and scores it. */
export async function gradeItem(
  db: Warehouse,
  user: Account,
  target: { sample_id: string } | { session_id: string },
  item: { source: string; conversation_id: string },
  criteria: RubricCriterionView[],
  form: FormData,
) {
  const grades = criteria.flatMap((c): Grade[] => {
    const v = form.get(`rating:${c.id}`);
    const comment = String(form.get(`comment:${c.id}`) ?? '').trim();
    if (v === 'n/a') return [{ criterion: c.id, na: true, ...(comment ? { comment } : {}) }];
    if (typeof v !== 'string' || v === '') return [];
    return [{ criterion: c.id, rating: v, ...(comment ? { comment } : {}) }];
  });
  const missing = criteria.filter((c) => !grades.some((g) => g.criterion === c.id));
  if (missing.length) return { ok: false as const, message: `Rate every criterion: ${missing.map((c) => c.name).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no rating.` };
  const started = Number(form.get('started_at'));
  const spent = Number.isFinite(started) && started > 0 ? Math.max(0, (Date.now() - started) / 1000) : undefined;
  try {
    const review = await saveReview(db, {
      ...target,
      source: item.source,
      conversation_id: item.conversation_id,
      reviewer_id: user.username,
      grades,
      ...(String(form.get('comment') ?? '').trim() ? { comment: String(form.get('comment')).slice(0, 4000) } : {}),
      ...(spent !== undefined && spent < 86_400 ? { time_spent_s: Math.round(spent) } : {}),
    });
    return { ok: true as const, reviewId: review.review_id, qaScore: review.qa_score, autoFailed: review.auto_failed };
  } catch (error) {
    if (error instanceof ScorecardError) return { ok: false as const, message: error.message };
    throw error;
  }
}

/**
 * Where save-and-next goes: the reviewer's next ungraded item after the one
 * just graded (same sample, later position), else the first ungraded item
 * of their queue, else null (the queue is done). `queue` is {@link listQueue}'s
 * order (undone items only).
 *
 * @example
 *   nextInQueue([{ sample_id: 's', position: 1 }, { sample_id: 's', position: 3 }], { sample_id: 's', position: 2 }); // { sample_id: 's', position: 3 }
 */
export function nextInQueue<T extends { sample_id: string; position: number }>(queue: T[], current: { sample_id: string; position: number }): T | null {
  const others = queue.filter((i) => !(i.sample_id === current.sample_id && i.position === current.position));
  return others.find((i) => i.sample_id === current.sample_id && i.position > current.position) ?? others[0] ?? null;
}

/** The address save-and-next opens after grading `current`: the next ungraded item of the reviewer's queue, or the queue page when none is left. */
export async function nextItemPath(db: Warehouse, reviewer: string, current: { sample_id: string; position: number }): Promise<string> {
  const next = nextInQueue(await listQueue(db, { reviewer_id: reviewer }), current);
  return next ? `/qa/${encodeURIComponent(next.sample_id)}/${next.position}` : '/qa?queue=done';
}

/**
 * A reviewer's completed reviews (kind review, newest first) with their
 * scores and where to open each: the sample item when the review belongs to
 * one, else the review page.
 */
export function reviewerDone(db: Warehouse, reviewer: string, limit = 50) {
  return memo(db, `qa-done\u0000${reviewer}\u0000${limit}`, () => doneOf(db, reviewer, limit));
}

async function doneOf(db: Warehouse, reviewer: string, limit: number) {
  const [reviews, items] = await Promise.all([listReviews(db, { reviewer_id: reviewer, kind: 'review', limit }), listQueue(db, { reviewer_id: reviewer, include_done: true })]);
  const position = new Map(items.map((i) => [`${i.sample_id}\u0000${i.source}\u0000${i.conversation_id}`, { name: i.sample_name, position: i.position }]));
  return reviews.map((r) => {
    const at = r.sample_id ? position.get(`${r.sample_id}\u0000${r.source}\u0000${r.conversation_id}`) : undefined;
    return {
      reviewId: r.review_id,
      conversationId: r.conversation_id,
      agentId: r.agent_id,
      sample: at ? `${at.name} #${at.position}` : null,
      qaScore: r.qa_score,
      autoFailed: r.auto_failed,
      savedAt: r.created_at.toISOString().slice(0, 16).replace('T', ' '),
      href: at && r.sample_id ? `/qa/${encodeURIComponent(r.sample_id)}/${at.position}` : `/reviews/${encodeURIComponent(r.review_id)}`,
    };
  });
}

/** The reviewer's drafts (half-graded sample items), the latest first, each with the link that reopens it. */
export function reviewerDrafts(db: Warehouse, reviewer: string) {
  return memo(db, `qa-drafts\u0000${reviewer}`, () => draftsOf(db, reviewer));
}

async function draftsOf(db: Warehouse, reviewer: string) {
  const [drafts, items] = await Promise.all([listDrafts(db, reviewer), listQueue(db, { reviewer_id: reviewer, include_done: true })]);
  const byPosition = new Map(items.map((i) => [`${i.sample_id}\u0000${i.position}`, i]));
  return drafts.flatMap((d) => {
    const item = byPosition.get(`${d.sample_id}\u0000${d.position}`);
    if (!item) return [];
    return [
      {
        conversationId: item.conversation_id,
        sample: `${item.sample_name} #${d.position}`,
        rated: Object.keys(d.form).filter((k) => k.startsWith('rating:')).length,
        savedAt: d.saved_at.toISOString().slice(0, 16).replace('T', ' '),
        href: `/qa/${encodeURIComponent(d.sample_id)}/${d.position}`,
      },
    ];
  });
}

/** A review the reviewer saved (for the notice after save-and-next); null when it is not theirs or does not exist. */
export async function savedByReviewer(db: Warehouse, reviewer: string, reviewId: string) {
  let review;
  try {
    review = await getReview(db, reviewId);
  } catch (error) {
    if (error instanceof ScorecardError) return null;
    throw error;
  }
  if (review.reviewer_id !== reviewer) return null;
  return { reviewId: review.review_id, conversationId: review.conversation_id, qaScore: review.qa_score, autoFailed: review.auto_failed };
}
