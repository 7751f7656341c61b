/**
 * Chatwoot conversations as its API returns them: one conversation per
 * record (JSON Lines or an array), with `status`, `meta` (sender, assignee,
 * team, channel) and its `messages` (GET …/conversations/{id}/messages).
 *
 * `message_type` 0 / incoming is the customer; 1 / outgoing is an agent
 * when `sender_type` is User, a bot when AgentBot (or no sender: an
 * automation); 3 / template is a bot; 2 / activity is a system notice, and
 * its text ("Conversation was marked resolved by …", "Assigned to … by …")
 * also gives the status and assign events. `private` messages are internal
 * notes. Without activity messages, the conversation's current status
 * (open, resolved, pending, snoozed) stands at its last update and its
 * current assignee from the start. A record with an unknown message type,
 * an unknown sender type or a bad timestamp is quarantined whole. The
 * customer's answer to the CSAT survey (an `input_csat` message's
 * submitted rating, 1–5, and feedback) is a `csat` answer, dated when the
 * message was last updated (the answer updates it), else when it was sent.
 *
 * A deleted conversation, `{ "id", "deleted": true }` (what the API sync
 * writes for a listed conversation whose messages answer 404, as Chatwoot
 * answers for a deleted one: sync/chatwoot.ts), is quarantined as not
 * loaded and its stored copy is removed (see `removals.ts`).
 *
 * @example
 *   parley ingest chatwoot-conversations.json --format chatwoot
 */
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, PrepareOptions, Prepared } from './types.js';
import { assembleSql } from './assemble.js';
import { metadataSql, sqlEscape, sqlString } from './sql.js';
import { flexibleTimestampSql, prepareJsonDocs } from './json-docs.js';

const person = { id: 'VARCHAR', name: 'VARCHAR', type: 'VARCHAR' };
const CONVERSATION = JSON.stringify({
  id: 'VARCHAR',
  inbox_id: 'VARCHAR',
  status: 'VARCHAR',
  priority: 'VARCHAR',
  created_at: 'VARCHAR',
  updated_at: 'VARCHAR',
  last_activity_at: 'VARCHAR',
  contact_id: 'VARCHAR',
  labels: ['VARCHAR'],
  custom_attributes: 'JSON',
  meta: { sender: { ...person, additional_attributes: { company_name: 'VARCHAR' } }, assignee: person, team: { id: 'VARCHAR', name: 'VARCHAR' }, channel: 'VARCHAR' },
  messages: [
    {
      id: 'VARCHAR',
      content: 'VARCHAR',
      message_type: 'VARCHAR',
      created_at: 'VARCHAR',
      private: 'VARCHAR',
      sender_type: 'VARCHAR',
      sender_id: 'VARCHAR',
      sender: person,
      attachments: ['JSON'],
      content_type: 'VARCHAR',
      updated_at: 'VARCHAR',
      content_attributes: { submitted_values: { csat_survey_response: { rating: 'VARCHAR', feedback_message: 'VARCHAR' } } },
    },
  ],
});

const STATUSES = "('open', 'resolved', 'pending', 'snoozed')";

/** A Chatwoot conversation status as the canonical one (null: not a Chatwoot status); the webhooks read it too. */
export const chatwootStatusSql = (expr: string) => `case when lower(${expr}) in ${STATUSES} then lower(${expr}) end`;

/** Canonical role of a Chatwoot message, over columns `message_type` and `sender_type` (null: unknown type or sender). */
export const roleSql = `case
    when message_type in ('0', 'incoming') then 'customer'
    when message_type in ('2', 'activity') then 'system'
    when message_type in ('3', 'template') then 'bot'
    when message_type in ('1', 'outgoing') then case
      when sender_type is null or sender_type = '' then 'bot'
      when lower(sender_type) = 'user' then 'agent'
      when lower(sender_type) = 'contact' then 'customer'
      when lower(sender_type) in ('agentbot', 'agent_bot') or lower(sender_type) like 'captain%' then 'bot'
    end
  end`;

/** Chatwoot's `meta.channel` (Channel::WebWidget …) → canonical channel word. */
export const channelSql = (expr: string) => `case regexp_replace(lower(coalesce(${expr}, '')), '^channel::', '')
    when 'webwidget' then 'webchat'
    when 'web_widget' then 'webchat'
    when 'email' then 'email'
    when 'whatsapp' then 'whatsapp'
    when 'sms' then 'sms'
    when 'twiliosms' then 'sms'
    when 'facebookpage' then 'social'
    when 'instagram' then 'social'
    when 'twitterprofile' then 'social'
    when 'api' then 'api'
    when '' then 'webchat'
    else regexp_replace(regexp_replace(lower(${expr}), '^channel::', ''), '[^a-z0-9]+', '_', 'g')
  end`;

/**
 * SQL: the agents' names (as activity texts name them) with the ids their
 * messages carry, from every record of `t` — an agent named in one part of
 * the export may have written only in another.
 */
export function chatwootAgentsSql(t: string): string {
  const senders = JSON.stringify({ messages: [{ message_type: 'VARCHAR', sender_type: 'VARCHAR', sender_id: 'VARCHAR', sender: person }] });
  return `
  select coalesce(sender.name, '') as name, min(sender_id) as id
  from (select unnest(m) from (select unnest(json_transform(doc, '${senders}').messages) as m from ${t}))
  where ${roleSql} = 'agent' and sender.name is not null
  group by 1`;
}

/** A staged document `doc` marking a deleted conversation. */
const DELETED = "coalesce(lower(d.doc->>'deleted'), '') = 'true'";

/** SQL naming the conversations of staged documents `t` that Chatwoot deleted: their stored copies go (see `removals.ts`). */
export function chatwootRemovedSql(t: string, source: string): string {
  return `select ${sqlString(source)} as source, doc->>'id' as conversation_id from ${t} d where ${DELETED}`;
}

/**
 * SQL yielding (line, raw, problem) for the records (`where`: a condition on
 * `_line`) of staged conversation documents in `t`; `agents` is a query for
 * the whole export's agent names and ids ({@link chatwootAgentsSql}, staged once).
 */
export function chatwootSql(t: string, label: string, source: string, where: string, agents: string): string {
  const lbl = sqlEscape(label);
  const ts = flexibleTimestampSql;
  return `
with docs as (
  select _line, doc, json_transform(doc, '${CONVERSATION}') as c from ${t} where ${where}
),

raw_messages as (
  select d._line, d.c.id as conversation_id, m.n, unnest(m.msg), ${ts('m.msg.created_at')} as ts
  from docs d, lateral (select unnest(d.c.messages) as msg, generate_subscripts(d.c.messages, 1) as n) m
),

messages as (
  select *, ${roleSql} as role, coalesce(len(attachments), 0) as attachment_count from raw_messages
),

message_problems as (
  select _line, arg_min(problem, n) as problem from (
    select _line, n, case
      when ts is null then 'message ' || coalesce(id, n::varchar) || ': created_at "' || coalesce(created_at, '') || '" is neither Unix seconds nor ISO 8601'
      when message_type not in ('0', '1', '2', '3', 'incoming', 'outgoing', 'activity', 'template')
        then 'message ' || coalesce(id, n::varchar) || ': message_type "' || coalesce(message_type, '') || '" is not 0-3 (incoming, outgoing, activity, template)'
      when role is null then 'message ' || coalesce(id, n::varchar) || ': sender_type "' || coalesce(sender_type, '') || '" is not Contact, User or AgentBot'
    end as problem
    from messages)
  where problem is not null
  group by _line
),

checked as (
  select
    d.*,
    ${ts('d.c.created_at')} as created,
    coalesce(${ts('d.c.updated_at')}, ${ts('d.c.last_activity_at')}) as updated,
    case
      when coalesce(d.c.id, '') = '' then '${lbl} record ' || d._line || ': id is missing: is this a Chatwoot conversation?'
      when ${DELETED} then '${lbl} record ' || d._line || ' (conversation ' || d.c.id || '): the conversation was deleted in Chatwoot; deleted conversations are not loaded (a stored copy is removed)'
      when ${ts('d.c.created_at')} is null then '${lbl} record ' || d._line || ' (conversation ' || d.c.id || '): created_at "' || coalesce(d.c.created_at, '') || '" is neither Unix seconds nor ISO 8601'
      when lower(coalesce(d.c.status, 'open')) not in ${STATUSES} then '${lbl} record ' || d._line || ' (conversation ' || d.c.id || '): status "' || d.c.status || '" is not open, resolved, pending or snoozed'
      when p.problem is not null then '${lbl} record ' || d._line || ' (conversation ' || d.c.id || '), ' || p.problem
    end as problem
  from docs d
  left join message_problems p using (_line)
),

ok_messages as (
  select * from messages where _line in (select _line from checked where problem is null)
),

agents as (${agents}),

activity_events as (
  select
    conversation_id, ts, n, content,
    case
      when regexp_matches(content, '(?i)marked (as )?resolved|was resolved') then 'resolved'
      when regexp_matches(content, '(?i)reopened') then 'open'
      when regexp_matches(content, '(?i)marked as pending|was marked pending') then 'pending'
      when regexp_matches(content, '(?i)snoozed') then 'snoozed'
    end as status,
    nullif(regexp_extract(content, '^Assigned to (.+?) team by ', 1), '') as team,
    case when not regexp_matches(content, '^Assigned to .+ team by ')
      then coalesce(nullif(regexp_extract(content, '^Assigned to (.+?) by ', 1), ''), nullif(regexp_extract(content, '^(.+?) self-assigned', 1), '')) end as agent_name
  from ok_messages
  where role = 'system'
),

activities as (
  select conversation_id, ts, n * 4 as ord, 'message' as kind, coalesce(id, n::varchar) as message_id, role,
    coalesce(sender_id, sender.id) as author_id, sender.name as author_name, coalesce(content, '') as body,
    lower(coalesce(private, 'false')) = 'true' as internal, null::varchar as channel,
    case when attachment_count > 0 then attachment_count end as attachments,
    null::varchar as status, null::varchar as agent_id, null::varchar as team, null::varchar as reason
  from ok_messages
  where coalesce(content, '') <> '' or attachment_count > 0
  union all
  select conversation_id, ts, n * 4 + 1, 'status', null, null, null, null, null, null, null, null, status, null, null, null
  from activity_events where status is not null
  union all
  select a.conversation_id, a.ts, a.n * 4 + 2, 'assign', null, null, null, null, null, null, null, null, null,
    coalesce(g.id, a.agent_name), a.team, null
  from activity_events a left join agents g on g.name = a.agent_name
  where a.agent_name is not null or a.team is not null
  union all
  -- no status activity: the current status as of the last update
  select c.c.id, coalesce(c.updated, c.created), 2000000000, 'status', null, null, null, null, null, null, null, null,
    lower(coalesce(c.c.status, 'open')), null, null, null
  from checked c
  where c.problem is null and not exists (select 1 from activity_events e where e.conversation_id = c.c.id and e.status is not null)
  union all
  -- no assignment activity: the current assignee and team from the start
  select c.c.id, c.created, -1, 'assign', null, null, null, null, null, null, null, null, null,
    c.c.meta.assignee.id, c.c.meta.team.name, null
  from checked c
  where c.problem is null and (c.c.meta.assignee.id is not null or c.c.meta.team.name is not null)
    and not exists (select 1 from activity_events e where e.conversation_id = c.c.id and (e.agent_name is not null or e.team is not null))
),

surveys as (
  select conversation_id, coalesce(${ts('updated_at')}, ts) as ts, 'csat' as kind,
    try_cast(content_attributes.submitted_values.csat_survey_response.rating as double) as score,
    null::double as scale_min, null::double as scale_max,
    content_attributes.submitted_values.csat_survey_response.feedback_message as comment
  from ok_messages
  where content_type = 'input_csat' and coalesce(content_attributes.submitted_values.csat_survey_response.rating, '') <> ''
),

conversations as (
  select
    c.c.id as conversation_id,
    c._line as line,
    c.created as created_at,
    ${channelSql('c.c.meta.channel')} as channel,
    coalesce(c.c.meta.sender.id, c.c.contact_id, 'unknown') as customer_id,
    nullif(trim(c.c.meta.sender.additional_attributes.company_name), '') as customer_account,
    null::varchar as subject,
    null::varchar as intent,
    case lower(c.c.priority) when 'low' then 'low' when 'medium' then 'normal' when 'high' then 'high' when 'urgent' then 'urgent' end as priority,
    c.c.labels as tags,
    ${metadataSql("json_object('platform', 'chatwoot', 'status', lower(c.c.status), 'inbox_id', c.c.inbox_id)", 'c.c.custom_attributes')} as metadata
  from checked c
  where c.problem is null
)

${assembleSql({ conversations: 'conversations', activities: 'activities', surveys: 'surveys', source })}
union all
select _line, doc::varchar, problem from checked where problem is not null`;
}

export const chatwootAdapter: Adapter = {
  format: 'chatwoot',
  label: 'Chatwoot API JSON (conversations with messages)',
  input: 'change set',
  detect(probe) {
    if (probe.kind === 'json' && /"message_type"\s*:|"inbox_id"\s*:/.test(probe.text)) return { format: 'chatwoot', why: 'its records have Chatwoot inbox_id / message_type' };
    return undefined;
  },
  prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    return prepareJsonDocs(db, paths, {
      idSql: "doc->>'id'",
      prefix: '_cw',
      format: 'chatwoot',
      partBytes: options.partSize?.bytes,
      sql: (table, name, where) => chatwootSql(table, name, options.source ?? 'chatwoot', where, `select * from ${table}_agents`),
      removes: (table) => chatwootRemovedSql(table, options.source ?? 'chatwoot'),
      // agent names resolve against the whole export, whichever part they are read in
      stage: async (table) => {
        await db.run(`create or replace temp table ${table}_agents as ${chatwootAgentsSql(table)}`);
        return [`${table}_agents`];
      },
    });
  },
};
