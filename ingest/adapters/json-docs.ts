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
import { sqlEscape, sqlString } from './sql.js';
import { jsonReadError } from './json-source.js';
import { prepareFiles } from './prepare.js';
import { readLines, TruncatedFileError } from '../line-reader.js';
import { AdapterError } from './types.js';
import { DUPLICATE } from '../check-and-write.js';

/**
 * Reads the records of `file` into `table(_line integer, doc json)`; `_line`
 * is the record's number. Records that cannot be read go to
 * `${table}_bad(_line, raw, problem)`: a JSON Lines file with a bad record
 * (not UTF-8, a NUL byte, cut off or broken JSON, more than DuckDB's 16 MB
 * per object) is read line by line, that record quarantined and the rest
 * loaded, as the canonical loader does; a single JSON array that does not
 * parse is refused whole. With `idSql` (the conversation id, an expression
 * on `doc`), a conversation the file holds twice keeps its last record; the
 * earlier ones go to `_bad` as duplicates (the rule of `check-and-write.ts`).
 */
export async function stageDocs(db: Warehouse, file: string, table: string, idSql?: string): Promise<FileDigest & { records: number; textBytes: number }> {
  const label = path.basename(file);
  const scan = await scanFile(file);
  const bad = `${table}_bad`;
  await db.run(`create or replace temp table ${bad} (_line integer, raw varchar, problem varchar)`);
  try {
    await db.run(`
      create or replace temp table ${table} as
      select (row_number() over ())::integer as _line, json as doc
      from read_json_objects(${sqlString(file)}, format = 'auto')`);
  } catch (error) {
    if (!(await isJsonLines(file))) throw jsonReadError(label, error);
    await stageLineByLine(db, file, table, label);
  }
  if (idSql) await setAsideDuplicates(db, table, label, idSql);
  // the records' text as read (a .gz file's bytes on disk say little about it)
  const size = await db.one<{ text: number | null; last: number | null }>(
    `select (select sum(strlen(doc::varchar))::double from ${table}) as text, greatest((select max(_line) from ${table}), (select max(_line) from ${bad})) as last`,
  );
  return { checksum: scan.checksum, bytes: scan.bytes, records: size?.last ?? 0, textBytes: size?.text ?? 0 };
}

/** True when the file's first record is a whole JSON object on its first line (JSON Lines, not an array or pretty-printed JSON). */
async function isJsonLines(file: string): Promise<boolean> {
  try {
    for await (const line of readLines(file, { checksum: '', bytes: 0 })) {
      const text = line.bytes.toString('utf8').trim();
      if (text === '') continue;
      const first: unknown = JSON.parse(text);
      return typeof first === 'object' && first !== null && !Array.isArray(first);
    }
  } catch {
    return false;
  }
  return false;
}

/** A JSON Lines file a line at a time: good records into `table`, the others into `${table}_bad` with the reason. */
async function stageLineByLine(db: Warehouse, file: string, table: string, label: string): Promise<void> {
  const text = `${table}_text`;
  await db.run(`create or replace temp table ${text} (_line integer, raw varchar, problem varchar)`);
  const appender = await db.connection.createAppender(text, 'main', 'temp');
  const at = (n: number) => `${label} record ${n}`;
  try {
    for await (const line of readLines(file, { checksum: '', bytes: 0 })) {
      if (line.bytes.toString('latin1').trim() === '') continue;
      const nul = line.bytes.includes(0);
      const problem = line.badEncoding
        ? `${at(line.line)}: the record is not valid UTF-8 text (a byte such as Latin-1 é): export the file again as UTF-8`
        : nul
          ? `${at(line.line)}: the record holds a NUL byte, which JSON text cannot: export it again, or remove the byte`
          : line.truncated
            ? `${at(line.line)}: the file ends inside this record: it was cut off; export the file again`
            : undefined;
      appender.appendInteger(line.line);
      appender.appendVarchar(line.bytes.toString('utf8').replaceAll('\0', '\uFFFD'));
      if (problem) appender.appendVarchar(problem);
      else appender.appendNull();
      appender.endRow();
    }
    appender.flushSync();
  } catch (error) {
    if (error instanceof TruncatedFileError) throw new AdapterError(error.message);
    throw error;
  } finally {
    appender.closeSync();
  }
  await db.run(`
    create or replace temp table ${text}_checked as
    select _line, raw, coalesce(problem, case
        when try(json(raw)) is null then '${sqlEscape(label)} record ' || _line || ': the record is not valid JSON (cut off or damaged): fix that record or export it again'
        when json_type(try(json(raw))) <> 'OBJECT' then '${sqlEscape(label)} record ' || _line || ': the record is not a JSON object'
      end) as problem
    from ${text};
    insert into ${table}_bad select _line, raw, problem from ${text}_checked where problem is not null;
    create or replace temp table ${table} as select _line, json(raw) as doc from ${text}_checked where problem is null;
    drop table ${text}; drop table ${text}_checked`);
}

/** Moves all but the last record of each conversation id into `${table}_bad`, as duplicates of the last. */
async function setAsideDuplicates(db: Warehouse, table: string, label: string, idSql: string): Promise<void> {
  await db.run(`
    create or replace temp table ${table}_dup as
    select _line, doc, id, later from (
      select _line, doc, ${idSql} as id, max(_line) over (partition by ${idSql}) as later from ${table}
    ) where id is not null and id <> '' and _line <> later;
    insert into ${table}_bad
    select _line, doc::varchar, '${sqlEscape(label)} record ' || _line || ': ${DUPLICATE}' || later || ' (conversation ' || id || '); the later one was loaded'
    from ${table}_dup;
    delete from ${table} t using ${table}_dup d where t._line = d._line;
    drop table ${table}_dup`);
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
    /** The conversation id of a record, an expression on `doc`: for the duplicate rule (see {@link stageDocs}). */
    idSql?: string;
    /** SQL naming stored conversations the staged file removes (deleted, merged): see `removals.ts`. */
    removes?: (table: string) => string;
  },
): Promise<Prepared> {
  return prepareFiles(db, paths, async (file, i) => {
    const table = `${o.prefix}_${i}`;
    const digest = await stageDocs(db, file, table, o.idSql);
    const tables = [table, `${table}_bad`];
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
        sql: (part: Part) => {
          const where = inRange(part, digest.records, '_line');
          return `${o.sql(table, path.basename(file), where)}
union all
select _line, raw, problem from ${table}_bad where ${where}`;
        },
        digest: async () => ({ checksum: digest.checksum, bytes: digest.bytes }),
        ...(o.removes ? { removes: () => o.removes!(table) } : {}),
      },
    };
  });
}
