/**
 * The loader: canonical JSON Lines into the raw layer, written in one transaction.
 *
 * A canonical conversation file whose every line is plainly a JSON object
 * is parsed by DuckDB's `read_json` straight from disk, a chunk-sized copy at
 * a time when it is larger than a chunk (`direct-read.ts`); anything else is
 * split into lines by JavaScript and handed to DuckDB's appender (a temp
 * table of raw text). Parsing, the contract's checks, de-duplication and the
 * writes to `raw_*` all run as SQL. Records that break the contract go to
 * `quarantine` with file, line, reason and raw text, so that for every file
 * `read = loaded + quarantined`. A conversation seen again, in another file
 * or an earlier load, replaces the earlier one whole (key: source + id); in
 * the same file, the earlier copy is quarantined as its duplicate
 * (`check-and-write.ts`). Conversations an input proves gone are removed
 * last (`removals.ts`).
 *
 * Memory stays flat as the input grows: lines are checked a chunk at a time
 * (about {@link CHUNK_BYTES} of text), and an adapter's query runs in parts
 * (by a hash of the conversation key, see `parts.ts`), each part checked
 * before the next is read. The checks run outside the transaction (all but
 * the last chunk's), into temp staging tables, so that each chunk's scratch
 * is freed before the next; the writes to `raw_*`, the quarantine and the
 * load log are the one transaction. How a chunk is checked, staged and written is `check-and-write.ts`.
 *
 * All the inputs of one load land together or not at all: a file that is
 * missing, not a regular file, not UTF-8 text, cut off (a truncated .gz) or
 * changed while it is read stops the load with a {@link LoadError} naming
 * every such file before anything is written (the files are read to the
 * end before the transaction begins; a failure inside it rolls it back), so
 * nothing of any of the files lands. An empty file is only a note.
 *
 * @example
 *   const summary = await loadFiles(db, [{ file: 'export.jsonl.gz' }], { source: 'acme-chat' });
 *   // { files: 1, read: 1200, loaded: 1198, quarantined: 2, seconds: 0.41, ... }
 */
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DuckDBAppender } from '@duckdb/node-api';
import { isOutOfMemory, type Warehouse } from '../warehouse/connection.js';
import { withoutCompression } from '../warehouse/compression.js';
import { endDemo } from '../accounts/index.js';
import { FileProblemError, linesOf, readLines, type FileDigest, type Line } from './line-reader.js';
import { checkMacros } from './canonical-checks.js';
import { checkChunk, dropIngestTables, startStaging, writeStaged, type DirectLines } from './check-and-write.js';
import {
  assertUnchanged,
  dropPlainLines,
  keepsInsertionOrder,
  parsePlainFile,
  readPlainLines,
  refusedLines,
  splitPlainFile,
  type PlainChunk,
  type PlainLines,
  type PlainStarts,
} from './direct-read.js';
import type { Part } from './parts.js';
import { applyRemovals } from './removals.js';

export type RecordKind = 'conversation' | 'agents' | 'outcomes';

/** One input of a load: a file, and optionally the lines to load from it (adapters supply their own). */
export interface LoadInput {
  file: string;
  /** What the file holds; default: `agents` for a file named agents*.jsonl, `outcomes` for outcomes*.jsonl, else `conversation`. */
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
   * A function is asked for one query per part (see `parts.ts`); together
   * the parts yield every row once.
   */
  sql?: string | ((part: Part) => string);
  /** With a function `sql`: how many parts to run it in (default 1). */
  parts?: number;
  /** With `sql`: the checksum and size of what was read. */
  digest?: () => Promise<FileDigest>;
  /** Something the user should know about this input (an adapter's finding): shown as a note and kept in the load log. */
  note?: string;

  /**
   * A query naming stored conversations this input proves gone (columns
   * `source`, `conversation_id`): run after every input is written, see `removals.ts`.
   */
  removes?: () => string;
  /** Said of the file instead of "the file is empty" when it yields no record (an adapter that loads its records with another file's). */
  whenNothingRead?: string;
}

export interface LoadOptions {
  /** Source for records that do not name one (default `canonical`). */
  source?: string;
  /** The moment of the load, for the "more than a day in the future" rule (default now). */
  now?: Date;
  onProgress?: (progress: LoadProgress) => void;
  /** Lines of text checked and written together (default {@link CHUNK_BYTES}). */
  chunkBytes?: number;
  /**
   * Runs inside the load's transaction once everything is written, just
   * before the commit: what it writes lands with the load or not at all (an
   * API sync stores its cursor here, sync/run.ts). A throw rolls the load back.
   */
  beforeCommit?: (summary: LoadSummary) => Promise<void>;
}

/** Lines of canonical text checked and written together. */
export const CHUNK_BYTES = 256 * 2 ** 20;

/** A load that could not run to the end; nothing of it is written. */
export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

/** Why a load of several inputs did not land: every file at fault, and that nothing was loaded. */
export function nothingLoaded(problems: readonly string[]): LoadError {
  return new LoadError(`${problems.join('; ')}. Nothing was loaded: a load lands whole or not at all`);
}

export interface LoadProgress {
  phase: 'reading' | 'checking' | 'writing';
  file?: string;
  records: number;
  seconds: number;
}

export interface FileResult {
  file: string;
  /** What its records are: conversations, agents or customer outcomes. */
  kind: RecordKind;
  format: string;
  read: number;
  loaded: number;
  quarantined: number;
  checksum: string | null;
  bytes: number | null;
  seconds: number;
  /** A note about the file, such as an empty file or an adapter's finding (files that cannot be read stop the load instead). */
  problem: string | null;
}

/** The summary object of the CLI contract, plus detail. */
export interface LoadSummary {
  files: number;
  read: number;
  loaded: number;
  quarantined: number;
  /** Conversations already in the warehouse that this load replaced. */
  replaced: number;
  /** Conversations already in the warehouse that this load removed (deleted on the platform, merged, or gone from a full snapshot). */
  removed: number;
  /** Of the quarantined records: earlier copies of a conversation that a later record of the same file replaced. */
  duplicates: number;
  /** What was loaded, in its own units: conversations, agents, customer outcomes (`loaded` adds them up). */
  loadedByKind: Record<RecordKind, number>;
  seconds: number;
  loadId: number;
  perFile: FileResult[];
  /**
   * Set when this load put other data into a warehouse that held demo data
   * only: the demo accounts it disabled (the demo mark is cleared too).
   */
  demoAccountsDisabled?: string[];
}

const PROGRESS_EVERY = 5000;

export function defaultKind(file: string): RecordKind {
  const name = path.basename(file);
  if (/^agents?([-_.].*)?\.jsonl(\.gz)?$/i.test(name)) return 'agents';
  if (/^(customer[-_.])?outcomes?([-_.].*)?\.jsonl(\.gz)?$/i.test(name)) return 'outcomes';
  return 'conversation';
}

/** What a load carries from file to file and from chunk to chunk. */
interface Run {
  readonly db: Warehouse;
  readonly loadId: number;
  readonly inputs: readonly LoadInput[];
  /** The inputs' files by `file_no`. */
  readonly files: readonly string[];
  readonly source: string;
  readonly now: Date;
  readonly chunkBytes: number;
  /** Whether the inputs are files that together fit one chunk ({@link fitsOneChunk}). */
  readonly oneChunk: boolean;
  readonly results: FileResult[];
  readonly elapsed: () => number;
  readonly progress: (progress: LoadProgress) => void;
  /** Lines read so far, in all files. */
  records: number;
  /** Conversations of earlier loads that this load replaced. */
  replaced: number;
  /** Conversations of earlier loads that this load removed. */
  removed: number;
  /** Lines quarantined as earlier copies of a conversation. */
  duplicates: number;
  /** Chunks checked and staged so far. */
  chunks: number;
  /** The lines in `_ingest_lines` not yet checked. */
  chunk: { lines: number; bytes: number };
  /** The appender into `_ingest_lines`, while one is open. */
  appender: DuckDBAppender | undefined;
  /** The files of the chunk parsed by `read_json` (`direct-read.ts`), by their table: a file, or a chunk's copy of one. */
  directFiles: Map<string, DirectFile>;
  /** The folder of the chunks' copies, while there is one. */
  scratch: string | undefined;
}

/** A file (or a chunk's copy of one, `copy`) parsed by `read_json` into `table`. */
type DirectFile = { fileNo: number; file: string; table: string } & ({ copy: false; scan: PlainLines } | { copy: true; scan: PlainStarts });

/** Loads the inputs as one transaction; see the module comment. */
export async function loadFiles(db: Warehouse, inputs: readonly LoadInput[], options: LoadOptions = {}): Promise<LoadSummary> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  // files that cannot be read at all stop the load before anything is read, each named
  const unusable = (await Promise.all(inputs.filter((i) => !i.sql && !i.lines).map((i) => unreadable(i.file)))).filter((p): p is string => p !== undefined);
  if (unusable.length) throw nothingLoaded(unusable);

  // one exclusive section: the staging temp tables live on the main connection, and nothing else runs on it meanwhile
  return db.exclusive(async () => {
    // FSST off while the load writes: choosing it for the raw tables' text (bodies, ids) was about a
    // fifth of a first load's time; without it the raw layer is about a tenth larger (README, benchmarks)
    const restore = await withoutCompression(db);
    try {
      return await load(db, inputs, options, now, elapsed);
    } finally {
      await restore();
    }
  });
}

/**
 * The body of {@link loadFiles}: every chunk read, checked and staged, then
 * the last chunk checked, the staged rows written, the removals, the load
 * log and the demo's end in one transaction. The temp tables of the load are dropped before (what a
 * load that failed left) and after.
 */
async function load(db: Warehouse, inputs: readonly LoadInput[], options: LoadOptions, now: Date, elapsed: () => number): Promise<LoadSummary> {
  await dropIngestTables(db);
  if (db.path !== ':memory:') await rm(chunksFolder(db.path), { recursive: true, force: true });
  let run: Run | undefined;
  try {
    run = await startLoad(db, inputs, options, now, elapsed);
    const started = run;
    const readAll = async () => {
      try {
        for (const [fileNo, input] of inputs.entries()) await readInput(started, fileNo, input);
        closeAppender(started);
      } finally {
        started.appender?.closeSync();
      }
    };
    // files that fit one chunk are read inside the transaction too: lines appended and committed before
    // it were parsed on both cores for no gain in time (1.1M messages: 3.7 CPU s against 2.4)
    const oneChunk = run.oneChunk;
    // a file parsed by read_json is held whole: only when the load is one chunk; and before the
    // transaction, which a statement that fails (read_json refusing the file) would abort
    if (oneChunk) await parseDirect(run);
    if (!oneChunk) await readAll();
    return await db.transaction(async () => {
      const run = started;
      if (oneChunk) await readAll();
      // the last chunk is checked inside: its scratch is the only one the transaction holds, and
      // a load of one chunk does not commit its parsed lines only to read them back at once
      await checkLines(run);
      await db.run('drop table _ingest_lines');
      run.progress({ phase: 'writing', records: run.records, seconds: run.elapsed() });
      run.replaced = (await writeStaged(db, run.loadId, run.chunks)).replaced;
      run.removed = await applyRemovals(db, run.loadId, inputs);
      await writeLoadLog(run);
      // dropped inside the transaction, its own temp tables are discarded at the commit instead of committed first
      await dropIngestTables(db);
      // real data in a demo warehouse: its demo accounts go, in the same transaction (accounts/demo-accounts.ts)
      const demoAccountsDisabled = await endDemo(db, now);
      const summary: LoadSummary = { ...summarise(run), ...(demoAccountsDisabled ? { demoAccountsDisabled } : {}) };
      await options.beforeCommit?.(summary);
      return summary;
    });
  } finally {
    // after the commit or the rollback; a table left here by a failure is dropped by the next load's start
    await dropIngestTables(db).catch(() => undefined);
    if (run?.scratch) await rm(run.scratch, { recursive: true, force: true });
  }
}

/**
 * Whether the inputs are files whose bytes together fit one chunk (an adapter's query or lines given
 * in memory: no). A compressed file may still hold more; its later chunks are then checked in the
 * transaction, which is correct, only without freeing their scratch.
 */
function fitsOneChunk(inputs: readonly LoadInput[], chunkBytes: number): boolean {
  let bytes = 0;
  for (const input of inputs) {
    if (input.sql || input.lines) return false;
    const size = statSync(input.file, { throwIfNoEntry: false })?.size;
    if (size === undefined) return false;
    bytes += size;
  }
  return bytes <= chunkBytes;
}

/** Begins a load: its id, the scratch and staging tables and the checks' macros (temp objects, outside the transaction). */
async function startLoad(db: Warehouse, inputs: readonly LoadInput[], options: LoadOptions, now: Date, elapsed: () => number): Promise<Run> {
  // no other load can take the id meanwhile: the load holds the warehouse's main connection from here to its commit
  const loadId = ((await db.one<{ id: number | null }>('select max(load_id) as id from load_log'))?.id ?? 0) + 1;
  await newLinesTable(db);
  await db.run('create or replace temp table _ingest_files (file_no integer, file varchar)');
  for (const [fileNo, input] of inputs.entries()) {
    await db.run('insert into _ingest_files values ($1, $2)', [fileNo, input.file]);
  }
  await db.run(checkMacros(now));
  await startStaging(db);
  return {
    db,
    loadId,
    inputs,
    files: inputs.map((i) => i.file),
    source: options.source ?? 'canonical',
    now,
    chunkBytes: options.chunkBytes ?? CHUNK_BYTES,
    oneChunk: fitsOneChunk(inputs, options.chunkBytes ?? CHUNK_BYTES),
    results: [],
    elapsed,
    progress: options.onProgress ?? (() => undefined),
    records: 0,
    replaced: 0,
    removed: 0,
    duplicates: 0,
    chunks: 0,
    chunk: { lines: 0, bytes: 0 },
    appender: undefined,
    directFiles: new Map(),
    scratch: undefined,
  };
}

/** `_ingest_lines`, made anew for each chunk: dropping a table is instant, deleting its rows is not. */
function newLinesTable(db: Warehouse): Promise<void> {
  return db.run(
    'create or replace temp table _ingest_lines (file_no integer, kind varchar, line integer, raw blob, bad_encoding boolean, truncated boolean, preset_problem varchar)',
  );
}

/** Reads one input into `_ingest_lines`, writing each chunk as it fills; adds the input's result to `run.results`. */
async function readInput(run: Run, fileNo: number, input: LoadInput): Promise<void> {
  const started = performance.now();
  const kind = input.kind ?? defaultKind(input.file);
  const result: FileResult = {
    file: input.file,
    kind,
    format: input.format ?? (kind === 'conversation' ? 'canonical' : kind),
    read: 0,
    loaded: 0,
    quarantined: 0,
    checksum: null,
    bytes: null,
    seconds: 0,
    problem: input.note ?? null,
  };
  run.results.push(result);
  const digest: FileDigest = { checksum: '', bytes: 0 };
  if (input.sql) {
    await readQuery(run, fileNo, kind, input, input.sql, result);
    Object.assign(digest, await input.digest?.());
  } else {
    await readLineInput(run, fileNo, kind, input, digest, result);
  }
  if (result.read === 0 && !result.problem && input.whenNothingRead) result.problem = input.whenNothingRead;
  finishFile(result, digest, started);
}

/** An adapter's query, part by part: each part checked before the next runs. */
async function readQuery(run: Run, fileNo: number, kind: RecordKind, input: LoadInput, sql: NonNullable<LoadInput['sql']>, result: FileResult): Promise<void> {
  closeAppender(run);
  const count = typeof sql === 'string' ? 1 : Math.max(1, input.parts ?? 1);
  for (let index = 0; index < count; index++) {
    const query = typeof sql === 'string' ? sql : sql({ index, count });
    try {
      await run.db.run(
        `insert into _ingest_lines
         select ${fileNo}, '${kind}', line, encode(raw), false, false, problem from (${query})`,
      );
    } catch (error) {
      throw new LoadError(readFailure(input.file, error));
    }
    const n = (await run.db.one<{ n: number }>(`select count(*) as n from _ingest_lines where file_no = ${fileNo}`))?.n ?? 0;
    result.read += n;
    run.records += n;
    run.chunk.lines += n;
    if (count > 1) run.progress({ phase: 'reading', file: input.file, records: run.records, seconds: run.elapsed() });
    await checkLines(run);
  }
}

/**
 * Canonical JSON lines (the file's own, or an adapter's `lines`) through the
 * appender, checked a chunk of about `chunkBytes` at a time; in a load of
 * more than one chunk, a canonical conversation file parsed by `read_json`
 * where it can be ({@link readPlain}). A file that cannot be read to the
 * end stops the load (see the module comment).
 */
async function readLineInput(run: Run, fileNo: number, kind: RecordKind, input: LoadInput, digest: FileDigest, result: FileResult): Promise<void> {
  for (const f of run.directFiles.values()) if (f.fileNo === fileNo && !f.copy) return readDirect(run, input, f.scan, digest, result);
  try {
    if (await readPlain(run, fileNo, kind, input, digest, result)) return;
    const lines = input.lines ? input.lines(digest) : readLines(input.file, digest);
    for await (const line of lines) await addLine(run, fileNo, kind, input.file, line, result);
  } catch (error) {
    throw nothingLoaded([error instanceof FileProblemError ? error.message : `${input.file} could not be read to the end: ${(error as Error).message.split('\n')[0]}`]);
  }
}

/** One line through the appender (a blank one skipped); the chunk checked once it is full. */
async function addLine(run: Run, fileNo: number, kind: RecordKind, file: string, line: Line, result: FileResult): Promise<void> {
  if (!line.truncated && isBlank(line.bytes)) return;
  appendLine(run.appender ?? (await openAppender(run)), fileNo, kind, line);
  result.read++;
  run.chunk.lines++;
  run.chunk.bytes += line.bytes.length;
  if (++run.records % PROGRESS_EVERY === 0) run.progress({ phase: 'reading', file, records: run.records, seconds: run.elapsed() });
  if (run.chunk.bytes >= run.chunkBytes) {
    closeAppender(run);
    await checkLines(run);
  }
}

/**
 * In a load of more than one chunk (read before the transaction, which a
 * refused `read_json` would abort), a canonical conversation file parsed by
 * `read_json` (`direct-read.ts`): whole when it fits a chunk, else a chunk
 * at a time from copies of its chunks, each copy written while DuckDB
 * parses and checks the one before. A chunk that is not plain or that
 * `read_json` refuses goes through the appender, its lines numbered as the
 * file's. False when the file must go through the line reader whole.
 */
async function readPlain(run: Run, fileNo: number, kind: RecordKind, input: LoadInput, digest: FileDigest, result: FileResult): Promise<boolean> {
  if (run.oneChunk || input.lines || kind !== 'conversation') return false;
  closeAppender(run);
  if (statSync(input.file).size <= run.chunkBytes) {
    const table = `_ingest_direct_${fileNo}`;
    const scan = await parsePlainFile(run.db, table, fileNo, input.file);
    if (!scan) return false;
    run.directFiles.set(table, { fileNo, file: input.file, scan, table, copy: false });
    await readDirect(run, input, scan, digest, result);
    await checkIfFull(run);
    return true;
  }
  // line N is record N of the scan only in the scan's order (see readPlainLines): else no copy is worth making
  if (!(await keepsInsertionOrder(run.db))) return false;
  run.scratch ??= await scratchFolder(run.db);
  const chunks = splitPlainFile(input.file, run.chunkBytes, run.scratch, digest);
  let next = chunks.next();
  try {
    for (;;) {
      const step = await next;
      // false only before any chunk: the file cannot be plain
      if (step.done) return step.value;
      next = chunks.next();
      // a load that stops meanwhile still waits for this copy (below), and says why it stopped
      next.catch(() => undefined);
      await readChunk(run, fileNo, kind, input.file, step.value, result);
    }
  } finally {
    await next.catch(() => undefined);
    await chunks.return(false);
  }
}

/**
 * The folder of a load's chunk copies: beside the warehouse file (one load at a time writes to a
 * warehouse; every load removes what a load that was killed left there, {@link load}); for an
 * in-memory warehouse a new folder in the system's temporary folder.
 */
async function scratchFolder(db: Warehouse): Promise<string> {
  if (db.path === ':memory:') return mkdtemp(path.join(tmpdir(), 'parley-ingest-'));
  await mkdir(chunksFolder(db.path), { recursive: true });
  return chunksFolder(db.path);
}

const chunksFolder = (dbPath: string) => `${dbPath}.chunks`;

/** A chunk's copy {@link readPlain} made: parsed by `read_json`, or its lines through the appender. */
async function readChunk(run: Run, fileNo: number, kind: RecordKind, file: string, chunk: PlainChunk, result: FileResult): Promise<void> {
  const table = `_ingest_direct_${fileNo}_${chunk.no}`;
  const records = chunk.plain ? await readPlainLines(run.db, table, fileNo, chunk.path, chunk.firstLine) : undefined;
  if (chunk.plain && records === chunk.plain.lines) {
    run.directFiles.set(table, { fileNo, file: chunk.path, scan: chunk.plain, table, copy: true });
    result.read += records;
    run.records += records;
    run.chunk.lines += records;
    run.chunk.bytes += chunk.bytes;
    run.progress({ phase: 'reading', file, records: run.records, seconds: run.elapsed() });
    return checkIfFull(run);
  }
  if (records !== undefined) await dropPlainLines(run.db, table);
  const text = await readFile(chunk.path);
  await rm(chunk.path);
  for (const line of linesOf(text, chunk.firstLine)) await addLine(run, fileNo, kind, file, line, result);
}

async function checkIfFull(run: Run): Promise<void> {
  if (run.chunk.bytes < run.chunkBytes) return;
  closeAppender(run);
  await checkLines(run);
}

/**
 * The canonical conversation files of a load of one chunk parsed by
 * `read_json` straight from disk (`direct-read.ts`), before the
 * transaction; a file that cannot be goes through the line reader instead.
 */
async function parseDirect(run: Run): Promise<void> {
  for (const [fileNo, input] of run.inputs.entries()) {
    if (input.sql || input.lines || (input.kind ?? defaultKind(input.file)) !== 'conversation') continue;
    const table = `_ingest_direct_${fileNo}`;
    const scan = await parsePlainFile(run.db, table, fileNo, input.file);
    if (scan) run.directFiles.set(table, { fileNo, file: input.file, scan, table, copy: false });
  }
}

/** A file read by `read_json` that changed or could not be read again stops the load, as the line reader's problems do. */
function stopOnFileProblem(error: unknown): never {
  if (error instanceof FileProblemError) throw nothingLoaded([error.message]);
  throw error;
}

/** Counts a file {@link parseDirect} parsed as read, once it is sure to be the file the first pass read. */
async function readDirect(run: Run, input: LoadInput, scan: PlainLines, digest: FileDigest, result: FileResult): Promise<void> {
  await assertUnchanged(input.file, scan).catch(stopOnFileProblem);
  Object.assign(digest, scan.digest);
  result.read += scan.lines;
  run.records += scan.lines;
  run.chunk.lines += scan.lines;
  run.chunk.bytes += scan.digest.bytes;
  run.progress({ phase: 'reading', file: input.file, records: run.records, seconds: run.elapsed() });
}

/** The chunk's files parsed by `read_json`, for {@link checkChunk}: their tables, and how to fetch their refused records' text. */
function directLines(run: Run): DirectLines | undefined {
  if (!run.directFiles.size) return undefined;
  const files = [...run.directFiles.values()];
  return {
    tables: files.map((f) => f.table),
    refused: async () => {
      for (const f of files) {
        const { fileNo, scan } = f;
        const last = scan.firstLine + scan.lines;
        const rows = await run.db.all<{ line: number }>(
          `select line from _ingest_conversations where problem is not null and file_no = ${fileNo} and line > ${scan.firstLine} and line <= ${last} order by line`,
        );
        if (!rows.length) continue;
        const texts = await refusedLines(
          f.file,
          scan,
          rows.map((r) => r.line),
        ).catch(stopOnFileProblem);
        const appender = await openAppender(run);
        try {
          for (const [line, bytes] of texts) appendLine(appender, fileNo, 'conversation', { line, bytes, badEncoding: false, truncated: false });
        } finally {
          closeAppender(run);
        }
      }
    },
  };
}

async function openAppender(run: Run): Promise<DuckDBAppender> {
  run.appender = await run.db.connection.createAppender('_ingest_lines', 'main', 'temp');
  return run.appender;
}

/** Flushes and closes the appender, so that SQL sees every line appended. */
function closeAppender(run: Run): void {
  if (!run.appender) return;
  run.appender.flushSync();
  run.appender.closeSync();
  run.appender = undefined;
}

/** Checks and stages the lines gathered so far (a chunk), then empties `_ingest_lines`. */
async function checkLines(run: Run): Promise<void> {
  if (run.chunk.lines === 0) return;
  run.progress({ phase: 'checking', records: run.records, seconds: run.elapsed() });
  const checked = await checkChunk(run.db, ++run.chunks, run.loadId, run.files, run.source, run.now, directLines(run));
  // a chunk's copy is needed only until its refused records' text is read
  for (const f of run.directFiles.values()) if (f.copy) await rm(f.file, { force: true });
  run.directFiles.clear();
  run.duplicates += checked.duplicates;
  for (const c of checked.perFile) {
    const r = run.results[c.file_no]!;
    r.loaded += c.loaded;
    r.quarantined += c.quarantined;
  }
  await newLinesTable(run.db);
  run.chunk = { lines: 0, bytes: 0 };
}

/** The load log: a row per file. */
async function writeLoadLog(run: Run): Promise<void> {
  const startedAt = run.now;
  for (const r of run.results) {
    await run.db.run(`insert into load_log values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12, $13)`, [
      run.loadId,
      r.file,
      r.format,
      run.source,
      r.checksum,
      r.bytes,
      r.read,
      r.loaded,
      r.quarantined,
      run.replaced,
      startedAt,
      r.seconds,
      r.problem,
    ]);
  }
}

function summarise(run: Run): LoadSummary {
  const sum = (k: 'read' | 'loaded' | 'quarantined') => run.results.reduce((n, r) => n + r[k], 0);
  return {
    files: run.results.length,
    read: sum('read'),
    loaded: sum('loaded'),
    quarantined: sum('quarantined'),
    replaced: run.replaced,
    removed: run.removed,
    duplicates: run.duplicates,
    loadedByKind: {
      conversation: run.results.filter((r) => r.kind === 'conversation').reduce((n, r) => n + r.loaded, 0),
      agents: run.results.filter((r) => r.kind === 'agents').reduce((n, r) => n + r.loaded, 0),
      outcomes: run.results.filter((r) => r.kind === 'outcomes').reduce((n, r) => n + r.loaded, 0),
    },
    seconds: Math.round(run.elapsed() * 1000) / 1000,
    loadId: run.loadId,
    perFile: run.results,
  };
}

/** One line for a query of an adapter that failed, with what to do when DuckDB ran out of memory. */
function readFailure(file: string, error: unknown): string {
  return `${file} could not be loaded: ${outOfMemory(error) ?? (error as Error).message.split('\n')[0]!}`;
}

/** When `error` is DuckDB running out of memory: what happened and what to do, in words; else undefined. */
export function outOfMemory(error: unknown): string | undefined {
  if (!isOutOfMemory(error)) return undefined;
  const first = (error as Error).message.split('\n')[0]!;
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

/** Why a pipe or device cannot be loaded: Parley reads a file more than once (to detect its format, to check what was read). */
export function notAFile(file: string, fifo: boolean): string {
  return `${file} is ${fifo ? 'a named pipe (FIFO)' : 'not a regular file'}: Parley loads files only; save the stream to a file first (cat ${file} > export.jsonl) and load that`;
}

/** Why a path cannot be loaded at all, or undefined. */
async function unreadable(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    if (s.isDirectory()) return `${file} is a folder: name the files in it (for example ${path.join(file, '*.jsonl')})`;
    if (!s.isFile()) return notAFile(file, s.isFIFO());
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${file} does not exist: check the path`;
    if (code === 'EACCES') return `${file} cannot be read: permission denied`;
    return `${file} cannot be opened: ${(error as Error).message}`;
  }
}
