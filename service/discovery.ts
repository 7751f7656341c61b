/**
 * The discovery file: how a `parley` command finds the server that holds its
 * warehouse. `parley serve` writes `<warehouse>.serve.json` beside the DuckDB
 * file (mode 0600, so only its owner can read the token), naming the server's
 * pid, the loopback port it takes commands on and a random token; it removes
 * the file when it stops. A file whose pid is gone, or whose port does not
 * answer with its token, is stale (a killed server): commands ignore and
 * remove it, and the next `parley serve` writes over it.
 *
 * @example
 *   writeDiscovery('/data/acme.duckdb', { pid: process.pid, port: 41234, token });
 *   readDiscovery('/data/acme.duckdb');   // { pid, port, token, db } or undefined
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Discovery {
  pid: number;
  /** The loopback port (127.0.0.1) that takes commands. */
  port: number;
  /** The secret a command must send; 64 hex digits. */
  token: string;
  /** The warehouse's absolute path, as the server opened it. */
  db: string;
}

/** `/data/acme.duckdb` → `/data/acme.duckdb.serve.json` (paths resolved first). */
export function discoveryPath(dbPath: string): string {
  return `${path.resolve(dbPath)}.serve.json`;
}

/** A fresh random token (256 bits, hex). */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Writes the file readable by its owner only, atomically (a reader never sees half of it). */
export function writeDiscovery(dbPath: string, entry: Omit<Discovery, 'db'>): Discovery {
  const file = discoveryPath(dbPath);
  const full: Discovery = { ...entry, db: path.resolve(dbPath) };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(full) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return full;
}

/** The file's contents, or undefined when there is none; a malformed file reads as `'malformed'`. */
export function readDiscovery(dbPath: string): Discovery | 'malformed' | undefined {
  let text: string;
  try {
    text = readFileSync(discoveryPath(dbPath), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const d = JSON.parse(text) as Partial<Discovery>;
    if (Number.isInteger(d.pid) && Number.isInteger(d.port) && typeof d.token === 'string' && typeof d.db === 'string') return d as Discovery;
  } catch {
    // fall through
  }
  return 'malformed';
}

/**
 * Removes the file, but only while it still names `token` (when given): a
 * command that found a stale file must not remove the one a new server has
 * just written in its place.
 */
export function removeDiscovery(dbPath: string, token?: string): void {
  if (token !== undefined) {
    const now = readDiscovery(dbPath);
    if (now === undefined || (now !== 'malformed' && now.token !== token)) return;
  }
  rmSync(discoveryPath(dbPath), { force: true });
}

/** True while a process with this pid exists (one of another user counts). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
