-- The one rule of an SLA policy's `when` (spec/metrics.md "Service-level
-- agreements"), beside config_sla_policies, which each build rewrites: a key
-- not named (a null list) matches everything, every key named must match. The
-- first policy in order that matches applies. Used by the model
-- int_conversation_policies and by the live page's countdowns
-- (dashboard/lib/server/live.ts), so both choose the same policy. A migration
-- rather than part of the build, so a warehouse built by an older Parley has
-- it as soon as it is opened (the live page does not wait for a build).
create or replace macro sla_when_matches(channels, priorities, teams, intents, sources, segments, channel, priority, team, intent, source, segment) as
  (channels is null or list_contains(channels, channel))
  and (priorities is null or list_contains(priorities, priority))
  and (teams is null or list_contains(teams, team))
  and (intents is null or list_contains(intents, intent))
  and (sources is null or list_contains(sources, source))
  and (segments is null or list_contains(segments, segment));
