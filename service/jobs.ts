/**
 * Running one job of parley.config.yaml's `jobs` (or an upload from the Data
 * page) on the server's warehouse, and writing what happened to `job_log`.
 * A job is the CLI command a person would type, run through the command line
 * itself (cli/main.ts, handed in as `run`), so it loads, builds and renders
 * exactly as that command does, and is a transaction as that command is:
 *
 *   load      parley ingest --json FILE…   (the folder's new files and table folders)
 *             then parley build when `build: true` and something was loaded
 *   build     parley build [--config FILE]
 *   insights  parley insights build
 *   notebook  parley notebook render NOTEBOOK [--param k=v]… --out FILE
 *   sync      parley sync PLATFORM --json [--source NAME] [--config FILE]  (an API sync, sync/)
 *             then parley build when `build: true` and something was loaded or removed
 *
 * A load job loads each file once: it keeps the SHA-256 of every file it
 * loaded (loaded_files), so a file seen again, under its own name or another,
 * is passed over. A sub-folder (or the folder itself) that is a
 * Fivetran/Airbyte table export (zendesk, intercom) is loaded again when one
 * of its files is newer than at its last load (its sync time). Names that
 * start with "." or "_" or end in .part, .tmp or .partial are left alone until
 * they are renamed: write a file under such a name and rename it when it is
 * complete. A job that fails leaves the data as they were (the command's
 * transaction) and records why in one line; its files are tried again next
 * time.
 *
 * @example
 *   const result = await runJob(db, 'incoming', { kind: 'load', folder: 'exports/incoming', every: '15m' }, { run: main, base: '/srv/parley' });
 *   // { status: 'ok', files: 2, loaded: 1800, refused: 3, detail: 'a.jsonl, b.jsonl', … }
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { JobConfig } from '../models/config.js';
import type { Warehouse } from '../warehouse/connection.js';
import { tables, type JobLog } from '../warehouse/tables.js';
import { detectFormat } from '../ingest/adapters/index.js';
import { commandView, type Runner, type ServedIo } from './server.js';
import { collect } from './collect.js';

export interface JobContext {
  /** The command line (cli/main.ts `main`); it runs each step on `db`. */
  run: Runner;
  /** Where the job's relative paths (folder, out, notebook) start: the config file's folder. */
  base: string;
  /** The configuration file the server read, handed to `parley build`. */
  configFile?: string | undefined;
  /** The moment the job starts (default: now). */
  now?: Date;
  env?: NodeJS.ProcessEnv;
  /** For an upload: load only these files of the folder. */
  only?: readonly string[];
}

export type JobResult = Omit<JobLog, 'job_id'>;

/** A job as the scheduler and the Data page know it: a name and what to do. */
export interface NamedJob {
  name: string;
  job: JobConfig;
}

const SKIP = /^[._]|\.(part|partial|tmp)$/i;

/** Runs `job`, writes its line to job_log and returns it. Never throws for a job that fails. */
export async function runJob(db: Warehouse, name: string, job: JobConfig, ctx: JobContext): Promise<JobResult> {
  const started = ctx.now ?? new Date();
  const t0 = performance.now();
  const result: JobResult = { name, kind: job.kind, started_at: started, seconds: 0, status: 'ok', files: 0, loaded: 0, refused: 0, detail: null, error: null };
  try {
    await steps(db, name, job, ctx, result);
  } catch (error) {
    result.status = 'failed';
    result.error = oneLine((error as Error).message);
  }
  result.seconds = (performance.now() - t0) / 1000;
  await logJob(db, result);
  return result;
}

/** Loads `files` (already in the upload folder) as job "upload", then rebuilds when asked. */
export function runUpload(db: Warehouse, files: readonly string[], o: { build: boolean; source?: string | undefined }, ctx: JobContext): Promise<JobResult> {
  const job: JobConfig = { kind: 'load', folder: path.dirname(files[0] ?? '.'), build: o.build, ...(o.source ? { source: o.source } : {}) };
  return runJob(db, 'upload', job, { ...ctx, only: files });
}

async function steps(db: Warehouse, name: string, job: JobConfig, ctx: JobContext, result: JobResult): Promise<void> {
  const at = (p: string) => path.resolve(ctx.base, p);
  const config = ctx.configFile ? ['--config', ctx.configFile] : [];
  switch (job.kind) {
    case 'load': {
      const pending = await newUnits(db, at(job.folder!), ctx.only);
      if (pending.length === 0) {
        result.detail = ctx.only ? `already loaded: ${ctx.only.map((f) => path.basename(f)).join(', ')}` : 'nothing new';
        return;
      }
      const argv = ['ingest', '--json', ...(job.format ? ['--format', job.format] : []), ...(job.source ? ['--source', job.source] : []), ...pending.map((u) => u.path)];
      const ran = await command(db, argv, ctx);
      const summary = parseSummary(ran.out);
      result.files = pending.length;
      result.loaded = summary?.loaded ?? 0;
      result.refused = summary?.quarantined ?? 0;
      result.detail = pending.map((u) => path.basename(u.path)).join(', ');
      if (ran.code !== 0) throw new Error(ran.error);
      await tables(db)
        .insertInto('loaded_files')
        .values(pending.map((u) => ({ checksum: u.checksum, file: u.path, job: name, loaded_at: result.started_at })))
        .execute();
      if (job.build && result.loaded > 0) {
        const built = await command(db, ['build', ...config], ctx);
        if (built.code !== 0) throw new Error(`loaded, but the build failed: ${built.error}`);
        result.detail += '; rebuilt';
      }
      return;
    }
    case 'build':
    case 'insights': {
      const ran = await command(db, job.kind === 'build' ? ['build', ...config] : ['insights', 'build'], ctx);
      if (ran.code !== 0) throw new Error(ran.error);
      result.detail = firstLine(ran.out);
      return;
    }
    case 'sync': {
      const ran = await command(db, ['sync', job.platform!, '--json', ...(job.source ? ['--source', job.source] : []), ...config], ctx);
      const summary = parseSync(ran.out);
      result.files = summary?.pages ?? 0;
      result.loaded = summary?.loaded ?? 0;
      result.refused = summary?.quarantined ?? 0;
      if (ran.code !== 0) throw new Error(ran.error);
      result.detail = summary
        ? `${summary.pages} page${summary.pages === 1 ? '' : 's'} from ${job.platform}` + (summary.removed ? `, ${summary.removed} removed` : '')
        : firstLine(ran.out);
      if (job.build && summary && summary.loaded + summary.removed > 0) {
        const built = await command(db, ['build', ...config], ctx);
        if (built.code !== 0) throw new Error(`synced, but the build failed: ${built.error}`);
        result.detail += '; rebuilt';
      }
      return;
    }
    case 'notebook': {
      const notebook = existsSync(at(job.notebook!)) ? at(job.notebook!) : job.notebook!;
      const params = Object.entries(job.params ?? {}).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
      const out = at(job.out!);
      const ran = await command(db, ['notebook', 'render', notebook, ...params, '--out', out], ctx);
      if (ran.code !== 0) throw new Error(ran.error);
      result.files = 1;
      result.detail = `wrote ${out}`;
      return;
    }
  }
}

interface Unit {
  path: string;
  checksum: string;
}

/**
 * The files and table folders in `folder` that no load has taken yet (by
 * checksum or sync time), in name order; `only` narrows them to those paths.
 */
export async function newUnits(db: Warehouse, folder: string, only?: readonly string[]): Promise<Unit[]> {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`the folder ${folder} does not exist: create it, or fix the job's folder in parley.config.yaml`);
  const units: Unit[] = [];
  if (await isTableFolder(folder)) units.push({ path: folder, checksum: syncStamp(folder) });
  else {
    const names = readdirSync(folder)
      .filter((n) => !SKIP.test(n))
      .sort();
    for (const n of names) {
      const p = path.join(folder, n);
      if (only && !only.includes(p)) continue;
      const s = statSync(p);
      if (s.isFile()) units.push({ path: p, checksum: await sha256(p) });
      else if (s.isDirectory()) units.push({ path: p, checksum: syncStamp(p) });
    }
  }
  if (units.length === 0) return [];
  const known = new Set(
    (
      await tables(db)
        .selectFrom('loaded_files')
        .select('checksum')
        .where(
          'checksum',
          'in',
          units.map((u) => u.checksum),
        )
        .execute()
    ).map((r) => r.checksum),
  );
  // two copies of one new file in the folder: the first is loaded, the other passed over
  const fresh = new Map<string, Unit>();
  for (const u of units) if (!known.has(u.checksum) && !fresh.has(u.checksum)) fresh.set(u.checksum, u);
  return [...fresh.values()];
}

async function isTableFolder(folder: string): Promise<boolean> {
  const detected = await detectFormat(folder);
  return detected?.format === 'zendesk' || detected?.format === 'intercom';
}

/** A table folder's sync time: the newest modification time of its files. */
function syncStamp(folder: string): string {
  let newest = 0;
  for (const n of readdirSync(folder)) {
    const s = statSync(path.join(folder, n));
    if (s.isFile()) newest = Math.max(newest, s.mtimeMs);
  }
  return `sync:${folder}:${new Date(newest).toISOString()}`;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Runs one command line on `db`, keeping what it prints. */
async function command(db: Warehouse, argv: string[], ctx: JobContext): Promise<{ code: number; out: string; error: string }> {
  const out = collect();
  const err = collect();
  const stdin = new PassThrough();
  stdin.end();
  // the job's own moment: what it loads and builds is stamped with the time it was due to run
  const io: ServedIo = { out: out.stream, err: err.stream, in: stdin, env: ctx.env ?? process.env, ...(ctx.now ? { now: ctx.now } : {}), warehouse: commandView(db) };
  let code: number;
  try {
    code = await ctx.run(argv, io);
  } catch (error) {
    err.stream.write(`parley ${argv[0]}: ${(error as Error).message}\n`);
    code = 1;
  }
  const lines = err
    .text()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^reading .* as .*--format to choose\)$/.test(l));
  return { code, out: out.text(), error: lines.find((l) => l.startsWith('error:') || l.startsWith('parley ')) ?? lines.at(-1) ?? `${argv[0]} stopped with exit status ${code}` };
}

function parseSummary(out: string): { files: number; loaded: number; quarantined: number } | undefined {
  try {
    return JSON.parse(out.trim().split('\n').at(-1) ?? '') as { files: number; loaded: number; quarantined: number };
  } catch {
    return undefined;
  }
}

function parseSync(out: string): { pages: number; loaded: number; quarantined: number; removed: number } | undefined {
  const s = parseSummary(out) as { pages?: number; loaded: number; quarantined: number; removed?: number } | undefined;
  return s && typeof s.pages === 'number' ? { pages: s.pages, loaded: s.loaded, quarantined: s.quarantined, removed: s.removed ?? 0 } : undefined;
}

const firstLine = (s: string) => s.split('\n').find((l) => l.trim()) ?? null;
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').slice(0, 500);

async function logJob(db: Warehouse, r: JobResult): Promise<void> {
  await db.transaction(async () => {
    const last = await tables(db)
      .selectFrom('job_log')
      .select((eb) => eb.fn.max('job_id').as('id'))
      .executeTakeFirst();
    await tables(db)
      .insertInto('job_log')
      .values({ job_id: Number(last?.id ?? 0) + 1, ...r })
      .execute();
  });
}
