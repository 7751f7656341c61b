-- One row per customer turn: the business seconds of the conversation's
-- schedule (int_business_moments) at the turn's start and at its next human
-- reply (null without one), looked up once for the business reply times, the
-- reply-level mart and the response SLA clocks.
select
  t.source,
  t.conversation_id,
  t.turn_number,
  a.business_s as started_business_s,
  b.business_s as replied_business_s
from int_conversation_turns t
join int_business_moments a on a.source = t.source and a.conversation_id = t.conversation_id and a.at = t.turn_at
left join int_business_moments b on b.source = t.source and b.conversation_id = t.conversation_id and b.at = t.human_reply_at
