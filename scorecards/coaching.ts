/**
 * Coaching: notes and sessions a supervisor writes for an agent, linked to
 * reviews and to catalogue metrics; the agent acknowledges them.
 *
 * @example
 *   const note = await addCoaching(db, { agent_id: 'agent-07', author_id: 'sup-1', kind: 'note',
 *     body: 'Confirm the fix before closing.', review_ids: ['rev_…'], metrics: ['reopen_rate'] });
 *   await acknowledgeCoaching(db, { coaching_id: note.coaching_id, agent_id: 'agent-07' });
 */
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { tables, textArray, type QaCoaching } from '../warehouse/tables.js';
import { CATALOGUE } from '../models/catalogue.js';
import { newId } from './ids.js';
import { ScorecardError } from './scorecard-error.js';

const METRIC_NAMES = CATALOGUE.map((m) => m.name);

export const coachingInputSchema = z.strictObject({
  agent_id: z.string().min(1),
  author_id: z.string().min(1),
  kind: z.enum(['note', 'session']).default('note'),
  body: z.string().trim().min(1, 'write what the coaching is about'),
  review_ids: z.array(z.string().min(1)).default([]),
  /** Catalogue metric names (fcr_rate, reopen_rate, qa_score …). */
  metrics: z.array(z.string().min(1)).default([]),
  /** When the session takes (or took) place, for kind 'session'. */
  session_at: z.coerce.date().optional(),
});
export type CoachingInput = z.input<typeof coachingInputSchema>;

/** A coaching note or session: its row of qa_coaching. */
export interface Coaching extends Omit<QaCoaching, 'kind'> {
  kind: 'note' | 'session';
}

/** Adds a coaching note or session for a known agent; linked reviews must be of this agent, metrics from the catalogue. */
export async function addCoaching(db: Warehouse, body: CoachingInput, now = new Date()): Promise<Coaching> {
  const parsed = coachingInputSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ScorecardError(`coaching ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const input = parsed.data;
  const unknownMetric = input.metrics.find((m) => !METRIC_NAMES.includes(m));
  if (unknownMetric) throw new ScorecardError(`coaching metrics: "${unknownMetric}" is not a metric of the catalogue (docs/metrics.md)`);
  const t = tables(db);
  return db.transaction(async () => {
    if (!(await agentKnown(db, input.agent_id))) {
      throw new ScorecardError(`coaching agent_id: there is no agent ${input.agent_id} (not in the roster, agents.jsonl, nor in any loaded conversation)`, 'not_found');
    }
    for (const id of input.review_ids) {
      const r = await t.selectFrom('qa_reviews').select('agent_id').where('review_id', '=', id).executeTakeFirst();
      if (!r) throw new ScorecardError(`coaching review_ids: no review ${id}`, 'not_found');
      if (r.agent_id !== input.agent_id) throw new ScorecardError(`coaching review_ids: review ${id} is of ${r.agent_id ?? 'no agent'}, not ${input.agent_id}`);
    }
    const coaching: Coaching = {
      coaching_id: newId('coa'),
      agent_id: input.agent_id,
      author_id: input.author_id,
      kind: input.kind,
      body: input.body,
      review_ids: input.review_ids,
      metrics: input.metrics,
      session_at: input.session_at ?? null,
      created_at: now,
      acknowledged_at: null,
    };
    await t
      .insertInto('qa_coaching')
      .values({ ...coaching, review_ids: textArray(coaching.review_ids), metrics: textArray(coaching.metrics) })
      .execute();
    return coaching;
  });
}

/** An agent is known from the roster (raw_agents) or from a conversation it was assigned or answered. */
async function agentKnown(db: Warehouse, agentId: string): Promise<boolean> {
  const row = await db.one(
    `select 1 as known from raw_agents where agent_id = $1
     union all select 1 from raw_events where agent_id = $1
     union all select 1 from raw_messages where author_role = 'agent' and author_id = $1
     limit 1`,
    [agentId],
  );
  return row !== undefined;
}

/** The agent acknowledges a coaching item (once; only the agent it is for). */
export async function acknowledgeCoaching(db: Warehouse, input: { coaching_id: string; agent_id: string }, now = new Date()): Promise<Coaching> {
  const t = tables(db);
  return db.transaction(async () => {
    const row = (await t.selectFrom('qa_coaching').selectAll().where('coaching_id', '=', input.coaching_id).executeTakeFirst()) as Coaching | undefined;
    if (!row) throw new ScorecardError(`no coaching item ${input.coaching_id}`, 'not_found');
    if (row.agent_id !== input.agent_id) throw new ScorecardError(`coaching ${input.coaching_id} is for ${row.agent_id}: only that agent acknowledges it`, 'conflict');
    if (row.acknowledged_at) return row;
    await t.updateTable('qa_coaching').set({ acknowledged_at: now }).where('coaching_id', '=', input.coaching_id).execute();
    return { ...row, acknowledged_at: now };
  });
}

/**
 * An agent's coaching, newest first.
 *
 * @example
 *   const pending = (await listCoaching(db, { agent_id: 'agent-07' })).filter((c) => !c.acknowledged_at);
 */
export async function listCoaching(db: Warehouse, filter: { agent_id?: string; author_id?: string; unacknowledged?: boolean } = {}): Promise<Coaching[]> {
  const rows = await tables(db)
    .selectFrom('qa_coaching')
    .selectAll()
    .$if(filter.agent_id != null, (q) => q.where('agent_id', '=', filter.agent_id!))
    .$if(filter.author_id != null, (q) => q.where('author_id', '=', filter.author_id!))
    .$if(filter.unacknowledged === true, (q) => q.where('acknowledged_at', 'is', null))
    .orderBy('created_at', 'desc')
    .orderBy('coaching_id')
    .execute();
  return rows as Coaching[];
}
