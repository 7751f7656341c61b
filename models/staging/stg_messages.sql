-- One row per message. `is_public`: not an internal note (metrics.md "public message").
select
  source,
  conversation_id,
  seq,
  message_id,
  sent_at,
  author_role,
  author_id,
  author_name,
  body,
  internal,
  not internal as is_public,
  nullif(lower(channel), '') as channel,
  coalesce(attachments, 0) as attachments
from raw_messages
