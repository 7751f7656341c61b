/**
 * `parley serve`: the dashboard. Builds the SvelteKit app into build/ when it
 * is missing or older than its sources, opens the warehouse in this process
 * (so the server owns the DuckDB file), and serves the built handler. It also
 * takes the CLI commands of other processes on a loopback port and runs them
 * on its warehouse (service/server.ts), so every command works while it runs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../warehouse/assets.js';
import type { Warehouse } from '../../warehouse/connection.js';
import { DEFAULT_CONFIG_FILE, loadConfig, sizeBytes, type ParleyConfig } from '../../models/config.js';
import { serveCommands } from '../../service/server.js';
import { oneAtATime } from '../../service/queue.js';
import { webhookService } from '../../service/webhooks.js';
import { journalPath, openJournal } from '../../service/webhook-journal.js';
import { webhookSettings } from '../../models/config-webhooks.js';
import { startScheduler } from '../../service/scheduler.js';
import { jobControl } from '../../service/control.js';
import { allowedHosts, hostAllowed, refusedHostLine } from '../../service/allowed-hosts.js';
import { CommandError, UsageError, openFor, requireBuilt, type Command, type CommandLine, type Io } from '../command.js';

const ROOT = PACKAGE_ROOT;
const BUILD = path.join(ROOT, 'build');
const PROTOCOL_HEADER = 'x-parley-protocol';
/** Reader connections of a serving warehouse (besides the main one, which writes). */
export const SERVER_READERS = 3;
const SOURCES = ['dashboard', 'models', 'warehouse', 'scorecards', 'insights', 'notebooks', 'charts', 'svelte.config.js', 'vite.config.ts'];

function newest(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const name of readdirSync(p)) if (!name.startsWith('.') && name !== 'node_modules') t = Math.max(t, newest(path.join(p, name)));
  return t;
}

/** True when build/ is missing or older than any source of the app. */
export function needsBuild(): boolean {
  const handler = path.join(BUILD, 'handler.js');
  if (!existsSync(handler)) return true;
  const built = statSync(handler).mtimeMs;
  return SOURCES.some((s) => newest(path.join(ROOT, s)) > built);
}

/** Runs `vite build` for the dashboard (into build/). */
export async function buildDashboard(io: Io): Promise<void> {
  io.err.write('building the dashboard (vite build)…\n');
  const t = performance.now();
  const vite = await import('vite');
  // The build's chatter (SvelteKit's notes on the root tsconfig, which is the
  // CLI's, and "run npm run preview") is kept back, and shown only if it fails.
  // It is held at the streams: SvelteKit's plugin does not write through this
  // module's `console` (Vite evaluates it apart), so replacing console.warn alone missed it.
  const held: string[] = [];
  const { log, warn } = console;
  console.log = (...args: unknown[]) => void held.push(args.join(' '));
  console.warn = (...args: unknown[]) => void held.push(args.join(' '));
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const hold = ((chunk: string | Uint8Array) => held.push(String(chunk).replace(/\n$/, '')) > 0) as typeof process.stdout.write;
  process.stdout.write = hold;
  process.stderr.write = hold;
  // SvelteKit reads svelte.config.js from the working directory: build from the
  // project, so `parley serve` started elsewhere (a service's own folder) works.
  const cwd = process.cwd();
  process.chdir(ROOT);
  let failed: unknown;
  try {
    await vite.build({ root: ROOT, logLevel: 'error', configFile: path.join(ROOT, 'vite.config.ts') });
  } catch (error) {
    failed = error;
  } finally {
    process.chdir(cwd);
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    console.log = log;
    console.warn = warn;
  }
  if (failed !== undefined) {
    io.err.write(held.join('\n') + '\n');
    throw failed;
  }
  io.err.write(`built the dashboard in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}

export interface Serving {
  server: Server;
  url: string;
  /** Resolves once every webhook event answered so far is committed to the warehouse. */
  webhooksSettled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the dashboard over `db` from this process, and takes the CLI's
 * commands on it (a loopback port named in `<db>.serve.json`) until closed.
 *
 * @example
 *   const { url, close } = await startDashboard(db, { port: 5173, host: '127.0.0.1' }, io, main);
 */
export async function startDashboard(
  db: Warehouse,
  o: {
    port: number;
    host: string;
    config?: ParleyConfig;
    configFile?: string;
    /** false: answer webhooks after the commit, without a journal (bench:live's comparison) */ journal?: boolean;
  },
  io: Io,
  cli: CommandLine,
): Promise<Serving> {
  if (needsBuild()) await buildDashboard(io);
  // Many small queries at once: each runs on its own reader connection's thread, and
  // DuckDB's extra worker threads would only contend with them (p95 of a cold
  // metric page under 10 clients: 272 -> 183 ms). The setting is the instance's,
  // so it holds for this serving process only; a command handed over (build, ingest,
  // insights build) gets every core while it runs (service/server.ts puts 1 back after).
  await db.run('set threads = 1');
  const { provideWarehouse } = await import('../../dashboard/lib/server/warehouse.js');
  provideWarehouse(db);
  const config = o.config ?? loadConfig(o.configFile);
  const { provideLiveConfig } = await import('../../dashboard/lib/server/live.js');
  provideLiveConfig(config.live);
  // webhooks are written in the queue of the commands handed over and the jobs: one writer
  const queue = oneAtATime();
  // an event is answered once it is on disk in the journal beside the warehouse, and written to
  // the warehouse behind the answers; the lines a stopped server left are applied first
  const journal = db.path === ':memory:' || o.journal === false ? undefined : await openJournal(journalPath(db.path));
  if (journal?.replay.length) io.err.write(`applying ${journal.replay.length} webhook events left in ${journal.journal.file}\n`);
  if (journal?.torn) io.err.write(`left out ${journal.torn} unfinished line(s) of ${journal.journal.file} (never answered)\n`);
  const webhooks = webhookService(db, {
    settings: webhookSettings(config.webhooks, process.env, path.dirname(path.resolve(o.configFile ?? DEFAULT_CONFIG_FILE))),
    queue,
    ...(journal ? { journal } : {}),
  });
  // an upload of the Data page may be as large as uploads.max_size (adapter-node reads this on import)
  process.env['BODY_SIZE_LIMIT'] ??= String(sizeBytes(config.uploads.max_size) + 1_000_000);
  // adapter-node reads its settings from the environment when the handler is imported. Without
  // ORIGIN it takes the protocol from a header (default https): this server speaks plain http
  // itself, so it sets that header on every request (overwriting any value a client sent), and
  // SvelteKit's origin check (CSRF) compares against http://<Host>. Behind an https proxy, set ORIGIN.
  process.env['PROTOCOL_HEADER'] ??= PROTOCOL_HEADER;
  const mod = (await import(pathToFileURL(path.join(BUILD, 'handler.js')).href)) as {
    handler: (req: unknown, res: unknown, next?: () => void) => void;
  };
  // only the configured origin's host, and the localhost names on loopback (DNS rebinding: service/allowed-hosts.ts)
  const hosts = allowedHosts({ bind: o.host, origin: process.env['ORIGIN'] ?? null });
  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, hosts)) {
      const line = refusedHostLine(req.headers.host);
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(line), 'cache-control': 'no-store', connection: 'close' });
      res.end(line);
      return;
    }
    if (webhooks.handle(req, res)) return;
    req.headers[PROTOCOL_HEADER] = 'http';
    mod.handler(req, res);
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new CommandError(`port ${o.port} on ${o.host} is in use: pass --port N`) : error));
    server.listen(o.port, o.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  // a command handed over (a build, a load) gets every core but one: pages keep a core to be
  // answered on while it runs (bench:dashboard, the refresh run)
  const commands = await serveCommands(db, cli, { threads: Math.max(1, availableParallelism() - 1), queue });
  // the jobs of parley.config.yaml run in the queue of the commands handed over, never beside one
  const configFile = path.resolve(o.configFile ?? DEFAULT_CONFIG_FILE);
  const base = path.dirname(configFile);
  const { provideJobs } = await import('../../dashboard/lib/server/jobs.js');
  const scheduler = startScheduler(db, config.jobs, {
    queue: commands.queue,
    ctx: { run: cli, base, configFile: existsSync(configFile) ? configFile : undefined },
  });
  const uploads = config.uploads.folder ? path.resolve(base, config.uploads.folder) : db.path.replace(/(\.duckdb)?$/, '-uploads');
  provideJobs(jobControl(scheduler, { folder: uploads, maxBytes: sizeBytes(config.uploads.max_size) }));
  return {
    server,
    url,
    webhooksSettled: () => webhooks.writer.settled(),
    close: async () => {
      scheduler.close();
      await commands.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await webhooks.close();
    },
  };
}

/** Waits for SIGINT/SIGTERM, then stops the server and lets the caller close the warehouse. */
export function untilStopped(serving: Serving): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      serving.server.closeAllConnections();
      void serving.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function parsePort(value: unknown, command: Command): number {
  const port = Number(value ?? 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a whole number from 0 to 65535', command.name);
  return port;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'the dashboard: overview, metric pages, conversations, QA workspace, scorecards, data',
  usage: 'parley serve [--port N] [--host 127.0.0.1] [--config FILE] [--build]',
  help: `
Builds the SvelteKit app (into build/) when it is missing or out of date, then serves it
over the warehouse, which this process holds while it runs. Sign in with an account made
by \`parley user add\` (the demo warehouse comes with demo accounts: see the README).

While it runs, other \`parley\` commands on the same warehouse (ingest, build, sql, metrics,
notebook render, user add, …) are handed to it: it runs them one at a time on the warehouse
it holds, with the caller's working directory, and they print what they print without a
server. Commands find it through <warehouse>.serve.json (mode 0600: pid, a port on
127.0.0.1 and a random token), which it removes when it stops; a file left by a killed
server is ignored and removed by the next command, and replaced by the next serve.
A build, ingest or insights build handed over is one transaction: pages show the old
data until it commits, then the new, with no restart.

It also runs the jobs of the configuration file's \`jobs\` section when they are due (load
the new files of a folder, build, insights build, render a notebook), one at a time in the
same queue as the commands handed to it, and logs each run (the Data page, \`parley jobs list\`).

Requests are answered only for the host of ORIGIN (the dashboard's public address, e.g.
ORIGIN=https://parley.example.com behind a proxy) and, on a loopback address, for localhost,
127.0.0.1 and [::1]; without ORIGIN, for the address listened on (for 0.0.0.0: this machine's
addresses). Any other Host header gets 421 and one line, so a page that points its own name
at this machine (DNS rebinding) cannot read the dashboard.

  --port N        the port (default 5173; 0 picks a free one)
  --host ADDR     the address to listen on (default 127.0.0.1, this machine only)
  --config FILE   jobs and uploads (default ./parley.config.yaml when present; its folder is
                  where the jobs' relative paths start)
  --build         rebuild the app first even when it looks current`,
  options: { port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' }, build: { type: 'boolean' } },
  local: true,
  async run({ values }, io, cli) {
    const port = parsePort(values['port'], this);
    const host = (values['host'] as string | undefined) ?? '127.0.0.1';
    const configFile = values['config'] as string | undefined;
    let config: ParleyConfig;
    try {
      config = loadConfig(configFile);
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
    if (values['build']) await buildDashboard(io);
    // reader connections let the server answer requests side by side
    const db = await openFor(values, io, { readers: SERVER_READERS });
    try {
      await requireBuilt(db);
      const serving = await startDashboard(db, { port, host, config, ...(configFile ? { configFile } : {}) }, io, cli);
      io.out.write(`Parley dashboard: ${serving.url}  (warehouse ${db.path}; Ctrl-C stops it)\n`);
      await untilStopped(serving);
      return 0;
    } finally {
      db.close();
    }
  },
};
