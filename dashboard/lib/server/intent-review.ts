/**
 * The QA workspace's review list of intents: the model's low-confidence
 * predictions of the last `parley insights build`, least confident first,
 * each with the conversation's first customer message (PII-masked). One click
 * confirms the model's intent or sets another: it is recorded as a reviewer's
 * correction (insights/corrections.ts), shown as the intent and trained on by
 * the next build.
 *
 * @example
 *   const list = await intentReview(db); // null before `parley insights build`
 *   await correctIntentFromForm(db, user, formData); // 'Saved: … is billing from the next insights build.'
 */
import { z } from 'zod';
import type { Account } from '../../../accounts/index.js';
import { recordIntentCorrection } from '../../../insights/corrections.js';
import { maskPii } from '../../../insights/text.js';
import type { Warehouse } from '../../../warehouse/connection.js';
import { tableExists } from '../../../warehouse/table-exists.js';
import { memo } from './cache.js';

export type ReviewItem = {
  source: string;
  conversation_id: string;
  month: string;
  model_intent: string;
  model_confidence: number;
  corrected: string | null;
  corrected_by: string | null;
  text: string;
};

export function intentReview(db: Warehouse, limit = 50) {
  // kept until the data change (cache.ts): a correction or an insights build is a write, so the next load reads it
  return memo(db, `intent-review\u0000${limit}`, () => reviewOf(db, limit));
}

async function reviewOf(db: Warehouse, limit: number) {
  if (!(await tableExists(db, 'insight_intents', 'insight_intent_corrections'))) return null;
  const rows = await db.all<ReviewItem & { author_name: string | null }>(
    `with latest as (
       select source, conversation_id, arg_max(intent, corrected_at) as corrected, arg_max(corrected_by, corrected_at) as corrected_by
       from insight_intent_corrections group by all
     ),
     listed as (
       select i.source, i.conversation_id, i.month, i.model_intent, i.model_confidence, l.corrected, l.corrected_by
       from insight_intents i
       left join latest l using (source, conversation_id)
       where i.low_confidence and i.model_intent is not null
       order by i.model_confidence, i.source, i.conversation_id
       limit ${limit}
     ),
     -- the first customer message of the listed conversations only (of every conversation, it grew with the warehouse)
     firsts as (
       select source, conversation_id, arg_min(left(body, 400), seq) as body, arg_min(author_name, seq) as author_name
       from raw_messages
       semi join listed using (source, conversation_id)
       where author_role = 'customer' and not internal
       group by all
     )
     select s.*, m.body as text, m.author_name
     from listed s
     left join firsts m using (source, conversation_id)
     order by s.model_confidence, s.source, s.conversation_id`,
  );
  const intents = (await db.all<{ intent: string }>('select distinct intent from insight_intents where intent is not null order by intent')).map((r) => r.intent);
  return {
    intents,
    items: rows.map(({ author_name, text, ...r }) => ({
      ...r,
      text: maskPii(text ?? '', author_name ? [author_name] : [])
        .replace(/\s+/g, ' ')
        .trim(),
    })),
  };
}

const formSchema = z.object({ source: z.string().min(1), conversationId: z.string().min(1), intent: z.string().min(1) });

/** Records the reviewer's one-click intent; the answer says when it takes effect. */
export async function correctIntentFromForm(db: Warehouse, user: Account, form: FormData, now = new Date()): Promise<{ ok: boolean; message: string }> {
  const parsed = formSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, message: 'Pick an intent for the conversation.' };
  const { source, conversationId, intent } = parsed.data;
  try {
    await recordIntentCorrection(db, { source, conversationId, intent, correctedBy: user.username, at: now });
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
  return { ok: true, message: `Saved: ${source}/${conversationId} is ${intent} from now on; the next insights build trains on it.` };
}
