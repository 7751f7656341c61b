/**
 * Assembling canonical conversations from two flat relations, shared by the
 * adapters whose exports are tables or activity streams (mapping, Zendesk,
 * Intercom, Chatwoot): one row per conversation, one row per message or
 * event. Everything runs as one DuckDB query; JSON is built with
 * `json_object` and list aggregates, ordered by timestamp and then by the
 * order the source recorded things in (`ord`).
 *
 * conversations: conversation_id, line, created_at (timestamptz), channel,
 *   customer_id, customer_account (the customer's organisation, or null), subject,
 *   intent, priority, tags (varchar[]), metadata (json)
 * activities: conversation_id, ts (timestamptz), ord (sortable), kind
 *   ('message' | 'status' | 'assign' | 'escalate'), message_id, role,
 *   author_id, author_name, body, internal (boolean), channel, attachments,
 *   status, agent_id, team, reason
 * surveys (optional): conversation_id, ts (timestamptz), kind ('csat' |
 *   'ces' | 'nps'), score, scale_min, scale_max (null: the kind's default
 *   scale), comment
 *
 * @example
 *   assembleSql({ conversations: '_c', activities: '_a', source: 'zendesk' })
 *   // → select line, raw, problem … (one canonical JSON per conversation)
 */
import { isoSql, sqlString, withoutNulls } from './sql.js';

export interface AssembleParts {
  conversations: string;
  activities: string;
  /** Survey answers, when the platform exports them. */
  surveys?: string;
  source: string;
}

/** SQL yielding (line, raw, problem) with one canonical conversation per row of `conversations`. */
export function assembleSql(parts: AssembleParts): string {
  return `
select
  c.line,
  ${withoutNulls(`json_object(
    'id', c.conversation_id,
    'source', ${sqlString(parts.source)},
    'channel', c.channel,
    'created_at', ${isoSql('c.created_at')},
    'customer', json_object('id', c.customer_id, 'account', c.customer_account),
    'subject', c.subject,
    'intent', c.intent,
    'priority', c.priority,
    'tags', c.tags,
    'messages', coalesce(m.messages, []::json[]),
    'events', coalesce(e.events, []::json[]),
    'surveys', ${parts.surveys ? 's.surveys' : 'null'},
    'metadata', c.metadata)`)} as raw,
  null::varchar as problem
from ${parts.conversations} c
left join (
  select
    conversation_id,
    list(json_object(
      'id', message_id,
      'at', ${isoSql('ts')},
      'author', json_object('role', role, 'id', author_id, 'name', author_name),
      'body', body,
      'internal', internal,
      'channel', channel,
      'attachments', attachments) order by ts, ord) as messages
  from ${parts.activities}
  where kind = 'message'
  group by conversation_id
) m using (conversation_id)
left join (
  select
    conversation_id,
    list(json_object(
      'at', ${isoSql('ts')},
      'type', kind,
      'status', status,
      'agent_id', agent_id,
      'team', team,
      'reason', reason) order by ts, ord) as events
  from ${parts.activities}
  where kind <> 'message'
  group by conversation_id
) e using (conversation_id)${
    parts.surveys
      ? `
left join (
  select
    conversation_id,
    list(json_object(
      'at', ${isoSql('ts')},
      'kind', kind,
      'score', score,
      'scale', case when scale_min is not null then [scale_min, scale_max] end,
      'comment', nullif(comment, '')) order by ts, kind) as surveys
  from ${parts.surveys}
  group by conversation_id
) s using (conversation_id)`
      : ''
  }`;
}
