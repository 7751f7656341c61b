-- One row per conversation: every per-conversation metric of metrics.md,
-- under its catalogue name, with the grouping columns (month in the
-- configured time zone, channel, intent, team, owner_agent; v2: owner_team,
-- priority, segment, account, tags, metadata for the custom dimensions).
-- status: the state after the conversation's last status event or customer
-- message (int_conversation_resolutions' latest_state, from int_conversation_states;
-- closed reads resolved), or without status
-- events resolved when a resolution is inferred, else open.
-- Durations are seconds; flags are booleans; null means "not defined for
-- this conversation" (no customer message, not resolved, window still open).
-- The intermediates are joined by the build's `conversation_key`
-- (models/build.ts defineConversationKey), which the mart does not keep.
with conversations as (
  select
    c.*,
    conversation_key(c.source, c.conversation_id) as conversation_key,
    strftime(timezone(s.timezone, c.created_at), '%Y-%m') as month
  from stg_conversations c
  cross join config_settings s
),

joined as (
  select
    c.source,
    c.conversation_id,
    c.created_at,
    c.month,
    c.channel,
    c.intent,
    c.priority,
    c.customer_id,
    c.customer_segment,
    c.customer_account,
    c.tags,
    c.metadata,
    a.team,
    a.owner_team,
    a.owner_agent,
    p.customer_messages,
    p.human_replies,
    p.automated_replies,
    p.first_customer_at,
    p.first_response_s,
    p.first_response_any_s,
    p.reply_time_s,
    p.unanswered_turns,
    b.business_first_response_s,
    b.business_reply_time_s,
    b.business_first_resolution_s,
    b.business_full_resolution_s,
    r.first_resolution_at is not null as resolved,
    coalesce(r.latest_state, case when r.first_resolution_at is not null then 'resolved' else 'open' end) as status,
    r.inferred_resolution,
    r.first_resolution_at,
    epoch(r.first_resolution_at) - epoch(coalesce(p.first_customer_at, c.created_at)) as first_resolution_s,
    epoch(r.final_resolution_at) - epoch(coalesce(p.first_customer_at, c.created_at)) as full_resolution_s,
    r.reopens,
    a.assignments > 0 as assigned,
    a.transfers,
    a.escalations,
    x.window_closed as fcr_window_closed,
    x.recontact_7d,
    p.automated_replies > 0 as had_automated_reply,
    p.handoff_from_bot,
    s.csat_score,
    s.csat_answered_at,
    s.csat_satisfied,
    s.ces_score,
    e.customer_messages_to_resolution,
    e.re_explanations,
    e.channel_switches,
    l.sla_policy,
    l.sla_first_response_met,
    l.sla_first_response_due_at,
    l.sla_next_response_turns,
    l.sla_next_response_breaches,
    l.sla_next_response_met,
    l.sla_resolution_met,
    l.sla_resolution_due_at,
    l.sla_breached,
    l.sla_first_breach_at,
    l.sla_open_until,
    w.agent_work_s,
    w.customer_wait_s,
    w.pending_s
  from conversations c
  left join int_conversation_responses p using (conversation_key)
  left join int_conversation_business b using (conversation_key)
  left join int_conversation_resolutions r using (conversation_key)
  left join int_conversation_assignments a using (conversation_key)
  left join int_recontacts x using (conversation_key)
  left join int_conversation_surveys s using (conversation_key)
  left join int_conversation_effort e using (conversation_key)
  left join int_conversation_sla l using (conversation_key)
  left join int_conversation_waiting w using (conversation_key)
),

scored as (
  select
    *,
    -- fcr: resolved, never reopened, transferred or escalated, and no re-contact
    -- within 7 days; unknown (null) while that window is open.
    case
      when not resolved then false
      when reopens > 0 or transfers > 0 or escalations > 0 or recontact_7d then false
      when recontact_7d is null then null
      else true
    end as fcr,
    resolved and had_automated_reply and human_replies = 0 and reopens = 0 as contained,
    -- effort_index: the catalogue's formula (models/catalogue.ts, EFFORT)
    round(100 * (1 - exp(-(
        {{effort_weight_messages}} * greatest(customer_messages_to_resolution - 1, 0)
      + {{effort_weight_re_explanations}} * re_explanations
      + {{effort_weight_channel_switches}} * channel_switches
      + {{effort_weight_transfers}} * transfers
      + {{effort_weight_reopens}} * reopens
    ) / {{effort_scale}})), 1) as effort_index
  from joined
)

select * from scored
order by created_at -- in order of creation: a date range's reads skip the row groups outside it (zone maps)
