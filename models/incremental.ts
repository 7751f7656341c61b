/**
 * Incremental builds: after a load that added or replaced some conversations,
 * recompute only those and what depends on them, with the same SQL models,
 * so that the marts come out as a full build would make them.
 *
 * Which conversations changed: those of loads after the last build
 * (`raw_conversations.load_id` > the build's `build_load_id`, build-state.ts).
 * What else a change reaches — the **affected** conversations:
 *
 * - the changed ones;
 * - re-contacts: a conversation of the same customer (the old or the new
 *   version's customer) whose 7-day window after its first resolution holds
 *   the changed conversation's `created_at` (old or new);
 * - the data horizon, when it moved forward: a conversation with activity in
 *   the 24 h before the old horizon (an inferred resolution, 24 h, and an
 *   agent's open span, 30 min, may close now), a resolved one whose 7-day
 *   window was open at the old horizon and is closed at the new, and one with
 *   an SLA clock open at the old horizon whose due moment the new one reaches
 *   (`sla_open_until`: open turns become breaches).
 *
 * Each per-conversation model (staging, intermediate, and the marts in
 * {@link PER_CONVERSATION_MARTS}) is rendered with its references renamed to
 * `_inc_*` temp tables whose staging rows are those of the affected
 * conversations, so the model's own SQL computes the affected rows; each
 * per-conversation mart then has those keys deleted and the recomputed rows
 * inserted. `int_recontacts` reads, besides, every conversation of the
 * affected customers. The models over all the data (stg_agents,
 * int_data_horizon, int_business_days, int_business_windows) are computed whole. Every other mart
 * is an aggregate or reads only the QA tables and marts, and is recomputed
 * whole from the updated marts: backlog_daily and the qa_* marts (small: one
 * row per review or criterion); agent_concurrency_daily is recomputed for the
 * agent-days the affected conversations reach, from the per-conversation
 * island edges of agent_concurrency_edges, and reply_daily for the UTC days
 * the affected conversations were created on (before and after). metric_summary is recomputed for the months
 * touched in its month groupings, and whole in the others. All of it in one
 * transaction.
 *
 * A full build runs instead when: `--full`; never built, or built by an older
 * Parley (no build state, or a mart missing); a load removed conversations
 * (a mart key with no raw row: deleted, merged, or gone from a full
 * snapshot, see ingest/removals.ts); the models' rendered SQL or the
 * configuration changed (`build_hash`); the agent roster changed; the horizon
 * moved back, or the business-hours calendar starts earlier than a message
 * it did not reach before; or so many conversations are affected that
 * a full build is as quick.
 *
 * @example
 *   const result = await buildWarehouse(db, loadConfig());
 *   // { kind: 'incremental', changed: 1000, affected: 1420, conversations: 100000, steps: [...] }
 *   await buildWarehouse(db, loadConfig(), { full: true }); // { kind: 'full', reason: 'asked for a full build', ... }
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import {
  buildModels,
  defineConversationKey,
  discoverModels,
  dropConversationKey,
  keepIntermediates,
  phaseTimer,
  rename,
  renderModel,
  renderedModels,
  stepRunner,
  type BuildOptions,
  type BuildStep,
  type Model,
} from './build.js';
import { buildHash, dataState, readBuildState, recordBuildState } from './build-state.js';
import type { ParleyConfig } from './config.js';
import { applyRetention, blankedAnything, type RetentionResult } from './retention.js';
import { metricSummaryInsertSql, SUMMARY_GROUPINGS } from './summary.js';
import { DAILY_MARTS, metricDailyRefreshSql, withDailyThreads } from './daily.js';

/** Marts with one row per (source, conversation_id) that only the conversation's own rows (and the global models) decide. */
export const PER_CONVERSATION_MARTS: readonly string[] = ['conversation_metrics', 'reply_metrics', 'qa_autoqa', 'agent_concurrency_edges'];

/** Staging and intermediate models over all the data: computed whole in an incremental build. */
export const GLOBAL_MODELS: readonly string[] = ['stg_agents', 'stg_customer_outcomes', 'int_data_horizon', 'int_business_days', 'int_business_windows'];

/** Reads of a per-conversation model that need every conversation of the affected customers, not only the affected ones. */
const CUSTOMER_READS: Readonly<Record<string, readonly string[]>> = { int_recontacts: ['stg_conversations'] };

/** Above this share of affected conversations (of 10,000 or more) a full build is as quick (measured with bench/ingest.ts). */
export const FULL_BUILD_SHARE = 0.3;

const DAY_US = 86_400_000_000;

/** The aggregate marts an incremental build recomputes for the days it touched (by their own functions below), not whole. */
const BY_DAY_MARTS: readonly string[] = ['agent_concurrency_daily', 'reply_daily'];

/** reply_daily's day of a conversation (models/marts/reply_daily.sql): the UTC day of its creation. */
const REPLY_DAY = "timezone('UTC', created_at)::date";

export interface WarehouseBuildOptions extends BuildOptions {
  /** Rebuild everything, whatever changed. */
  full?: boolean;
}

export type BuildResult = (
  { kind: 'full'; reason: string; steps: BuildStep[] } | { kind: 'incremental'; changed: number; affected: number; conversations: number; months: string[]; steps: BuildStep[] }
) & {
  /** What the configuration's retention blanked before the build (models/retention.ts), when it has one. */
  retention?: RetentionResult;
};

/**
 * `parley build`: incremental when the warehouse was built before and only
 * some conversations changed since, else full (see the module comment).
 */
export async function buildWarehouse(db: Warehouse, config: ParleyConfig, options: WarehouseBuildOptions = {}): Promise<BuildResult> {
  const time = phaseTimer(options.onPhase);
  // retention first: the text older than the period is blanked, and the file written anew without it
  const retention = await time('retention', () => applyRetention(db, config, options.now));
  const result = await buildModelsOnce(db, config, options, time);
  if (blankedAnything(retention)) await time('rewrite', () => db.rewrite());
  return retention ? { ...result, retention } : result;
}

async function buildModelsOnce(db: Warehouse, config: ParleyConfig, options: WarehouseBuildOptions, time: ReturnType<typeof phaseTimer>): Promise<BuildResult> {
  const { full, ...build } = options;
  const models = discoverModels();
  const reason = full ? 'asked for a full build' : await time('plan', () => fullBuildReason(db, config, models));
  if (!reason) {
    try {
      return await db.transaction(() => incrementalBuild(db, models, build));
    } catch (error) {
      if (!(error instanceof FullBuildNeeded)) throw error;
      return { kind: 'full', reason: error.message, steps: await buildModels(db, config, build) };
    }
  }
  return { kind: 'full', reason, steps: await buildModels(db, config, build) };
}

/** Thrown inside the incremental build's transaction when the data call for a full build: rolls it back. */
class FullBuildNeeded extends Error {}

/** Why the next build must be full, from what can be told before looking at the data; undefined when it may be incremental. */
async function fullBuildReason(db: Warehouse, config: ParleyConfig, models: readonly Model[]): Promise<string | undefined> {
  const state = await readBuildState(db);
  if (!state) return 'the warehouse was not built by this version of Parley before';
  if (!(await tableExists(db, ...models.filter((m) => m.layer === 'marts').map((m) => m.name), 'metric_summary', ...DAILY_MARTS))) return 'a mart is missing';
  if (state.hash !== buildHash(renderedModels(models), config)) return 'the models or the configuration changed since the last build';
  if ((await dataState(db, 'select null::timestamptz as horizon')).roster !== state.roster) return 'the agent roster changed since the last build';
  return undefined;
}

/** The names the incremental build gives a model's rows: `_inc_<name>`. */
const inc = (name: string) => `_inc_${name}`;

/** The incremental build, inside the caller's transaction; `full` when the data call for a full build after all. */
async function incrementalBuild(db: Warehouse, models: readonly Model[], { onStep, now: builtAt = new Date(), conversationKeyHash }: BuildOptions): Promise<BuildResult> {
  const steps: BuildStep[] = [];
  const timed = stepRunner(db, steps, onStep, 'incremental build');
  const state = (await readBuildState(db))!;
  const byName = new Map(models.map((m) => [m.name, m]));
  const perConversation = new Set(models.filter((m) => !GLOBAL_MODELS.includes(m.name) && (m.layer !== 'marts' || PER_CONVERSATION_MARTS.includes(m.name))).map((m) => m.name));
  const intermediate = models.filter((m) => m.layer === 'intermediate').map((m) => m.name);
  const staging = models.filter((m) => m.layer === 'staging').map((m) => m.name);
  checkPlan(models, perConversation);
  // the intermediates' integer key of a conversation, over every conversation (a full build's too)
  await defineConversationKey(db, conversationKeyHash);

  // 1. The models over all the data, and what the data say about the last build's.
  for (const name of GLOBAL_MODELS.filter((n) => byName.get(n)!.layer === 'intermediate')) {
    await timed(name, 'intermediate', `create or replace temp table ${inc(name)} as\n${rename(renderModel(byName.get(name)!.sql), intermediate, inc)}`);
  }
  const now = await dataState(db, `select horizon from ${inc('int_data_horizon')}`);
  // the business-hours calendar starts a day before the first created_at: an earlier start changes the
  // business_first_response_s of a conversation only if its first customer message came before the old start
  // a conversation a load removed (deleted on the platform, merged, gone from a full snapshot; ingest/removals.ts)
  // leaves a mart key without its raw row: only a full build takes it out of every mart
  const facts = await db.one<{ changed: number; conversations: number; calendar_moved: boolean; removed: boolean }>(
    `with firsts as (select min(created_at) as first_then from conversation_metrics)
     select
       (select count(*) from raw_conversations where load_id > $1) as changed,
       (select count(*) from raw_conversations) as conversations,
       exists (select 1 from conversation_metrics m anti join raw_conversations r using (source, conversation_id)) as removed,
       (select min(created_at) from raw_conversations) < (select first_then from firsts)
         and exists (select 1 from conversation_metrics where first_customer_at < (select first_then from firsts) - interval 2 day) as calendar_moved`,
    [state.loadId],
  );
  const h0 = state.horizonUs;
  const h1 = now.horizonUs;
  if (h0 === null || h1 === null) throw new FullBuildNeeded('the warehouse held no data at the last build');
  if (h1 < h0) throw new FullBuildNeeded('the data horizon moved back (replaced conversations held the latest timestamps)');
  if (facts!.removed) throw new FullBuildNeeded('conversations were removed since the last build');
  if (facts!.calendar_moved) throw new FullBuildNeeded('the business-hours calendar starts earlier now, before messages of earlier conversations');

  // 2. The affected conversations (see the module comment).
  await db.run(
    `create or replace temp table _inc_changed as
     select source, conversation_id, customer_id, created_at from raw_conversations where load_id > ${Number(state.loadId)};
     create or replace temp table _inc_previous as
     select m.source, m.conversation_id, m.customer_id, m.created_at from conversation_metrics m semi join _inc_changed using (source, conversation_id)`,
  );
  const horizonMoved = h1 > h0;
  // an instant from epoch microseconds, whatever the session time zone (a timestamp cast to timestamptz would be read in it)
  const h0Less24h = `(to_timestamp(0) + to_microseconds(${h0 - BigInt(DAY_US)}::bigint))`;
  await db.run(
    `create or replace temp table _inc_keys as
     with touched as (
       select source, customer_id, created_at from _inc_changed
       union all
       select source, customer_id, created_at from _inc_previous
     )
     select source, conversation_id from _inc_changed
     union
     select m.source, m.conversation_id
     from conversation_metrics m
     join touched t on t.source = m.source and t.customer_id = m.customer_id
     where t.created_at > m.first_resolution_at and t.created_at <= m.first_resolution_at + interval 7 day
     ${
       horizonMoved
         ? `union
     select source, conversation_id from raw_messages where sent_at > ${h0Less24h}
     union
     select source, conversation_id from raw_events where event_at > ${h0Less24h}
     union
     select source, conversation_id from conversation_metrics
     where not fcr_window_closed and first_resolution_at + interval 7 day <= (select horizon from ${inc('int_data_horizon')})
     union
     select source, conversation_id from conversation_metrics where sla_open_until <= (select horizon from ${inc('int_data_horizon')})`
         : ''
     }`,
  );
  const affected = (await db.one<{ n: number }>('select count(*) as n from _inc_keys'))!.n;
  const conversations = facts!.conversations;
  if (conversations >= 10_000 && affected > FULL_BUILD_SHARE * conversations)
    throw new FullBuildNeeded(`${affected} of ${conversations} conversations are affected: a full build is as quick`);

  // the months the summary recomputes, and the days of reply_daily: the affected conversations' before and after
  await db.run(
    `create or replace temp table _inc_months as
     select distinct month from conversation_metrics semi join _inc_keys using (source, conversation_id);
     create or replace temp table _inc_reply_days as
     select distinct ${REPLY_DAY} as day from conversation_metrics semi join _inc_keys using (source, conversation_id)`,
  );

  // 3. The per-conversation models over the affected conversations' rows.
  for (const m of models) {
    if (!perConversation.has(m.name)) continue;
    if (m.layer === 'staging') {
      // the raw rows of the affected conversations, found by their keys alone (reading every column
      // of every row, bodies too, and filtering afterwards takes several times as long)
      let sql = renderModel(m.sql);
      for (const raw of new Set([...sql.matchAll(/\bfrom\s+(raw_\w+)/g)].map((x) => x[1]!))) {
        await db.run(`create or replace temp table _inc_rows_${raw} as select rowid as r from ${raw} semi join _inc_keys using (source, conversation_id)`);
        sql = sql.replace(new RegExp(`\\bfrom\\s+${raw}\\b`), `from (select * from ${raw} where rowid in (select r from _inc_rows_${raw})) as ${raw}`);
      }
      await timed(m.name, 'staging', `create or replace temp table ${inc(m.name)} as\n${sql}`);
      if (m.name === 'stg_conversations') {
        await db.run(
          `create or replace temp table _inc_customer_conversations as
           select * from stg_conversations c
           where exists (select 1 from ${inc('stg_conversations')} k where k.source = c.source and k.customer_id = c.customer_id)`,
        );
      }
      continue;
    }
    const reads = CUSTOMER_READS[m.name] ?? [];
    let sql = rename(renderModel(m.sql), reads, () => '_inc_customer_conversations');
    sql = rename(
      sql,
      [...staging, ...intermediate, ...PER_CONVERSATION_MARTS].filter((n) => !reads.includes(n) && n !== 'stg_agents'),
      inc,
    );
    await timed(m.name, m.layer, `create or replace temp table ${inc(m.name)} as\n${sql}`);
  }

  // 4. Into the per-conversation marts: the affected keys out, their new rows in.
  await db.run(
    `create or replace temp table _inc_edge_spans as
     select owner_agent, min(minute) as lo, max(minute) as hi from agent_concurrency_edges semi join _inc_keys using (source, conversation_id) group by source, conversation_id, owner_agent
     union all
     select owner_agent, min(minute), max(minute) from ${inc('agent_concurrency_edges')} group by source, conversation_id, owner_agent`,
  );
  for (const name of PER_CONVERSATION_MARTS) {
    await timed(
      `${name} (merge)`,
      'marts',
      `delete from ${name} t using _inc_keys k where t.source = k.source and t.conversation_id = k.conversation_id;
       insert into ${name} by name select * from ${inc(name)}`,
    );
  }
  const counted = await db.one<{ marts: number }>('select count(*) as marts from conversation_metrics');
  if (counted!.marts !== conversations) throw new FullBuildNeeded('conversations were removed since the last build');
  await db.run(
    `insert into _inc_months select distinct month from ${inc('conversation_metrics')} except select month from _inc_months;
     insert into _inc_reply_days select distinct ${REPLY_DAY} from ${inc('conversation_metrics')} except select day from _inc_reply_days`,
  );

  // 5. The other marts, whole, from the updated marts; agent_concurrency_daily for the agent-days touched,
  // reply_daily for the days touched.
  await timed('agent_concurrency_daily', 'marts', agentDaysSql(renderModel(byName.get('agent_concurrency_daily')!.sql)));
  await timed('reply_daily', 'marts', replyDaysSql(renderModel(byName.get('reply_daily')!.sql)));
  for (const m of models) {
    if (m.layer !== 'marts' || perConversation.has(m.name) || BY_DAY_MARTS.includes(m.name)) continue;
    await timed(m.name, 'marts', `create or replace table ${m.name} as\n${rename(renderModel(m.sql), intermediate, inc)}`);
  }

  // 6. The per-day marts: every day of the months touched (a month's costs are shared by its conversations);
  // then metric_summary, whose exact fields are sums of metric_daily's rows: the months touched in its month
  // groupings, the other groupings whole.
  await withDailyThreads(db, 'conversation_metrics', () => timed('metric_daily', 'generated', metricDailyRefreshSql('_inc_months')));
  const byMonth = SUMMARY_GROUPINGS.filter((g) => g.includes('month'));
  const whole = SUMMARY_GROUPINGS.filter((g) => !g.includes('month'));
  const list = (gs: typeof SUMMARY_GROUPINGS) => gs.map((g) => `'${g.join(',')}'`).join(', ');
  await timed(
    'metric_summary',
    'generated',
    `delete from metric_summary where grouping in (${list(whole)})
       or (grouping in (${list(byMonth)}) and month in (select month from _inc_months));
     ${metricSummaryInsertSql(whole)};
     ${metricSummaryInsertSql(byMonth, 'month in (select month from _inc_months)')}`,
  );

  const months = (await db.all<{ month: string }>('select month from _inc_months where month is not null order by month')).map((r) => r.month);
  // the business windows reach a week and more past the horizon: the live view's countdowns need the new horizon's
  await keepIntermediates(db, inc);
  await dropScratch(db);
  await recordBuildState(db, { ...now, hash: state.hash });
  await db.run("delete from warehouse_meta where key = 'built_at'");
  await db.run("insert into warehouse_meta values ('built_at', $1)", [builtAt.toISOString()]);
  return { kind: 'incremental', changed: facts!.changed, affected, conversations, months, steps };
}

/**
 * agent_concurrency_daily for the agent-days that the affected conversations'
 * islands (old and new, `_inc_edge_spans`) reach: the mart's own SQL over the
 * island edges of every conversation of those agents whose edges reach into
 * those days. A conversation whose edges all lie before or after a day adds
 * nothing to that day's levels (its islands open and close outside it), so
 * the levels within each of those days come out as over all conversations.
 */
function agentDaysSql(dailySql: string): string {
  return `
create or replace temp table _inc_agent_days as
with days as (
  select distinct
    e.owner_agent as agent_id,
    cast(unnest(generate_series(
      cast(timezone(s.timezone, to_timestamp(e.lo * 60)) as date),
      cast(timezone(s.timezone, to_timestamp(e.hi * 60)) as date),
      interval 1 day
    )) as date) as day,
    s.timezone
  from _inc_edge_spans e
  cross join config_settings s
)
select
  agent_id,
  day,
  (epoch(timezone(timezone, day::timestamp)) / 60)::bigint as starts_minute,
  (epoch(timezone(timezone, (day + 1)::timestamp)) / 60)::bigint as ends_minute
from days;

create or replace temp table _inc_concurrency_edges as
with spans as (
  select source, conversation_id, owner_agent, min(minute) as lo, max(minute) as hi
  from agent_concurrency_edges
  where owner_agent in (select agent_id from _inc_agent_days)
  group by source, conversation_id, owner_agent
),
reaching as (
  select distinct s.source, s.conversation_id
  from spans s
  join _inc_agent_days d on d.agent_id = s.owner_agent and s.lo <= d.ends_minute and s.hi >= d.starts_minute
)
select * from agent_concurrency_edges semi join reaching using (source, conversation_id);

create or replace temp table _inc_agent_concurrency_daily as
${rename(dailySql, ['agent_concurrency_edges'], () => '_inc_concurrency_edges')};

delete from agent_concurrency_daily t using _inc_agent_days d where t.agent_id = d.agent_id and t.day = d.day;
insert into agent_concurrency_daily by name
select * from _inc_agent_concurrency_daily semi join _inc_agent_days using (agent_id, day)`;
}

/**
 * reply_daily for the days of `_inc_reply_days` (the UTC days of creation of
 * the affected conversations, before and after): a row's group is a day of
 * conversations, and only the replies of that day's conversations make it,
 * so the mart's own SQL over those conversations and their replies gives the
 * days' rows as over all of them. The new rows are appended: mostly the
 * latest days, so the mart stays about in day order until the next full build.
 */
function replyDaysSql(replySql: string): string {
  // subqueries, not copies: the model reads a few columns of each, and the scans read only those
  const conversations = `(select * from conversation_metrics where ${REPLY_DAY} in (select day from _inc_reply_days))`;
  const replies = `(select r.* from reply_metrics r semi join ${conversations} c using (source, conversation_id))`;
  return `
create or replace temp table _inc_reply_daily as
${rename(replySql, ['conversation_metrics', 'reply_metrics'], (n) => (n === 'reply_metrics' ? replies : conversations))};

delete from reply_daily where day in (select day from _inc_reply_days);
insert into reply_daily by name select * from _inc_reply_daily`;
}

/** Every mart recomputed whole must read no per-conversation staging or intermediate model (it would see only the affected rows). */
function checkPlan(models: readonly Model[], perConversation: ReadonlySet<string>): void {
  const layer = new Map(models.map((m) => [m.name, m.layer]));
  for (const m of models) {
    if (m.layer !== 'marts') continue;
    if (perConversation.has(m.name)) {
      const wide = m.dependsOn.filter((d) => layer.get(d) === 'marts' && !perConversation.has(d));
      if (wide.length) throw new Error(`per-conversation mart ${m.name} reads the aggregate ${wide.join(', ')}: an incremental build cannot recompute it`);
    } else {
      const narrow = m.dependsOn.filter((d) => layer.get(d) !== 'marts' && perConversation.has(d));
      if (narrow.length)
        throw new Error(`mart ${m.name} reads ${narrow.join(', ')} per conversation: list it in PER_CONVERSATION_MARTS (models/incremental.ts) or read a mart instead`);
    }
  }
}

async function dropScratch(db: Warehouse): Promise<void> {
  const tables = await db.all<{ name: string }>("select table_name as name from duckdb_tables() where temporary and starts_with(table_name, '_inc_')");
  for (const t of tables) await db.run(`drop table if exists ${t.name}`);
  await dropConversationKey(db);
}
