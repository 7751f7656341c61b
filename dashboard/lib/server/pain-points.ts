/**
 * Pain points from insights/ (tables of insights/README.md): topics with
 * their volume, trend and outcomes against all conversations, the emerging
 * topics and terms of a month, and masked example messages. No customer id,
 * name or contact detail is read: the examples are insights' masked text.
 *
 * @example
 *   const p = await loadPainPoints(db, '2026-10'); // null before `parley insights build`
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { tableExists } from '../../../warehouse/table-exists.js';

export type Topic = {
  topic_id: string;
  name: string;
  labels: string[];
  conversations: number;
  share: number;
  trend: string;
  top_intent: string | null;
  fcr_rate: number | null;
  fcr_rate_all: number | null;
  csat_rate: number | null;
  csat_rate_all: number | null;
  ended_negative_share: number | null;
};

export async function loadPainPoints(db: Warehouse, month: string | undefined) {
  if (!(await tableExists(db, 'insight_topics', 'insight_emerging', 'insight_topic_examples'))) return null;
  const months = (await db.all<{ month: string }>('select distinct month from insight_emerging order by month desc')).map((r) => r.month);
  const chosen = month && months.includes(month) ? month : months[0];
  const [topics, emerging, examples] = await Promise.all([
    db.all<Topic>(
      `select topic_id, name, labels, conversations, share, trend, top_intent, fcr_rate, fcr_rate_all, csat_rate, csat_rate_all, ended_negative_share
       from insight_topics order by conversations desc limit 25`,
    ),
    chosen
      ? db.all<{ kind: string; label: string; conversations: number; expected: number; ratio: number; p_value: number }>(
          'select kind, label, conversations, expected, ratio, p_value from insight_emerging where month = $1 order by rank limit 20',
          [chosen],
        )
      : Promise.resolve([]),
    db.all<{ topic_id: string; rank: number; source: string; conversation_id: string; month: string; text: string }>(
      'select topic_id, rank, source, conversation_id, month, text from insight_topic_examples where rank <= 3 order by topic_id, rank',
    ),
  ]);
  const byTopic = new Map<string, typeof examples>();
  for (const e of examples) byTopic.set(e.topic_id, [...(byTopic.get(e.topic_id) ?? []), e]);
  return {
    months,
    month: chosen ?? null,
    emerging,
    topics: topics.map((t) => ({ ...t, labels: [...(t.labels ?? [])], examples: byTopic.get(t.topic_id) ?? [] })),
  };
}
