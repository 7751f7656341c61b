/**
 * `--format auto`: a path is looked at once (its name, a folder's table
 * names, a CSV's header row, the start of a JSON file) and each adapter's
 * own `detect()` says whether that looks like its export. The adapters are
 * asked in the order of their list (`index.ts`); the first that knows the
 * path wins, and canonical JSON Lines come last.
 *
 * @example
 *   await detectWith(ADAPTER_LIST, 'exports/twcs.csv')
 *   // → { format: 'twcs', why: 'its header has tweet_id, inbound and in_response_to_tweet_id' }
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import type { Adapter, Detected, Probe } from './types.js';
import { readHeader } from './csv-source.js';
import { tableName } from './table-source.js';

export const isJson = (p: string) => /\.(json|jsonl|ndjson)(\.gz)?$/i.test(p);
const isJsonLines = (p: string) => /\.(jsonl|ndjson)(\.gz)?$/i.test(p);

/** True when the header has every one of `names` (case aside). */
export const has = (header: readonly string[], ...names: string[]) => names.every((n) => header.some((h) => h.toLowerCase() === n));

/** The first `bytes` of a file as text (decompressed when .gz), or '' when it cannot be read. */
async function peek(file: string, bytes = 64 * 1024): Promise<string> {
  if (/\.gz$/i.test(file)) {
    let text = '';
    try {
      for await (const chunk of createReadStream(file).pipe(createGunzip())) {
        text += (chunk as Buffer).toString('utf8');
        if (text.length >= bytes) break;
      }
    } catch {
      /* a short or broken file: what was read is enough to look at */
    }
    return text;
  }
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

/** Looks at `p` once: its kind, and what the adapters judge that kind by. Reads only names and the start of files. */
export async function probe(p: string): Promise<Probe> {
  let isDir = false;
  try {
    isDir = (await stat(p)).isDirectory();
  } catch {
    return { kind: 'missing', path: p };
  }
  if (isDir) {
    const tables = new Set((await readdir(p)).map((f) => tableName(f)?.replace(/s$/, '')).filter((t): t is string => Boolean(t)));
    return { kind: 'folder', path: p, tables };
  }
  const base = path.basename(p);
  if (/\.parquet$/i.test(base)) return { kind: 'parquet', path: p, table: tableName(base) ?? '' };
  if (/\.csv(\.gz)?$/i.test(base)) {
    try {
      return { kind: 'csv', path: p, table: tableName(base), header: await readHeader(p) };
    } catch {
      return { kind: 'other', path: p };
    }
  }
  if (isJson(base)) return { kind: 'json', path: p, text: await peek(p) };
  return { kind: 'other', path: p };
}

/** Canonical JSON Lines, asked after every adapter: records with messages and created_at, else a .jsonl name. */
function detectCanonical(probe: Probe): Detected | undefined {
  const byName: Detected = { format: 'canonical', why: 'its name ends in .jsonl' };
  if (probe.kind === 'missing') return isJsonLines(probe.path) ? byName : undefined;
  if (probe.kind !== 'json') return undefined;
  if (/"messages"\s*:/.test(probe.text) && /"created_at"\s*:/.test(probe.text)) return { format: 'canonical', why: 'its records are canonical conversations' };
  return isJsonLines(path.basename(probe.path)) ? byName : undefined;
}

/**
 * The format of one path, or undefined when it cannot be told (the caller
 * asks for --format): the first of `adapters` whose `detect()` knows it,
 * else canonical JSON Lines.
 */
export async function detectWith(adapters: readonly Adapter[], p: string): Promise<Detected | undefined> {
  const seen = await probe(p);
  for (const adapter of adapters) {
    const found = adapter.detect?.(seen);
    if (found) return found;
  }
  return detectCanonical(seen);
}
