/**
 * The dashboard's filters (date range, channel, intent, team, agent, month)
 * live in the URL; this reads them with zod and turns them into a where
 * clause whose values are parameters only — no filter text reaches SQL.
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

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(s)));
const value = z.string().min(1).max(200);

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
}

export interface Where {
  sql: string;
  params: unknown[];
}

export const DEFAULT_DAYS = 90;
export const FILTER_KEYS = ['from', 'to', 'channel', 'intent', 'team', 'agent', 'month'] as const;

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

/** The filters of a URL; the date range defaults to the last 90 days of data. */
export async function readFilters(db: Warehouse, url: URL): Promise<Filters> {
  const raw = Object.fromEntries(FILTER_KEYS.map((k) => [k, url.searchParams.get(k) || undefined]));
  const f = schema.parse(raw);
  const { last } = await dataDays(db);
  const to = f.to ?? last;
  let from = f.from ?? addDays(to, -(DEFAULT_DAYS - 1));
  if (from > to) from = to;
  return { ...f, from, to };
}

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
  return numbered(parts, options.start ?? 1);
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
    if (v) q.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface FilterOptions {
  channels: string[];
  intents: string[];
  teams: string[];
  agents: string[];
}
/** The values the filter menus offer (cached until the data change). */
export function filterOptions(db: Warehouse): Promise<FilterOptions> {
  return memo(db, 'filter-options', () =>
    db
      .all<{ dim: string; v: string }>(
        `select 'channel' as dim, channel as v from conversation_metrics where channel is not null group by all
       union all select 'intent', intent from conversation_metrics where intent is not null group by all
       union all select 'team', team from conversation_metrics where team is not null group by all
       union all select 'agent', owner_agent from conversation_metrics where owner_agent is not null group by all
       order by 1, 2`,
      )
      .then((rows) => ({
        channels: rows.filter((r) => r.dim === 'channel').map((r) => r.v),
        intents: rows.filter((r) => r.dim === 'intent').map((r) => r.v),
        teams: rows.filter((r) => r.dim === 'team').map((r) => r.v),
        agents: rows.filter((r) => r.dim === 'agent').map((r) => r.v),
      })),
  );
}

/** The filters as an agent may use them: always their own conversations (`ownAgent`), whatever the URL says. */
export function ownFilters(filters: Filters, ownAgent: string | undefined): Filters {
  return ownAgent === undefined ? filters : { ...filters, agent: ownAgent };
}

/** The filter choices an agent sees: no other agent's id. */
export function ownOptions(options: FilterOptions, ownAgent: string | undefined): FilterOptions {
  return ownAgent === undefined ? options : { ...options, agents: options.agents.filter((a) => a === ownAgent) };
}
