/**
 * `parley mapping check`: what a mapping makes of an export before anything
 * is loaded. The file goes through the real mapping adapter and loader, into
 * an in-memory warehouse that is thrown away: the report shows, for the first
 * records, what each mapped field resolved to, and then every row the load
 * would quarantine with its reason, and the counts (read = loaded +
 * quarantined). No warehouse file is opened or written.
 *
 * @example
 *   const lines = await checkMapping(['dev.json'], 'ibm-twitter-mapping.yaml', { records: 5, now });
 */
import path from 'node:path';
import { openWarehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { loadFiles } from './load.js';
import { mappingAdapter } from './adapters/mapping.js';
import { readMapping } from './adapters/mapping-schema.js';

export interface CheckOptions {
  /** How many records (nested) or rows (flat) to show field by field. */
  records: number;
  now: Date;
  /** The most quarantine reasons listed (the count is always given). */
  reasons?: number;
}

const FIELDS = [
  'conversation_id',
  'message_id',
  'timestamp',
  'author_role',
  'author_id',
  'author_name',
  'customer_id',
  'body',
  'internal',
  'channel',
  'status',
  'assignee',
  'team',
  'subject',
  'intent',
  'priority',
  'account',
  'tags',
];

function shown(v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  const s = String(v).replace(/\s+/g, ' ');
  return JSON.stringify(s.length > 70 ? `${s.slice(0, 69)}…` : s);
}

/** The report, line by line; a mapping or file the adapter refuses throws its one-line AdapterError. */
export async function checkMapping(files: readonly string[], mappingFile: string, o: CheckOptions): Promise<string[]> {
  const mapping = readMapping(mappingFile);
  const nested = mapping.messages !== undefined;
  const mapped = FIELDS.filter((f) => f in mapping.columns || (mapping.events?.columns && f in mapping.events.columns));
  const width = Math.max(...mapped.map((f) => f.length));
  const db = await openWarehouse(':memory:', { readers: 0 });
  const out: string[] = [];
  try {
    await migrate(db, undefined, o.now);
    const prepared = await mappingAdapter.prepare(db, files, { mapping: mappingFile });
    try {
      // the staged rows of the first records, before the load (the adapter's temp tables are _mapping_<i>)
      const shownRows = await Promise.all(
        files.map((_, i) =>
          db.all<Record<string, unknown>>(
            nested
              ? `select _rec, _what, _k, _seq as line, ${mapped.map((f) => `"${f}"`).join(', ')} from _mapping_${i} where _rec <= ${o.records} order by _seq`
              : `select _line as line, ${mapped.map((f) => `"${f}"`).join(', ')} from _mapping_${i} order by _line limit ${o.records}`,
          ),
        ),
      );
      const summary = await loadFiles(db, prepared.inputs, { now: o.now });
      const quarantine = await db.all<{ file: string; line: number; reason: string }>('select file, line, reason from quarantine order by file, line');
      for (const [i, file] of files.entries()) {
        const label = path.basename(file);
        const reasons = new Map(quarantine.filter((q) => q.file === file).map((q) => [Number(q.line), q.reason]));
        out.push(`${label} through ${path.basename(mappingFile)}: the first ${o.records} ${nested ? 'records' : 'rows'}, field by field`);
        for (const row of shownRows[i]!) {
          out.push(nested ? `  record ${String(row['_rec'])} ${String(row['_what'])} ${String(row['_k'])} (line ${String(row['line'])})` : `  line ${String(row['line'])}`);
          for (const f of mapped) out.push(`    ${f.padEnd(width)}  ${shown(row[f])}`);
          const why = reasons.get(Number(row['line']));
          if (why) out.push(`    → quarantined: ${why}`);
        }
        const r = summary.perFile.find((p) => p.file === file);
        if (r) {
          out.push(`${label}: would read ${r.read}, load ${r.loaded} conversations and quarantine ${r.quarantined}${r.problem ? ` (${r.problem})` : ''}`);
        }
        const limit = o.reasons ?? 20;
        const all = [...reasons.entries()];
        for (const [line, reason] of all.slice(0, limit)) out.push(`  line ${line}: ${reason}`);
        if (all.length > limit) out.push(`  … and ${all.length - limit} more`);
      }
      out.push('nothing was written: the check loads into a throw-away in-memory warehouse');
    } finally {
      await prepared.cleanup();
    }
  } finally {
    db.close();
  }
  return out;
}
