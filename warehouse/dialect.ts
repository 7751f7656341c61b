/**
 * The project's own Kysely dialect over `@duckdb/node-api`.
 *
 * DuckDB speaks PostgreSQL's flavour closely enough that Kysely's Postgres
 * query compiler (double-quoted identifiers, `$1` parameters) and adapter
 * serve as they are; only the driver is ours. It runs every query on the
 * warehouse's single connection, one at a time.
 *
 * @example
 *   const db = createKysely<Tables>(warehouse);
 *   const rows = await db.selectFrom('load_log').select(['file', 'loaded']).execute();
 */
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Warehouse } from './connection.js';

export class DuckDBDialect implements Dialect {
  constructor(private readonly warehouse: Warehouse) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new DuckDBDriver(this.warehouse);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}

class DuckDBDriver implements Driver {
  // A single-connection pool: the next acquire waits for the previous release.
  private held: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;
  private readonly connection: DatabaseConnection;

  constructor(private readonly warehouse: Warehouse) {
    this.connection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        // on the main connection: a Kysely transaction's statements must share one connection
        const rows = await this.warehouse.exclusive(() => this.warehouse.all(query.sql, query.parameters));
        // DuckDB answers a write without RETURNING with one row { Count: n }:
        // Kysely reads that as numAffectedRows (numUpdatedRows, numDeletedRows, ...).
        if (isWriteWithoutReturning(query)) {
          const count = rows[0]?.['Count'];
          return { rows: [], numAffectedRows: BigInt(typeof count === 'number' || typeof count === 'bigint' ? count : 0) };
        }
        return { rows: rows as R[] };
      },
      streamQuery: async function* <R>(): AsyncIterableIterator<QueryResult<R>> {
        throw new Error('streaming queries are not supported by the DuckDB dialect');
      },
    };
  }

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.held;
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.release = release;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('begin transaction'));
  }

  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection() {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async destroy() {}
}

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

function isWriteWithoutReturning(query: CompiledQuery): boolean {
  const node = query.query as { kind: string; returning?: unknown };
  return WRITES.has(node.kind) && !node.returning;
}

/** A typed Kysely over the warehouse. Closing the warehouse is the caller's job. */
export function createKysely<DB>(warehouse: Warehouse): Kysely<DB> {
  return new Kysely<DB>({ dialect: new DuckDBDialect(warehouse) });
}
