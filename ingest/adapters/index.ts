/**
 * The adapter registry: which adapter reads which `--format`, and how
 * `--format auto` tells an export's format from its name, its header row,
 * the start of its JSON, or the tables in its folder.
 *
 * @example
 *   await detectFormat('exports/twcs.csv')
 *   // → { format: 'twcs', why: 'its header has tweet_id, inbound and in_response_to_tweet_id' }
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, AdapterFormat, PrepareOptions, Prepared } from './types.js';
import { readHeader } from './csv-source.js';
import { tableName } from './table-source.js';
import { twcsAdapter } from './twcs.js';
import { servicenowAdapter } from './servicenow.js';
import { mappingAdapter } from './mapping.js';
import { zendeskTablesAdapter } from './zendesk-tables.js';
import { zendeskApiAdapter } from './zendesk-api.js';
import { intercomApiAdapter } from './intercom-api.js';
import { intercomTablesAdapter } from './intercom-tables.js';
import { chatwootAdapter } from './chatwoot.js';

export type Format = 'canonical' | AdapterFormat;

const isJson = (p: string) => /\.(json|jsonl|ndjson)(\.gz)?$/i.test(p);

/** An adapter that sends JSON files to one reader and tables (folders, CSV, Parquet) to another. */
function jsonOrTables(format: AdapterFormat, label: string, json: Adapter, tables: Adapter): Adapter {
  return {
    format,
    label,
    async prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
      const groups = [
        [json, paths.filter(isJson)],
        [tables, paths.filter((p) => !isJson(p))],
      ] as const;
      const done: Prepared[] = [];
      try {
        for (const [adapter, ps] of groups) if (ps.length) done.push(await adapter.prepare(db, ps, options));
      } catch (error) {
        for (const p of done) await p.cleanup();
        throw error;
      }
      return { inputs: done.flatMap((p) => p.inputs), cleanup: async () => { for (const p of done) await p.cleanup(); } };
    },
  };
}

export const ADAPTERS: Record<AdapterFormat, Adapter> = {
  zendesk: jsonOrTables('zendesk', 'Zendesk (API JSON or Fivetran/Airbyte tables)', zendeskApiAdapter, zendeskTablesAdapter),
  intercom: jsonOrTables('intercom', 'Intercom (API JSON or Fivetran tables)', intercomApiAdapter, intercomTablesAdapter),
  chatwoot: chatwootAdapter,
  twcs: twcsAdapter,
  servicenow: servicenowAdapter,
  mapping: mappingAdapter,
};

export interface Detected {
  format: Format;
  /** Why, for the message that says which format was chosen. */
  why: string;
}

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

const has = (header: string[], ...names: string[]) => names.every((n) => header.some((h) => h.toLowerCase() === n));

/** Tells a CSV export's format from its header row (and, for warehouse tables, its name). */
function fromHeader(header: string[], table: string | undefined): Detected | undefined {
  if (has(header, 'tweet_id', 'inbound', 'in_response_to_tweet_id')) return { format: 'twcs', why: 'its header has tweet_id, inbound and in_response_to_tweet_id' };
  if (has(header, 'number', 'incident_state', 'sys_mod_count')) return { format: 'servicenow', why: 'its header has number, incident_state and sys_mod_count' };
  const name = table?.replace(/s$/, '');
  if ((name === 'ticket' && has(header, 'requester_id', 'status')) || (name === 'ticket_comment' && has(header, 'ticket_id', 'public'))) {
    return { format: 'zendesk', why: `a Zendesk ${name} table by its name and header` };
  }
  if (name === 'conversation_history' && has(header, 'id', 'state')) return { format: 'intercom', why: 'an Intercom conversation_history table by its name and header' };
  return undefined;
}

/** Tells a JSON export's format from its first records. */
function fromJson(text: string): Detected | undefined {
  if (/"conversation_parts"|"part_type"\s*:/.test(text)) return { format: 'intercom', why: 'its records have conversation_parts' };
  if (/"audits"\s*:|"requester_id"\s*:/.test(text)) return { format: 'zendesk', why: 'its records are Zendesk tickets with audits' };
  if (/"message_type"\s*:|"inbox_id"\s*:/.test(text)) return { format: 'chatwoot', why: 'its records have Chatwoot inbox_id / message_type' };
  if (/"messages"\s*:/.test(text) && /"created_at"\s*:/.test(text)) return { format: 'canonical', why: 'its records are canonical conversations' };
  return undefined;
}

/**
 * The format of one path, or undefined when it cannot be told (the caller
 * asks for --format). Looks only at names and the start of files.
 */
export async function detectFormat(p: string): Promise<Detected | undefined> {
  let isDir = false;
  try {
    isDir = (await stat(p)).isDirectory();
  } catch {
    // a path that does not exist: judge by its name, the loader says it is missing
    return /\.(jsonl|ndjson)(\.gz)?$/i.test(p) ? { format: 'canonical', why: 'its name ends in .jsonl' } : undefined;
  }
  if (isDir) {
    const tables = new Set((await readdir(p)).map((f) => tableName(f)?.replace(/s$/, '')).filter(Boolean));
    if (tables.has('ticket')) return { format: 'zendesk', why: 'the folder holds a Zendesk ticket table' };
    if (tables.has('conversation_history') || tables.has('conversation_part_history')) {
      return { format: 'intercom', why: 'the folder holds Intercom conversation_history tables' };
    }
    return undefined;
  }
  const base = path.basename(p);
  if (/\.parquet$/i.test(base)) {
    const t = tableName(base) ?? '';
    if (/^ticket/.test(t)) return { format: 'zendesk', why: 'a Zendesk table by its name' };
    if (/^conversation/.test(t)) return { format: 'intercom', why: 'an Intercom table by its name' };
    return undefined;
  }
  if (/\.csv(\.gz)?$/i.test(base)) {
    try {
      return fromHeader(await readHeader(p), tableName(base));
    } catch {
      return undefined;
    }
  }
  if (isJson(base)) {
    const text = await peek(p);
    const found = fromJson(text);
    if (found) return found;
    if (/\.(jsonl|ndjson)(\.gz)?$/i.test(base)) return { format: 'canonical', why: 'its name ends in .jsonl' };
  }
  return undefined;
}
