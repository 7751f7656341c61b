/**
 * The benches' generated data, made once into bench/data/ (git-ignored) and
 * reused by every bench that asks for the same size:
 *
 * - {@link canonicalExport}: the canonical JSONL export of N demo
 *   conversations (bench/data/canonical-N-SEED/), shared by bench:ingest,
 *   bench:build, bench:lake, bench:insights and bench:scorecards.
 * - {@link servedDemoCopy}: a `parley demo` warehouse of N conversations,
 *   opened as a copy so that a bench that writes (a refresh, webhooks)
 *   starts from the same data on every run, with the bench's admin account.
 *
 * @example
 *   const { file } = await canonicalExport(100_000, 7);
 *   const { db } = await servedDemoCopy('live', 3_000, io);
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemo } from '../demo/generate.js';
import { main } from '../cli/main.js';
import { SERVER_READERS } from '../cli/commands/serve.js';
import { journalPath } from '../service/webhook-journal.js';
import { addAccount } from '../accounts/index.js';
import { openFor, type Io } from '../cli/command.js';
import type { Warehouse } from '../warehouse/connection.js';

export const DATA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');

/** The bench's own admin (a refresh that loads other data ends the demo accounts). */
export const BENCH_ADMIN = { username: 'bench', password: 'bench-password' } as const;

/**
 * The canonical export of `conversations` demo conversations with `seed`,
 * generated when missing (under a `.part` name, renamed when whole, so an
 * interrupted run is never taken for a complete export). `messages` is the
 * count when this call generated it, else null.
 */
export async function canonicalExport(conversations: number, seed: number): Promise<{ dir: string; file: string; messages: number | null }> {
  mkdirSync(DATA_DIR, { recursive: true });
  const dir = path.join(DATA_DIR, `canonical-${conversations}-${seed}`);
  const file = path.join(dir, 'conversations.jsonl');
  if (existsSync(file)) return { dir, file, messages: null };
  process.stderr.write(`generating ${conversations.toLocaleString('en-US')} conversations into ${dir} …\n`);
  rmSync(`${dir}.part`, { recursive: true, force: true });
  const result = await generateDemo({ conversations, seed, end: new Date('2026-11-01T00:00:00Z'), outDir: `${dir}.part` });
  rmSync(dir, { recursive: true, force: true });
  renameSync(`${dir}.part`, dir);
  return { dir, file, messages: result.messages };
}

/**
 * A copy of the `parley demo` warehouse `NAME-N.duckdb` (made once), opened as
 * the server opens it, with the bench's admin account ({@link BENCH_ADMIN}).
 */
export async function servedDemoCopy(name: string, conversations: number, io: Io): Promise<{ db: Warehouse; path: string }> {
  mkdirSync(DATA_DIR, { recursive: true });
  const dbPath = path.join(DATA_DIR, `${name}-${conversations}.duckdb`);
  if (!existsSync(dbPath)) {
    const code = await main(['demo', '--conversations', String(conversations), '--db', dbPath, '--no-serve'], io);
    if (code !== 0) throw new Error(`parley demo failed (exit ${code})`);
  }
  const servedPath = path.join(DATA_DIR, `${name}-${conversations}.served.duckdb`);
  // a journal left by a run that was stopped would be replayed onto the fresh copy
  for (const f of [servedPath, `${servedPath}.wal`, journalPath(servedPath)]) rmSync(f, { force: true });
  copyFileSync(dbPath, servedPath);
  const db = await openFor({ db: servedPath }, io, { readers: SERVER_READERS });
  if (!(await db.one('select 1 as x from accounts where username = $1', [BENCH_ADMIN.username]))) {
    await addAccount(db, { ...BENCH_ADMIN, role: 'admin' });
  }
  return { db, path: servedPath };
}
