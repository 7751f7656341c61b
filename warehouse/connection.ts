/**
 * Opening the warehouse: one DuckDB file, held by one process at a time.
 *
 * The path comes from `--db PATH`, else `PARLEY_DB`, else `./parley.duckdb`.
 * A file held by another process is reported in one line
 * ({@link WarehouseLockedError}); nothing waits and nothing is corrupted.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { ident, sqlString } from './sql-literal.js';

export const DEFAULT_DB = './parley.duckdb';

/** A row as the warehouse returns it: BIGINTs that fit become numbers, timestamps are Dates. */
export type Row = Record<string, unknown>;
export type Params = readonly unknown[];

export class WarehouseLockedError extends Error {
  constructor(
    readonly dbPath: string,
    readonly pid: number | undefined,
  ) {
    super(
      `the warehouse ${dbPath} is in use by another process${pid ? ` (PID ${pid})` : ''}, ` +
        `such as a parley command still running (a running \`parley serve\` would have taken the command): let it finish, or pass --db PATH to use another file`,
    );
    this.name = 'WarehouseLockedError';
  }
}

/** Whether `error` is DuckDB's for a query that ran out of its `memory_limit` (its first line says so). */
export function isOutOfMemory(error: unknown): boolean {
  return /Out of Memory/i.test((error as Error).message?.split('\n')[0] ?? '');
}

/** A connection of {@link Warehouse.extraConnection}: one statement at a time, no results. */
export interface ExtraConnection {
  /** Runs a statement (or several separated by `;`). */
  run(sql: string): Promise<void>;
  close(): void;
}

export interface Warehouse {
  readonly path: string;
  /** Runs a statement (or several separated by `;`) and discards the result. */
  run(sql: string, params?: Params): Promise<void>;
  /** Runs a query and returns its rows as plain objects. */
  all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  /** The first row of a query, or undefined. */
  one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined>;
  /** Runs `fn` inside BEGIN … COMMIT; any error rolls the whole of it back. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs a write to a table that no cached read depends on (sign-in
   * bookkeeping: login_attempts, sessions), like {@link Warehouse.run} but
   * leaving the data generation as it is, so the dashboard's caches survive
   * it: a sign-in flood does not make every page cold again.
   */
  runKeepingCaches(sql: string, params?: Params): Promise<void>;
  /** The underlying connection, for the appender. Use only inside {@link Warehouse.exclusive}. */
  readonly connection: DuckDBConnection;
  /**
   * Runs `fn` while no other query of this warehouse object runs. `readOnly`:
   * `fn` only reads (a checked query on the main connection), so the data
   * generation stays as it is and the dashboard's caches survive it.
   */
  exclusive<T>(fn: () => Promise<T>, readOnly?: boolean): Promise<T>;
  /**
   * A further connection to the same database (time zone UTC, as every
   * connection of this object), outside this object's queue: a full build
   * runs independent models on it beside the main connection
   * (models/build.ts). The caller closes it, before {@link Warehouse.rewrite}
   * or {@link Warehouse.close}.
   */
  extraConnection(): Promise<ExtraConnection>;
  /**
   * The data generation: a number that grows each time the main connection
   * may have committed a change (after every exclusive section: a statement
   * run outside a transaction, a write, a whole transaction). Reader
   * connections never change it. Caches of query results include it in their
   * keys, so a build, a load or a saved review drops them.
   */
  generation(): number;
  /**
   * Writes the warehouse anew: every table and view is copied into a fresh
   * file, which then takes the old file's place, so that rows deleted before
   * are in no byte of it (DuckDB reuses the blocks of deleted rows but does
   * not wipe them; `parley erase` needs them gone). Runs when every query of
   * this object has finished, holds new ones meanwhile, and opens the reader
   * connections again on the new file. Nothing happens for `:memory:`.
   *
   * @example
   *   await db.run("delete from raw_messages where author_id = 'ada@example.com'");
   *   await db.rewrite();
   */
  rewrite(): Promise<void>;
  /**
   * True when the file had a write-ahead log when it was opened: the last
   * process to write it did not close it (it was killed, or crashed), and
   * DuckDB replayed the log (see warehouse/repair.ts).
   */
  readonly replayedWal: boolean;
  close(): void;
}

/** Resolves the warehouse path from a flag value and the environment. */
export function resolveDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env['PARLEY_DB'] ?? DEFAULT_DB;
}

export interface OpenOptions {
  /**
   * Extra connections for reads made outside a transaction, so that a server
   * answers several requests at once (default 0: every query on one
   * connection). Writes and transactions always use the main connection.
   */
  readers?: number;
}

/**
 * Opens (creating when absent) the warehouse file.
 *
 * @example
 *   const db = await openWarehouse('./parley.duckdb');
 *   const [{ n }] = await db.all('select count(*) as n from raw_conversations');
 *   db.close();
 */
export async function openWarehouse(dbPath: string, options: OpenOptions = {}): Promise<Warehouse> {
  const file = dbPath === ':memory:' ? dbPath : path.resolve(dbPath);
  const replayedWal = dbPath !== ':memory:' && existsSync(`${file}.wal`);
  const open = async (): Promise<Opened> => {
    const instance = await createInstance(dbPath, file);
    const connect = () => connectTo(instance);
    const connection = await connect();
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < (options.readers ?? 0); i++) readers.push(await connect());
    return { instance, connection, readers };
  };
  return wrap(file, await open(), open, replayedWal);
}

/** A connection of `instance` as this module makes every one: its time zone UTC. */
async function connectTo(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const c = await instance.connect();
  await c.run("set TimeZone = 'UTC'");
  return c;
}

interface Opened {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  readers: DuckDBConnection[];
}

async function createInstance(dbPath: string, file: string): Promise<DuckDBInstance> {
  try {
    // DuckDB gets an absolute path: it finds its WAL and temp files by this path later, and a
    // server changes its working directory while it runs a command for another process.
    return await DuckDBInstance.create(file, {
      autoinstall_known_extensions: 'false',
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Could not set lock on file/.test(message)) {
      const pid = /PID (\d+)/.exec(message)?.[1];
      throw new WarehouseLockedError(dbPath, pid ? Number(pid) : undefined);
    }
    throw new Error(`cannot open the warehouse ${dbPath}: ${firstLine(message)}`);
  }
}

/** A connection with its own queue: one query at a time on it. */
interface Lane {
  connection: DuckDBConnection;
  queue: Promise<unknown>;
  waiting: number;
  /** Its prepared statements of parameterised reads, by SQL text, least recently used first. */
  statements: Map<string, DuckDBPreparedStatement>;
  /** The data generation they were prepared in: a later one drops them (a build's replaced tables are not held by old plans). */
  generation: number;
}

/**
 * How many prepared reads a reader connection keeps. A read with parameters
 * was prepared (parsed, bound, planned) anew each time: for a dashboard
 * query of a few dozen aggregates that is 1–5 CPU ms of the 3–30 it costs,
 * paid again by every date range asked for the first time (the same text,
 * other parameters). They are kept for one data generation (a build, a load,
 * a write drops them, as it drops the dashboard's cached results); DuckDB
 * would also bind a kept statement again by itself when the catalog changed
 * since it was prepared.
 */
const PREPARED_PER_READER = 256;

/** The lane's prepared statement of `sql` (kept, or prepared now); undefined when it cannot be prepared alone (several statements). */
async function preparedOn(lane: Lane, sql: string): Promise<DuckDBPreparedStatement | undefined> {
  const kept = lane.statements.get(sql);
  if (kept) {
    lane.statements.delete(sql);
    lane.statements.set(sql, kept);
    return kept;
  }
  let statement: DuckDBPreparedStatement;
  try {
    statement = await lane.connection.prepare(sql);
  } catch {
    return undefined;
  }
  lane.statements.set(sql, statement);
  if (lane.statements.size > PREPARED_PER_READER) {
    const [oldest, old] = lane.statements.entries().next().value!;
    lane.statements.delete(oldest);
    old.destroySync();
  }
  return statement;
}

/** Drops a lane's prepared statements (its connection is closed or replaced). */
function forgetStatements(lane: Lane): void {
  for (const s of lane.statements.values()) s.destroySync();
  lane.statements.clear();
}

function wrap(dbPath: string, opened: Opened, open: () => Promise<Opened>, replayedWal: boolean): Warehouse {
  let { instance, connection, readers } = opened;
  // One connection, one query at a time: a promise chain serialises callers.
  // Calls made from inside an exclusive section (a transaction) run at once;
  // AsyncLocalStorage tells them apart from concurrent callers, who wait.
  let queue: Promise<unknown> = Promise.resolve();
  const inside = new AsyncLocalStorage<true>();
  // bumped when a section ends (committed or not: a failed one changes nothing, and
  // dropping caches once too often is harmless), so a reader that starts after the
  // bump sees the committed data under the new number
  let generation = 0;
  const exclusive = <T>(fn: () => Promise<T>, keepCaches = false): Promise<T> => {
    if (inside.getStore()) return fn();
    const next = queue.then(() => inside.run(true, fn)).finally(() => void (keepCaches || generation++));
    queue = next.catch(() => undefined);
    return next;
  };
  const read = async <T extends Row>(on: DuckDBConnection, sql: string, params?: Params) => {
    const reader = await on.runAndReadAll(sql, toValues(params));
    return reader.getRowObjectsJS().map((row) => normaliseRow(row) as T);
  };
  // a reader's parameterised reads run its kept prepared statements (one query at a time on a lane: never two at once)
  const readOn = async <T extends Row>(lane: Lane, sql: string, params?: Params) => {
    const values = toValues(params);
    if (lane.generation !== generation) {
      forgetStatements(lane);
      lane.generation = generation;
    }
    const statement = values ? await preparedOn(lane, sql) : undefined;
    if (!statement) return read<T>(lane.connection, sql, params);
    statement.bind(values!);
    const reader = await statement.runAndReadAll();
    return reader.getRowObjectsJS().map((row) => normaliseRow(row) as T);
  };
  // reads outside a transaction go to the reader connection with the shortest queue
  const lanes: Lane[] = readers.map((c) => ({ connection: c, queue: Promise.resolve(), waiting: 0, statements: new Map(), generation }));
  const all = <T extends Row>(sql: string, params?: Params): Promise<T[]> => {
    if (lanes.length === 0 || inside.getStore()) return exclusive(() => read<T>(connection, sql, params));
    const lane = lanes.reduce((a, b) => (b.waiting < a.waiting ? b : a));
    lane.waiting++;
    const next = lane.queue.then(() => readOn<T>(lane, sql, params)).finally(() => lane.waiting--);
    lane.queue = next.catch(() => undefined);
    return next;
  };
  const rewrite = () =>
    exclusive(async () => {
      if (dbPath === ':memory:') return;
      // the readers finish what they were given; what they are given meanwhile waits for the new file
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const before = lanes.map((lane) => {
        const queued = lane.queue;
        lane.queue = queued.then(() => gate);
        return queued;
      });
      try {
        await Promise.all(before);
        const fresh = `${dbPath}.rewrite`;
        for (const f of [fresh, `${fresh}.wal`]) rmSync(f, { force: true });
        const name = String((await read<{ name: string }>(connection, 'select current_database() as name'))[0]!.name);
        await connection.run(`attach ${sqlString(fresh)} as parley_rewrite`);
        try {
          await connection.run(`copy from database ${ident(name)} to parley_rewrite`);
        } catch (error) {
          await connection.run('detach parley_rewrite').catch(() => undefined);
          for (const f of [fresh, `${fresh}.wal`]) rmSync(f, { force: true });
          throw error;
        }
        await connection.run('checkpoint parley_rewrite');
        await connection.run('detach parley_rewrite');
        lanes.forEach(forgetStatements);
        for (const r of readers) r.closeSync();
        connection.closeSync();
        instance.closeSync();
        // closing checkpointed the old file: a WAL left beside it belongs to the old file and
        // must not be replayed onto the new one (what it held is in the copy)
        rmSync(`${dbPath}.wal`, { force: true });
        renameSync(fresh, dbPath);
        if (existsSync(`${fresh}.wal`)) renameSync(`${fresh}.wal`, `${dbPath}.wal`);
        ({ instance, connection, readers } = await open());
        lanes.forEach((lane, i) => (lane.connection = readers[i]!));
      } finally {
        release();
      }
    });
  return {
    path: dbPath,
    get connection() {
      return connection;
    },
    exclusive,
    rewrite,
    async extraConnection() {
      const c = await connectTo(instance);
      return { run: async (sql: string) => void (await c.run(sql)), close: () => c.closeSync() };
    },
    generation: () => generation,
    replayedWal,
    all,
    async one<T extends Row>(sql: string, params?: Params) {
      return (await all<T>(sql, params))[0];
    },
    run: (sql, params) =>
      exclusive(async () => {
        await connection.run(sql, toValues(params));
      }),
    runKeepingCaches: (sql, params) =>
      exclusive(async () => {
        await connection.run(sql, toValues(params));
      }, true),
    transaction: <T>(fn: () => Promise<T>) =>
      exclusive(async () => {
        await connection.run('begin transaction');
        try {
          const result = await fn();
          await connection.run('commit');
          return result;
        } catch (error) {
          await connection.run('rollback').catch(() => undefined);
          throw error;
        }
      }),
    close() {
      lanes.forEach(forgetStatements);
      for (const r of readers) r.closeSync();
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function toValues(params?: Params): DuckDBValue[] | undefined {
  if (!params || params.length === 0) return undefined;
  return params.map((p) => {
    if (p === undefined) return null;
    if (p instanceof Date) return p.toISOString();
    if (typeof p === 'boolean' || typeof p === 'number' || typeof p === 'string' || typeof p === 'bigint' || p === null) return p;
    return JSON.stringify(p);
  });
}

/** BIGINT counts become numbers when they fit, so callers see plain JSON-like values. */
export function normaliseValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  }
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return normaliseRow(value as Row);
  }
  return value;
}

function normaliseRow(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = normaliseValue(v);
  return out;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
