-- API syncs (issue 15, `parley sync PLATFORM` and the `sync` job kind): one row
-- per (platform, source), the cursor after the last page that landed. A page's
-- records and its cursor are written in one transaction (sync/run.ts), so a
-- rerun resumes exactly after the last landed page. `position` is the page's
-- high-water mark in Unix seconds (Zendesk's end_time, a conversation's
-- updated_at), which the next page may not go below. `pages` and `records`
-- count what the latest run has landed so far; `last_error` is the one line a
-- failed run stopped with (null once a page lands again).
create table sync_state (
  platform varchar not null,
  source varchar not null,
  cursor varchar,
  position bigint,
  synced_at timestamptz not null,
  pages integer not null,
  records integer not null,
  last_error varchar,
  primary key (platform, source)
);
