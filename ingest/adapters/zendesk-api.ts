/**
 * Zendesk Support API JSON: one ticket per record (JSON Lines or an array),
 * the ticket object with its `audits` (GET /api/v2/tickets/{id}/audits.json)
 * and the `users` that endpoint sideloads with `?include=users`.
 *
 * Comment events are messages (`public: false` → internal note); the
 * author's role comes from the sideloaded users (end-user → customer,
 * agent/admin → agent, user -1 or an Answer Bot channel → bot). Create and
 * Change events of `status`, `assignee_id` and `group_id` are status and
 * assign events, one assign event per audit. A record that breaks (a bad
 * date, a comment whose author has no known role, an unknown status) is
 * quarantined whole, with the reason naming ticket, audit and event;
 * deleted tickets and tickets closed by a merge (tag `closed_by_merge`) are
 * quarantined as not loaded, and a stored copy of them is removed
 * ({@link zendeskApiRemovedSql}). The export is a change set: tickets it
 * does not hold are left as they are. A `satisfaction_score` change to good
 * or bad is a `csat` answer at its audit's time (see
 * `zendeskSatisfactionSql`), with the `satisfaction_comment` of the same
 * audit; a ticket whose audits hold none keeps its `satisfaction_rating`,
 * dated at the ticket's last update.
 *
 * @example
 *   parley ingest tickets-with-audits.jsonl --format zendesk
 */
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, PrepareOptions, Prepared } from './types.js';
import { assembleSql } from './assemble.js';
import { metadataSql, sqlEscape, sqlString } from './sql.js';
import { flexibleTimestampSql, prepareJsonDocs } from './json-docs.js';
import { zendeskChannelSql, zendeskRoleSql, zendeskSatisfactionSql, zendeskStatusSql, ZENDESK_STATUSES, zendeskCustomFieldsSql } from './zendesk-common.js';

const TICKET = JSON.stringify({
  id: 'VARCHAR',
  created_at: 'VARCHAR',
  updated_at: 'VARCHAR',
  status: 'VARCHAR',
  requester_id: 'VARCHAR',
  organization_id: 'VARCHAR',
  assignee_id: 'VARCHAR',
  group_id: 'VARCHAR',
  subject: 'VARCHAR',
  priority: 'VARCHAR',
  type: 'VARCHAR',
  via: { channel: 'VARCHAR' },
  tags: ['VARCHAR'],
  custom_fields: [{ id: 'VARCHAR', value: 'JSON' }],
  satisfaction_rating: { score: 'VARCHAR', comment: 'VARCHAR' },
  audits: [
    {
      id: 'VARCHAR',
      created_at: 'VARCHAR',
      author_id: 'VARCHAR',
      via: { channel: 'VARCHAR' },
      events: [{ id: 'VARCHAR', type: 'VARCHAR', field_name: 'VARCHAR', value: 'VARCHAR', body: 'VARCHAR', plain_body: 'VARCHAR', public: 'VARCHAR', author_id: 'VARCHAR' }],
    },
  ],
  users: [{ id: 'VARCHAR', role: 'VARCHAR', name: 'VARCHAR' }],
  organizations: [{ id: 'VARCHAR', name: 'VARCHAR' }],
});

/** SQL yielding (line, raw, problem) for the records (`where`: a condition on `_line`) of staged ticket documents in `t`. */
export function zendeskApiSql(t: string, label: string, source: string, where = 'true'): string {
  const lbl = sqlEscape(label);
  const ts = flexibleTimestampSql;
  return `
with tickets as (
  select _line, doc, json_transform(doc, '${TICKET}') as k from ${t} where ${where}
),

audits as (
  select _line, k.id as ticket_id, k.requester_id, k.users, a.audit, a.n as audit_no
  from tickets, lateral (select unnest(k.audits) as audit, generate_subscripts(k.audits, 1) as n) a
),

events as (
  select
    a._line, a.ticket_id, a.audit_no, a.audit.id as audit_id, ${ts('a.audit.created_at')} as ts, a.audit.created_at as audit_at,
    a.audit.via.channel as via, e.n as event_no, e.event, a.requester_id,
    coalesce(e.event.author_id, a.audit.author_id) as author_id,
    list_filter(a.users, u -> u.id = coalesce(e.event.author_id, a.audit.author_id))[1] as author
  from audits a, lateral (select unnest(a.audit.events) as event, generate_subscripts(a.audit.events, 1) as n) e
),

typed_events as (
  select
    *,
    case when lower(via) like 'answer_bot%' or lower(via) = 'ai_agent' then 'bot'
         else ${zendeskRoleSql('author.role', 'author_id', 'requester_id')} end as role,
    case
      when ts is null then 'audit ' || audit_no || ': created_at "' || coalesce(audit_at, '') || '" is not an ISO 8601 timestamp'
      when event.type in ('Comment', 'VoiceComment') and ${zendeskRoleSql('author.role', 'author_id', 'requester_id')} is null and not (lower(via) like 'answer_bot%' or lower(via) = 'ai_agent')
        then 'audit ' || audit_no || ', comment ' || coalesce(event.id, '?') || ': its author, user ' || coalesce(author_id, '?') || ', '
          || case when author.id is null then 'is not among the sideloaded users' else 'has the role "' || coalesce(author.role, '') || '", not end-user, agent or admin' end
          || '; export the audits with ?include=users'
      when event.type in ('Create', 'Change') and event.field_name = 'status' and ${zendeskStatusSql('event.value')} is null and lower(event.value) <> 'deleted'
        then 'audit ' || audit_no || ': status "' || coalesce(event.value, '') || '" is not a Zendesk status (${ZENDESK_STATUSES})'
    end as problem
  from events
),

checked as (
  select
    k._line,
    k.doc,
    k.k,
    ${ts('k.k.created_at')} as created,
    ${ts('k.k.updated_at')} as updated,
    case
      when coalesce(k.k.id, '') = '' then '${lbl} record ' || k._line || ': id is missing: is this a Zendesk ticket?'
      when ${ts('k.k.created_at')} is null then '${lbl} record ' || k._line || ' (ticket ' || k.k.id || '): created_at "' || coalesce(k.k.created_at, '') || '" is not an ISO 8601 timestamp'
      when coalesce(k.k.requester_id, '') = '' then '${lbl} record ' || k._line || ' (ticket ' || k.k.id || '): requester_id is missing'
      when lower(k.k.status) = 'deleted' then '${lbl} record ' || k._line || ' (ticket ' || k.k.id || '): the ticket was deleted in Zendesk; deleted tickets are not loaded (Zendesk''s reports leave them out too)'
      when list_contains(k.k.tags, 'closed_by_merge') then '${lbl} record ' || k._line || ' (ticket ' || k.k.id || '): the ticket was closed by a merge into another ticket in Zendesk; merged tickets are not loaded (the conversation continues in that ticket)'
      when ${zendeskStatusSql('k.k.status')} is null then '${lbl} record ' || k._line || ' (ticket ' || k.k.id || '): status "' || coalesce(k.k.status, '') || '" is not a Zendesk status (${ZENDESK_STATUSES})'
      when p.problem is not null then '${lbl} record ' || k._line || ' (ticket ' || k.k.id || '), ' || p.problem
      when coalesce(len(k.k.audits), 0) = 0 then '${lbl} record ' || k._line || ' (ticket ' || k.k.id || '): the ticket has no audits: export each ticket with GET /api/v2/tickets/{id}/audits.json?include=users'
    end as problem
  from tickets k
  left join (
    select _line, arg_min(problem, audit_no * 100000 + event_no) as problem from typed_events where problem is not null group by _line
  ) p using (_line)
),

ok as (
  select _line from checked where problem is null
),

assignment_audits as (
  select
    _line, ticket_id, ts, audit_no,
    max(event.value) filter (where event.field_name = 'assignee_id') as assignee,
    max(event.value) filter (where event.field_name = 'group_id') as group_id,
    bool_or(event.field_name = 'assignee_id') as assignee_changed,
    bool_or(event.field_name = 'group_id') as group_changed
  from typed_events
  where event.type in ('Create', 'Change') and event.field_name in ('assignee_id', 'group_id') and _line in (select _line from ok)
  group by all
),

assignments as (
  select
    *,
    last_value(case when assignee_changed then coalesce(assignee, '-') end ignore nulls) over w as agent,
    last_value(case when group_changed then coalesce(group_id, '-') end ignore nulls) over w as team
  from assignment_audits
  window w as (partition by _line order by ts, audit_no)
),

activities as (
  select ticket_id as conversation_id, ts, audit_no * 100000 + event_no as ord, 'message' as kind,
    coalesce(event.id, audit_id || '-' || event_no) as message_id, role, author_id, author.name as author_name,
    coalesce(event.plain_body, event.body) as body, lower(coalesce(event.public, 'true')) = 'false' as internal,
    null::varchar as channel, null::integer as attachments, null::varchar as status, null::varchar as agent_id, null::varchar as team, null::varchar as reason
  from typed_events
  where event.type in ('Comment', 'VoiceComment') and coalesce(coalesce(event.plain_body, event.body), '') <> '' and _line in (select _line from ok)
  union all
  select ticket_id, ts, audit_no * 100000 + event_no, 'status', null, null, null, null, null, null, null, null, ${zendeskStatusSql('event.value')}, null, null, null
  from typed_events
  where event.type in ('Create', 'Change') and event.field_name = 'status' and ${zendeskStatusSql('event.value')} is not null and _line in (select _line from ok)
  union all
  select ticket_id, ts, audit_no * 100000 + 99999, 'assign', null, null, null, null, null, null, null, null, null, nullif(agent, '-'), nullif(team, '-'), null
  from assignments
  where nullif(agent, '-') is not null or nullif(team, '-') is not null
),

audit_ratings as (
  select
    ticket_id, ts, audit_no,
    max(${zendeskSatisfactionSql('event.value')}) filter (where event.field_name = 'satisfaction_score') as score,
    max(event.value) filter (where event.field_name = 'satisfaction_comment') as comment
  from typed_events
  where event.type in ('Create', 'Change') and event.field_name in ('satisfaction_score', 'satisfaction_comment') and _line in (select _line from ok)
  group by all
),

surveys as (
  select ticket_id as conversation_id, ts, 'csat' as kind, score, null::double as scale_min, null::double as scale_max, comment
  from audit_ratings where score is not null
  union all
  select c.k.id, coalesce(c.updated, c.created), 'csat', ${zendeskSatisfactionSql('c.k.satisfaction_rating.score')}, null, null, c.k.satisfaction_rating.comment
  from checked c
  where c.problem is null and ${zendeskSatisfactionSql('c.k.satisfaction_rating.score')} is not null
    and not exists (select 1 from audit_ratings r where r.ticket_id = c.k.id and r.score is not null)
),

conversations as (
  select
    c.k.id as conversation_id,
    c._line as line,
    c.created as created_at,
    ${zendeskChannelSql('c.k.via.channel')} as channel,
    c.k.requester_id as customer_id,
    coalesce(list_filter(c.k.organizations, o -> o.id = c.k.organization_id)[1].name, nullif(c.k.organization_id, '')) as customer_account,
    nullif(c.k.subject, '') as subject,
    nullif(lower(c.k.type), '') as intent,
    case lower(c.k.priority) when 'low' then 'low' when 'normal' then 'normal' when 'high' then 'high' when 'urgent' then 'urgent' end as priority,
    c.k.tags as tags,
    ${metadataSql("json_object('platform', 'zendesk', 'status', lower(c.k.status))", zendeskCustomFieldsSql('c.k.custom_fields'))} as metadata
  from checked c
  where c.problem is null
)

${assembleSql({ conversations: 'conversations', activities: 'activities', surveys: 'surveys', source })}
union all
select _line, doc::varchar, problem from checked where problem is not null`;
}

/** SQL naming the tickets of staged documents `t` that Zendesk deleted or closed by a merge: their stored copies go (see `removals.ts`). */
export function zendeskApiRemovedSql(t: string, source: string): string {
  return `select ${sqlString(source)} as source, doc->>'id' as conversation_id from ${t}
    where lower(doc->>'status') = 'deleted' or list_contains(json_extract_string(doc, '$.tags[*]'), 'closed_by_merge')`;
}

export const zendeskApiAdapter: Adapter = {
  format: 'zendesk',
  label: 'Zendesk Support API JSON (tickets with audits)',
  input: 'change set',
  detect(probe) {
    if (probe.kind === 'json' && /"audits"\s*:|"requester_id"\s*:/.test(probe.text)) return { format: 'zendesk', why: 'its records are Zendesk tickets with audits' };
    return undefined;
  },
  prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    return prepareJsonDocs(db, paths, {
      idSql: "doc->>'id'",
      prefix: '_zd_api',
      format: 'zendesk-api',
      partBytes: options.partSize?.bytes,
      sql: (table, name, where) => zendeskApiSql(table, name, options.source ?? 'zendesk', where),
      removes: (table) => zendeskApiRemovedSql(table, options.source ?? 'zendesk'),
    });
  },
};
