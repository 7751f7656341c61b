/**
 * What the two Zendesk adapters (tables and API JSON) share: how Zendesk's
 * statuses, channels and user roles read in the canonical format, as SQL.
 *
 * @example
 *   zendeskStatusSql('value')   // case … when 'solved' then 'resolved' … end
 */

/** Zendesk status → canonical status; null for a status Zendesk does not have. */
export const zendeskStatusSql = (expr: string) => `case lower(trim(${expr}))
    when 'new' then 'open'
    when 'open' then 'open'
    when 'pending' then 'pending'
    when 'hold' then 'pending'
    when 'on-hold' then 'pending'
    when 'solved' then 'resolved'
    when 'closed' then 'closed'
  end`;

/** Zendesk's `via.channel` → canonical channel word. */
export const zendeskChannelSql = (expr: string) => `case lower(trim(coalesce(${expr}, '')))
    when '' then 'email'
    when 'web' then 'web'
    when 'email' then 'email'
    when 'mail' then 'email'
    when 'chat' then 'webchat'
    when 'chat_transcript' then 'webchat'
    when 'native_messaging' then 'webchat'
    when 'mobile_sdk' then 'in_app'
    when 'sdk' then 'in_app'
    when 'twitter' then 'social'
    when 'facebook' then 'social'
    when 'instagram_dm' then 'social'
    when 'whatsapp' then 'whatsapp'
    when 'sms' then 'sms'
    when 'voice' then 'voice'
    else regexp_replace(lower(trim(${expr})), '[^a-z0-9]+', '_', 'g')
  end`;

/**
 * The canonical role of a comment's author: end-users are customers, agents
 * and admins are agents, Zendesk's system user (-1, triggers and
 * automations) is a bot; a user without a known role is the customer only
 * when they are the ticket's requester, else null (the caller quarantines).
 */
export const zendeskRoleSql = (role: string, userId: string, requesterId: string) => `case
    when ${userId} = '-1' then 'bot'
    when lower(${role}) = 'end-user' then 'customer'
    when lower(${role}) in ('agent', 'admin') then 'agent'
    when ${userId} = ${requesterId} then 'customer'
  end`;

export const ZENDESK_STATUSES = 'new, open, pending, hold, solved, closed';

/**
 * Zendesk's satisfaction rating (good or bad) as a `csat` score on the 1–5
 * scale: good is 5, bad is 1. Stored so because metrics.md counts an answer
 * "satisfied" when it is in the top two points of its scale, and on a
 * two-point scale every answer would be; at 5 and 1, `csat_rate` is
 * Zendesk's own satisfaction (good ÷ rated) and `csat_score` 100 × that.
 * Offered, unoffered and other values are no answer (null).
 */
export const zendeskSatisfactionSql = (expr: string) => `case regexp_replace(lower(trim(${expr})), '_with_comment$', '')
    when 'good' then 5.0
    when 'bad' then 1.0
  end`;

/**
 * A ticket's `custom_fields` ([{id, value}], as the API gives them) as a JSON
 * object `{ "field_<id>": value }`, fields without a value left out (null when none has one).
 */
export const zendeskCustomFieldsSql = (fields: string) =>
  `to_json(map_from_entries(list_transform(list_filter(${fields}, f -> f.value is not null and f.value <> 'null'::json), f -> {'k': 'field_' || f.id, 'v': f.value})))`;
