-- One row per customer turn: the business seconds of the conversation's
-- schedule (int_business_moments) at the turn's start and at its next human
-- reply (null without one), for the business reply times, the reply-level mart
-- and the response SLA clocks.
select
  source,
  conversation_id,
  turn_number,
  started_business_s,
  stopped_business_s as replied_business_s
from int_business_moments
where turn_number is not null
