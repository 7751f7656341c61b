/**
 * The server side of "one owner, every command": `parley serve` takes the CLI
 * commands of other processes on a loopback port and runs each on the
 * warehouse it already holds, streaming the command's stdout and stderr back
 * as they are written (see protocol.ts for the wire format).
 *
 * - Commands run one at a time, in the order they arrive; dashboard reads go
 *   on meanwhile on the warehouse's reader connections.
 * - A command runs with the caller's working directory (process.chdir, undone
 *   afterwards), environment and terminal flags, so relative paths, defaults
 *   such as ./parley.config.yaml and progress lines behave as they would in
 *   the caller's own process. The dashboard uses absolute paths only.
 * - It sees the warehouse as a command that opened the file alone would
 *   (every query on the main connection, one at a time) and cannot close it.
 *   A build, a load or an insights build is one transaction there: pages read
 *   on the reader connections meanwhile, and see the old data until it
 *   commits. DuckDB's threads and memory_limit are the command's while it
 *   runs and put back after it.
 *
 * @example
 *   const service = await serveCommands(db, main);     // main: cli/main.ts
 *   // … `parley sql "select 1"` in another shell now runs here …
 *   await service.close();                             // also removes the discovery file
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Params, Row, Warehouse } from '../warehouse/connection.js';
import { sqlString } from '../warehouse/sql-literal.js';
import { newToken, removeDiscovery, writeDiscovery } from './discovery.js';
import { oneAtATime, type Queue } from './queue.js';
import { COMMAND_PATH, HeadSchema, MAX_HEAD_BYTES, NONCE_HEADER, PROOF_HEADER, bearer, encodeFrame, proof, secretsEqual, type Frame, type Head } from './protocol.js';

/** What a forwarded command gets as its Io (cli/command.ts `Io` accepts it). */
export interface ServedIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  in: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** The caller's fixed clock, when it sent one. */
  now?: Date;
  /** The server's warehouse: commands use it instead of opening the file. */
  warehouse: Warehouse;
}

/** Runs one command line; resolves to its exit status (cli/main.ts `main`). */
export type Runner = (argv: string[], io: ServedIo) => Promise<number>;

export interface CommandService {
  port: number;
  token: string;
  /** The one-at-a-time queue the commands run in (scheduled jobs run in it too). */
  queue: Queue;
  close(): Promise<void>;
}

/**
 * The warehouse as a forwarded command sees it: reads outside a transaction go
 * to the main connection one at a time, as when the command opens the file
 * itself (so session state such as temporary tables stays on one connection),
 * and `close()` leaves it open for the server.
 */
export function commandView(db: Warehouse): Warehouse {
  const all = <T extends Row = Row>(sql: string, params?: Params) => db.exclusive(() => db.all<T>(sql, params));
  return {
    ...db,
    path: db.path,
    // the server's connection after a rewrite (parley erase), not the one of the moment the command began
    get connection() {
      return db.connection;
    },
    all,
    one: async <T extends Row = Row>(sql: string, params?: Params) => (await all<T>(sql, params))[0],
    close() {},
  };
}

export interface ServeOptions {
  port?: number;
  /**
   * DuckDB's threads while a command runs (a server that answers pages with
   * one thread per query still builds and loads on every core); set back
   * afterwards. Default: left as they are.
   */
  threads?: number;
  /** The one-at-a-time queue to run commands in (the scheduler's jobs share it); default a new one. */
  queue?: Queue;
}

/** Instance-wide settings a command may change (ingest sets memory_limit): put back after each. */
const KEPT_SETTINGS = ['threads', 'memory_limit'] as const;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Listens on 127.0.0.1 (port 0: a free one) for commands on `db`, and writes
 * the discovery file beside it. `db` must have been opened by an absolute
 * path (openWarehouse does), since commands change the working directory.
 */
export async function serveCommands(db: Warehouse, run: Runner, options: ServeOptions = {}): Promise<CommandService> {
  const token = newToken();
  const queue = options.queue ?? oneAtATime();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return refuse(res, 403, 'loopback only');
    if (req.method !== 'POST' || req.url !== COMMAND_PATH) return refuse(res, 404, `POST ${COMMAND_PATH} only`);
    const given = bearer(req.headers.authorization);
    if (given === undefined || !secretsEqual(given, token)) return refuse(res, 401, 'a valid token is required');
    const nonce = String(req.headers[NONCE_HEADER] ?? '');
    res.writeHead(200, { 'content-type': 'application/x-ndjson', [PROOF_HEADER]: proof(token, nonce) });
    res.flushHeaders();
    const send = (frame: Frame) => {
      if (!res.destroyed) res.write(encodeFrame(frame));
    };
    let head: Head;
    let stdin: PassThrough;
    try {
      const split = await splitHead(req);
      head = HeadSchema.parse(JSON.parse(split.line));
      stdin = split.stdin;
    } catch (error) {
      send({ error: `a malformed command request: ${(error as Error).message.split('\n')[0]}` });
      return void res.end();
    }
    if (path.resolve(head.db) !== db.path) {
      send({ other: db.path });
      return void res.end();
    }
    await queue.run(() => (res.destroyed ? Promise.resolve() : runOne(head, stdin, res, send)));
  }

  async function runOne(head: Head, stdin: PassThrough, res: ServerResponse, send: (f: Frame) => void): Promise<void> {
    const out = frameWriter('out', res, send, head.tty.out);
    const err = frameWriter('err', res, send, head.tty.err);
    const io: ServedIo = {
      out,
      err,
      in: Object.assign(stdin, { isTTY: head.tty.in }),
      env: head.env,
      ...(head.now ? { now: new Date(head.now) } : {}),
      warehouse: commandView(db),
    };
    const before = process.cwd();
    let code: number;
    try {
      process.chdir(head.cwd);
    } catch (error) {
      send({ err: `parley: cannot work in ${head.cwd}: ${(error as Error).message}\n` });
      send({ exit: 1 });
      return void res.end();
    }
    const settings = await db.all<{ name: string; value: string }>(`select name, value from duckdb_settings() where name in (${KEPT_SETTINGS.map((n) => `'${n}'`).join(', ')})`);
    try {
      if (options.threads) await db.run(`set threads = ${options.threads}`);
      code = await run(head.argv, io);
    } catch (error) {
      send({ err: `parley: ${(error as Error).message.split('\n')[0]}\n` });
      code = 1;
    } finally {
      process.chdir(before);
      stdin.destroy();
      await restoreSettings(db, settings).catch(() => undefined);
    }
    // what the command wrote and is still queued goes out before its exit status
    out.end();
    err.end();
    await Promise.all([finished(out), finished(err)]);
    send({ exit: code });
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) refuse(res, 500, String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  writeDiscovery(db.path, { pid: process.pid, port, token });
  return {
    port,
    token,
    queue,
    async close() {
      removeDiscovery(db.path, token);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Puts back the settings a command changed: RESET when that gives the value
 * before (the usual case: DuckDB rounds "18.8 GiB", so setting it back by
 * text would drift a little with every load), else SET.
 */
async function restoreSettings(db: Warehouse, before: { name: string; value: string }[]): Promise<void> {
  const now = async (name: string) => (await db.one<{ value: string }>('select value from duckdb_settings() where name = $1', [name]))?.value;
  for (const { name, value } of before) {
    if ((await now(name)) === value) continue;
    await db.run(`reset ${name}`);
    if ((await now(name)) !== value) await db.run(`set ${name} = ${sqlString(value)}`);
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message + '\n');
}

/** A stream that turns writes into `{"out": …}` / `{"err": …}` frames, with the caller's isTTY. */
function frameWriter(stream: 'out' | 'err', res: ServerResponse, send: (f: Frame) => void, isTTY: boolean): Writable & { isTTY: boolean } {
  const w = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      const frame = typeof chunk === 'string' ? { [stream]: chunk } : { [stream]: chunk.toString('base64'), base64: true };
      send(frame as Frame);
      // the caller's pace: wait while the socket's buffer is full
      if (!res.destroyed && res.writableNeedDrain) res.once('drain', () => done());
      else done();
    },
  });
  return Object.assign(w, { isTTY });
}

/** Reads the head line of the body; the rest of the body (the caller's stdin) flows on. */
function splitHead(req: IncomingMessage): Promise<{ line: string; stdin: PassThrough }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const nl = buf.indexOf(10);
      if (nl < 0) {
        if (buf.length > MAX_HEAD_BYTES) finish(new Error(`the head line is over ${MAX_HEAD_BYTES} bytes`));
        return;
      }
      finish();
      const stdin = new PassThrough();
      stdin.write(buf.subarray(nl + 1));
      req.pipe(stdin);
      resolve({ line: buf.subarray(0, nl).toString('utf8'), stdin });
    };
    const onEnd = () => finish(new Error('the request ended before its head line'));
    const finish = (error?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', finish);
      if (error) reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', finish);
  });
}
