/**
 * Running one notebook query: a single read-only statement (SELECT, WITH …
 * SELECT, FROM …) with bound values, returning its rows and column names.
 * Anything else — two statements, an INSERT, a DROP, a COPY … TO, an ATTACH —
 * is refused before it runs, so a notebook can never change the warehouse;
 * and it reads only the warehouse's tables and views, never a file
 * (query-guard.ts).
 *
 * @example
 *   await runQuery(db, 'select month, fcr_rate from metric_summary where month = $1', ['2026-10'])
 *   // { rows: [{ month: '2026-10', fcr_rate: 0.78 }], columns: ['month', 'fcr_rate'] }
 */
import { StatementType, type DuckDBValue } from '@duckdb/node-api';
import { normaliseValue, type Row, type Warehouse } from '../warehouse/connection.js';
import { NOT_A_QUERY, refusal } from './query-guard.js';

export interface QueryResult {
  rows: Row[];
  columns: string[];
}

/** A query that cannot run; its message is one line naming the problem. */
export class QueryError extends Error {
  override name = 'QueryError';
}

function firstLine(message: string): string {
  // DuckDB messages look like "Binder Error: Referenced column "x" not found …\n\nLINE 1: …"
  return message
    .split('\n')[0]!
    .replace(/^Failed to extract statements: /, '')
    .trim();
}

/**
 * Runs one read-only statement with positional values `$1…`, on the main
 * connection (its statements are checked there before they run), leaving the
 * data generation as it is: only a SELECT runs, so a rendered report does not
 * drop the dashboard's cached results.
 */
export async function runQuery(db: Warehouse, sql: string, values: readonly (string | number | boolean | null)[]): Promise<QueryResult> {
  return db.exclusive(async () => {
    let extracted;
    try {
      extracted = await db.connection.extractStatements(sql);
    } catch (error) {
      throw new QueryError(firstLine((error as Error).message));
    }
    if (extracted.count !== 1) throw new QueryError(`a block holds one query, this one holds ${extracted.count} statements`);
    const refused = refusal(await serialize(db, sql), await readable(db));
    if (refused) throw new QueryError(refused);
    let prepared;
    try {
      prepared = await extracted.prepare(0);
    } catch (error) {
      throw new QueryError(firstLine((error as Error).message));
    }
    try {
      if (prepared.statementType !== StatementType.SELECT) {
        throw new QueryError(NOT_A_QUERY);
      }
      if (prepared.parameterCount !== values.length) {
        throw new QueryError(`the query has ${prepared.parameterCount} placeholders but ${values.length} values`);
      }
      if (values.length) prepared.bind(values as DuckDBValue[]);
      const reader = await prepared.runAndReadAll();
      const columns = reader.columnNames();
      const rows = reader.getRowObjectsJS().map((row) => normaliseValue(row) as Row);
      return { rows, columns };
    } catch (error) {
      if (error instanceof QueryError) throw error;
      throw new QueryError(firstLine((error as Error).message));
    } finally {
      prepared.destroySync();
    }
  }, true);
}

/** The query's syntax tree, as DuckDB serializes it (SELECT statements only). */
async function serialize(db: Warehouse, sql: string): Promise<{ error?: boolean; error_message?: string; statements?: unknown[] }> {
  const reader = await db.connection.runAndReadAll('select json_serialize_sql($1::varchar) as tree', [sql]);
  return JSON.parse(String(reader.getRowObjectsJS()[0]!['tree']));
}

/** The warehouse's own tables and views: what a notebook may read. */
async function readable(db: Warehouse): Promise<{ tables: Set<string>; database: string }> {
  const reader = await db.connection.runAndReadAll(
    `select lower(table_name) as name, lower(current_database()) as db from information_schema.tables
     where table_catalog = current_database() and table_schema = 'main'`,
  );
  const rows = reader.getRowObjectsJS() as Array<{ name: string; db: string }>;
  const database = rows[0]?.db ?? (await db.connection.runAndReadAll('select lower(current_database()) as db')).getRowObjectsJS()[0]!['db'];
  return { tables: new Set(rows.map((r) => r.name)), database: String(database) };
}
