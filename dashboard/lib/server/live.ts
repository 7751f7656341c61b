/**
 * The live operations page's loader (/live): what is happening now, read
 * from the raw layer (loads and webhook events, service/webhooks.ts) at the
 * moment asked, not from the marts of the last build. The history of the
 * live conversations is read once per data generation while no row is dated
 * after the moment asked (liveRows): after a write (a webhook batch, a load, a
 * build) the next page reads again only the conversations it changed (liveRows).
 *
 * - **Open now**: a conversation with activity in the last {@link RECENT_DAYS}
 *   days whose latest status (at or before `now`) is not resolved or closed
 *   (none yet counts as open). Older ones are not live: they are the SLA
 *   page's and the backlog's. Counted by channel, intent and team (the team
 *   of the latest assignment that names one).
 * - **Waiting for a reply**: open conversations whose last customer or
 *   agent message (internal notes and bots aside) is the customer's; waiting
 *   since the first customer message after the last agent reply.
 * - **Agents**: the owner is the agent of the latest assignment that names
 *   one. Owned: open conversations owned; active: those of them whose status
 *   is open (not pending or snoozed). The limit is `live.concurrency`, or
 *   `live.teams[team]` for the agent's team (the roster's, else the
 *   conversation's); over the limit is overloaded.
 * - **SLA countdowns** (spec/metrics.md "Service-level agreements"): the
 *   first policy of config_sla_policies that matches the conversation as
 *   loaded (owner team as above) applies. First response: the clock starts at
 *   the first customer message and stops at the first agent reply after it;
 *   next response: each later customer turn after an agent reply, stopped by
 *   the next agent reply or a resolution. The due moment is the target after
 *   the start, in calendar time or, for `hours: business`, in the business
 *   time of the team's schedule (int_business_windows, from the last build).
 *   Due soon: not stopped, due in the next 15 minutes. Breached in the last
 *   hour: due in the last hour and not stopped by then.
 * - **Queue depth**: conversations open at each quarter hour of the last 8 hours.
 * - **Freshness**: the latest message, event or load the warehouse holds.
 *
 * @example
 *   const page = await loadLive(db, { now: new Date(), config: { concurrency: 3, teams: {} } });
 *   page.waiting[0]; // { conversationId: '812', waitS: 1260, wait: '21m', channel: 'webchat', ... }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { tableNames } from '../../../warehouse/table-exists.js';
import { DEFAULT_LIVE, type LiveConfig } from '../../../models/config-live.js';
import { formatDuration } from '../../../models/catalogue.js';
import { queueDepthChart } from '../../../charts/queue-depth.js';
import { memo } from './cache.js';

/** A conversation without activity for this long is not live. */
export const RECENT_DAYS = 7;
/** How far ahead the SLA countdown looks, and how far back its breaches. */
export const DUE_SOON_S = 15 * 60;
export const BREACH_BACK_S = 60 * 60;
/** The queue-depth chart: this many hours, a point every quarter hour. */
export const DEPTH_HOURS = 8;
/** How many waiting customers and SLA rows the page lists. */
export const LIST_LIMIT = 20;

const KEY = Symbol.for('parley.dashboard.live');
type Holder = { [KEY]?: LiveConfig };

/** The `live` settings of the server's configuration (`parley serve` provides them). */
export function provideLiveConfig(config: LiveConfig | undefined): void {
  (globalThis as Holder)[KEY] = config ?? DEFAULT_LIVE;
}
export function liveConfig(): LiveConfig {
  return (globalThis as Holder)[KEY] ?? DEFAULT_LIVE;
}

export interface Count {
  key: string;
  open: number;
}
export interface Waiting {
  source: string;
  conversationId: string;
  channel: string;
  team: string | null;
  since: string;
  waitS: number;
  wait: string;
}
export interface AgentLoad {
  agentId: string;
  name: string;
  team: string | null;
  owned: number;
  active: number;
  limit: number;
  overloaded: boolean;
}
export interface SlaCountdown {
  source: string;
  conversationId: string;
  policy: string;
  target: 'first response' | 'next response';
  dueAt: string;
  /** Seconds from now to the due moment: positive ahead, negative past. */
  inS: number;
  label: string;
}
export interface LivePage {
  now: string;
  /** The newest message, event or load in the warehouse (null: empty). */
  dataAt: string | null;
  freshness: string;
  openTotal: number;
  byChannel: Count[];
  byIntent: Count[];
  byTeam: Count[];
  waiting: Waiting[];
  agents: AgentLoad[];
  dueSoon: SlaCountdown[];
  breaches: SlaCountdown[];
  depth: { at: string; open: number }[];
  depthChart: string;
}

const iso = (d: Date) => d.toISOString();
const ts = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

export interface LiveOptions {
  now?: Date;
  config?: LiveConfig;
}

export async function loadLive(db: Warehouse, options: LiveOptions = {}): Promise<LivePage> {
  const now = options.now ?? new Date();
  const config = options.config ?? liveConfig();
  // which tables there are changes with a build, which bumps the data generation (cache.ts)
  const tables = await memo(db, 'live-tables', () => tableNames(db));
  const [hasPolicies, hasWindows, hasTeamSchedules, hasAgents] = ['config_sla_policies', 'int_business_windows', 'config_team_schedules', 'raw_agents'].map((t) => tables.has(t));
  // the data's latest moments, once per data generation: no message, event or conversation after
  // `now`, and the reads bounded at `now` keep every row (settled, see liveRows); no load after it
  // either, and the freshness is the latest message, event or load
  const latest = await memo(db, 'live-latest', () =>
    db.one<Latest>(
      `select greatest(epoch_us(max_sent), epoch_us(max_event), epoch_us(max_created)) as rows_us, epoch_us(max_load) as load_us,
         greatest(max_sent, max_event, max_load) as fresh
       from (select (select max(sent_at) from raw_messages) as max_sent, (select max(event_at) from raw_events) as max_event,
               (select max(created_at) from raw_conversations) as max_created, (select max(started_at) from load_log) as max_load)`,
    ),
  );
  const notAfter = (us: number | null | undefined) => us === null || us === undefined || Number(us) <= now.getTime() * 1000;
  const settled = notAfter(latest?.rows_us);
  // the independent reads side by side, each on a reader connection of its own
  const depthRead = queueDepth(db, now);
  const freshRead =
    settled && notAfter(latest?.load_us)
      ? Promise.resolve({ at: latest?.fresh ?? null })
      : db.one<{ at: Date | null }>(
          `select greatest(
       (select max(sent_at) from raw_messages where sent_at <= $1::timestamptz),
       (select max(event_at) from raw_events where event_at <= $1::timestamptz),
       (select max(started_at) from load_log where started_at <= $1::timestamptz)) as at`,
          [iso(now)],
        );
  const rosterRead = hasAgents
    ? memo(db, 'live-roster', () => db.all<{ agent_id: string; name: string | null; team: string | null }>('select agent_id, name, team from raw_agents'))
    : Promise.resolve([]);
  type Open = {
    source: string;
    conversation_id: string;
    channel: string;
    intent: string | null;
    priority: string | null;
    segment: string | null;
    team: string | null;
    owner: string | null;
    status: string | null;
    waiting_since: Date | null;
  };
  const combinedRead = liveRows(db, now, !!hasPolicies, settled);
  const conversationsRead = combinedRead.then((rows) => rows.filter((r) => r.kind === 'open') as unknown as Open[]);
  const sla = hasPolicies
    ? slaCountdowns(
        db,
        combinedRead.then((rows) => rows.filter((r) => r.kind === 'turn') as unknown as SlaTurn[]),
        now,
        { hasWindows: !!hasWindows, hasTeamSchedules: !!hasTeamSchedules },
      )
    : Promise.resolve({ dueSoon: [], breaches: [] });
  // one await for all: a failed read rejects the page, never a promise left unhandled
  const [conversations, roster, { dueSoon, breaches }, depth, fresh] = await Promise.all([conversationsRead, rosterRead, sla, depthRead, freshRead]);

  const counts = (key: (c: (typeof conversations)[number]) => string | null, none: string): Count[] => {
    const m = new Map<string, number>();
    for (const c of conversations) m.set(key(c) ?? none, (m.get(key(c) ?? none) ?? 0) + 1);
    return [...m].map(([k, open]) => ({ key: k, open })).sort((a, b) => b.open - a.open || a.key.localeCompare(b.key));
  };

  const waiting = conversations
    .filter((c) => c.waiting_since !== null)
    .map((c) => {
      const waitS = Math.max(0, Math.round((now.getTime() - ts(c.waiting_since).getTime()) / 1000));
      return { source: c.source, conversationId: c.conversation_id, channel: c.channel, team: c.team, since: iso(ts(c.waiting_since)), waitS, wait: formatDuration(waitS) };
    })
    .sort((a, b) => b.waitS - a.waitS || a.conversationId.localeCompare(b.conversationId))
    .slice(0, LIST_LIMIT);

  const byId = new Map(roster.map((r) => [r.agent_id, r]));
  const loads = new Map<string, AgentLoad>();
  for (const c of conversations) {
    if (!c.owner) continue;
    const r = byId.get(c.owner);
    const team = r?.team ?? c.team;
    const limit = (team ? config.teams[team] : undefined) ?? config.concurrency;
    const a = loads.get(c.owner) ?? { agentId: c.owner, name: r?.name ?? c.owner, team, owned: 0, active: 0, limit, overloaded: false };
    a.owned += 1;
    if ((c.status ?? 'open') === 'open') a.active += 1;
    a.overloaded = a.active > a.limit;
    loads.set(c.owner, a);
  }
  const agents = [...loads.values()].sort((a, b) => b.active / b.limit - a.active / a.limit || b.owned - a.owned || a.name.localeCompare(b.name));

  const dataAt = fresh?.at ? ts(fresh.at) : null;
  const ago = dataAt ? Math.max(0, Math.round((now.getTime() - dataAt.getTime()) / 1000)) : null;
  return {
    now: iso(now),
    dataAt: dataAt ? iso(dataAt) : null,
    freshness: ago === null ? 'no data yet' : ago < 60 ? `newest data ${ago} s old` : `newest data ${formatDuration(ago)} old`,
    openTotal: conversations.length,
    byChannel: counts((c) => c.channel, '(no channel)'),
    byIntent: counts((c) => c.intent, '(no intent)'),
    byTeam: counts((c) => c.team, '(no team)'),
    waiting,
    agents,
    dueSoon,
    breaches,
    depth: depth.map((d) => ({ at: iso(d.at), open: d.open })),
    depthChart: queueDepthChart(depth),
  };
}

/**
 * The live page's open conversations (kind 'open') and SLA turns (kind 'turn') at `now`, each
 * with its conversation's latest activity (`last_us`, µs) and a turn's reply (`replied_us`).
 */
function liveRowsSql(hasPolicies: boolean, onlyChanged = false): string {
  // the conversations with activity in the window, their state at `now`. `recent` is a group by
  // (not a union): DuckDB estimates a group by from the key's distinct count, a few thousand rows,
  // and so builds the semi joins' hash tables on `recent` and streams the raw tables past them; a
  // union's estimate, a fifth of the raw rows, made it build them on all of raw_events and the
  // public messages instead (3x the CPU of the read, growing with the warehouse)
  // `onlyChanged`: only the conversations written after load $3 (each takes its write's load id) and
  // those of the kept read that are gone ($4 and $5, see changesSince)
  const only = onlyChanged ? ' semi join changed using (source, conversation_id)' : '';
  const recent = `${onlyChanged ? `\n    changed as (${CHANGED}),` : ''}
    recent as (
      select source, conversation_id, epoch_us(max(t)) as last_us from (
        select source, conversation_id, sent_at as t from raw_messages${only} where sent_at > $2::timestamptz and sent_at <= $1::timestamptz
        union all
        select source, conversation_id, event_at from raw_events${only} where event_at > $2::timestamptz and event_at <= $1::timestamptz
      ) group by source, conversation_id
    ),
    states as (
      select source, conversation_id,
        arg_max(status, (event_at, seq)) filter (where type = 'status' and status is not null) as status,
        arg_max(team, (event_at, seq)) filter (where type = 'assign' and team is not null) as team,
        arg_max(agent_id, (event_at, seq)) filter (where type = 'assign' and agent_id is not null) as owner
      from raw_events semi join recent using (source, conversation_id)
      where event_at <= $1::timestamptz
      group by all
    ),
    msgs as (
      select m.source, m.conversation_id, m.sent_at, m.seq, m.author_role as role
      from raw_messages m semi join recent using (source, conversation_id)
      where not m.internal and m.author_role in ('customer', 'agent') and m.sent_at <= $1::timestamptz
    ),
    marked as (
      select *,
        lag(role) over c as prev,
        min(sent_at) filter (where role = 'agent') over (c rows between 1 following and unbounded following) as replied_at
      from msgs
      window c as (partition by source, conversation_id order by sent_at, seq)
    ),
    turns as (
      select source, conversation_id, sent_at as started_at, replied_at,
        row_number() over (partition by source, conversation_id order by sent_at, seq) = 1 as first
      from marked
      where role = 'customer' and (prev is null or prev = 'agent')
    )`;
  // the open conversations and the SLA's turns in one read: recent, states and turns (the full
  // history of the recent conversations, the page's costliest part) computed once for both
  return `with ${recent},
     last_turn as (
       -- as a struct: arg_max leaves out a null argument, and the last turn's reply is null while it waits
       select source, conversation_id, arg_max({'started_at': started_at, 'replied_at': replied_at}, started_at) as turn
       from turns group by all
     ),
     open_now as (
       select c.source, c.conversation_id, c.channel, c.intent, c.priority, c.customer_segment as segment, s.team, s.owner, s.status,
         case when t.turn.replied_at is null then t.turn.started_at end as waiting_since, r.last_us
       from raw_conversations c
       join recent r using (source, conversation_id)
       left join states s using (source, conversation_id)
       left join last_turn t using (source, conversation_id)
       where c.created_at <= $1::timestamptz and coalesce(s.status, 'open') not in ('resolved', 'closed')
     )${
       hasPolicies
         ? `,
     sla_turns as (${SLA_TURNS})`
         : ''
     }
     select 'open' as kind, * from open_now
     ${hasPolicies ? "union all by name select 'turn' as kind, * from sla_turns" : ''}
     ${onlyChanged ? "union all by name select 'changed' as kind, source, conversation_id from changed" : ''}
     order by kind, source, conversation_id`;
}

type LiveRow = { kind: 'open' | 'turn' | 'changed'; source: string; conversation_id: string; last_us: number; replied_us?: number | null } & Record<string, unknown>;

/** The latest moment (µs) of the messages, events and conversations, and of the loads; the freshness figure as the page reads it. */
type Latest = { rows_us: number | null; load_us: number | null; fresh: Date | null };

/**
 * The conversations an update reads again: those written after load $3 (a load or a webhook batch
 * stamps its load id on every conversation whose rows it writes) and those of the kept read that
 * are gone from raw_conversations ($4 sources, $5 ids, as JSON lists: changesSince finds them).
 */
const CHANGED = `select source, conversation_id from raw_conversations where load_id > $3
       union all select unnest(from_json($4::varchar, '["VARCHAR"]')), unnest(from_json($5::varchar, '["VARCHAR"]'))`;

/** An update reads the whole instead when more conversations than this changed … */
export const UPDATE_MIN = 500;
/** … and more than this share of the conversations the kept read holds. */
export const UPDATE_SHARE = 0.5;

/** A read of {@link liveRowsSql} at `at` (ms): the data of `generation`, what {@link changesSince} found before it among them. */
interface KeptRows {
  hasPolicies: boolean;
  generation: number;
  mark: Mark;
  at: number;
  rows: LiveRow[];
}
/**
 * The last kept read of each warehouse, for the next generation's update; by its main connection,
 * which a wrapper of the warehouse object shares (and a rewrite replaces: the next read is whole).
 */
const lastRows = new WeakMap<object, KeptRows>();

/** Forgets the reads kept for `db` (the rows and the queue depth): its next page is read whole. For tests, to compare with a whole read. */
export function forgetKeptReads(db: Warehouse): void {
  lastRows.delete(db.connection);
  lastDepth.delete(db.connection);
}

/**
 * The rows of {@link liveRowsSql} at `now`, kept per data generation when no row of the
 * data is dated after `now` (`settled`): then the read's bounds at or before `now` keep every
 * row, and the page at a later moment of the same data differs from the kept read (made at
 * `at`) only in what leaves the windows — a conversation whose latest activity is no longer in
 * the last {@link RECENT_DAYS} days, a turn replied before the last hour — the same conditions
 * as the SQL's, on the same microseconds (inWindows). A moment before the kept one is read anew.
 *
 * The first read of a new generation updates the last one from what changed in the data it reads
 * (changesSince), whatever the writes were (a webhook batch, a load or a sync, a build, a review):
 * the rows read raw_conversations, raw_messages, raw_events and the matching columns of
 * config_sla_policies, nothing of the marts. Every write of the raw layer's rows either stamps its
 * load id on the conversations it writes (a load replaces a conversation whole under its load id;
 * a webhook batch sets its load id on each conversation it touches) or removes conversations whole
 * (a load's removals, an erasure, the repair of an interrupted load). So only the conversations
 * of later loads and the kept ones now gone are read again, and the others' rows are the last
 * read's in the windows of `now`; none of them: the last read as it is, when the raw tables hold
 * as many rows as before (a build, a review). The whole is read again when the policies' matching
 * columns changed (the policy a turn takes), when more conversations changed than
 * {@link UPDATE_MIN} and {@link UPDATE_SHARE} of those kept (an update would cost about as much),
 * and when nothing stamped or gone explains a change in the raw tables' row counts.
 */
async function liveRows(db: Warehouse, now: Date, hasPolicies: boolean, settled: boolean): Promise<LiveRow[]> {
  const params = (at: Date) => [iso(at), iso(new Date(at.getTime() - RECENT_DAYS * 86_400_000))];
  const read = (at: Date) => db.all<LiveRow>(liveRowsSql(hasPolicies), params(at));
  if (!settled) return read(now);
  const t = now.getTime();
  const kept = await memo(db, `live-rows\u0000${hasPolicies}`, async () => {
    // the generation before the changes, the changes before the rows: what the rows hold is at least that
    const generation = db.generation();
    const last = lastRows.get(db.connection);
    const since = last && last.hasPolicies === hasPolicies && last.at <= t && last.generation < generation ? last : undefined;
    const changes = await changesSince(db, hasPolicies, since && { mark: since.mark, keys: since.rows });
    const next = (rows: LiveRow[]): KeptRows => ({ hasPolicies, generation, mark: changes.mark, at: t, rows });
    let kept: KeptRows;
    if (since && changes.update === 'none') kept = next(inWindows(since.rows, now));
    else if (since && changes.update === 'changed')
      kept = next(merged(inWindows(since.rows, now), await db.all<LiveRow>(liveRowsSql(hasPolicies, true), [...params(now), since.mark.load, ...changes.gone])));
    else kept = next(await read(now));
    lastRows.set(db.connection, kept);
    return kept;
  });
  if (kept.at > t) return read(now);
  return kept.at === t ? kept.rows : inWindows(kept.rows, now);
}

/** What a read saw of the data before it read them: the latest load id, the raw tables' row counts, the policies' matching columns. */
type Mark = { load: number; counts: string; policies: string };

/**
 * What changed since a read (`since.mark`, holding the conversations `since.keys`), read before the
 * rows it is for, so that they hold at least what it saw: `none` (the last read stands: no
 * conversation written and none gone, the raw tables as many rows as before, the same policies),
 * `changed` (read again the conversations written after `since.mark.load` and `gone`, the kept ones
 * no longer in raw_conversations, as the JSON lists of {@link CHANGED}) or `whole`.
 */
async function changesSince(
  db: Warehouse,
  hasPolicies: boolean,
  since?: { mark: Mark; keys: readonly { source: string; conversation_id: string }[] },
): Promise<{ mark: Mark; update: 'none' | 'changed' | 'whole'; gone: [string, string] }> {
  const row = await db.one<{ load: number | null; changed: number; loads: number; counts: string; policies: string | null }>(
    `select (select max(load_id) from load_log) as load,
       (select count(*) from raw_conversations where load_id > $1) as changed,
       (select count(*) from load_log where load_id > $1 and file <> 'webhooks') as loads,
       concat_ws('/', (select count(*) from raw_conversations), (select count(*) from raw_messages), (select count(*) from raw_events)) as counts,
       ${
         hasPolicies
           ? `(select md5(coalesce(string_agg([ord::varchar, channels::varchar, priorities::varchar, teams::varchar, intents::varchar, sources::varchar, segments::varchar]::varchar, '|' order by ord), ''))
          from config_sla_policies)`
           : "''"
       } as policies`,
    [since?.mark.load ?? 0],
  );
  // conversations go only with a load (its removals; an erasure writes the file anew, and so the
  // connection, and the repair of an interrupted load runs when the warehouse opens): after
  // webhook batches alone none of the kept ones can be gone, and the look-up is spared
  let gone: { source: string; conversation_id: string }[] = [];
  // the kept read's conversations, each once (it holds a row per open conversation and per turn)
  const unique = since ? [...new Map(since.keys.map((k) => [`${k.source}\u0000${k.conversation_id}`, k])).values()] : [];
  const keys = Number(row?.loads ?? 0) > 0 ? unique : [];
  if (keys.length > 0) {
    const found = await db.one<{ gone: { source: string; conversation_id: string }[] | null }>(
      `select list({'source': source, 'conversation_id': conversation_id}) as gone from (
         select unnest(from_json($1::varchar, '["VARCHAR"]')) as source, unnest(from_json($2::varchar, '["VARCHAR"]')) as conversation_id
       ) k anti join raw_conversations c using (source, conversation_id)`,
      [JSON.stringify(keys.map((k) => k.source)), JSON.stringify(keys.map((k) => k.conversation_id))],
    );
    gone = found?.gone ?? [];
  }
  const mark: Mark = { load: Number(row?.load ?? 0), counts: String(row?.counts ?? ''), policies: String(row?.policies ?? '') };
  const changed = Number(row?.changed ?? 0) + gone.length;
  const update =
    !since || mark.policies !== since.mark.policies || changed > Math.max(UPDATE_MIN, unique.length * UPDATE_SHARE)
      ? 'whole'
      : changed > 0
        ? 'changed'
        : mark.counts === since.mark.counts
          ? 'none'
          : 'whole';
  return { mark, update, gone: [JSON.stringify(gone.map((k) => k.source)), JSON.stringify(gone.map((k) => k.conversation_id))] };
}

/** The rows of a read made earlier (of the same data) that a read at `now` keeps: the SQL's windows at `now`. */
function inWindows(rows: LiveRow[], now: Date): LiveRow[] {
  const sinceUs = (now.getTime() - RECENT_DAYS * 86_400_000) * 1000;
  const breachUs = (now.getTime() - BREACH_BACK_S * 1000) * 1000;
  return rows.filter((r) => Number(r.last_us) > sinceUs && (r.kind === 'open' || r.replied_us === null || Number(r.replied_us) >= breachUs));
}

/**
 * The kept rows without the changed conversations (the update's `changed` rows), and the update's
 * rows of them, in the SQL's order (kind, source, conversation_id): both lists are in it already.
 */
function merged(kept: LiveRow[], update: LiveRow[]): LiveRow[] {
  const key = (r: LiveRow) => `${r.source}\u0000${r.conversation_id}`;
  const changed = new Set(update.filter((r) => r.kind === 'changed').map(key));
  const fresh = update.filter((r) => r.kind !== 'changed');
  const before = (a: LiveRow, b: LiveRow) => (a.kind !== b.kind ? a.kind < b.kind : a.source !== b.source ? a.source < b.source : a.conversation_id < b.conversation_id);
  const out: LiveRow[] = [];
  let i = 0;
  for (const r of kept) {
    if (changed.has(key(r))) continue;
    while (i < fresh.length && before(fresh[i]!, r)) out.push(fresh[i++]!);
    out.push(r);
  }
  while (i < fresh.length) out.push(fresh[i++]!);
  return out;
}

type Policy = {
  ord: number;
  name: string;
  business_hours: boolean;
  first_response_s: number | null;
  next_response_s: number | null;
};

/** Every customer turn of the window not answered (nor, after the first, resolved) before the last hour began. */
type SlaTurn = {
  source: string;
  conversation_id: string;
  channel: string;
  team: string | null;
  started_at: Date;
  stopped_at: Date | null;
  first: boolean;
  policy_ord: number | null;
};
const SLA_TURNS = `
     select t.source, t.conversation_id, c.channel, s.team, t.started_at, t.first, r.last_us, epoch_us(t.replied_at) as replied_us,
       -- the first policy whose when matches (the rule the models use: macro sla_when_matches, migration 018)
       (select min(p.ord) from config_sla_policies p
        where sla_when_matches(p.channels, p.priorities, p.teams, p.intents, p.sources, p.segments,
                               c.channel, c.priority, s.team, c.intent, t.source, c.customer_segment)) as policy_ord,
       least(t.replied_at, case when not t.first then (
         select min(e.event_at) from raw_events e
         where e.source = t.source and e.conversation_id = t.conversation_id and e.type = 'status' and e.status in ('resolved', 'closed')
           and e.event_at > t.started_at and e.event_at <= $1::timestamptz) end) as stopped_at
     from turns t
     join recent r using (source, conversation_id)
     join raw_conversations c using (source, conversation_id)
     left join states s using (source, conversation_id)
     where coalesce(least(t.replied_at, $1::timestamptz), $1::timestamptz) >= $1::timestamptz - interval ${BREACH_BACK_S} second`;

async function slaCountdowns(
  db: Warehouse,
  turnsRead: Promise<SlaTurn[]>,
  now: Date,
  has: { hasWindows: boolean; hasTeamSchedules: boolean },
): Promise<{ dueSoon: SlaCountdown[]; breaches: SlaCountdown[] }> {
  // the configuration's tables change with a build, which bumps the data generation
  const policies = (
    await memo(db, 'live-policies', () => db.all<Policy>('select ord, name, business_hours, first_response_s, next_response_s from config_sla_policies order by ord'))
  ).map((p) => ({
    ...p,
    first_response_s: p.first_response_s === null ? null : Number(p.first_response_s),
    next_response_s: p.next_response_s === null ? null : Number(p.next_response_s),
  }));
  if (policies.length === 0) return { dueSoon: [], breaches: [] };
  const turns = await turnsRead;
  const schedules = has.hasTeamSchedules
    ? new Map(
        (await memo(db, 'live-schedules', () => db.all<{ team: string; schedule: string }>('select team, schedule from config_team_schedules'))).map((r) => [r.team, r.schedule]),
      )
    : new Map<string, string>();
  const horizon = new Date(now.getTime() + DUE_SOON_S * 1000);
  // business windows of the schedules used, from the earliest start to the end of the countdown
  const businessStarts = new Map<string, Date>();
  const applied = turns.flatMap((t) => {
    const p = t.policy_ord === null ? undefined : policies.find((p) => p.ord === Number(t.policy_ord));
    const target = p ? (t.first ? p.first_response_s : p.next_response_s) : null;
    if (!p || target === null) return [];
    const schedule = (t.team ? schedules.get(t.team) : undefined) ?? 'default';
    const started = ts(t.started_at);
    if (p.business_hours) {
      const was = businessStarts.get(schedule);
      if (!was || started < was) businessStarts.set(schedule, started);
    }
    return [{ t, p, target, schedule, started, stopped: t.stopped_at ? ts(t.stopped_at) : null }];
  });
  const windows = new Map<string, { starts: number; ends: number }[]>();
  if (has.hasWindows && businessStarts.size > 0) {
    for (const [schedule, from] of businessStarts) {
      const rows = await db.all<{ starts_at: Date; ends_at: Date }>(
        'select starts_at, ends_at from int_business_windows where schedule = $1 and ends_at > $2::timestamptz and starts_at < $3::timestamptz order by starts_at',
        [schedule, iso(from), iso(horizon)],
      );
      windows.set(
        schedule,
        rows.map((r) => ({ starts: ts(r.starts_at).getTime(), ends: ts(r.ends_at).getTime() })),
      );
    }
  }
  /** The moment `seconds` of business time after `start` (undefined: not within the windows read, so not due by the horizon). */
  const businessDue = (schedule: string, start: Date, seconds: number): Date | undefined => {
    let left = seconds * 1000;
    for (const w of windows.get(schedule) ?? []) {
      const from = Math.max(w.starts, start.getTime());
      if (from >= w.ends) continue;
      if (from + left <= w.ends) return new Date(from + left);
      left -= w.ends - from;
    }
    return undefined;
  };
  const dueSoon: SlaCountdown[] = [];
  const breaches: SlaCountdown[] = [];
  for (const { t, p, target, schedule, started, stopped } of applied) {
    const due = p.business_hours ? businessDue(schedule, started, target) : new Date(started.getTime() + target * 1000);
    if (!due) continue;
    const inS = Math.round((due.getTime() - now.getTime()) / 1000);
    const row: SlaCountdown = {
      source: t.source,
      conversationId: t.conversation_id,
      policy: p.name,
      target: t.first ? 'first response' : 'next response',
      dueAt: iso(due),
      inS,
      label: inS >= 0 ? `due in ${formatDuration(inS)}` : `breached ${formatDuration(-inS)} ago`,
    };
    const unstoppedAt = (m: Date) => stopped === null || stopped > m;
    if (inS > 0 && inS <= DUE_SOON_S && stopped === null) dueSoon.push(row);
    else if (inS <= 0 && -inS <= BREACH_BACK_S && unstoppedAt(due)) breaches.push(row);
  }
  dueSoon.sort((a, b) => a.inS - b.inS || a.conversationId.localeCompare(b.conversationId));
  breaches.sort((a, b) => b.inS - a.inS || a.conversationId.localeCompare(b.conversationId));
  return { dueSoon: dueSoon.slice(0, LIST_LIMIT), breaches: breaches.slice(0, LIST_LIMIT) };
}

/** Conversations open at each quarter hour of the last {@link DEPTH_HOURS} hours (the same rule as "open now", at that moment). */
async function queueDepth(db: Warehouse, now: Date): Promise<{ at: Date; open: number }[]> {
  const end = new Date(Math.floor(now.getTime() / 900_000) * 900_000);
  // the points and the data decide it, not `now`: kept for the quarter hour until the data change,
  // and after a write only the conversations it changed are counted again (see liveRows)
  return memo(db, `live-depth\u0000${end.getTime()}`, async () => {
    const generation = db.generation();
    const last = lastDepth.get(db.connection);
    const since = last && last.end === end.getTime() && last.generation < generation ? last : undefined;
    const key = (r: { source: string; conversation_id: string }) => `${r.source}\u0000${r.conversation_id}`;
    const keys = since ? [...since.open.keys()].map((k) => ({ source: k.slice(0, k.indexOf('\u0000')), conversation_id: k.slice(k.indexOf('\u0000') + 1) })) : [];
    const changes = await changesSince(db, false, since && { mark: since.mark, keys });
    let open: Map<string, number>;
    if (since && changes.update === 'none') open = since.open;
    else if (since && changes.update === 'changed') {
      const update = await depthAt(db, end, { load: since.mark.load, gone: changes.gone });
      open = new Map(since.open);
      for (const r of update) if (r.mask === null) open.delete(key(r));
      for (const r of update) if (r.mask !== null) open.set(key(r), Number(r.mask));
    } else open = new Map((await depthAt(db, end)).map((r) => [key(r), Number(r.mask)]));
    lastDepth.set(db.connection, { generation, mark: changes.mark, end: end.getTime(), open });
    const points = DEPTH_HOURS * 4 + 1;
    const counts = new Array<number>(points).fill(0);
    for (const mask of open.values()) for (let i = 0; i < points; i++) if (Math.floor(mask / 2 ** i) % 2 === 1) counts[i]! += 1;
    return counts.map((n, i) => ({ at: new Date(end.getTime() - (points - 1 - i) * 900_000), open: n }));
  });
}

/** The queue depth's last count of each warehouse (as lastRows): per conversation open at some point, the points as bits. */
const lastDepth = new WeakMap<object, { generation: number; mark: Mark; end: number; open: Map<string, number> }>();

/**
 * Per conversation open at one point at least, the points (of the {@link DEPTH_HOURS} hours to
 * `end`) at which it is open, bit i the i-th point from the first. `changedAfter`: only the
 * conversations written after that load and those gone ({@link CHANGED}), each once more with a null mask.
 */
async function depthAt(
  db: Warehouse,
  end: Date,
  changedAfter?: { load: number; gone: [string, string] },
): Promise<{ source: string; conversation_id: string; mask: bigint | null }[]> {
  const start = new Date(end.getTime() - DEPTH_HOURS * 3_600_000);
  // Per conversation, not points × activity rows: every point t lies within 8 hours of $1 (the
  // first point), so an activity in ($1, t] is always within the last 7 days of t, and when
  // there is none the latest activity at or before t is the latest at or before $1 (last_before).
  // Live at t iff first_after <= t or last_before > t - 7 days; the status at t is the latest
  // at or before t (an ASOF join; the last of the same moment by seq).
  const only = changedAfter === undefined ? '' : ' semi join changed using (source, conversation_id)';
  return db.all<{ source: string; conversation_id: string; mask: bigint | null }>(
    `with points as (
       select unnest(generate_series($1::timestamptz, $2::timestamptz, interval 15 minute)) as t
     ),${changedAfter === undefined ? '' : `\n     changed as (${CHANGED}),`}
     activity as (
       select source, conversation_id, sent_at as t from raw_messages${only} where sent_at > $1::timestamptz - interval ${RECENT_DAYS} day and sent_at <= $2::timestamptz
       union all
       select source, conversation_id, event_at from raw_events${only} where event_at > $1::timestamptz - interval ${RECENT_DAYS} day and event_at <= $2::timestamptz
     ),
     conversations as (
       select source, conversation_id,
         max(t) filter (where t <= $1::timestamptz) as last_before,
         min(t) filter (where t > $1::timestamptz) as first_after
       from activity group by all
     ),
     statuses as (
       select source, conversation_id, event_at as t, arg_max(status, seq) as status from raw_events
       semi join conversations using (source, conversation_id)
       where type = 'status' and status is not null and event_at <= $2::timestamptz
       group by all
     ),
     -- every point is at or after $1: a conversation whose status does not change after $1 has
     -- the status it had at $1 at every point (settled: open or not, per conversation, before
     -- the points multiply it); only the few that change take the ASOF join at each point
     changing as (
       select distinct source, conversation_id from statuses where t > $1::timestamptz
     ),
     settled as (
       select c.source, c.conversation_id, c.first_after, c.last_before, coalesce(i.status, 'open') not in ('resolved', 'closed') as open
       from conversations c
       anti join changing using (source, conversation_id)
       left join (select source, conversation_id, arg_max(status, t) as status from statuses group by all) i using (source, conversation_id)
     ),
     moving as (
       select p.t, c.source, c.conversation_id
       from points p join (select * from conversations semi join changing using (source, conversation_id)) c
         on c.first_after <= p.t or c.last_before > p.t - interval ${RECENT_DAYS} day
     ),
     latest as (
       select m.t, m.source, m.conversation_id, coalesce(s.status, 'open') not in ('resolved', 'closed') as open
       from moving m
       asof left join (select * from statuses semi join changing using (source, conversation_id)) s on s.source = m.source and s.conversation_id = m.conversation_id and m.t >= s.t
       union all
       select p.t, s.source, s.conversation_id, s.open
       from points p join settled s on s.first_after <= p.t or s.last_before > p.t - interval ${RECENT_DAYS} day
     )
     select source, conversation_id, bit_or(1::bigint << (epoch(t - $1::timestamptz) / 900)::integer) as mask
     from latest where open group by all${changedAfter === undefined ? '' : '\n     union all select source, conversation_id, null from changed'}`,
    changedAfter === undefined ? [iso(start), iso(end)] : [iso(start), iso(end), changedAfter.load, ...changedAfter.gone],
  );
}

let shared: { key: string; page: Promise<LivePage> } | undefined;

/**
 * The live page as of `clock()`, shared by the requests of the same second:
 * every supervisor's page polls, and those polls need one read of the
 * warehouse a second, not one each.
 */
export function sharedLive(db: Warehouse, clock: () => Date = () => new Date()): Promise<LivePage> {
  const now = clock();
  const key = `${db.path}|${Math.floor(now.getTime() / 1000)}`;
  if (shared?.key !== key) {
    const page = loadLive(db, { now: new Date(Math.floor(now.getTime() / 1000) * 1000) });
    shared = { key, page };
    // a failed read is not kept for the others of its second
    page.catch(() => {
      if (shared?.page === page) shared = undefined;
    });
  }
  return shared.page;
}
