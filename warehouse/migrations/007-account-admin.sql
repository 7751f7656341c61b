-- Accounts a team can run (issue 13): an account can be disabled (it keeps its
-- name and history but cannot sign in; `disabled_at` is when), and the accounts
-- `parley demo` seeds are marked `demo`, so loading real data into a demo
-- warehouse can disable exactly those (accounts/demo-accounts.ts).

alter table accounts add column disabled_at timestamptz;
alter table accounts add column demo boolean default false;

-- A demo warehouse made before this migration: the accounts of the demo's
-- names in it are the ones `parley demo` seeded.
update accounts set demo = true
where username in ('admin', 'supervisor', 'reviewer', 'leadership', 'product', 'agent')
  and exists (select 1 from warehouse_meta where key = 'demo' and value = 'true');

-- A demo warehouse that real data were loaded into before this migration:
-- what the loader now does at once (accounts/demo-accounts.ts `endDemo`).
update accounts set disabled_at = now()
where demo and disabled_at is null
  and exists (select 1 from warehouse_meta where key = 'demo' and value = 'true')
  and exists (select 1 from raw_conversations where source <> 'demo');
delete from sessions where username in (select username from accounts where demo and disabled_at is not null);
delete from warehouse_meta
where key = 'demo' and exists (select 1 from raw_conversations where source <> 'demo');
