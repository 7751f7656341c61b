/**
 * What the two Intercom adapters (API JSON and Fivetran tables) share: from
 * checked relations of conversations and their parts to the `activities`
 * and `conversations` CTEs that `assembleSql` reads.
 *
 * Parts: `comment` → message; `note` → internal message; `assignment`
 * (and default / away-mode assignment) → assign event to an admin or a
 * team; `open` → status open, `close` → status closed, `snoozed` → status
 * snoozed, `unsnoozed` / `timer_unsnooze` → open; any part with a body is
 * also a message. Authors: user, lead and contact are customers, admin and
 * team agents, bot a bot. The conversation's opening message (`source`)
 * is the first message; `delivered_as: automated` makes it a bot's. The
 * conversation rating (1–5, with its remark) is a `csat` answer, dated when
 * it was given (else at the conversation's last update).
 *
 * convs: conversation_id, line, created, updated, customer_id, customer_account, custom_attributes (json), subject, priority, state, tags,
 *   source_body, source_author_type, source_author_id, source_author_name, delivered_as,
 *   rating_value, rating_remark, rating_at
 * parts: conversation_id, part_id, ts, ord, part_type, body, author_type, author_id, author_name,
 *   assigned_type, assigned_id
 *
 * @example
 *   `with convs as (…), parts as (…), ${intercomCtes('convs', 'parts')} ${assembleSql(…)}`
 */
import { metadataSql } from './sql.js';

/** Intercom author type → canonical role (null for a type Intercom does not have). */
export const intercomRoleSql = (type: string) => `case lower(${type})
    when 'user' then 'customer'
    when 'lead' then 'customer'
    when 'contact' then 'customer'
    when 'admin' then 'agent'
    when 'team' then 'agent'
    when 'bot' then 'bot'
  end`;

export const INTERCOM_AUTHORS = 'user, lead, contact, admin, team, bot';

/** A part's type → the status it sets (null: it sets none), over a column `part_type`. */
export const STATUS_PARTS = `case lower(part_type)
    when 'open' then 'open'
    when 'close' then 'closed'
    when 'snoozed' then 'snoozed'
    when 'unsnoozed' then 'open'
    when 'timer_unsnooze' then 'open'
  end`;

/** The part types that assign the conversation. */
export const ASSIGN_PARTS = "('assignment', 'default_assignment', 'away_mode_assignment', 'assign_and_reopen', 'assign_and_unsnooze')";

/** Intercom `state` → canonical status. */
export const intercomStateSql = (expr: string) => `case lower(${expr}) when 'open' then 'open' when 'closed' then 'closed' when 'snoozed' then 'snoozed' end`;

/** The `activities`, `surveys` and `conversations` CTEs (preceded by a comma) over checked `convs` and `parts`. */
export function intercomCtes(convs: string, parts: string): string {
  return `,

activities as (
  select conversation_id, created as ts, 0 as ord, 'message' as kind, 'source' as message_id,
    case when lower(delivered_as) = 'automated' then 'bot' else coalesce(${intercomRoleSql('source_author_type')}, 'customer') end as role,
    source_author_id as author_id, source_author_name as author_name, source_body as body, false as internal,
    null::varchar as channel, null::integer as attachments, null::varchar as status, null::varchar as agent_id, null::varchar as team, null::varchar as reason
  from ${convs}
  where coalesce(source_body, '') <> ''
  union all
  select conversation_id, ts, ord * 4, 'message', part_id, ${intercomRoleSql('author_type')}, author_id, author_name, body,
    lower(part_type) = 'note', null, null, null, null, null, null
  from ${parts}
  where coalesce(body, '') <> ''
  union all
  select conversation_id, ts, ord * 4 + 1, 'assign', null, null, null, null, null, null, null, null, null,
    case when lower(assigned_type) = 'admin' then assigned_id end,
    case when lower(assigned_type) = 'team' then assigned_id end, null
  from ${parts}
  where lower(part_type) in ${ASSIGN_PARTS} and lower(assigned_type) in ('admin', 'team') and coalesce(assigned_id, '0') not in ('', '0')
  union all
  select conversation_id, ts, ord * 4 + 2, 'status', null, null, null, null, null, null, null, null, ${STATUS_PARTS}, null, null, null
  from ${parts}
  where ${STATUS_PARTS} is not null
  union all
  -- no status part at all: the conversation's current state, as of its last update
  select c.conversation_id, coalesce(c.updated, c.created), 2000000000, 'status', null, null, null, null, null, null, null, null, ${intercomStateSql('c.state')}, null, null, null
  from ${convs} c
  where ${intercomStateSql('c.state')} is not null
    and not exists (select 1 from ${parts} p where p.conversation_id = c.conversation_id and ${STATUS_PARTS.replace(/part_type/g, 'p.part_type')} is not null)
),

surveys as (
  select conversation_id, coalesce(rating_at, updated, created) as ts, 'csat' as kind,
    try_cast(rating_value as double) as score, null::double as scale_min, null::double as scale_max, rating_remark as comment
  from ${convs}
  where coalesce(rating_value, '') <> ''
),

conversations as (
  select
    conversation_id,
    line,
    created as created_at,
    'in_app' as channel,
    coalesce(customer_id, case when ${intercomRoleSql('source_author_type')} = 'customer' then source_author_id end, 'unknown') as customer_id,
    nullif(subject, '') as subject,
    null::varchar as intent,
    case lower(priority) when 'priority' then 'high' when 'not_priority' then 'normal' end as priority,
    tags,
    customer_account,
    ${metadataSql("json_object('platform', 'intercom', 'state', lower(state))", 'custom_attributes')} as metadata
  from ${convs}
)`;
}
