-- Erasures (`parley erase --customer ID`): one row per request, without the
-- personal data. `subject_sha256` is the SHA-256 of the customer id, so that
-- "was this customer erased?" can be answered by hashing the id again; the
-- counts say what was removed; `erased_by` is who ran it.
create table erasure_log (
  erased_at timestamptz not null,
  subject_sha256 varchar not null,
  source varchar,
  conversations integer not null,
  messages integer not null,
  quarantined integer not null,
  reviews integer not null,
  rows_removed integer not null,
  erased_by varchar not null
);
