/**
 * Notebook parameters: their values from defaults and the caller, checked
 * against their type, plus the months derived from a month parameter
 * (`<name>_previous`, `<name>_year_ago`) that queries may also use.
 *
 * @example
 *   await resolveParams(db, notebook, { month: '2026-10' });
 *   // { values: { month: '2026-10', month_previous: '2026-09', month_year_ago: '2025-10' }, problems: [] }
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import type { Notebook, ParamSpec, ParamType } from './parse.js';

export type ParamValues = Record<string, string | null>;

/** The conversation_metrics column behind each dimension parameter type. */
const COLUMN: Partial<Record<ParamType, string>> = {
  month: 'month',
  team: 'team',
  channel: 'channel',
  intent: 'intent',
  agent: 'owner_agent',
};

/** 'YYYY-MM' shifted by `delta` months. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The names a notebook's queries may use: every parameter and the derived months. */
export function knownNames(params: readonly ParamSpec[]): string[] {
  return params.flatMap((p) => (p.type === 'month' ? [p.name, `${p.name}_previous`, `${p.name}_year_ago`] : [p.name]));
}

/**
 * The values each parameter can take in this warehouse, newest month first,
 * for form controls (a `text` parameter has none).
 *
 * @example
 *   await paramChoices(db, notebook) // { month: ['2026-11', '2026-10', …], team: ['billing', 'general', …] }
 */
export async function paramChoices(db: Warehouse, notebook: Pick<Notebook, 'params'>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const ready = await tableExists(db, 'conversation_metrics');
  for (const p of notebook.params) {
    const column = COLUMN[p.type];
    if (!column || !ready) {
      out[p.name] = [];
      continue;
    }
    const order = p.type === 'month' ? 'desc' : 'asc';
    const rows = await db.all<{ v: string }>(`select distinct ${column} as v from conversation_metrics where ${column} is not null order by 1 ${order}`);
    out[p.name] = rows.map((r) => String(r.v));
  }
  return out;
}

/**
 * `latest` for a month: the latest complete month with data — the newest
 * month with conversations that ended before `now`, read in the configured
 * time zone (the one the models give months in). On 1 December with data
 * through 30 November that is November; on 30 November, October. When no
 * month with data has ended, the month in progress.
 */
export async function latestCompleteMonth(db: Warehouse, now: Date): Promise<string | null> {
  const zone = (await tableExists(db, 'config_settings')) ? ((await db.one<{ timezone: string }>('select timezone from config_settings limit 1'))?.timezone ?? 'UTC') : 'UTC';
  const row = await db.one<{ complete: string | null; current: string | null; newest: string | null }>(
    `with t as (select strftime(timezone($1, $2::timestamptz), '%Y-%m') as this_month)
     select max(month) filter (where month < this_month) as complete, max(month) filter (where month = this_month) as current, max(month) as newest
     from conversation_metrics, t where month is not null`,
    [zone, now.toISOString()],
  );
  return row?.complete ?? row?.current ?? row?.newest ?? null;
}

async function defaultValue(db: Warehouse, p: ParamSpec, ready: boolean, now: Date): Promise<string | null> {
  const d = p.default ?? null;
  const column = COLUMN[p.type];
  if (d === 'latest' && p.type === 'month') {
    if (!ready) return null;
    return latestCompleteMonth(db, now);
  }
  if (d === 'largest' && column) {
    if (!ready) return null;
    const row = await db.one<{ v: string }>(`select ${column} as v from conversation_metrics where ${column} is not null group by 1 order by count(*) desc, 1 limit 1`);
    return row?.v ?? null;
  }
  return d;
}

/** Checks one value against its parameter's type; returns a problem or undefined. */
export function checkValue(p: ParamSpec, value: string): string | undefined {
  if (p.type === 'month' && !/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) return `parameter ${p.name}: "${value}" is not a month: write YYYY-MM, e.g. 2026-10`;
  if (value.length > 200) return `parameter ${p.name}: the value is longer than 200 characters`;
  return undefined;
}

/**
 * Every parameter's value: the caller's where given, else the default.
 * Problems (an undeclared name, a malformed month) are reported and the
 * default is used instead, so a report still renders.
 */
export async function resolveParams(
  db: Warehouse,
  notebook: Pick<Notebook, 'params'>,
  given: Readonly<Record<string, string>> = {},
  now = new Date(),
): Promise<{ values: ParamValues; problems: string[] }> {
  const problems: string[] = [];
  const declared = new Map(notebook.params.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const list = notebook.params.map((p) => p.name).join(', ') || 'none';
      problems.push(`unknown parameter "${name}": this notebook's parameters are ${list}`);
    }
  }
  // whether the marts are built matters for a default only: a report whose values are all given asks no query
  let ready: Promise<boolean> | undefined;
  const values: ParamValues = {};
  for (const p of notebook.params) {
    const g = given[p.name];
    const problem = g === undefined || g === '' ? undefined : checkValue(p, g);
    if (problem) problems.push(problem);
    const value = g !== undefined && g !== '' && !problem ? g : await defaultValue(db, p, await (ready ??= tableExists(db, 'conversation_metrics')), now);
    values[p.name] = value;
    if (p.type === 'month') {
      values[`${p.name}_previous`] = value ? shiftMonth(value, -1) : null;
      values[`${p.name}_year_ago`] = value ? shiftMonth(value, -12) : null;
    }
  }
  return { values, problems };
}
