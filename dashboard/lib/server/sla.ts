/**
 * The SLA page's loader (spec/metrics.md v2 "Service-level agreements"):
 * attainment by policy, channel, team and agent, its monthly trend, the
 * breached conversations (newest breach first) and what is still open with
 * its time to breach. The rates are the catalogue's (models/summary.ts
 * through mart-query.ts); the lists read the per-conversation `sla_*`
 * columns of conversation_metrics. Every query takes the dashboard filters.
 *
 * @example
 *   const page = await loadSla(db, filters);
 *   page.total.sla_achievement_rate; // '87.5%'
 *   page.breaches[0];                // { conversationId: 'c-91', policy: 'urgent chat', breachedAt: '2026-10-20 11:02', targets: ['first response'], ... }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatDuration, formatValue, metric } from '../../../models/catalogue.js';
import { readBuildState } from '../../../models/build-state.js';
import type { Dimension } from '../../../models/summary.js';
import { cachedAll, memo, monthly as monthlySummary, summaryBySets } from './mart-query.js';
import { filterQuery, filterWhere, partialMonth, trendRange, type Filters } from './filters.js';
import { agentNames } from './metric-page.js';
import { trendChart } from '../../../charts/trend.js';
import { breakdownChart } from '../../../charts/breakdown.js';

/** The SLA rates of the catalogue, in the order the tables show them. */
export const SLA_RATES = ['sla_achievement_rate', 'sla_first_response_rate', 'sla_next_response_rate', 'sla_resolution_rate'] as const;
/** Each rate with its base (conversations, or measured turns for the next-response rate). */
const FIELDS = SLA_RATES.flatMap((r) => [r, `${r}_base`]);

/** How many breached and open conversations the lists show (the count says how many there are). */
export const LIST_LIMIT = 50;

const DIMS: { dim: Dimension; title: string }[] = [
  { dim: 'sla_policy', title: 'By policy' },
  { dim: 'channel', title: 'By channel' },
  { dim: 'team', title: 'By team' },
  { dim: 'agent', title: 'By agent' },
];

/** One group's attainment: each rate formatted, and the conversations under the achievement rate. */
export interface SlaRow {
  key: string;
  label: string;
  rates: Record<(typeof SLA_RATES)[number], string>;
  /** Conversations whose SLA is settled (sla_breached not null): the achievement rate's base. */
  settled: number;
  href: string;
}

export interface SlaTable {
  dimension: Dimension;
  title: string;
  rows: SlaRow[];
}

export interface SlaConversation {
  source: string;
  conversationId: string;
  policy: string;
  channel: string | null;
  team: string | null;
  agent: string | null;
  /** 'YYYY-MM-DD HH:MM' (UTC). */
  at: string;
}

export interface SlaBreach extends SlaConversation {
  /** The targets breached: 'first response', 'next response (2 turns)', 'resolution'. */
  targets: string[];
}

export interface SlaOpen extends SlaConversation {
  /** The target that falls due first: 'first response', 'next response' or 'resolution'. */
  target: string;
  /** From the data horizon to the due moment: '1h 02m'. */
  timeToBreach: string;
}

export interface SlaPage {
  /** False when no conversation in the filters has an SLA policy (no `sla_policies` configured, or none matches). */
  configured: boolean;
  total: SlaRow | null;
  tables: SlaTable[];
  /** Achievement by policy (a bar per policy). */
  chart: string;
  /** The monthly achievement rate (twelve months to the end of the range). */
  trend: string;
  breaches: SlaBreach[];
  breachCount: number;
  open: SlaOpen[];
  openCount: number;
  /** The data horizon the marts were built at ('YYYY-MM-DD HH:MM' UTC), or null. */
  horizon: string | null;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0);
const minute = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 16).replace('T', ' ') : String(v ?? ''));

/** The SLA page for `f` (memoised: it depends on the marts only). */
export function loadSla(db: Warehouse, f: Filters): Promise<SlaPage> {
  return memo(db, `sla\u0000${JSON.stringify(f)}`, () => computeSla(db, f));
}

async function computeSla(db: Warehouse, f: Filters): Promise<SlaPage> {
  const achievement = metric('sla_achievement_rate');
  const list = (extra: Partial<Filters>, name: string = achievement.name) => `/conversations${filterQuery({ ...f, ...extra }, { metric: name })}`;
  const [sets, monthly, names, breaches, open, counts, state] = await Promise.all([
    summaryBySets(
      db,
      DIMS.map((d) => d.dim),
      f,
      FIELDS,
    ),
    monthlySummary(db, trendRange(f), FIELDS),
    agentNames(db),
    breachedConversations(db, f),
    openConversations(db, f),
    listCounts(db, f),
    readBuildState(db),
  ]);
  const shown = (dim: Dimension, key: string) => (dim === 'agent' ? (names.get(key) ?? key) : key);
  const row = (dim: Dimension | null, r: Record<string, unknown>): SlaRow => {
    const key = String(r['key'] ?? '');
    return {
      key,
      label: dim ? shown(dim, key) : 'All conversations',
      rates: Object.fromEntries(SLA_RATES.map((name) => [name, formatValue(metric(name), r[name])])) as SlaRow['rates'],
      settled: num(r['sla_achievement_rate_base']),
      href: dim === 'sla_policy' ? list({}) : list(dim ? ({ [dim]: key } as Partial<Filters>) : {}),
    };
  };
  // a group with no settled target and no measured turn has nothing to say about SLAs
  const measured = (r: Record<string, unknown>) => SLA_RATES.some((name) => num(r[`${name}_base`]) > 0);
  const total = sets.find((r) => r['dimension'] === '');
  const tables = DIMS.map((d) => ({
    dimension: d.dim,
    title: d.title,
    rows: sets
      .filter((r) => r['dimension'] === d.dim && r['key'] !== null && measured(r))
      .sort((a, b) => num(b['sla_achievement_rate_base']) - num(a['sla_achievement_rate_base']) || String(a['key']).localeCompare(String(b['key'])))
      .map((r) => row(d.dim, r)),
  }));
  const fmt = (v: number) => formatValue(achievement, v);
  const policies = sets.filter((r) => r['dimension'] === 'sla_policy' && r['key'] !== null && measured(r));
  const chart = breakdownChart(
    policies.map((r) => ({ key: String(r['key']), value: typeof r['sla_achievement_rate'] === 'number' ? r['sla_achievement_rate'] : null })),
    // the conversations list has no policy filter: a bar leads to the list of the filters' conversations
    { label: achievement.label, href: () => list({}), format: fmt, unit: 'rate' },
  );
  const partial = partialMonth(f);
  const trend = trendChart(
    monthly.map((r) => ({ month: String(r['month']), value: typeof r['sla_achievement_rate'] === 'number' ? r['sla_achievement_rate'] : null })),
    { kind: 'line', label: achievement.label, href: (month) => list({ from: undefined, to: undefined, month }), format: fmt, unit: 'rate', partial },
  );
  const horizonUs = state?.horizonUs ?? null;
  const horizonMs = horizonUs === null ? null : Number(horizonUs / 1000n);
  return {
    configured: total !== undefined && measured(total),
    total: total && measured(total) ? row(null, total) : null,
    tables,
    chart,
    trend,
    breaches: breaches.map((r) => named(r, names)),
    breachCount: counts.breached,
    open: open.map(({ dueMs, ...r }) => ({ ...named(r, names), timeToBreach: horizonMs === null ? '–' : formatDuration(Math.max(0, (dueMs - horizonMs) / 1000)) })),
    openCount: counts.open,
    horizon: horizonMs === null ? null : minute(new Date(horizonMs)),
  };
}

// a type, not an interface: a row type must take the Row index signature
type ListRow = {
  source: string;
  conversation_id: string;
  sla_policy: string;
  channel: string | null;
  owner_team: string | null;
  owner_agent: string | null;
  at: Date;
};

const LIST_COLUMNS = 'source, conversation_id, sla_policy, channel, owner_team, owner_agent';

/**
 * How many conversations of the filters are breached and how many have a
 * target open: both counts in one scan, apart from the lists (a count over
 * the lists' rows, `count(*) over ()`, kept every breached conversation of
 * the range, with its columns, to count them before the first 50 were taken).
 */
async function listCounts(db: Warehouse, f: Filters): Promise<{ breached: number; open: number }> {
  const w = filterWhere(f);
  const [r] = await cachedAll<{ breached: number | bigint; open: number | bigint }>(
    db,
    `select count(*) filter (where sla_breached) as breached, count(sla_open_until) as open from conversation_metrics where ${w.sql}`,
    w.params,
  );
  return { breached: num(r?.breached), open: num(r?.open) };
}

/** Breached conversations in the filters, the latest first breach first (the first {@link LIST_LIMIT}). */
async function breachedConversations(db: Warehouse, f: Filters): Promise<SlaBreach[]> {
  const w = filterWhere(f);
  const rows = await cachedAll<ListRow & { sla_first_response_met: boolean | null; sla_next_response_breaches: number | null; sla_resolution_met: boolean | null }>(
    db,
    `select ${LIST_COLUMNS}, sla_first_breach_at as at, sla_first_response_met, sla_next_response_breaches, sla_resolution_met
     from conversation_metrics
     where ${w.sql} and sla_breached
     order by sla_first_breach_at desc, source, conversation_id
     limit ${LIST_LIMIT}`,
    w.params,
  );
  return rows.map((r) => ({
    ...listed(r),
    targets: [
      ...(r.sla_first_response_met === false ? ['first response'] : []),
      ...(num(r.sla_next_response_breaches) > 0 ? [`next response (${num(r.sla_next_response_breaches)} ${num(r.sla_next_response_breaches) === 1 ? 'turn' : 'turns'})`] : []),
      ...(r.sla_resolution_met === false ? ['resolution'] : []),
    ],
  }));
}

/**
 * Conversations with a target still open (a clock that has not stopped and
 * falls due after the data horizon), the soonest due first. `sla_open_until`
 * is the earliest due moment of an open clock (int_conversation_sla.sql).
 */
async function openConversations(db: Warehouse, f: Filters): Promise<(Omit<SlaOpen, 'timeToBreach'> & { dueMs: number })[]> {
  const w = filterWhere(f);
  const rows = await cachedAll<ListRow & { open_target: string }>(
    db,
    `select ${LIST_COLUMNS}, sla_open_until as at,
       case
         when sla_first_response_met is null and sla_first_response_due_at = sla_open_until then 'first response'
         when sla_resolution_met is null and sla_resolution_due_at = sla_open_until then 'resolution'
         else 'next response'
       end as open_target
     from conversation_metrics
     where ${w.sql} and sla_open_until is not null
     order by sla_open_until, source, conversation_id
     limit ${LIST_LIMIT}`,
    w.params,
  );
  return rows.map((r) => ({ ...listed(r), target: r.open_target, dueMs: r.at.getTime() }));
}

/** The agent by name where the roster has one. */
const named = <T extends SlaConversation>(r: T, names: Map<string, string>): T => (r.agent ? { ...r, agent: names.get(r.agent) ?? r.agent } : r);

function listed(r: ListRow): SlaConversation {
  return { source: r.source, conversationId: r.conversation_id, policy: r.sla_policy, channel: r.channel, team: r.owner_team, agent: r.owner_agent, at: minute(r.at) };
}
