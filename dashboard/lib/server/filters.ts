/**
 * The dashboard's filters live in the URL; this reads them with zod and turns
 * them into a where clause whose values are parameters only — no filter text
 * reaches SQL. One module for every page: the date range, channel, intent,
 * team, agent, month; tag, priority, account and each configured custom
 * dimension (`dim.<name>` in the URL, a metadata value); and the
 * conversation's status, CSAT (satisfied / dissatisfied / answered, or one
 * 0–100 score), SLA (breached / met) and SLA policy. Text search (`q`) is the
 * conversation list's own ({@link searchWhere}).
 *
 * @example
 *   const f = await readFilters(db, url);
 *   const w = filterWhere(f);            // { sql: 'created_at >= $1 and ...', params: [...] }
 *   await db.all(summarySql([], w.sql), w.params);
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import { binder } from '../../../warehouse/params.js';
import { memo } from './cache.js';
import { tableExists } from '../../../warehouse/table-exists.js';
import { appliedFilters } from '../filter-words.js';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(s)));
const value = z.string().min(1).max(200);

/** The states a conversation can be in (conversation_metrics.status). */
export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
/** The CSAT filter's choices besides a score. */
export const CSAT_CHOICES = ['satisfied', 'dissatisfied', 'answered'] as const;
/** A custom dimension's name (as the configuration allows it), also its URL key after `dim.`. */
const DIMENSION_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const schema = z.object({
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  channel: value.optional().catch(undefined),
  intent: value.optional().catch(undefined),
  team: value.optional().catch(undefined),
  agent: value.optional().catch(undefined),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional()
    .catch(undefined),
  tag: value.optional().catch(undefined),
  priority: value.optional().catch(undefined),
  account: value.optional().catch(undefined),
  status: z.enum(STATUSES).optional().catch(undefined),
  csat: z.enum(CSAT_CHOICES).optional().catch(undefined),
  csat_score: z.coerce.number().min(0).max(100).optional().catch(undefined),
  sla: z.enum(['breached', 'met']).optional().catch(undefined),
  sla_policy: value.optional().catch(undefined),
  q: z.string().trim().min(1).max(200).optional().catch(undefined),
});

export interface Filters {
  /** First day included (YYYY-MM-DD). */
  from: string;
  /** Last day included (YYYY-MM-DD). */
  to: string;
  channel?: string | undefined;
  intent?: string | undefined;
  team?: string | undefined;
  agent?: string | undefined;
  month?: string | undefined;
  tag?: string | undefined;
  priority?: string | undefined;
  /** customer_account */
  account?: string | undefined;
  status?: (typeof STATUSES)[number] | undefined;
  csat?: (typeof CSAT_CHOICES)[number] | undefined;
  /** csat_score (0–100) exactly */
  csat_score?: number | undefined;
  sla?: 'breached' | 'met' | undefined;
  sla_policy?: string | undefined;
  /** Text searched in subjects and message bodies (the conversation list only). */
  q?: string | undefined;
  /** Configured custom dimensions: metadata key → value. */
  dims?: Record<string, string> | undefined;
}

export interface Where {
  sql: string;
  params: unknown[];
}

export const DEFAULT_DAYS = 90;
export const FILTER_KEYS = [
  'from',
  'to',
  'channel',
  'intent',
  'team',
  'agent',
  'month',
  'tag',
  'priority',
  'account',
  'status',
  'csat',
  'csat_score',
  'sla',
  'sla_policy',
  'q',
] as const;
/** The filters that narrow the conversations beyond the date range, channel, intent, team, agent and month (no precomputed mart holds them). */
export const NARROWING_KEYS = ['tag', 'priority', 'account', 'status', 'csat', 'csat_score', 'sla', 'sla_policy', 'q'] as const;

/** Whether `f` has a filter that the precomputed monthly mart cannot answer (a narrowing key or a custom dimension). */
export function narrowed(f: Filters): boolean {
  return NARROWING_KEYS.some((k) => f[k] !== undefined) || Object.keys(f.dims ?? {}).length > 0;
}

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

interface Horizon {
  first: string;
  last: string;
}
/** The first and last day with conversations (cached until the data change, see mart-query.ts). */
export function dataDays(db: Warehouse): Promise<Horizon> {
  return memo(db, 'data-days', () =>
    db
      .one<{ first: string | null; last: string | null }>('select min(created_at)::date::varchar as first, max(created_at)::date::varchar as last from conversation_metrics')
      .then((r) => {
        const today = new Date().toISOString().slice(0, 10);
        return { first: r?.first ?? today, last: r?.last ?? today };
      }),
  );
}

/** The configured custom dimensions (config_dimensions, written by the build; none before one). */
export function customDimensions(db: Warehouse): Promise<string[]> {
  return memo(db, 'custom-dimensions', async () =>
    (await tableExists(db, 'config_dimensions'))
      ? (await db.all<{ name: string }>('select name from config_dimensions order by name')).map((r) => r.name).filter((n) => DIMENSION_NAME.test(n))
      : [],
  );
}

/** The filters of a URL; the date range defaults to the last 90 days of data. */
export async function readFilters(db: Warehouse, url: URL): Promise<Filters> {
  const raw = Object.fromEntries(FILTER_KEYS.map((k) => [k, url.searchParams.get(k) || undefined]));
  const { dims: _ignored, ...f } = schema.parse(raw) as Filters;
  const [{ last }, custom] = await Promise.all([dataDays(db), customDimensions(db)]);
  const dims: Record<string, string> = {};
  for (const d of custom) {
    const v = value.safeParse(url.searchParams.get(`dim.${d}`) || undefined);
    if (v.success) dims[d] = v.data;
  }
  const to = f.to ?? last;
  let from = f.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  if (from > to) from = to;
  return { ...stripUndefined(f), ...(Object.keys(dims).length ? { dims } : {}), from, to };
}

const stripUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The period of the same length just before `f`'s range. */
export function previousPeriod(f: Filters): Filters {
  const days = Math.round((Date.parse(f.to) - Date.parse(f.from)) / 86_400_000) + 1;
  return { ...f, from: addDays(f.from, -days), to: addDays(f.from, -1) };
}

/** The twelve months ending with the month of `f.to`, as a date range. */
export function trendRange(f: Filters): Filters {
  const end = new Date(Date.parse(`${f.to}T00:00:00Z`));
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 11, 1));
  return { ...f, from: start.toISOString().slice(0, 10), to: f.to };
}

/**
 * The month of `f.to` when the range ends inside it (before its last day): the
 * trends' last month holds only its days to `f.to`, and charts draw it so
 * (charts/trend.ts `partial`). Undefined when `f.to` is a month's last day.
 *
 * @example
 *   partialMonth({ ...f, to: '2026-12-01' }); // { month: '2026-12', through: '2026-12-01' }
 *   partialMonth({ ...f, to: '2026-11-30' }); // undefined
 */
export function partialMonth(f: Pick<Filters, 'to'>): { month: string; through: string } | undefined {
  return isLastDayOfMonth(f.to) ? undefined : { month: f.to.slice(0, 7), through: f.to };
}

/** Whether the day `d` (YYYY-MM-DD) is the last of its month. */
export function isLastDayOfMonth(d: string): boolean {
  return addDays(d, 1).endsWith('-01');
}

/**
 * Conditions on conversation_metrics (or any table with its column names),
 * numbered from `$start`. `dates: false` leaves the range out.
 */
export function filterWhere(f: Filters, options: { dates?: boolean; start?: number; prefix?: string } = {}): Where {
  const p = options.prefix ? `${options.prefix}.` : '';
  const parts: [string, unknown][] = [];
  if (options.dates !== false) {
    parts.push([`${p}created_at >= ?::date`, f.from]);
    parts.push([`${p}created_at < ?::date + 1`, f.to]);
  }
  if (f.month) parts.push([`${p}month = ?`, f.month]);
  if (f.channel) parts.push([`${p}channel = ?`, f.channel]);
  if (f.intent) parts.push([`${p}intent = ?`, f.intent]);
  if (f.team) parts.push([`${p}team = ?`, f.team]);
  if (f.agent) parts.push([`${p}owner_agent = ?`, f.agent]);
  if (f.tag) parts.push([`list_contains(${p}tags, ?)`, f.tag]);
  if (f.priority) parts.push([`${p}priority = ?`, f.priority]);
  if (f.account) parts.push([`${p}customer_account = ?`, f.account]);
  if (f.status) parts.push([`${p}status = ?`, f.status]);
  if (f.csat === 'satisfied') parts.push([`${p}csat_satisfied = ?`, true]);
  if (f.csat === 'dissatisfied') parts.push([`${p}csat_satisfied = ?`, false]);
  if (f.csat === 'answered') parts.push([`(${p}csat_score is not null) = ?`, true]);
  if (f.csat_score !== undefined) parts.push([`${p}csat_score = ?`, f.csat_score]);
  if (f.sla) parts.push([`${p}sla_breached = ?`, f.sla === 'breached']);
  if (f.sla_policy) parts.push([`${p}sla_policy = ?`, f.sla_policy]);
  for (const [d, v] of Object.entries(f.dims ?? {})) {
    // the key is a configured name matching DIMENSION_NAME (checked here too): code, not input
    if (DIMENSION_NAME.test(d)) parts.push([`json_extract_string(${p}metadata, '$.${d}') = ?`, v]);
  }
  return numbered(parts, options.start ?? 1);
}

/**
 * The narrowing filters of `f` alone ({@link NARROWING_KEYS} but the text
 * search, and the custom dimensions) as conditions on conversation_metrics
 * (`prefix`), numbered from `$start`: for a mart that keeps the date range,
 * channel, intent, team and agent itself (the QA reviews) and reaches the
 * rest through its conversation. `true` when `f` has none.
 *
 * @example
 *   narrowingWhere({ from, to, channel: 'email', tag: 'vip' }, { prefix: 'cm', start: 3 });
 *   // { sql: 'list_contains(cm.tags, $3)', params: ['vip'] }
 */
export function narrowingWhere(f: Filters, options: { start?: number; prefix?: string } = {}): Where {
  const only: Filters = { from: f.from, to: f.to, ...(f.dims ? { dims: f.dims } : {}) };
  for (const k of NARROWING_KEYS) if (k !== 'q' && f[k] !== undefined) Object.assign(only, { [k]: f[k] });
  return filterWhere(only, { ...options, dates: false });
}

/**
 * The filters of `f` besides the date range, month and text search, in words
 * (for a page that says which filters it applies; the filter bar lists the
 * same, dashboard/lib/filter-words.ts).
 *
 * @example
 *   filterWords({ from, to, channel: 'email', tag: 'vip', dims: { plan: 'pro' } }); // ['channel email', 'tag vip', 'plan pro']
 */
export function filterWords(f: Filters): string[] {
  return appliedFilters(f).map((a) => a.text);
}

/** Joins conditions with one `?` each (its value beside it) with `and`, numbering the placeholders `$start…`. */
export function numbered(parts: readonly (readonly [string, unknown])[], start = 1): Where {
  const params: unknown[] = [];
  const bind = binder(params, start - 1);
  const sql = parts.map(([cond, value]) => cond.replace('?', () => bind(value))).join(' and ');
  return { sql: sql || 'true', params };
}

/** The URL query of filters (for links that keep the view). */
export function filterQuery(f: Partial<Filters>, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = f[k];
    if (v !== undefined && v !== '') q.set(k, String(v));
  }
  for (const [d, v] of Object.entries(f.dims ?? {})) q.set(`dim.${d}`, v);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface FilterOptions {
  channels: string[];
  intents: string[];
  teams: string[];
  agents: string[];
  tags: string[];
  priorities: string[];
  /** The most frequent accounts (at most {@link MAX_OPTIONS}; any other can be typed). */
  accounts: string[];
  /** The statuses that occur, in the order of {@link STATUSES}. */
  statuses: string[];
  /** The configured SLA policies in the configuration's order (config_sla_policies), then any other the conversations name. */
  sla_policies: string[];
  /** The CSAT scores (0–100) that occur. */
  csat_scores: number[];
  /** Each configured custom dimension with its values (at most {@link MAX_OPTIONS} each). */
  dims: { name: string; values: string[] }[];
}
/** How many values a filter menu offers at most. */
export const MAX_OPTIONS = 500;

/** The values the filter menus offer (cached until the data change). */
export function filterOptions(db: Warehouse): Promise<FilterOptions> {
  return memo(db, 'filter-options', async () => {
    const [custom, configured] = await Promise.all([customDimensions(db), configuredPolicies(db)]);
    // each custom dimension's values under its own name: the names are configured ones (DIMENSION_NAME), code not input
    const dimSql = custom.map(
      (d) =>
        `union all (select 'dim.${d}', v from (select json_extract_string(metadata, '$.${d}') as v, count(*) as n from conversation_metrics group by 1) where v is not null order by n desc, v limit ${MAX_OPTIONS})`,
    );
    const rows = await db.all<{ dim: string; v: string }>(
      `select 'channel' as dim, channel as v from conversation_metrics where channel is not null group by all
       union all select 'intent', intent from conversation_metrics where intent is not null group by all
       union all select 'team', team from conversation_metrics where team is not null group by all
       union all select 'agent', owner_agent from conversation_metrics where owner_agent is not null group by all
       union all select 'tag', tag from (select distinct unnest(tags) as tag from conversation_metrics) where tag is not null
       union all select 'priority', priority from conversation_metrics where priority is not null group by all
       union all (select 'account', v from (select customer_account as v, count(*) as n from conversation_metrics where customer_account is not null group by 1) order by n desc, v limit ${MAX_OPTIONS})
       union all select 'status', status from conversation_metrics where status is not null group by all
       union all select 'sla_policy', sla_policy from conversation_metrics where sla_policy is not null group by all
       union all select 'csat_score', csat_score::varchar from conversation_metrics where csat_score is not null group by all
       ${dimSql.join('\n')}`,
    );
    const of = (dim: string) =>
      rows
        .filter((r) => r.dim === dim)
        .map((r) => r.v)
        .sort((a, b) => a.localeCompare(b));
    return {
      channels: of('channel'),
      intents: of('intent'),
      teams: of('team'),
      agents: of('agent'),
      tags: of('tag'),
      priorities: of('priority'),
      accounts: of('account'),
      statuses: STATUSES.filter((st) => rows.some((r) => r.dim === 'status' && r.v === st)),
      sla_policies: [...new Set([...configured, ...of('sla_policy')])],
      csat_scores: of('csat_score')
        .map(Number)
        .sort((a, b) => a - b),
      dims: custom.map((name) => ({ name, values: of(`dim.${name}`) })),
    };
  });
}

/** The SLA policies' names in the configuration's order (config_sla_policies, written by the build; none before one). */
async function configuredPolicies(db: Warehouse): Promise<string[]> {
  return (await tableExists(db, 'config_sla_policies')) ? (await db.all<{ name: string }>('select name from config_sla_policies order by ord')).map((r) => r.name) : [];
}

/** The filters as an agent may use them: always their own conversations (`ownAgent`), whatever the URL says. */
export function ownFilters(filters: Filters, ownAgent: string | undefined): Filters {
  return ownAgent === undefined ? filters : { ...filters, agent: ownAgent };
}

/** The filter choices an agent sees: no other agent's id. */
export function ownOptions(options: FilterOptions, ownAgent: string | undefined): FilterOptions {
  return ownAgent === undefined ? options : { ...options, agents: options.agents.filter((a) => a === ownAgent) };
}
