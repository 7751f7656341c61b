-- Dashboard accounts and sessions (issue 5).
-- One row per local account: `password_hash` is `scrypt$N$r$p$salt$hash`
-- (node:crypto scrypt, per-user salt); `agent_id` maps an agent account to the
-- roster so it sees only its own scorecard and reviews.
-- One row per signed-in session: only the SHA-256 of the cookie token is kept.
-- No primary keys (DuckDB's constraint checks and deletes in one transaction
-- do not mix); the application keeps usernames unique.

create table accounts (
  username varchar not null,
  password_hash varchar not null,
  role varchar not null,
  agent_id varchar,
  created_at timestamptz not null
);

create table sessions (
  token_hash varchar not null,
  username varchar not null,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
