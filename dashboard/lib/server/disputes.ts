/**
 * Disputes and coaching in the dashboard, over scorecards/: an agent files a
 * dispute on one of their reviews; a supervisor answers it (scorecards
 * regrades, rescores and audits); supervisors add coaching notes, agents
 * acknowledge them. Form data are read here; every rule lives in scorecards.
 *
 * @example
 *   await fileDisputeFromForm(db, agentAccount, formData);
 *   const inbox = await disputesInbox(db, supervisorAccount);
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import { fileDispute, listDisputes, resolveDispute, auditTrail, acknowledgeCoaching, addCoaching, listCoaching, getReview, getRubric, scaleRatings, ScorecardError } from '../../../scorecards/index.js';
import { can } from '../roles.js';
import type { Account } from './accounts.js';

export type Outcome = { ok: true; message: string } | { ok: false; message: string };

async function attempt(fn: () => Promise<string>): Promise<Outcome> {
  try {
    return { ok: true, message: await fn() };
  } catch (error) {
    if (error instanceof ScorecardError) return { ok: false, message: error.message };
    throw error;
  }
}

const disputeForm = z.object({
  review_id: z.string().min(1).max(100),
  reason: z.string().trim().min(1, 'say why the grade is wrong').max(4000),
  criteria: z.array(z.string().min(1).max(100)).min(1, 'tick at least one criterion you dispute'),
});

/** An agent disputes criteria of their own review. */
export async function fileDisputeFromForm(db: Warehouse, user: Account, form: FormData): Promise<Outcome> {
  if (user.role !== 'agent' || !user.agentId) return { ok: false, message: 'Only the reviewed agent files a dispute.' };
  const parsed = disputeForm.safeParse({ review_id: form.get('review_id'), reason: form.get('reason'), criteria: form.getAll('criteria') });
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join('; ') };
  const agentId = user.agentId;
  return attempt(async () => {
    const d = await fileDispute(db, { review_id: parsed.data.review_id, agent_id: agentId, criteria: parsed.data.criteria, reason: parsed.data.reason });
    return `Dispute filed on ${d.criteria.join(', ')}; a supervisor will answer it.`;
  });
}

const resolveForm = z.object({
  dispute_id: z.string().min(1).max(100),
  decision: z.enum(['accepted', 'partly_accepted', 'rejected']),
  note: z.string().trim().max(4000).optional(),
});

/** A supervisor's answer: new ratings for the criteria they change ("keep" leaves one as it was). */
export async function resolveDisputeFromForm(db: Warehouse, user: Account, form: FormData): Promise<Outcome> {
  if (!can(user.role, 'resolveDisputes')) return { ok: false, message: `Your role (${user.role}) does not answer disputes.` };
  const parsed = resolveForm.safeParse({ dispute_id: form.get('dispute_id'), decision: form.get('decision'), note: form.get('note') || undefined });
  if (!parsed.success) return { ok: false, message: 'Choose a decision.' };
  const changes =
    parsed.data.decision === 'rejected'
      ? []
      : [...form.entries()]
          .filter(([k, v]) => k.startsWith('rating:') && typeof v === 'string' && v !== 'keep')
          .map(([k, v]) => (v === 'n/a' ? { criterion: k.slice(7), na: true } : { criterion: k.slice(7), rating: String(v) }));
  return attempt(async () => {
    const { dispute, review } = await resolveDispute(db, {
      dispute_id: parsed.data.dispute_id,
      supervisor_id: user.username,
      decision: parsed.data.decision,
      changes,
      ...(parsed.data.note ? { note: parsed.data.note } : {}),
    });
    return `Dispute ${dispute.status.replace('_', ' ')}; the review's QA score is now ${review.qa_score === null ? '–' : review.qa_score.toFixed(1)}.`;
  });
}

/** The inbox: open disputes first, each with its review's criteria and the ratings a supervisor may give. */
export async function disputesInbox(db: Warehouse, user: Account) {
  const all = user.role === 'agent' ? await listDisputes(db, { agent_id: user.agentId ?? '\u0000' }) : await listDisputes(db);
  const rubrics = new Map<string, Awaited<ReturnType<typeof getRubric>>>();
  const items = [];
  for (const d of all.slice(0, 100)) {
    const review = await getReview(db, d.review_id);
    const key = `${review.rubric_id}@${review.rubric_version}`;
    if (!rubrics.has(key)) rubrics.set(key, await getRubric(db, review.rubric_id, review.rubric_version));
    const rubric = rubrics.get(key)!;
    const defs = new Map(rubric.sections.flatMap((s) => s.criteria.map((c) => [c.id, c] as const)));
    items.push({
      disputeId: d.dispute_id,
      status: d.status,
      agentId: d.agent_id,
      reason: d.reason,
      filedAt: d.filed_at.toISOString().slice(0, 16).replace('T', ' '),
      resolvedBy: d.resolved_by,
      note: d.resolution_note,
      review: { id: review.review_id, source: review.source, conversationId: review.conversation_id, qaScore: review.qa_score, reviewer: review.reviewer_id },
      criteria: d.criteria.map((id) => {
        const current = review.criteria.find((c) => c.criterion === id);
        const def = defs.get(id);
        return {
          id,
          name: def?.name ?? id,
          rating: current?.na ? 'n/a' : (current?.rating ?? '–'),
          options: def ? [...scaleRatings(def.scale), ...(def.na_allowed ? ['n/a'] : [])] : [],
        };
      }),
      audit: d.status === 'open' ? [] : (await auditTrail(db, review.review_id)).filter((a) => a.dispute_id === d.dispute_id).map((a) => ({ field: a.field, criterion: a.criterion_id, before: JSON.stringify(a.before_value), after: JSON.stringify(a.after_value) })),
    });
  }
  return items;
}

const coachingForm = z.object({
  kind: z.enum(['note', 'session']),
  body: z.string().trim().min(1, 'write what the coaching is about').max(4000),
  session_at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

/** A supervisor's coaching note for an agent. */
export async function addCoachingFromForm(db: Warehouse, user: Account, agentId: string, form: FormData): Promise<Outcome> {
  if (!can(user.role, 'coach')) return { ok: false, message: `Your role (${user.role}) does not coach.` };
  const parsed = coachingForm.safeParse({ kind: form.get('kind'), body: form.get('body'), session_at: form.get('session_at') || undefined });
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join('; ') };
  const reviewIds = form.getAll('review_ids').map(String).filter(Boolean).slice(0, 20);
  return attempt(async () => {
    await addCoaching(db, {
      agent_id: agentId,
      author_id: user.username,
      kind: parsed.data.kind,
      body: parsed.data.body,
      review_ids: reviewIds,
      ...(parsed.data.session_at ? { session_at: parsed.data.session_at } : {}),
    });
    return 'Coaching note saved.';
  });
}

/** The agent acknowledges a coaching note meant for them. */
export async function acknowledgeFromForm(db: Warehouse, user: Account, form: FormData): Promise<Outcome> {
  if (user.role !== 'agent' || !user.agentId) return { ok: false, message: 'Only the coached agent acknowledges a note.' };
  const id = String(form.get('coaching_id') ?? '');
  const agentId = user.agentId;
  return attempt(async () => {
    await acknowledgeCoaching(db, { coaching_id: id, agent_id: agentId });
    return 'Acknowledged.';
  });
}

export async function coachingFor(db: Warehouse, agentId: string) {
  return (await listCoaching(db, { agent_id: agentId })).map((c) => ({
    id: c.coaching_id,
    kind: c.kind,
    author: c.author_id,
    body: c.body,
    sessionAt: c.session_at ? c.session_at.toISOString().slice(0, 10) : null,
    createdAt: c.created_at.toISOString().slice(0, 10),
    acknowledged: c.acknowledged_at !== null,
  }));
}
