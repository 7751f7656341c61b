/**
 * Disputes in the dashboard, over scorecards/: an agent files a dispute on
 * one of their reviews; a supervisor answers it (scorecards regrades,
 * rescores and audits). Form data are read here; every rule lives in
 * scorecards. Coaching is coaching.ts.
 *
 * @example
 *   await fileDisputeFromForm(db, agentAccount, formData);
 *   const inbox = await disputesInbox(db, supervisorAccount);
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import { fileDispute, listDisputes, resolveDispute, auditTrail, getReview, getRubric, scaleRatings, type AuditEntry } from '../../../scorecards/index.js';
import { can } from '../roles.js';
import type { Account } from '../../../accounts/index.js';
import { attempt, type Outcome } from './form-outcome.js';
import { memo } from './cache.js';

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
  if (!parsed.success) return { ok: false, message: 'Choose a decision: accept, partly accept or reject.' };
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

const rating = (v: unknown) => {
  const x = v as { rating?: string | null; na?: boolean } | null;
  return x?.na ? 'N/A' : (x?.rating ?? '–');
};
const score = (v: unknown) => {
  const x = (v as { qa_score?: number | null } | null)?.qa_score;
  return x === null || x === undefined ? '–' : x.toFixed(1);
};

/**
 * What a dispute's answer changed, as people read it: "Clarity: 2 → 3 (score 86.7 → 93.3)".
 *
 * @example
 *   describeChanges(trail, (id) => names.get(id) ?? id); // 'Clarity: 2 → 3 (score 86.7 → 93.3)'
 */
export function describeChanges(entries: readonly AuditEntry[], name: (criterion: string) => string): string {
  const criteria = entries.filter((a) => a.field === 'criterion' && a.criterion_id).map((a) => `${name(a.criterion_id!)}: ${rating(a.before_value)} → ${rating(a.after_value)}`);
  const total = entries.find((a) => a.field === 'qa_score');
  const scoreText = total ? ` (score ${score(total.before_value)} → ${score(total.after_value)})` : '';
  return criteria.length ? `${criteria.join(', ')}${scoreText}` : 'no grade changed';
}

/** The inbox: open disputes first, each with its review's criteria and the ratings a supervisor may give. */
export function disputesInbox(db: Warehouse, user: Account) {
  // kept until the data change (cache.ts): filing or answering a dispute is a write, so the next load reads it
  return memo(db, `disputes\u0000${user.username}\u0000${user.role}\u0000${user.agentId ?? ''}`, () => inboxOf(db, user));
}

async function inboxOf(db: Warehouse, user: Account) {
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
      /** The review's own author may not decide its dispute. */
      ownReview: review.reviewer_id === user.username,
      changes:
        d.status === 'open'
          ? ''
          : describeChanges(
              (await auditTrail(db, review.review_id)).filter((a) => a.dispute_id === d.dispute_id),
              (id) => defs.get(id)?.name ?? id,
            ),
    });
  }
  return items;
}
