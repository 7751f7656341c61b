/**
 * Reading a JSON export (JSON Lines, or one array of records; plain or
 * .gz) into a DuckDB temp table of text columns, like `stageCsv` for CSV.
 * Nested values arrive as JSON text. A file DuckDB cannot parse (broken
 * JSON, bad UTF-8) is refused in one line naming where it broke; a key the
 * caller requires that no record holds refuses the file too.
 *
 * @example
 *   await stageJson(db, { file: 'rows.jsonl', table: '_m', columns: { conversation_id: ['ticket_id'] } });
 */
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import { AdapterError } from './types.js';
import { scanFile, type StagedCsv } from './csv-source.js';
import { duckdbComplaint, ident, sqlString } from './sql.js';

export interface JsonSpec {
  file: string;
  table: string;
  columns: Record<string, readonly string[]>;
  optional?: Record<string, readonly string[]>;
  what?: string;
}

/** The top-level keys DuckDB sees in the file's records (from a sample). */
async function sampleKeys(db: Warehouse, file: string): Promise<string[]> {
  const rows = await db.all<{ column_name: string }>(`describe select * from read_json(${sqlString(file)}, format = 'auto', sample_size = 1000)`);
  return rows.map((r) => r.column_name);
}

/** DuckDB's JSON reader's error as one line that names the file and what to do. */
export function jsonReadError(label: string, error: unknown): AdapterError {
  const detail = duckdbComplaint(error).replace(/ in file "[^"]*"/, '');
  return new AdapterError(`${label} cannot be read as JSON: ${detail.trim()}; fix that record or export the file again (UTF-8, one record per line or one array)`);
}

/** Reads a JSON export into `table` (`_line` = record number, then the wanted columns as text). */
export async function stageJson(db: Warehouse, spec: JsonSpec): Promise<StagedCsv> {
  const label = path.basename(spec.file);
  const scan = await scanFile(spec.file);
  const wanted = { ...spec.columns, ...(spec.optional ?? {}) };
  const keys = [...new Set(Object.values(wanted).flat())];
  const columnsArg = keys.length ? `{${keys.map((k) => `${sqlString(k)}: 'VARCHAR'`).join(', ')}}` : '';
  try {
    await db.run(`
      create or replace temp table ${spec.table} as
      select (row_number() over ())::integer as _line,
        ${Object.entries(wanted)
          .map(([name, aliases]) => (aliases.length ? `${ident(aliases[0]!)} as ${ident(name)}` : `null::varchar as ${ident(name)}`))
          .join(', ')}
      from read_json(${sqlString(spec.file)}, format = 'auto', columns = ${columnsArg})`);
  } catch (error) {
    throw jsonReadError(label, error);
  }
  // a required key that no record holds: renamed or missing
  for (const [name, aliases] of Object.entries(spec.columns)) {
    const n = await db.one<{ n: number }>(`select count(${ident(name)}) as n from ${spec.table}`);
    if (!n?.n) {
      const found = (await sampleKeys(db, spec.file).catch(() => [])).slice(0, 12).join(', ');
      await db.run(`drop table ${spec.table}`);
      throw new AdapterError(
        `${label}${spec.what ? ` (${spec.what})` : ''} has no record with the key ${aliases.join(' or ')}; found: ${found || 'nothing'}. ` +
          "Export it again with the platform's field names, or fix the mapping",
      );
    }
  }
  const rejects = `${spec.table}_rej`;
  await db.run(`create or replace temp table ${rejects} (line integer, problem varchar, raw varchar)`);
  const rows = (await db.one<{ n: number }>(`select count(*) as n from ${spec.table}`))?.n ?? 0;
  return { file: spec.file, table: spec.table, rejects, rows, rejected: 0, digest: { checksum: scan.checksum, bytes: scan.bytes }, absent: [] };
}
