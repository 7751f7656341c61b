/**
 * Coaching in the dashboard, over scorecards/: supervisors add coaching notes
 * for an agent, the agent acknowledges them. Form data are read here; every
 * rule lives in scorecards.
 *
 * @example
 *   await addCoachingFromForm(db, supervisorAccount, 'agt_001', formData);
 *   const notes = await coachingFor(db, 'agt_001');
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import { acknowledgeCoaching, addCoaching, listCoaching } from '../../../scorecards/index.js';
import { can } from '../roles.js';
import type { Account } from '../../../accounts/index.js';
import { attempt, type Outcome } from './form-outcome.js';

const coachingForm = z.object({
  kind: z.enum(['note', 'session']),
  body: z.string().trim().min(1, 'write what the coaching is about').max(4000),
  session_at: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
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
