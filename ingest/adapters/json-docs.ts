/**
 * Staging a JSON export of nested records (one ticket or conversation per
 * record, as APIs return them) for the API adapters: each record's raw text
 * is kept, so a refused record is quarantined as it was exported. JSON
 * Lines and a top-level array both work, plain or .gz; DuckDB parses.
 *
 * @example
 *   await stageDocs(db, 'tickets.jsonl', '_zd_api_0');   // temp table (_line, doc json)
 */
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import type { FileDigest } from '../line-reader.js';
import type { Prepared } from './types.js';
import { inRange, partsForBytes, type Part } from '../parts.js';
import { scanFile } from './csv-source.js';
import { sqlString } from './sql.js';
import { jsonReadError } from './json-source.js';
import { prepareFiles } from './prepare.js';

/** Reads the records of `file` into `table(_line integer, doc json)`; `_line` is the record's number. */
export async function stageDocs(db: Warehouse, file: string, table: string): Promise<FileDigest & { records: number; textBytes: number }> {
  const label = path.basename(file);
  const scan = await scanFile(file);
  try {
    await db.run(`
      create or replace temp table ${table} as
      select (row_number() over ())::integer as _line, json as doc
      from read_json_objects(${sqlString(file)}, format = 'auto')`);
  } catch (error) {
    throw jsonReadError(label, error);
  }
  // the records' text as read (a .gz file's bytes on disk say little about it)
  const size = await db.one<{ n: number; text: number | null }>(`select count(*) as n, sum(strlen(doc::varchar))::double as text from ${table}`);
  return { checksum: scan.checksum, bytes: scan.bytes, records: size?.n ?? 0, textBytes: size?.text ?? 0 };
}

/** SQL: a timestamp given as Unix seconds or as ISO 8601 text (null when neither). */
export function flexibleTimestampSql(expr: string): string {
  return `case
      when regexp_full_match(trim(${expr}), '\\d{9,11}(\\.\\d+)?') then to_timestamp(try_cast(trim(${expr}) as double))
      when regexp_full_match(trim(${expr}), '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)? ?(Z|[+-]\\d{2}(:?\\d{2})?)?') then try_cast(trim(${expr}) as timestamptz)
    end`;
}

/**
 * The `prepare` of a JSON-document adapter: stages each file into its own
 * table, and hands the loader a query per file built by `sql`, run in parts
 * of consecutive records (`where` is the part's condition on `_line`).
 * `stage`, when given, makes further tables from the whole file first (a
 * lookup that must see every record). Staged tables are dropped by
 * `cleanup` (or at once when staging fails).
 *
 * @example
 *   return prepareJsonDocs(db, paths, { prefix: '_ic_api', format: 'intercom-api', sql: (table, name, where) => intercomApiSql(table, name, source, where) });
 */
export function prepareJsonDocs(
  db: Warehouse,
  paths: readonly string[],
  o: {
    prefix: string;
    format: string;
    sql: (table: string, fileName: string, where: string) => string;
    stage?: (table: string) => Promise<string[]>;
    /** Bytes per part (default: the loader's). */
    partBytes?: number;
  },
): Promise<Prepared> {
  return prepareFiles(db, paths, async (file, i) => {
    const table = `${o.prefix}_${i}`;
    const digest = await stageDocs(db, file, table);
    const tables = [table];
    try {
      if (o.stage) tables.push(...(await o.stage(table)));
    } catch (error) {
      await db.run(`drop table if exists ${table}`);
      throw error;
    }
    return {
      tables,
      input: {
        file,
        format: o.format,
        parts: partsForBytes(digest.textBytes, o.partBytes),
        sql: (part: Part) => o.sql(table, path.basename(file), inRange(part, digest.records, '_line')),
        digest: async () => ({ checksum: digest.checksum, bytes: digest.bytes }),
      },
    };
  });
}
