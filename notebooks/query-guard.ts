/**
 * What a notebook query may read: the warehouse's own tables and views, and
 * nothing outside it. The query's syntax tree (DuckDB's json_serialize_sql)
 * is checked before the query is prepared: every table it names must be a
 * table or view of the warehouse (or a CTE of the query), and the only table
 * functions allowed are those that make rows from their arguments (`range`,
 * `generate_series`, `unnest`). So `read_text('/etc/hostname')`, `read_csv`,
 * `from 'file.csv'`, `query('…')` and another database's tables are refused,
 * and statements that are not a SELECT (COPY … TO, ATTACH, INSTALL, LOAD,
 * SET, PRAGMA) never reach the warehouse. DuckDB's own switch,
 * `enable_external_access=false`, holds for the whole database and cannot be
 * turned back on, and the process that renders a notebook (parley serve)
 * also loads files: hence a check of the query rather than the setting.
 *
 * @example
 *   refusal(tree, { tables: new Set(['conversation_metrics']), database: 'parley' })
 *   // for "select * from read_text('/etc/hostname')":
 *   // 'read_text(…) reads outside the warehouse: a notebook reads only the warehouse's tables and views'
 */

/** Table functions that only make rows from their arguments. */
const ROW_MAKERS = new Set(['range', 'generate_series', 'unnest']);

export const NOT_A_QUERY = 'only a query (select … / with … select …) can run in a notebook; it never changes the warehouse';
const ONLY_WAREHOUSE = "a notebook reads only the warehouse's tables and views";

export interface Readable {
  /** The warehouse's tables and views (schema main), lower case. */
  tables: ReadonlySet<string>;
  /** The warehouse's database name (`current_database()`), lower case. */
  database: string;
}

interface TableRef {
  type: 'BASE_TABLE' | 'TABLE_FUNCTION';
  catalog_name?: string;
  schema_name?: string;
  table_name?: string;
  function?: { function_name?: string };
}

/** Every table reference and CTE name of a serialized statement. */
function collect(node: unknown, refs: TableRef[], ctes: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, refs, ctes);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o['type'] === 'BASE_TABLE' || o['type'] === 'TABLE_FUNCTION') refs.push(o as unknown as TableRef);
  const cteMap = o['cte_map'] as { map?: Array<{ key?: string }> } | undefined;
  for (const entry of cteMap?.map ?? []) if (entry.key) ctes.add(entry.key.toLowerCase());
  for (const value of Object.values(o)) collect(value, refs, ctes);
}

/**
 * Why the query of `serialized` (json_serialize_sql's answer, parsed) may not
 * run in a notebook, or undefined when it may.
 */
export function refusal(serialized: { error?: boolean; error_message?: string; statements?: unknown[] }, readable: Readable): string | undefined {
  if (serialized.error) {
    // json_serialize_sql serializes SELECT statements only
    return /only select/i.test(serialized.error_message ?? '') ? NOT_A_QUERY : (serialized.error_message ?? 'the query cannot be read');
  }
  const refs: TableRef[] = [];
  const ctes = new Set<string>();
  collect(serialized.statements, refs, ctes);
  for (const ref of refs) {
    if (ref.type === 'TABLE_FUNCTION') {
      const name = (ref.function?.function_name ?? '').toLowerCase();
      if (!ROW_MAKERS.has(name)) return `${name}(…) reads outside the warehouse: ${ONLY_WAREHOUSE}`;
      continue;
    }
    const table = (ref.table_name ?? '').toLowerCase();
    const catalog = (ref.catalog_name ?? '').toLowerCase();
    const schema = (ref.schema_name ?? '').toLowerCase();
    const qualified = [catalog, schema, ref.table_name ?? ''].filter(Boolean).join('.');
    if (!catalog && !schema && ctes.has(table)) continue;
    const ours = (catalog === '' || catalog === readable.database) && (schema === '' || schema === 'main');
    // a plain name that is not a table is left to DuckDB's own "does not exist" (it suggests
    // the name meant); a name with a path or an extension would be read as a file
    const plainName = /^[a-z_][a-z0-9_]*$/.test(table);
    if (!ours || (!readable.tables.has(table) && !plainName)) return `"${qualified}" is not a table of the warehouse: ${ONLY_WAREHOUSE}`;
  }
  return undefined;
}
