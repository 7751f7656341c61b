/**
 * Positional parameters for the SQL that stays hand-written (mart filters of
 * the dashboard and of sampling, notebooks' named parameters): the one way a
 * value becomes a `$n` placeholder. Queries of the application tables are
 * written with Kysely instead (tables.ts), which binds its own.
 *
 * @example
 *   const params: unknown[] = [];
 *   const bind = binder(params);
 *   const where = `team = ${bind('billing')} and month = ${bind('2026-10')}`;
 *   // where: 'team = $1 and month = $2', params: ['billing', '2026-10']
 */

/**
 * A function that appends a value to `params` and returns its placeholder.
 * `offset` counts parameters bound before `params[0]` (a fragment numbered
 * after another's).
 */
export function binder(params: unknown[], offset = 0): (value: unknown) => string {
  return (value) => `$${params.push(value) + offset}`;
}
