/**
 * A canonical conversation file parsed by DuckDB straight from disk
 * (`read_json` into the typed struct), instead of split into lines by
 * JavaScript, handed over by the appender and parsed again by
 * `json_transform`. For the 1.1M-message file the read and the parse cost
 * about 1 CPU second less than the line reader, the appender and
 * `json_transform` (the two parse alike: 1.1 and 1.3 CPU s on one thread),
 * and the load's peak memory is about 0.63x, without the lines' text in a
 * temp table (README, "Ingest against DuckDB's own read").
 *
 * Only a file whose every line is plainly one JSON object takes this path:
 * a first pass in JavaScript ({@link scanPlainLines}) computes the checksum
 * and byte count as the line reader does and makes sure the file is not
 * compressed, has no byte order mark, is valid UTF-8, has no carriage
 * return and no blank line, and that every line begins with `{` and ends
 * with `}`. Then line N of the file is record N of `read_json` (taken in
 * file order, `with ordinality`), the same line numbers the line reader
 * counts. Anything `read_json` refuses (a line that is not valid JSON, a
 * duplicate key, a field of the wrong shape) or a record count that is not
 * the line count sends the file back to the line reader, which words every
 * such record's reason as before; where `read_json` reads a record, it
 * gives the same struct as `json_transform` (tested in `load.test.ts`). The
 * text of the few refused records, for the quarantine, is read back from
 * the file by the line offsets of the first pass ({@link refusedLines}).
 * The file must not change between the two reads (size and modification
 * time), else the load stops with a {@link ChangedFileError}. The first
 * pass runs while DuckDB reads (from its first block on), so it costs CPU
 * (about 0.4 s for 250 MiB, the sha256 included) but little wall time.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Warehouse } from '../warehouse/connection.js';
import { ChangedFileError, type FileDigest } from './line-reader.js';
import { RECORD_TYPE } from './canonical-checks.js';
import { sqlString } from './adapters/sql.js';

/** What the first pass found in a file fit for `read_json`. */
export interface PlainLines {
  digest: FileDigest;
  /** Lines (records) in the file. */
  lines: number;
  /** Byte offset of line N's start at index N - 1, and the file's size at the end. */
  starts: number[];
  /** Size and modification time when the pass began. */
  size: number;
  mtimeMs: number;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * The first pass: the checksum and byte count, the line starts, and whether
 * every line is plainly one JSON object (see the module comment); undefined
 * when the file must go through the line reader.
 */
export async function scanPlainLines(file: string, onFirstBlock?: () => void): Promise<PlainLines | undefined> {
  const at = await stat(file);
  if (at.size === 0) return undefined;
  const hash = createHash('sha256');
  const starts: number[] = [];
  let bytes = 0;
  // the bytes of the line not yet ended, carried into the next block
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  let first = true;
  const lineOk = (buf: Buffer, start: number, end: number) => end > start && buf[start] === OPEN_BRACE && buf[end - 1] === CLOSE_BRACE;
  for await (const block of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const chunk = block as Buffer;
    hash.update(chunk);
    bytes += chunk.length;
    // gzip's magic, a byte order mark or UTF-16 all start with something other than `{`
    if (first && chunk[0] !== OPEN_BRACE) return undefined;
    if (chunk.indexOf(CARRIAGE_RETURN) >= 0) return undefined;
    if (first) onFirstBlock?.();
    first = false;
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const last = buf.lastIndexOf(NEWLINE);
    if (last < 0) {
      carry = Buffer.from(buf);
      continue;
    }
    // whole lines only: a newline is never inside a UTF-8 sequence, so each part is checked alone
    if (!isUtf8(buf.subarray(0, last))) return undefined;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl < 0 || nl > last) break;
      if (!lineOk(buf, start, nl)) return undefined;
      starts.push(offset + start);
      start = nl + 1;
    }
    offset += start;
    carry = Buffer.from(buf.subarray(start));
  }
  if (carry.length) {
    if (!isUtf8(carry) || !lineOk(carry, 0, carry.length)) return undefined;
    starts.push(offset);
  }
  if (bytes !== at.size) return undefined;
  const lines = starts.length;
  starts.push(bytes);
  return { digest: { checksum: hash.digest('hex'), bytes }, lines, starts, size: at.size, mtimeMs: at.mtimeMs };
}

/** Stops the load when the file is not the one the first pass read. */
export async function assertUnchanged(file: string, scan: PlainLines): Promise<void> {
  const now = await stat(file);
  if (now.size !== scan.size || now.mtimeMs !== scan.mtimeMs) throw new ChangedFileError(file, scan.size, now.size);
}

/**
 * Parses the file into `table` (columns of the parsed lines: file_no, line,
 * bad_encoding, truncated, preset_problem, r) with `read_json`, records
 * numbered in file order (`with ordinality`: a `row_number() over ()` of
 * the scan, in the scan's order while `preserve_insertion_order` is on, the
 * default; off, nothing is read). Returns the number of records; undefined,
 * and no table, when `read_json` refuses the file.
 */
export async function readPlainLines(db: Warehouse, table: string, fileNo: number, file: string): Promise<number | undefined> {
  const order = (await db.one<{ v: boolean }>("select current_setting('preserve_insertion_order') as v"))?.v;
  if (order !== true) return undefined;
  try {
    await db.run(
      `create temp table ${table} as
       select ${fileNo}::integer as file_no, ordinality::integer as line, false as bad_encoding, false as truncated, null::varchar as preset_problem, r
       from read_json(${sqlString(file)}, format = 'newline_delimited', records = false, columns = {r: ${sqlString(RECORD_TYPE)}}) with ordinality`,
    );
  } catch {
    await dropPlainLines(db, table);
    return undefined;
  }
  return (await db.one<{ n: number }>(`select count(*)::integer as n from temp.main.${table}`))?.n ?? 0;
}

export function dropPlainLines(db: Warehouse, table: string): Promise<void> {
  return db.run(`drop table if exists temp.main.${table}`);
}

/**
 * The file parsed by `read_json` into `table` when it is fit for it (see
 * the module comment), with what the first pass found; undefined, and no
 * table, when it must go through the line reader. The first pass and
 * DuckDB's read run at the same time (the read once the first block passed):
 * the read is thrown away when the pass refuses the file or their counts differ.
 */
export async function parsePlainFile(db: Warehouse, table: string, fileNo: number, file: string): Promise<PlainLines | undefined> {
  let read: Promise<number | undefined> | undefined;
  const scan = await scanPlainLines(file, () => {
    read = readPlainLines(db, table, fileNo, file);
  }).catch(() => undefined); // the line reader reads the file again and says what is wrong with it
  // settled before anything else runs on the connection
  const records = await read;
  if (scan && records === scan.lines) return scan;
  if (records !== undefined) await dropPlainLines(db, table);
  return undefined;
}

/** The text of lines `numbers` (1-based) of a file read by {@link readPlainLines}, by their offsets. */
export async function refusedLines(file: string, scan: PlainLines, numbers: readonly number[]): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  if (!numbers.length) return out;
  const handle = await open(file, 'r');
  try {
    for (const n of numbers) {
      const start = scan.starts[n - 1]!;
      // the next line's start, less the newline (the last line may end without one)
      let end = scan.starts[n]!;
      const buf = Buffer.alloc(end - start);
      await handle.read(buf, 0, buf.length, start);
      if (buf[buf.length - 1] === NEWLINE) end--;
      out.set(n, buf.subarray(0, end - start));
    }
  } finally {
    await handle.close();
  }
  await assertUnchanged(file, scan);
  return out;
}
