-- Sign-in throttling (issue 20, item 10): one row per sign-in attempt of the
-- dashboard, and one per admin unlock. `outcome` is
--   'ok'        the right password: a session was opened
--   'failed'    a wrong password or an unknown name (counted for the throttle)
--   'disabled'  the right password of a disabled account (not counted)
--   'refused'   refused unchecked: the name or the address was waiting or locked
--   'unlocked'  an admin lifted the lock of `username` (or of `address`); `actor` is who
-- `username` is the name as typed (an unknown name is throttled like a real
-- one, so the answers do not tell names apart); `address` is the client's
-- address (null from the command line). accounts/login-throttle.ts reads it.

create table login_attempts (
  attempted_at timestamptz not null,
  username varchar,
  address varchar,
  outcome varchar not null,
  actor varchar
);
