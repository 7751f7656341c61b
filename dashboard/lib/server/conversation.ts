/**
 * One conversation as the customer and agents lived it: messages (customer,
 * agent, bot, internal notes), status changes, assignments and surveys on one
 * timeline, with its metrics from conversation_metrics. Bodies are returned
 * as plain strings; the page shows them as text.
 *
 * @example
 *   const c = await loadConversation(db, 'demo', 'c_000123');
 *   c?.timeline[0]; // { kind: 'message', role: 'customer', body: '…', ... }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { CATALOGUE, formatValue } from '../../../models/catalogue.js';
import { cachedAll } from './mart-query.js';

export interface TimelineItem {
  kind: 'message' | 'event' | 'survey';
  at: string;
  /** customer | agent | bot | system, or the event type, or the survey kind */
  role: string;
  internal: boolean;
  author: string | null;
  /** a message's author id (null for events and surveys) */
  authorId: string | null;
  body: string | null;
  /** status, assignment or survey details */
  detail: string | null;
}

export interface ConversationView {
  source: string;
  conversationId: string;
  channel: string;
  createdAt: string;
  customerId: string;
  /** The customer's account (conversation_metrics.customer_account: the account page's conversations). */
  account: string | null;
  subject: string | null;
  intent: string | null;
  priority: string | null;
  ownerAgent: string | null;
  team: string | null;
  timeline: TimelineItem[];
  metrics: { name: string; label: string; value: string }[];
}

const SHOWN = [
  'first_response_s',
  'first_response_any_s',
  'reply_time_s',
  'unanswered_turns',
  'business_first_response_s',
  'first_resolution_s',
  'full_resolution_s',
  'reopens',
  'transfers',
  'escalations',
  'recontact_7d',
  'fcr',
  'contained',
  'handoff_from_bot',
  'csat_score',
  'ces_score',
  'customer_messages_to_resolution',
  're_explanations',
  'channel_switches',
  'effort_index',
];

const iso = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

export async function loadConversation(db: Warehouse, source: string, id: string): Promise<ConversationView | null> {
  const key = [source, id];
  const [head] = await cachedAll<{
    channel: string;
    created_at: Date;
    customer_id: string;
    subject: string | null;
    intent: string | null;
    priority: string | null;
  }>(db, 'select channel, created_at, customer_id, subject, intent, priority from raw_conversations where source = $1 and conversation_id = $2', key);
  if (!head) return null;
  const [items, [metrics]] = await Promise.all([
    cachedAll<{
      kind: TimelineItem['kind'];
      occurred_at: Date;
      role: string;
      internal: boolean;
      author: string | null;
      author_id: string | null;
      body: string | null;
      detail: string | null;
    }>(
      db,
      `select * from (
         select 'message' as kind, sent_at as occurred_at, 0 as kind_rank, seq, author_role as role, internal,
                coalesce(author_name, author_id) as author, author_id, body,
                case when channel is not null then 'via ' || channel end as detail
         from raw_messages where source = $1 and conversation_id = $2
         union all
         select 'event', event_at, 1, seq, type, false, agent_id, null, null,
                concat_ws(' · ',
                  case when status is not null then 'status → ' || status end,
                  case when agent_id is not null then 'agent ' || agent_id end,
                  case when team is not null then 'team ' || team end,
                  reason)
         from raw_events where source = $1 and conversation_id = $2
         union all
         select 'survey', answered_at, 2, seq, kind, false, null, null, comment,
                kind || ' ' || score || ' on ' || scale_min || '–' || scale_max
         from raw_surveys where source = $1 and conversation_id = $2
       ) order by occurred_at, kind_rank, seq`,
      key,
    ),
    cachedAll(db, 'select * from conversation_metrics where source = $1 and conversation_id = $2', key),
  ]);
  return {
    source,
    conversationId: id,
    channel: head.channel,
    createdAt: iso(head.created_at),
    customerId: head.customer_id,
    account: (metrics?.['customer_account'] as string | null) ?? null,
    subject: head.subject,
    intent: head.intent,
    priority: head.priority,
    ownerAgent: (metrics?.['owner_agent'] as string | null) ?? null,
    team: (metrics?.['team'] as string | null) ?? null,
    timeline: items.map((i) => ({
      kind: i.kind,
      at: iso(i.occurred_at),
      role: i.role,
      internal: i.internal,
      author: i.author,
      authorId: i.author_id,
      body: i.body,
      detail: i.detail,
    })),
    metrics: metrics
      ? SHOWN.map((name) => {
          const m = CATALOGUE.find((c) => c.name === name)!;
          const v = metrics[m.column ?? name];
          return { name, label: m.label, value: typeof v === 'boolean' ? (v ? 'yes' : 'no') : formatValue(m, v) };
        })
      : [],
  };
}
