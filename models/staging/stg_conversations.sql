-- One row per conversation, as loaded (raw_conversations), typed and renamed.
select
  source,
  conversation_id,
  lower(channel) as channel,
  created_at,
  customer_id,
  customer_segment,
  customer_locale,
  nullif(trim(customer_account), '') as customer_account,
  subject,
  nullif(trim(intent), '') as intent,
  priority,
  tags,
  metadata
from raw_conversations
