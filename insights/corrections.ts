/**
 * Reviewers' intent corrections (table insight_intent_corrections, migration
 * 004). A correction overrides the platform's label in insight_intents and is
 * training data for the next `parley insights build`; the latest correction
 * of a conversation wins. {@link recordIntentCorrection} records one; no page
 * of the dashboard writes them yet.
 */
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';

export const intentCorrectionSchema = z.object({
  source: z.string().min(1),
  conversationId: z.string().min(1),
  intent: z.string().regex(/^[a-z][a-z0-9_]*$/, 'an intent is a lowercase word with underscores, such as delivery_delay'),
  correctedBy: z.string().min(1).optional(),
  note: z.string().max(2000).optional(),
  at: z.date().optional(),
});

export type IntentCorrection = z.infer<typeof intentCorrectionSchema>;

/**
 * Records that a reviewer fixed a conversation's intent.
 *
 * @example
 *   await recordIntentCorrection(db, { source: 'demo', conversationId: 'c000042', intent: 'billing', correctedBy: 'agt_007' });
 */
export async function recordIntentCorrection(db: Warehouse, correction: IntentCorrection): Promise<void> {
  const c = intentCorrectionSchema.parse(correction);
  const known = await db.one<{ n: number }>('select count(*) as n from raw_conversations where source = $1 and conversation_id = $2', [c.source, c.conversationId]);
  if (!known?.n) throw new Error(`no conversation ${c.source}/${c.conversationId} in the warehouse: check the source and id`);
  await tables(db)
    .insertInto('insight_intent_corrections')
    .values({
      source: c.source,
      conversation_id: c.conversationId,
      intent: c.intent,
      corrected_by: c.correctedBy ?? null,
      corrected_at: c.at ?? new Date(),
      note: c.note ?? null,
    })
    .execute();
}
