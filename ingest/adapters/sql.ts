/**
 * Small SQL helpers shared by the adapters: quoting (`warehouse/sql-literal.ts`), canonical timestamps,
 * the JSON clean-up that leaves out null fields, and dropping staged tables.
 *
 * @example
 *   isoSql('t.created')   // strftime(timezone('UTC', (t.created)::timestamptz), '%Y-%m-%dT%H:%M:%SZ')
 */

import type { Warehouse } from '../../warehouse/connection.js';

export { ident, sqlEscape, sqlString } from '../../warehouse/sql-literal.js';

/** A timestamp (or timestamptz) expression as a canonical UTC timestamp string. */
export const isoSql = (expr: string) => `strftime(timezone('UTC', (${expr})::timestamptz), '%Y-%m-%dT%H:%M:%SZ')`;

/**
 * A JSON value (from json_object/to_json) as text without its null fields,
 * so that optional fields are absent rather than null. Every object the
 * adapters build starts with a field that is never null, so the pattern
 * only ever has to remove `,"key":null`; escaped quotes inside strings
 * (`\"`) cannot match it.
 */
export const withoutNulls = (json: string) => `regexp_replace((${json})::varchar, ',"[A-Za-z_]+":null', '', 'g')`;

/** Lowercase word for a channel or status text ("Self service" → "self_service"). */
export const wordSql = (expr: string) => `nullif(regexp_replace(lower(trim(${expr})), '[^a-z0-9]+', '_', 'g'), '')`;

/** Drops the named temp tables, if they exist. */
export async function dropTables(db: Warehouse, tables: readonly string[]): Promise<void> {
  for (const t of tables) await db.run(`drop table if exists ${t}`);
}

/** Why DuckDB refused something, in one line (its first line, without the `Binder Error: ` kind). */
export function duckdbComplaint(error: unknown): string {
  return (error as Error).message
    .split('\n')[0]!
    .replace(/^[A-Za-z ]+Error: /, '')
    .trim();
}

/**
 * A conversation's `metadata`: the platform's custom fields (`custom`, a JSON
 * object or null) with the adapter's own keys (`base`, a JSON object) over
 * them, so `platform` and `status` always read the same. Null values are dropped.
 *
 * @example
 *   metadataSql("json_object('platform', 'chatwoot')", 'c.custom_attributes')
 */
export const metadataSql = (base: string, custom: string) => `json_merge_patch(case when json_type(${custom}) = 'OBJECT' then ${custom} else '{}'::json end, ${base})`;
