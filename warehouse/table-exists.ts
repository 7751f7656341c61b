/**
 * Which tables the warehouse holds: the question every layer asks before it
 * reads what a later step makes ("are the models built?", "are the insights
 * there?"). Tables, temp tables and views all count; one catalog query each.
 *
 * @example
 *   await tableExists(db, 'conversation_metrics')                  // false until `parley build`
 *   await tableExists(db, 'insight_topics', 'insight_emerging')    // true only when both exist
 *   await tableType(db, 'stg_messages')                            // 'VIEW'
 */
import type { Warehouse } from './connection.js';

/** What the helpers need of a warehouse: its reads (the dashboard passes a cached one). */
export type TableReader = Pick<Warehouse, 'all'>;

/**
 * True when every one of `names` is a table or view of the warehouse.
 *
 * @example
 *   if (!(await tableExists(db, 'conversation_metrics'))) throw new Error('run `parley build` first');
 */
export async function tableExists(db: TableReader, ...names: string[]): Promise<boolean> {
  const wanted = [...new Set(names)];
  const [row] = await db.all<{ n: number }>(
    "select count(distinct table_name) as n from information_schema.tables where table_schema = 'main' and list_contains(cast($1 as json)::varchar[], table_name)",
    [JSON.stringify(wanted)],
  );
  return (row?.n ?? 0) === wanted.length;
}

/**
 * The names of every table and view of the warehouse, for a caller that asks about many.
 *
 * @example
 *   const tables = await tableNames(db);
 *   block.requires.filter((t) => !tables.has(t)) // the missing ones
 */
export async function tableNames(db: TableReader): Promise<Set<string>> {
  const rows = await db.all<{ name: string }>("select distinct table_name as name from information_schema.tables where table_schema = 'main'");
  return new Set(rows.map((r) => r.name));
}

/**
 * What each table and view of the warehouse is, 'BASE TABLE' or 'VIEW', for a
 * caller that asks about many (temporary tables left out).
 *
 * @example
 *   const kinds = await tableTypes(db);
 *   if (kinds.get('x') === 'VIEW') await db.run('drop view x');
 */
export async function tableTypes(db: TableReader): Promise<Map<string, string>> {
  const rows = await db.all<{ name: string; table_type: string }>(
    "select table_name as name, table_type from information_schema.tables where table_schema = 'main' and table_type <> 'LOCAL TEMPORARY'",
  );
  return new Map(rows.map((r) => [r.name, r.table_type]));
}

/**
 * What `name` is: 'BASE TABLE', 'LOCAL TEMPORARY' or 'VIEW'; undefined when there is no such table.
 *
 * @example
 *   const kind = await tableType(db, m.name);
 *   if (kind) await db.run(`drop ${kind === 'VIEW' ? 'view' : 'table'} ${m.name}`);
 */
export async function tableType(db: TableReader, name: string): Promise<string | undefined> {
  const [row] = await db.all<{ table_type: string }>("select table_type from information_schema.tables where table_schema = 'main' and table_name = $1", [name]);
  return row?.table_type;
}
