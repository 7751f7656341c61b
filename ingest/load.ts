/**
 * The loader: canonical JSON Lines into the raw layer, in one transaction.
 *
 * JavaScript only splits lines and hands them to DuckDB's appender (a temp
 * table of raw text); parsing, the contract's checks, de-duplication and the
 * writes to `raw_*` all run as SQL. Records that break the contract go to
 * `quarantine` with file, line, reason and raw text, so that for every file
 * `read = loaded + quarantined`. A conversation seen again, in this load or
 * an earlier one, replaces the earlier one whole (key: source + id).
 *
 * Memory stays flat as the input grows: lines are checked and written a
 * chunk at a time (about {@link CHUNK_BYTES} of text), and an adapter's
 * query runs in parts (by a hash of the conversation key), each part checked
 * and written before the next is read — all inside the one transaction.
 *
 * @example
 *   const summary = await loadFiles(db, [{ file: 'export.jsonl.gz' }], { source: 'acme-chat' });
 *   // { files: 1, read: 1200, loaded: 1198, quarantined: 2, seconds: 0.41, ... }
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBAppender } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/connection.js';
import { readLines, TruncatedFileError, type FileDigest, type Line } from './line-reader.js';
import { ELEMENT_COLUMNS, checkMacros, checkStatements } from './canonical-checks.js';
import { agentSchema, conversationSchema, explainRecord } from './canonical-schema.js';

export type RecordKind = 'conversation' | 'agents';

/** One input of a load: a file, and optionally the lines to load from it (adapters supply their own). */
export interface LoadInput {
  file: string;
  /** What the file holds; default: `agents` for a file named agents*.jsonl, else `conversation`. */
  kind?: RecordKind;
  /** The format name recorded in the load log (default `canonical`). */
  format?: string;
  /** Canonical JSON lines to load instead of reading `file` as JSON Lines. */
  lines?: (digest: FileDigest) => AsyncIterable<Line>;
  /**
   * Or a query that yields the canonical lines in bulk, for adapters that
   * transform an export inside DuckDB: columns `line` (integer: the source
   * record's number), `raw` (varchar: canonical JSON, or the source text when
   * refused) and `problem` (varchar: why the record was refused, else null).
   * A function is asked for one query per part (see {@link inPart}); together
   * the parts yield every row once.
   */
  sql?: string | ((part: Part) => string);
  /** With a function `sql`: how many parts to run it in (default 1). */
  parts?: number;
  /** With `sql`: the checksum and size of what was read. */
  digest?: () => Promise<FileDigest>;
}

export interface LoadOptions {
  /** Source for records that do not name one (default `canonical`). */
  source?: string;
  /** The moment of the load, for the "more than a day in the future" rule (default now). */
  now?: Date;
  onProgress?: (progress: LoadProgress) => void;
  /** Lines of text checked and written together (default {@link CHUNK_BYTES}). */
  chunkBytes?: number;
}

/** One of `count` parts of an adapter's query. */
export interface Part {
  index: number;
  count: number;
}

/** The whole of a query, as one part. */
export const WHOLE: Part = { index: 0, count: 1 };

/** SQL: true when the key `expr` falls in `part` (by its hash; always true for a single part). */
export function inPart(part: Part, expr: string): string {
  return part.count <= 1 ? 'true' : `hash(${expr}) % ${part.count} = ${part.index}`;
}

/**
 * SQL: true when the row number `expr` (1…`total`) falls in `part`'s range —
 * for exports of one record per conversation, where a later part must hold
 * later records (the later record of a conversation wins).
 */
export function inRange(part: Part, total: number, expr: string): string {
  if (part.count <= 1) return 'true';
  const size = Math.ceil(total / part.count);
  return `${expr} > ${part.index * size} and ${expr} <= ${(part.index + 1) * size}`;
}

/** How many parts an adapter's query over a staged JSON export of `bytes` runs in: about {@link BYTES_PER_PART} each. */
export function partsForBytes(bytes: number, perPart = BYTES_PER_PART): number {
  return Math.max(1, Math.ceil(bytes / perPart));
}

/** How many parts an adapter's query over `rows` staged rows runs in: about {@link ROWS_PER_PART} rows each. */
export function partsFor(rows: number, perPart = ROWS_PER_PART): number {
  return Math.max(1, Math.ceil(rows / perPart));
}

/** Lines of canonical text checked and written together. */
export const CHUNK_BYTES = 256 * 2 ** 20;
/** Staged export rows (messages, audits, tweets) per part of an adapter's query. */
export const ROWS_PER_PART = 400_000;
/** Bytes of a JSON export (one record per conversation) per part of an adapter's query. */
export const BYTES_PER_PART = 64 * 2 ** 20;

/** A load that could not run to the end; the transaction is rolled back. */
export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

export interface LoadProgress {
  phase: 'reading' | 'checking' | 'writing';
  file?: string;
  records: number;
  seconds: number;
}

export interface FileResult {
  file: string;
  format: string;
  read: number;
  loaded: number;
  quarantined: number;
  checksum: string | null;
  bytes: number | null;
  seconds: number;
  /** Why the file could not be read whole, or a note such as an empty file. */
  problem: string | null;
  /** True when the problem stopped part or all of the file from being read. */
  failed: boolean;
}

/** The summary object of the CLI contract, plus detail. */
export interface LoadSummary {
  files: number;
  read: number;
  loaded: number;
  quarantined: number;
  /** Conversations already in the warehouse that this load replaced. */
  replaced: number;
  seconds: number;
  loadId: number;
  perFile: FileResult[];
}

const PROGRESS_EVERY = 5000;

export function defaultKind(file: string): RecordKind {
  return /^agents?([-_.].*)?\.jsonl(\.gz)?$/i.test(path.basename(file)) ? 'agents' : 'conversation';
}

/** Loads the inputs as one transaction; see the module comment. */
export async function loadFiles(db: Warehouse, inputs: readonly LoadInput[], options: LoadOptions = {}): Promise<LoadSummary> {
  const now = options.now ?? new Date();
  const source = options.source ?? 'canonical';
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const progress = options.onProgress ?? (() => undefined);

  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;

  return db.transaction(async () => {
    const loadId = ((await db.one<{ id: number | null }>('select max(load_id) as id from load_log'))?.id ?? 0) + 1;
    // made anew for each chunk: dropping a table is instant, deleting its rows is not
    const newLines = () =>
      db.run(
        'create or replace temp table _ingest_lines (file_no integer, kind varchar, line integer, raw blob, bad_encoding boolean, truncated boolean, preset_problem varchar)',
      );
    await newLines();
    await db.run('create or replace temp table _ingest_files (file_no integer, file varchar)');
    for (const [fileNo, input] of inputs.entries()) {
      await db.run('insert into _ingest_files values ($1, $2)', [fileNo, input.file]);
    }
    await db.run(checkMacros(now));
    const results: FileResult[] = [];
    const chunk = { lines: 0, bytes: 0 };
    let records = 0;
    let replaced = 0;

    /** Checks and writes the lines gathered so far, then empties `_ingest_lines`. */
    const writeChunk = async () => {
      if (chunk.lines === 0) return;
      progress({ phase: 'checking', records, seconds: elapsed() });
      replaced += await checkAndWrite(db, loadId, inputs, results, source, now);
      progress({ phase: 'writing', records, seconds: elapsed() });
      await newLines();
      chunk.lines = 0;
      chunk.bytes = 0;
    };

    let appender: DuckDBAppender | undefined;
    const closeAppender = () => {
      if (!appender) return;
      appender.flushSync();
      appender.closeSync();
      appender = undefined;
    };
    try {
      for (const [fileNo, input] of inputs.entries()) {
        const fileStarted = performance.now();
        const kind = input.kind ?? defaultKind(input.file);
        const result: FileResult = {
          file: input.file,
          format: input.format ?? (kind === 'agents' ? 'agents' : 'canonical'),
          read: 0,
          loaded: 0,
          quarantined: 0,
          checksum: null,
          bytes: null,
          seconds: 0,
          problem: null,
          failed: false,
        };
        results.push(result);
        const problem = input.sql ? undefined : await unreadable(input.file);
        if (problem) {
          Object.assign(result, { problem, failed: true });
          continue;
        }
        const digest: FileDigest = { checksum: '', bytes: 0 };
        if (input.sql) {
          // an adapter's query, part by part: each part checked and written before the next runs
          closeAppender();
          const sql = input.sql;
          const count = typeof sql === 'string' ? 1 : Math.max(1, input.parts ?? 1);
          for (let index = 0; index < count; index++) {
            const query = typeof sql === 'string' ? sql : sql({ index, count });
            try {
              await db.run(
                `insert into _ingest_lines
                 select ${fileNo}, '${kind}', line, encode(raw), false, false, problem from (${query})`,
              );
            } catch (error) {
              throw new LoadError(readFailure(input.file, error));
            }
            const n = (await db.one<{ n: number }>(`select count(*) as n from _ingest_lines where file_no = ${fileNo}`))?.n ?? 0;
            result.read += n;
            records += n;
            chunk.lines += n;
            if (count > 1) progress({ phase: 'reading', file: input.file, records, seconds: elapsed() });
            await writeChunk();
          }
          Object.assign(digest, await input.digest?.());
          finishFile(result, digest, fileStarted);
          continue;
        }
        const lines = input.lines ? input.lines(digest) : readLines(input.file, digest);
        try {
          for await (const line of lines) {
            if (!line.truncated && isBlank(line.bytes)) continue;
            appender ??= await db.connection.createAppender('_ingest_lines', 'main', 'temp');
            appendLine(appender, fileNo, kind, line);
            result.read++;
            chunk.lines++;
            chunk.bytes += line.bytes.length;
            if (++records % PROGRESS_EVERY === 0) progress({ phase: 'reading', file: input.file, records, seconds: elapsed() });
            if (chunk.bytes >= chunkBytes) {
              closeAppender();
              await writeChunk();
            }
          }
        } catch (error) {
          result.failed = true;
          result.problem =
            error instanceof TruncatedFileError ? error.message : `${input.file} could not be read to the end: ${(error as Error).message}`;
        }
        finishFile(result, digest, fileStarted);
      }
      closeAppender();
    } finally {
      if (appender) appender.closeSync();
    }
    await writeChunk();

    // the load log, a row per file
    const startedAt = new Date(Date.now() - elapsed() * 1000);
    for (const r of results) {
      await db.run(
        `insert into load_log values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12, $13)`,
        [loadId, r.file, r.format, source, r.checksum, r.bytes, r.read, r.loaded, r.quarantined, replaced, startedAt, r.seconds, r.problem],
      );
    }
    await db.run('drop table _ingest_lines; drop table _ingest_files; drop table if exists _ingest_docs; drop table if exists _ingest_conversations; drop table if exists _ingest_agents');

    const sum = (k: 'read' | 'loaded' | 'quarantined') => results.reduce((n, r) => n + r[k], 0);
    return {
      files: results.length,
      read: sum('read'),
      loaded: sum('loaded'),
      quarantined: sum('quarantined'),
      replaced,
      seconds: Math.round(elapsed() * 1000) / 1000,
      loadId,
      perFile: results,
    };
  });
}

/**
 * The contract's checks over the lines in `_ingest_lines`, the refused ones
 * to the quarantine, the rest written to the raw layer (replacing what was
 * loaded before under the same key); adds the counts to `results`. Returns
 * how many conversations loaded before this load were replaced.
 */
async function checkAndWrite(db: Warehouse, loadId: number, inputs: readonly LoadInput[], results: FileResult[], source: string, now: Date): Promise<number> {
  // 1. The contract's checks, in bulk.
  for (const sql of checkStatements()) await db.run(sql);

  // 2. Refused records to the quarantine, each with a reason a person understands.
  const schema = conversationSchema(now);
  await quarantine(db, loadId, inputs, '_ingest_conversations', (raw) => explainRecord(raw, now, schema), now);
  await quarantine(db, loadId, inputs, '_ingest_agents', (raw) => explainRecord(raw, now, agentSchema), now);

  // 3. Replace what was loaded before, then write the raw layer.
  // the rows to write: valid, and the last of each (source, id) in this chunk (a later chunk replaces an earlier one)
  await db.run(
    `create or replace temp table _ingest_valid as
     select file_no, line, id, coalesce(nullif(source, ''), $1) as src
     from _ingest_conversations
     where problem is null
     qualify row_number() over (partition by src, id order by file_no desc, line desc) = 1`,
    [source],
  );
  const replaced =
    (await db.one<{ n: number }>(
      `select count(*) as n from _ingest_valid v
       where exists (select 1 from raw_conversations c where c.source = v.src and c.conversation_id = v.id and c.load_id <> ${loadId})`,
    ))?.n ?? 0;
  for (const table of ['raw_messages', 'raw_events', 'raw_surveys', 'raw_conversations']) {
    await db.run(`delete from ${table} t using _ingest_valid v where t.source = v.src and t.conversation_id = v.id`);
  }
  await db.run(insertRawSql(loadId));
  await writeAgents(db, loadId);
  await db.run('drop table _ingest_valid');

  // 4. Counts per file.
  const counts = await db.all<{ file_no: number; loaded: number; quarantined: number }>(
    `select file_no, count(*) filter (where problem is null) as loaded, count(*) filter (where problem is not null) as quarantined
     from (select file_no, problem from _ingest_conversations union all select file_no, problem from _ingest_agents)
     group by file_no`,
  );
  for (const c of counts) {
    const r = results[c.file_no]!;
    r.loaded += c.loaded;
    r.quarantined += c.quarantined;
  }
  return replaced;
}

/** One line for a query of an adapter that failed, with what to do when DuckDB ran out of memory. */
function readFailure(file: string, error: unknown): string {
  return `${file} could not be loaded: ${outOfMemory(error) ?? (error as Error).message.split('\n')[0]!}`;
}

/** When `error` is DuckDB running out of memory: what happened and what to do, in words; else undefined. */
export function outOfMemory(error: unknown): string | undefined {
  const first = (error as Error).message?.split('\n')[0] ?? '';
  if (!/Out of Memory/i.test(first)) return undefined;
  const used = /\(([^)]*used)\)/.exec(first)?.[1];
  return `DuckDB ran out of memory${used ? ` (${used})` : ''}; raise --memory-limit, or split the export into smaller files`;
}

function finishFile(result: FileResult, digest: FileDigest, started: number) {
  result.checksum = digest.checksum || null;
  result.bytes = digest.bytes;
  if (result.read === 0 && !result.problem) result.problem = 'the file is empty: nothing to load';
  result.seconds = (performance.now() - started) / 1000;
}

function appendLine(appender: DuckDBAppender, fileNo: number, kind: RecordKind, line: Line) {
  appender.appendInteger(fileNo);
  appender.appendVarchar(kind);
  appender.appendInteger(line.line);
  appender.appendBlob(line.bytes);
  appender.appendBoolean(line.badEncoding);
  appender.appendBoolean(line.truncated);
  if (line.problem === undefined) appender.appendNull();
  else appender.appendVarchar(line.problem);
  appender.endRow();
}

/** True for a line of nothing but spaces and tabs (line endings are already gone). */
function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

/** Why a path cannot be loaded at all, or undefined. */
async function unreadable(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    if (s.isDirectory()) return `${file} is a folder: name the files in it (for example ${path.join(file, '*.jsonl')})`;
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${file} does not exist: check the path`;
    if (code === 'EACCES') return `${file} cannot be read: permission denied`;
    return `${file} cannot be opened: ${(error as Error).message}`;
  }
}

/** Moves the refused lines of `table` into the quarantine, a page at a time. */
async function quarantine(
  db: Warehouse,
  loadId: number,
  inputs: readonly LoadInput[],
  table: string,
  explain: (raw: string) => string | undefined,
  now: Date,
) {
  const refused = await db.one<{ n: number }>(`select count(*) as n from ${table} where problem is not null`);
  if (!refused?.n) return;
  // the refused lines with their text, gathered in one scan, then read a page at a time
  await db.run(
    `create or replace temp table _ingest_refused as
     select r.file_no, r.line, l.raw, r.problem,
       l.truncated or l.bad_encoding or l.preset_problem is not null as line_problem
     from (select file_no, line, problem from ${table} where problem is not null) r
     join _ingest_lines l using (file_no, line)`,
  );
  const PAGE = 2000;
  let after = { file_no: -1, line: -1 };
  const appender = await db.connection.createAppender('quarantine');
  try {
    for (;;) {
      const rows = await db.all<{ file_no: number; line: number; raw: Uint8Array; problem: string; line_problem: boolean }>(
        `select file_no, line, raw, problem, line_problem from _ingest_refused
         where file_no > $1 or (file_no = $1 and line > $2)
         order by file_no, line limit ${PAGE}`,
        [after.file_no, after.line],
      );
      for (const row of rows) {
        // zod words the reason; the bulk check's own words stand for lines refused before their
        // content was read (cut short, badly encoded, or refused by an adapter) and where zod sees nothing wrong.
        const raw = Buffer.from(row.raw).toString('utf8');
        const reason = (!row.line_problem && explain(raw)) || row.problem;
        appender.appendInteger(loadId);
        appender.appendVarchar(inputs[row.file_no]!.file);
        appender.appendInteger(row.line);
        appender.appendVarchar(reason);
        appender.appendVarchar(raw);
        appender.appendVarchar(now.toISOString());
        appender.endRow();
      }
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      after = { file_no: last.file_no, line: last.line };
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await db.run('drop table _ingest_refused');
}

/** SQL writing the records named by `_ingest_valid` into the four raw tables. */
function insertRawSql(loadId: number): string {
  const elements = (table: string, field: keyof typeof ELEMENT_COLUMNS) => `
insert into ${table}
select src, id, seq::integer, ${ELEMENT_COLUMNS[field].join(', ')}
from (
  select v.src, v.id, unnest(d.r.${field}) as x, generate_subscripts(d.r.${field}, 1) as seq
  from _ingest_docs d
  join _ingest_valid v using (file_no, line)
  where len(d.r.${field}) > 0
);`;
  return `
insert into raw_conversations
select v.src, v.id, t.channel, t.created_at, t.customer_id, t.customer_segment, t.customer_locale,
  t.subject, t.intent, t.priority, t.tags, t.metadata, ${loadId}, f.file, v.line
from _ingest_conversations t
join _ingest_valid v using (file_no, line)
join _ingest_files f using (file_no);
${elements('raw_messages', 'messages')}
${elements('raw_events', 'events')}
${elements('raw_surveys', 'surveys')}
`;
}

async function writeAgents(db: Warehouse, loadId: number) {
  await db.run(`
    create or replace temp table _ingest_agents_valid as
    select a.* from _ingest_agents where problem is null
    qualify row_number() over (partition by a.id order by file_no desc, line desc) = 1;
    delete from raw_agents t using _ingest_agents_valid v where t.agent_id = v.id;
    insert into raw_agents
    select id, name, team, email, case active when 'true' then true when 'false' then false end, ${loadId}
    from _ingest_agents_valid;
    drop table _ingest_agents_valid;
  `);
}
