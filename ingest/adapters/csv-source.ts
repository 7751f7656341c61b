/**
 * Reading a CSV export into a DuckDB temp table, the way every CSV adapter
 * does it: the header is checked first (a missing or renamed column refuses
 * the file in one line), every column is read as text with DuckDB's own
 * reader, and rows DuckDB cannot read (bad encoding, a field too few) land
 * in a rejects table with their line, never dropped.
 *
 * DuckDB's reader is not trusted to account for every row: it has been seen
 * to drop rows of about 31 MB or more without a reject (issue 20), and it
 * names the wrong reason and the wrong text for rows longer than its buffer.
 * So the file's records are also counted here, independently (RFC 4180:
 * records end at a line break outside quotes; empty lines are no records),
 * each row longer than the reader's line limit is quarantined with Parley's
 * own reason and its first {@link KEPT_BYTES} as raw text, and a file whose
 * rows and refused rows still come to fewer than its records is refused in
 * one line ({@link accountForRecords}).
 *
 * A file in UTF-16 is refused in one line naming the encoding and the iconv
 * command; a UTF-8 byte order mark is dropped.
 *
 * DuckDB's reader takes a bare carriage return for a line break even inside
 * an unquoted field (the Twitter support export has one, tweet 3399), so a
 * file holding one is first copied, streaming, with each bare `\r` written
 * as U+FFFE; {@link restoreCr} turns it back in SQL.
 *
 * @example
 *   const t = await stageCsv(db, { file: 'ticket.csv', table: '_zd_ticket', columns: { id: ['id'], created_at: ['created_at'] } });
 *   // temp table _zd_ticket(_line, id, created_at), rejects in _zd_ticket_rej(line, problem, raw)
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { Warehouse } from '../../warehouse/connection.js';
import { EncodingError, utf16Encoding, type FileDigest } from '../line-reader.js';
import { AdapterError } from './types.js';
import { sqlString, ident } from './sql.js';

/** Stands in for a bare carriage return while DuckDB reads the file. */
export const CR_STAND_IN = '\uFFFE';

/** SQL turning the stand-in back into a carriage return. */
export function restoreCr(expr: string): string {
  return `replace(${expr}, '${CR_STAND_IN}', chr(13))`;
}

function open(file: string): Readable {
  const stream = createReadStream(file);
  return /\.gz$/i.test(file) ? stream.pipe(createGunzip()) : stream;
}

/** The header row's column names (first record of the file; BOM and quotes removed). A UTF-16 file is refused. */
export async function readHeader(file: string): Promise<string[]> {
  let text = '';
  let head: Buffer | undefined;
  try {
    for await (const chunk of open(file)) {
      head ??= chunk as Buffer;
      text += (chunk as Buffer).toString('utf8');
      if (/[\r\n]/.test(text) || text.length > 1 << 20) break;
    }
  } catch (error) {
    throw new AdapterError(`${file} cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  const utf16 = head && utf16Encoding(head);
  if (utf16) throw new AdapterError(new EncodingError(file, utf16).message);
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/)[0] ?? '';
  if (!line.trim()) throw new AdapterError(`${file} is empty: it has no header row`);
  return splitCsvLine(line);
}

/** Splits one CSV line (RFC 4180 quotes) into fields. */
export function splitCsvLine(line: string, delimiter = ','): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** The limits of DuckDB's CSV reader: a row longer than `maxLineBytes` is refused (DuckDB's defaults when not given). */
export interface ReaderLimits {
  maxLineBytes: number;
  /** DuckDB's read buffer (at least `maxLineBytes`); rows longer than it get a wrong reason from DuckDB. */
  bufferBytes?: number;
}

/** DuckDB's default `max_line_size`. */
export const MAX_LINE_BYTES = 2 * 2 ** 20;

/** How much of a row too long to read is kept as the quarantine's raw text. */
export const KEPT_BYTES = 64 * 1024;

/** A record longer than the reader's limit. */
export interface LongRecord {
  /** The line it starts on (the header is line 1). */
  line: number;
  /** The line it ends on. */
  lastLine: number;
  bytes: number;
  /** Its first {@link KEPT_BYTES}. */
  head: Buffer;
}

/** The records of a CSV text, counted as they stream past. */
export interface RecordCount {
  /** Records after the header. */
  records: number;
  /** Records longer than the reader's limit (at most {@link MAX_LONG_KEPT} kept). */
  long: LongRecord[];
}

const MAX_LONG_KEPT = 1000;

/**
 * Counts CSV records (RFC 4180, `,` and `"`) independently of DuckDB:
 * a quote opens a quoted field only at the start of a field, `""` inside one
 * is a quote, records end at `\n` (or `\r\n`) outside quotes, and an empty
 * line is no record (DuckDB skips those too). Feed it chunks, then `end()`.
 */
export function recordCounter(maxLineBytes: number): { feed(chunk: Buffer): void; end(): RecordCount } {
  let quoted = false;
  let afterQuote = false; // inside quotes, the last byte was a quote
  let fieldStart = true;
  let line = 1;
  let startLine = 1;
  let recordBytes = 0;
  let records = 0;
  let head: Buffer[] = [];
  let headBytes = 0;
  const long: LongRecord[] = [];
  const finish = (lastLine: number) => {
    if (recordBytes > 0) {
      records++;
      if (recordBytes > maxLineBytes && long.length < MAX_LONG_KEPT) long.push({ line: startLine, lastLine, bytes: recordBytes, head: Buffer.concat(head) });
    }
    recordBytes = 0;
    head = [];
    headBytes = 0;
    fieldStart = true;
  };
  const keep = (chunk: Buffer, from: number, to: number) => {
    if (headBytes >= KEPT_BYTES || to <= from) return;
    const piece = Buffer.from(chunk.subarray(from, Math.min(to, from + KEPT_BYTES - headBytes)));
    head.push(piece);
    headBytes += piece.length;
  };
  return {
    feed(chunk) {
      let recordFrom = 0; // where the current record's bytes start in this chunk
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (b === 0x0a) line++;
        if (quoted) {
          if (afterQuote) {
            afterQuote = false;
            if (b !== 0x22)
              quoted = false; // the quote closed the field; this byte is outside it
            else {
              recordBytes++;
              continue;
            }
          } else {
            if (b === 0x22) afterQuote = true;
            recordBytes++;
            continue;
          }
        }
        if (b === 0x0a) {
          // a \r before the line break is part of the line ending, not of the record
          if (recordBytes > 0 && i > recordFrom && chunk[i - 1] === 0x0d) recordBytes--;
          keep(chunk, recordFrom, i);
          finish(line - 1);
          startLine = line;
          recordFrom = i + 1;
          continue;
        }
        if (b === 0x22 && fieldStart) quoted = true;
        fieldStart = b === 0x2c;
        recordBytes++;
      }
      keep(chunk, recordFrom, chunk.length);
    },
    end() {
      if (recordBytes > 0) finish(line);
      return { records: Math.max(0, records - 1), long };
    },
  };
}

/**
 * Checksum and size of a file, and whether it holds a bare carriage return;
 * with `count`, also its CSV records (see {@link recordCounter}).
 */
export async function scanFile(file: string, count?: ReaderLimits): Promise<FileDigest & { bareCr: boolean; count?: RecordCount }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let bareCr = false;
  let lastWasCr = false;
  const counter = count ? recordCounter(count.maxLineBytes) : undefined;
  let first = true;
  const raw = createReadStream(file);
  raw.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    bytes += chunk.length;
  });
  const text = /\.gz$/i.test(file) ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of text) {
      const buf = chunk as Buffer;
      if (counter) counter.feed(first && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf);
      first = false;
      if (bareCr) continue;
      if (lastWasCr && buf[0] !== 0x0a) bareCr = true;
      for (let i = buf.indexOf(0x0d); i >= 0 && !bareCr; i = buf.indexOf(0x0d, i + 1)) {
        if (i === buf.length - 1) lastWasCr = true;
        else if (buf[i + 1] !== 0x0a) bareCr = true;
      }
      if (buf[buf.length - 1] !== 0x0d) lastWasCr = false;
    }
  } catch (error) {
    throw new AdapterError(`${file} cannot be read to the end: ${(error as Error).message.split('\n')[0]} (a cut-off or corrupt file: copy or export it again)`);
  }
  if (lastWasCr) bareCr = true;
  return { checksum: hash.digest('hex'), bytes, bareCr, ...(counter ? { count: counter.end() } : {}) };
}

/** Copies `file` (decompressed) to `out`, each bare `\r` written as {@link CR_STAND_IN}. */
export async function copyWithoutBareCr(file: string, out: string): Promise<void> {
  const standIn = Buffer.from(CR_STAND_IN, 'utf8');
  let pendingCr = false;
  const transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const parts: Buffer[] = [];
      let start = 0;
      if (pendingCr) {
        parts.push(chunk[0] === 0x0a ? Buffer.from('\r') : standIn);
        pendingCr = false;
      }
      for (let i = chunk.indexOf(0x0d); i >= 0; i = chunk.indexOf(0x0d, i + 1)) {
        if (i === chunk.length - 1) {
          parts.push(chunk.subarray(start, i));
          pendingCr = true;
          start = chunk.length;
          break;
        }
        if (chunk[i + 1] !== 0x0a) {
          parts.push(chunk.subarray(start, i), standIn);
          start = i + 1;
        }
      }
      parts.push(chunk.subarray(start));
      done(null, Buffer.concat(parts));
    },
    flush(done) {
      done(null, pendingCr ? standIn : undefined);
    },
  });
  await pipeline(open(file), transform, createWriteStream(out));
}

const WORK_DIR_PREFIX = 'parley-adapter-';

/**
 * A temp folder for an adapter's working files, removed by the returned
 * function. Its name carries the pid of the process that owns it
 * (`parley-adapter-<pid>-XXXXXX`), so that folders left by a process that
 * was killed are removed by the next run ({@link sweepWorkDirs}).
 */
export async function workDir(root = tmpdir(), now = new Date()): Promise<{ dir: string; remove: () => Promise<void> }> {
  await sweepWorkDirs(root, now);
  const dir = await mkdtemp(path.join(root, `${WORK_DIR_PREFIX}${process.pid}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A day: how old a work folder of an older Parley (no pid in its name) must be to be taken for left over. */
const LEGACY_WORK_DIR_AGE_MS = 24 * 3600 * 1000;

/**
 * Removes the work folders in `root` whose owning process is gone (its pid
 * is not running), and those of an older Parley without a pid in their name
 * that were last changed more than a day before `now`. Folders of running
 * processes, and folders that cannot be removed (another user's), stay.
 * Returns the folders removed.
 */
export async function sweepWorkDirs(root = tmpdir(), now = new Date()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => n.startsWith(WORK_DIR_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const full = path.join(root, name);
    const pid = /^parley-adapter-(\d+)-/.exec(name)?.[1];
    let stale: boolean;
    if (pid) stale = !processRuns(Number(pid));
    else
      stale = await stat(full).then(
        (s) => now.getTime() - s.mtimeMs > LEGACY_WORK_DIR_AGE_MS,
        () => false,
      );
    if (!stale) continue;
    try {
      await rm(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      /* another user's folder, or already gone */
    }
  }
  return removed;
}

/** True when a process with this pid runs (one of another user counts). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface CsvSpec {
  file: string;
  /** Temp table to create. */
  table: string;
  /** Wanted column → the header names it may have (first match wins); all required. */
  columns: Record<string, readonly string[]>;
  /** Columns read when present (null otherwise). */
  optional?: Record<string, readonly string[]>;
  /** What the file is, for messages: "the Zendesk ticket table". */
  what?: string;
  /** Where bare carriage returns may be rewritten. */
  scratchDir?: string;
  /** DuckDB's reader limits (default DuckDB's own: rows up to {@link MAX_LINE_BYTES}); tests lower them. */
  limits?: ReaderLimits;
}

export interface StagedCsv {
  file: string;
  table: string;
  /** Table of refused rows: line, problem, raw. */
  rejects: string;
  rows: number;
  rejected: number;
  digest: FileDigest;
  /** Optional columns that the file does not have. */
  absent: string[];
}

/** Finds each wanted column in a header; a missing one refuses the file with the fix. */
export function matchColumns(file: string, header: readonly string[], wanted: Record<string, readonly string[]>, what?: string): Record<string, string> {
  const lower = new Map(header.map((h) => [h.toLowerCase(), h]));
  const found: Record<string, string> = {};
  for (const [name, aliases] of Object.entries(wanted)) {
    const hit = aliases.map((a) => lower.get(a.toLowerCase())).find((h) => h !== undefined);
    if (hit === undefined) {
      const shown =
        header
          .slice(0, 12)
          .map((h) => h || '(unnamed)')
          .join(', ') + (header.length > 12 ? ', …' : '');
      throw new AdapterError(
        `${file}${what ? ` (${what})` : ''} has no column ${aliases.join(' or ')}; found: ${shown}. ` +
          `Export it again with the platform's column names, or load it with --format mapping and a mapping file`,
      );
    }
    found[name] = hit;
  }
  return found;
}

const REJECT_REASONS: Record<string, string> = {
  'INVALID ENCODING': 'is not valid UTF-8 text: re-export the file as UTF-8 (or convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8)',
  'MISSING COLUMNS': 'has fewer fields than the header: a value was cut or a delimiter is missing; fix the row or export the file again',
  'TOO MANY COLUMNS': 'has more fields than the header: a value holds an unquoted comma; export the file again with quoted fields',
  'UNQUOTED VALUE': 'has a quote inside an unquoted value: export the file again with quoted fields',
  'LINE SIZE OVER MAXIMUM': 'is longer than 2 MB: a quote is probably not closed; fix the row or export the file again',
};

/**
 * Reads a CSV (plain or .gz) into a temp table of text columns named as
 * `columns`/`optional` say, plus `_line` (the record's line, exact for
 * records on one line). Rows DuckDB cannot read go to `<table>_rej`.
 */
export async function stageCsv(db: Warehouse, spec: CsvSpec): Promise<StagedCsv> {
  const label = path.basename(spec.file);
  const header = await readHeader(spec.file);
  const found = matchColumns(label, header, spec.columns, spec.what);
  const optional: Record<string, string | undefined> = {};
  const absent: string[] = [];
  for (const [name, aliases] of Object.entries(spec.optional ?? {})) {
    const lower = new Map(header.map((h) => [h.toLowerCase(), h]));
    optional[name] = aliases.map((a) => lower.get(a.toLowerCase())).find((h) => h !== undefined);
    if (!optional[name]) absent.push(name);
  }
  const limits = spec.limits ?? { maxLineBytes: MAX_LINE_BYTES };
  const scan = await scanFile(spec.file, limits);
  let readPath = spec.file;
  if (scan.bareCr) {
    if (!spec.scratchDir) throw new Error('stageCsv: a scratchDir is needed for files with bare carriage returns');
    readPath = path.join(spec.scratchDir, `${spec.table}.csv`);
    await copyWithoutBareCr(spec.file, readPath);
  }
  // every header column as text, unnamed ones numbered
  const names = header.map((h, i) => h || `column${i}`);
  const columnsArg = `{${names.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ')}}`;
  const rej = `${spec.table}_rej`;
  const select = [
    ...Object.entries(found).map(([name, col]) => `${ident(names[header.indexOf(col)]!)} as ${ident(name)}`),
    ...Object.entries(optional).map(([name, col]) => (col !== undefined ? `${ident(names[header.indexOf(col)]!)} as ${ident(name)}` : `null::varchar as ${ident(name)}`)),
  ];
  await db.run(`
    create or replace temp table ${spec.table}_read as
    select row_number() over () as _rec, ${select.join(', ')}
    from read_csv(${sqlString(readPath)}, columns = ${columnsArg}, header = true, auto_detect = false,
      delim = ',', quote = '"', escape = '"', store_rejects = true,
      rejects_table = '${rej}_errors', rejects_scan = '${rej}_scan'${
        spec.limits ? `, max_line_size = ${spec.limits.maxLineBytes}${spec.limits.bufferBytes ? `, buffer_size = ${spec.limits.bufferBytes}` : ''}` : ''
      })`);
  // refused rows, one per line, with a reason naming the fix
  await db.run(`
    create or replace temp table ${rej} as
    select line::integer as line,
      ${sqlString(label)} || ' line ' || line || ': the row ' || case error_type
        ${Object.entries(REJECT_REASONS)
          .map(([k, v]) => `when ${sqlString(k)} then ${sqlString(v)}`)
          .join('\n        ')}
        else 'cannot be read (' || error_message || '): fix the row or export the file again' end as problem,
      coalesce(csv_line, '') as raw
    from (select *, row_number() over (partition by line order by column_idx) as n from ${rej}_errors)
    where n = 1;
    drop table ${rej}_errors; drop table ${rej}_scan;`);
  await accountForRecords(db, { file: spec.file, read: `${spec.table}_read`, rejects: rej, count: scan.count!, limits });
  const rejected = (await db.one<{ n: number }>(`select count(*) as n from ${rej}`))?.n ?? 0;
  // the line of each readable record: its record number, skipping refused lines (exact for one-line records)
  await db.run(
    rejected === 0
      ? `create or replace temp table ${spec.table} as select (_rec + 1)::integer as _line, * exclude (_rec) from ${spec.table}_read`
      : `create or replace temp table ${spec.table} as
         with skipped as (select line - 1 - (row_number() over (order by line) - 1) as before from ${rej})
         select (_rec + 1 + (select count(*) from skipped where before <= _rec))::integer as _line, * exclude (_rec)
         from ${spec.table}_read`,
  );
  await db.run(`drop table ${spec.table}_read`);
  const rows = (await db.one<{ n: number }>(`select count(*) as n from ${spec.table}`))?.n ?? 0;
  return { file: spec.file, table: spec.table, rejects: rej, rows, rejected, digest: { checksum: scan.checksum, bytes: scan.bytes }, absent };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/**
 * Makes the rows DuckDB read (`read`) and refused (`rejects`) account for
 * every record the file has (`count`): each record longer than the reader's
 * limit becomes one refused row with Parley's reason and its first
 * {@link KEPT_BYTES} (replacing whatever DuckDB said about its lines, or
 * added when DuckDB said nothing); if the rows and refused rows are still
 * fewer than the records, the file is refused (AdapterError) rather than
 * loaded with rows missing.
 */
export async function accountForRecords(db: Warehouse, o: { file: string; read: string; rejects: string; count: RecordCount; limits: ReaderLimits }): Promise<void> {
  const label = path.basename(o.file);
  for (const r of o.count.long) {
    const problem =
      `${label} line ${r.line}: the row is ${mb(r.bytes)} long, more than the ${mb(o.limits.maxLineBytes)} a CSV row may have ` +
      `(a quote that is not closed, or a field such as a message body that is too long): fix or shorten the row, or export the file again; ` +
      `its first ${KEPT_BYTES / 1024} KB are kept here`;
    await db.run(`delete from ${o.rejects} where line between $1 and $2`, [r.line, r.lastLine]);
    await db.run(`insert into ${o.rejects} values ($1, $2, $3)`, [r.line, problem, r.head.toString('utf8')]);
  }
  const got = await db.one<{ rows: number; refused: number }>(`select (select count(*) from ${o.read}) as rows, (select count(*) from ${o.rejects}) as refused`);
  const accounted = (got?.rows ?? 0) + (got?.refused ?? 0);
  if (accounted < o.count.records) {
    throw new AdapterError(
      `${label} has ${o.count.records} rows, but DuckDB's CSV reader returned ${got?.rows ?? 0} and refused ${got?.refused ?? 0}: ` +
        `${o.count.records - accounted} rows would be lost, so the file is not loaded; check that the file is complete and not being written, or export it again`,
    );
  }
}
