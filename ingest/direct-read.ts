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
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Warehouse } from '../warehouse/connection.js';
import { ChangedFileError, utf16Encoding, type FileDigest } from './line-reader.js';
import { RECORD_TYPE } from './canonical-checks.js';
import { sqlString } from './adapters/sql.js';

/** Where the lines of a text fit for `read_json` start. */
export interface PlainStarts {
  /** Lines (records) in the text. */
  lines: number;
  /** Byte offset of the text's Nth line's start at index N - 1, and the text's size at the end. */
  starts: number[];
  /** Lines of the input before the text's first (a chunk of a larger file: its line N is the input's line `firstLine + N`). */
  firstLine: number;
  /** Size and modification time of the text's file when the pass began. */
  size: number;
  mtimeMs: number;
}

/** What the first pass found in a file fit for `read_json`. */
export interface PlainLines extends PlainStarts {
  digest: FileDigest;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

const lineOk = (buf: Buffer, start: number, end: number) => end > start && buf[start] === OPEN_BRACE && buf[end - 1] === CLOSE_BRACE;

/**
 * Whether consecutive blocks of text are plainly lines of one JSON object
 * each (see the module comment), and where the lines start. Once a block
 * shows it is not, `plain` is false and later blocks are not looked at.
 */
class PlainScan {
  plain = true;
  readonly starts: number[] = [];
  /** Bytes taken, and of them the ones in lines already ended. */
  private bytes = 0;
  private ended = 0;
  // the bytes of the line not yet ended, carried into the next block
  private carry: Buffer = Buffer.alloc(0);

  take(block: Buffer): void {
    this.bytes += block.length;
    if (!this.plain) return;
    if (block.indexOf(CARRIAGE_RETURN) >= 0) return this.refuse();
    const buf = this.carry.length ? Buffer.concat([this.carry, block]) : block;
    const last = buf.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.carry = Buffer.from(buf);
      return;
    }
    // whole lines only: a newline is never inside a UTF-8 sequence, so each part is checked alone
    if (!isUtf8(buf.subarray(0, last))) return this.refuse();
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl < 0 || nl > last) break;
      if (!lineOk(buf, start, nl)) return this.refuse();
      this.starts.push(this.ended + start);
      start = nl + 1;
    }
    this.ended += start;
    this.carry = Buffer.from(buf.subarray(start));
  }

  /** At the end of the text: its line starts when it is plain, else undefined. */
  end(): { lines: number; starts: number[] } | undefined {
    if (this.plain && this.carry.length) {
      if (!isUtf8(this.carry) || !lineOk(this.carry, 0, this.carry.length)) this.refuse();
      else this.starts.push(this.ended);
    }
    if (!this.plain || !this.starts.length) return undefined;
    const lines = this.starts.length;
    this.starts.push(this.bytes);
    return { lines, starts: this.starts };
  }

  private refuse(): void {
    this.plain = false;
    this.carry = Buffer.alloc(0);
  }
}

/** Whether a file whose first block is `head` may be plain: gzip's magic, a byte order mark or UTF-16 all start otherwise. */
function mayBePlain(head: Buffer): boolean {
  return head[0] === OPEN_BRACE && utf16Encoding(head) === undefined;
}

/**
 * The first pass: the checksum and byte count, the line starts, and whether
 * every line is plainly one JSON object (see the module comment); undefined
 * when the file must go through the line reader.
 */
export async function scanPlainLines(file: string, onFirstBlock?: () => void): Promise<PlainLines | undefined> {
  const at = await stat(file);
  if (at.size === 0) return undefined;
  const hash = createHash('sha256');
  const scan = new PlainScan();
  let bytes = 0;
  let first = true;
  for await (const block of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const chunk = block as Buffer;
    hash.update(chunk);
    bytes += chunk.length;
    if (first && !mayBePlain(chunk)) return undefined;
    if (first) onFirstBlock?.();
    first = false;
    scan.take(chunk);
    if (!scan.plain) return undefined;
  }
  const found = scan.end();
  if (!found || bytes !== at.size) return undefined;
  return { digest: { checksum: hash.digest('hex'), bytes }, ...found, firstLine: 0, size: at.size, mtimeMs: at.mtimeMs };
}

/** A chunk of whole lines of a larger file, copied to a file of its own by {@link splitPlainFile}. */
export interface PlainChunk {
  /** Its number in the file, from 1. */
  no: number;
  /** The copy. */
  path: string;
  /** Lines of the file before the chunk's first. */
  firstLine: number;
  /** Its lines (a last line without a newline counted) and bytes. */
  lines: number;
  bytes: number;
  /** Where its lines start, when every one is plainly a JSON object; undefined when it must go through the line reader. */
  plain: PlainStarts | undefined;
}

/**
 * A canonical file larger than a chunk, copied a chunk of whole lines at a
 * time (`chunkBytes` or a little more, up to the next newline) into files
 * in `dir`, each yielded once written with what the first pass found in
 * it: `read_json` cannot read part of a file, and a copy is written (to
 * the page cache) for much less than the line reader's split costs. The
 * checksum and byte count are of the file itself, filled into `digest`
 * when the iteration ends; a file that changed meanwhile throws a
 * {@link ChangedFileError}. Returns false, having yielded nothing, when the
 * file's first block shows it cannot be plain (compressed, a byte order
 * mark, UTF-16): the line reader reads it whole. A chunk's lines are the
 * file's lines: the copy is cut only after a newline.
 */
export async function* splitPlainFile(file: string, chunkBytes: number, dir: string, digest: FileDigest): AsyncGenerator<PlainChunk, boolean> {
  const at = await stat(file);
  const hash = createHash('sha256');
  let bytes = 0;
  let no = 0;
  let firstLine = 0;
  let out: { path: string; handle: FileHandle; scan: PlainScan; bytes: number; newlines: number; endsInNewline: boolean } | undefined;
  const write = async (part: Buffer) => {
    if (!part.length) return;
    if (!out) {
      const p = path.join(dir, `chunk-${++no}.jsonl`);
      out = { path: p, handle: await open(p, 'w'), scan: new PlainScan(), bytes: 0, newlines: 0, endsInNewline: false };
    }
    out.scan.take(part);
    out.bytes += part.length;
    for (let i = part.indexOf(NEWLINE); i >= 0; i = part.indexOf(NEWLINE, i + 1)) out.newlines++;
    out.endsInNewline = part[part.length - 1] === NEWLINE;
    await out.handle.write(part);
  };
  const close = async (): Promise<PlainChunk> => {
    const c = out!;
    out = undefined;
    await c.handle.close();
    const found = c.scan.end();
    const written = await stat(c.path);
    const lines = c.newlines + (c.endsInNewline ? 0 : 1);
    const chunk: PlainChunk = {
      no,
      path: c.path,
      firstLine,
      lines,
      bytes: c.bytes,
      plain: found && { ...found, firstLine, size: written.size, mtimeMs: written.mtimeMs },
    };
    firstLine += lines;
    return chunk;
  };
  let first = true;
  try {
    for await (const block of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const buf = block as Buffer;
      hash.update(buf);
      bytes += buf.length;
      if (first && !mayBePlain(buf)) return false;
      first = false;
      // a chunk ends at the first newline from its chunkBytes-th byte on (a block may end several)
      let rest = buf;
      for (;;) {
        const room = chunkBytes - (out?.bytes ?? 0);
        const cut = room <= rest.length ? rest.indexOf(NEWLINE, Math.max(0, room - 1)) : -1;
        if (cut < 0) break;
        await write(rest.subarray(0, cut + 1));
        yield await close();
        rest = rest.subarray(cut + 1);
      }
      await write(rest);
    }
    if (out) yield await close();
  } finally {
    await out?.handle.close();
  }
  const now = await stat(file);
  if (bytes !== at.size || now.size !== at.size || now.mtimeMs !== at.mtimeMs) throw new ChangedFileError(file, at.size, now.size);
  digest.checksum = hash.digest('hex');
  digest.bytes = bytes;
  return true;
}

/** Stops the load when the file is not the one the first pass read. */
export async function assertUnchanged(file: string, scan: PlainStarts): Promise<void> {
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
export async function readPlainLines(db: Warehouse, table: string, fileNo: number, file: string, firstLine = 0): Promise<number | undefined> {
  if (!(await keepsInsertionOrder(db))) return undefined;
  try {
    await db.run(
      `create temp table ${table} as
       select ${fileNo}::integer as file_no, (ordinality + ${firstLine})::integer as line, false as bad_encoding, false as truncated, null::varchar as preset_problem, r
       from read_json(${sqlString(file)}, format = 'newline_delimited', records = false, columns = {r: ${sqlString(RECORD_TYPE)}}) with ordinality`,
    );
  } catch {
    await dropPlainLines(db, table);
    return undefined;
  }
  return (await db.one<{ n: number }>(`select count(*)::integer as n from temp.main.${table}`))?.n ?? 0;
}

/** Whether DuckDB keeps the scan's order (`preserve_insertion_order`): only then is line N record N of a read. */
export async function keepsInsertionOrder(db: Warehouse): Promise<boolean> {
  return (await db.one<{ v: boolean }>("select current_setting('preserve_insertion_order') as v"))?.v === true;
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

/** The text of lines `numbers` (1-based, the input's: `scan.firstLine` more than the text's) of a file read by {@link readPlainLines}, by their offsets. */
export async function refusedLines(file: string, scan: PlainStarts, numbers: readonly number[]): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  if (!numbers.length) return out;
  const handle = await open(file, 'r');
  try {
    for (const n of numbers) {
      const start = scan.starts[n - 1 - scan.firstLine]!;
      // the next line's start, less the newline (the last line may end without one)
      let end = scan.starts[n - scan.firstLine]!;
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
