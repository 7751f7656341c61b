/**
 * The project's own Kysely dialect over `@duckdb/node-api`.
 *
 * DuckDB speaks PostgreSQL's flavour closely enough that Kysely's Postgres
 * query compiler (double-quoted identifiers, `$1` parameters) and adapter
 * serve as they are; only the driver is ours. Its queries go through the
 * warehouse's own queue: inside `warehouse.transaction(...)` they run in that
 * transaction, on its connection; a Kysely transaction holds the warehouse's
 * main connection until it commits or rolls back.
 *
 * @example
 *   const db = createKysely<Tables>(warehouse);
 *   const rows = await db.selectFrom('load_log').select(['file', 'loaded']).execute();
 */
import { CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type DatabaseConnection, type Dialect, type Driver, type QueryResult } from 'kysely';
import { AsyncResource } from 'node:async_hooks';
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature of Kysely's Dialect
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}

class DuckDBDriver implements Driver {
  constructor(private readonly warehouse: Warehouse) {}

  async init() {}

  // Every acquire gets its own connection object: a query outside a Kysely
  // transaction waits for nothing but the warehouse's own queue, so a Kysely
  // query made inside `warehouse.transaction(...)` runs at once, in that
  // transaction, on its connection.
  async acquireConnection(): Promise<DatabaseConnection> {
    return new WarehouseConnection(this.warehouse);
  }

  async beginTransaction(connection: DatabaseConnection) {
    await (connection as WarehouseConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection) {
    await (connection as WarehouseConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    await (connection as WarehouseConnection).end('rollback');
  }

  async releaseConnection(connection: DatabaseConnection) {
    (connection as WarehouseConnection).release();
  }

  async destroy() {}
}

/**
 * One Kysely connection over the warehouse. Outside a Kysely transaction a
 * select goes where `warehouse.all` sends it (a reader connection when the
 * warehouse has them, the main one inside `warehouse.transaction`) and a write
 * to the main connection. A Kysely transaction holds the warehouse's main
 * connection from begin to commit, so no other caller's statement lands in it.
 */
class WarehouseConnection implements DatabaseConnection {
  private held: Held | undefined;

  constructor(private readonly warehouse: Warehouse) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const w = this.warehouse;
    const read = () => w.all(query.sql, query.parameters);
    const rows = this.held ? await this.held.run(read) : (query.query as { kind?: string } | undefined)?.kind === 'SelectQueryNode' ? await read() : await w.exclusive(read);
    // DuckDB answers a write without RETURNING with one row { Count: n }:
    // Kysely reads that as numAffectedRows (numUpdatedRows, numDeletedRows, ...).
    if (isWriteWithoutReturning(query)) {
      const count = rows[0]?.['Count'];
      return { rows: [], numAffectedRows: BigInt(typeof count === 'number' || typeof count === 'bigint' ? count : 0) };
    }
    return { rows: rows as R[] };
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported by the DuckDB dialect');
  }

  async begin() {
    this.held = await hold(this.warehouse);
    await this.held.run(() => this.warehouse.run('begin transaction'));
  }

  async end(statement: 'commit' | 'rollback') {
    try {
      await this.held?.run(() => this.warehouse.run(statement));
    } finally {
      this.release();
    }
  }

  release() {
    this.held?.release();
    this.held = undefined;
  }
}

interface Held {
  /** Runs `fn` inside the held section (on the main connection, without queueing). */
  run<T>(fn: () => Promise<T>): Promise<T>;
  release(): void;
}

/** Enters `warehouse.exclusive` and stays there until released. */
function hold(warehouse: Warehouse): Promise<Held> {
  return new Promise<Held>((entered, failed) => {
    warehouse
      .exclusive(
        () =>
          new Promise<void>((release) => {
            // bound to the exclusive section's async context: calls made through it count as inside
            const inside = AsyncResource.bind(<T>(fn: () => Promise<T>) => fn());
            entered({ run: (fn) => inside(fn), release: () => release() });
          }),
      )
      .catch(failed);
  });
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
