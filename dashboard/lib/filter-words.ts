/**
 * The filters of a view besides its date range, month and text search, in
 * words, each with the URL key that sets it: for the pages that say which
 * filters they apply (the server's `filterWords`, server/filters.ts) and for
 * the filter bar's list of chosen filters, each removable (FilterBar.svelte).
 * Plain code without the server's modules, so the browser can run it too.
 *
 * @example
 *   appliedFilters({ channel: 'email', csat_score: 75, dims: { plan: 'pro' } });
 *   // [{ key: 'channel', text: 'channel email' }, { key: 'csat_score', text: 'CSAT score 75' }, { key: 'dim.plan', text: 'plan pro' }]
 */

/** The filter values this reads (server/filters.ts `Filters` has them all). */
export interface FilterValues {
  channel?: string | undefined;
  intent?: string | undefined;
  team?: string | undefined;
  agent?: string | undefined;
  tag?: string | undefined;
  priority?: string | undefined;
  account?: string | undefined;
  status?: string | undefined;
  csat?: string | undefined;
  csat_score?: number | undefined;
  sla?: string | undefined;
  sla_policy?: string | undefined;
  dims?: Record<string, string> | undefined;
}

export interface AppliedFilter {
  /** The URL key that sets it (`dim.NAME` for a custom dimension). */
  key: string;
  text: string;
}

/** The filters set in `f`, in words, in the order the pages name them. */
export function appliedFilters(f: FilterValues): AppliedFilter[] {
  const out: AppliedFilter[] = [];
  for (const k of ['channel', 'intent', 'team', 'agent', 'tag', 'priority', 'account', 'status'] as const) if (f[k]) out.push({ key: k, text: `${k} ${f[k]}` });
  if (f.csat) out.push({ key: 'csat', text: `CSAT ${f.csat}` });
  if (f.csat_score !== undefined) out.push({ key: 'csat_score', text: `CSAT score ${f.csat_score}` });
  if (f.sla) out.push({ key: 'sla', text: `SLA ${f.sla}` });
  if (f.sla_policy) out.push({ key: 'sla_policy', text: `SLA policy ${f.sla_policy}` });
  for (const [d, v] of Object.entries(f.dims ?? {})) out.push({ key: `dim.${d}`, text: `${d} ${v}` });
  return out;
}
