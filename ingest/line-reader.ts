/**
 * Streams a JSON Lines file (plain or gzip) line by line, with its sha256
 * checksum and byte count, without holding the file in memory.
 *
 * Lines end at `\n` only (a trailing `\r` is dropped): a bare carriage return
 * inside a record is part of the record, not a line break. A line that is not
 * valid UTF-8 is still yielded, flagged, so the loader can quarantine it.
 * A gzip file that ends early yields every complete line before the cut, then
 * the partial last line flagged `truncated`, then throws {@link TruncatedFileError};
 * a file whose size changes while it is read throws {@link ChangedFileError}
 * at the end. A UTF-8 byte order mark is dropped from the first line; a file
 * that starts as UTF-16 (by its byte order mark, or NULs between ASCII
 * bytes) throws {@link EncodingError} before any line is yielded.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import { Transform, type Readable } from 'node:stream';
import path from 'node:path';

export interface Line {
  /** 1-based line number in the (decompressed) file. */
  line: number;
  /** The line's bytes, without its line ending; UTF-8 unless `badEncoding`. */
  bytes: Buffer;
  /** The bytes are not valid UTF-8. */
  badEncoding: boolean;
  /** The file ended inside this line. */
  truncated: boolean;
  /** Set by an adapter that could not turn a source record into canonical JSON: the reason, naming the fix. */
  problem?: string;
}

export interface FileDigest {
  checksum: string;
  bytes: number;
}

/** A file that cannot be loaded as it is: the message names the file, what is wrong and the fix. */
export class FileProblemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileProblemError';
  }
}

export class TruncatedFileError extends FileProblemError {
  constructor(file: string, detail: string) {
    super(`${file} ends abruptly (${detail}): it was cut off while being written or copied; copy or export it again`);
    this.name = 'TruncatedFileError';
  }
}

export class ChangedFileError extends FileProblemError {
  constructor(file: string, before: number, read: number) {
    super(`${file} changed while it was read (${before} bytes when opened, ${read} read): it is still being written or was replaced; load it again once it is complete`);
    this.name = 'ChangedFileError';
  }
}

export class EncodingError extends FileProblemError {
  constructor(file: string, encoding: string) {
    const plain = file.replace(/\.gz$/i, '');
    const out = `${path.basename(plain, path.extname(plain))}-utf8${path.extname(plain)}`;
    const convert = plain === file ? `iconv -f UTF-16 -t UTF-8 ${file} > ${out}` : `gunzip -c ${file} | iconv -f UTF-16 -t UTF-8 > ${out}`;
    super(`${file} is ${encoding} text, not UTF-8: convert it first (${convert}) and load that`);
    this.name = 'EncodingError';
  }
}

/** The UTF-8 byte order mark. */
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The encoding of text that starts with `head` when it is UTF-16 (which
 * Parley does not read), else undefined: by the byte order mark, or by the
 * NUL byte that UTF-16 puts beside every ASCII character.
 */
export function utf16Encoding(head: Buffer): string | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'UTF-16LE';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16BE';
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) return 'UTF-16LE';
  if (head.length >= 4 && head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0) return 'UTF-16BE';
  return undefined;
}

/** True when the file starts with the gzip magic bytes. */
export async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** A line as bytes: no text is decoded in JavaScript; DuckDB decodes (and so validates) it. */
function toLine(line: number, bytes: Buffer, truncated: boolean): Line {
  return { line, bytes, badEncoding: !isUtf8(bytes), truncated };
}

/** Bytes `start` to `end` of `buf` (a line), less the carriage return before the newline. */
function withoutCr(buf: Buffer, start: number, end: number): Buffer {
  return buf.subarray(start, end > start && buf[end - 1] === 13 ? end - 1 : end);
}

/**
 * The lines of text that is whole lines from a file's middle (no byte order
 * mark, not compressed), split as {@link readLines} splits them and
 * numbered from `lineNo + 1`: a chunk of a file, `direct-read.ts`.
 */
export function* linesOf(buf: Buffer, lineNo: number): Generator<Line> {
  let start = 0;
  for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
    yield toLine(++lineNo, withoutCr(buf, start, nl), false);
    start = nl + 1;
  }
  if (start < buf.length) yield toLine(++lineNo, withoutCr(buf, start, buf.length), false);
}

/**
 * Yields the lines of `file`; `digest` is filled in when the iteration ends.
 *
 * @example
 *   const digest = { checksum: '', bytes: 0 };
 *   for await (const { line, bytes } of readLines('a.jsonl.gz', digest)) console.log(line, bytes.length);
 */
export async function* readLines(file: string, digest: FileDigest): AsyncGenerator<Line> {
  const sizeAtOpen = (await stat(file)).size;
  const gzip = await isGzip(file);
  const hash = createHash('sha256');
  let bytes = 0;
  // The checksum is of the file's own bytes (compressed, for a .gz).
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  source.on('error', (e) => hashing.destroy(e));
  let stream: Readable = source.pipe(hashing);
  if (gzip) {
    const gunzip = createGunzip();
    hashing.on('error', (e) => gunzip.destroy(e));
    stream = hashing.pipe(gunzip);
  }

  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  let failure: Error | undefined;
  let first = true;
  try {
    for await (const chunk of stream) {
      let buf = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      let start = 0;
      if (first) {
        if (buf.length < 4) {
          carry = Buffer.from(buf);
          continue;
        }
        first = false;
        const utf16 = utf16Encoding(buf);
        if (utf16) {
          stream.destroy();
          throw new EncodingError(file, utf16);
        }
        if (buf.subarray(0, 3).equals(UTF8_BOM)) start = 3;
      }
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        yield toLine(++lineNo, withoutCr(buf, start, nl), false);
        start = nl + 1;
      }
      carry = start < buf.length ? Buffer.from(buf.subarray(start)) : Buffer.alloc(0);
      buf = Buffer.alloc(0);
    }
  } catch (error) {
    if (error instanceof EncodingError) throw error;
    failure = error as Error;
  }
  if (first && carry.length) {
    const utf16 = utf16Encoding(carry);
    if (utf16) throw new EncodingError(file, utf16);
    if (carry.subarray(0, 3).equals(UTF8_BOM)) carry = carry.subarray(3);
  }
  if (carry.length) yield toLine(++lineNo, withoutCr(carry, 0, carry.length), failure !== undefined);
  digest.checksum = hash.digest('hex');
  digest.bytes = bytes;
  if (failure) {
    const code = (failure as NodeJS.ErrnoException).code;
    if (gzip && (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end/i.test(failure.message))) {
      throw new TruncatedFileError(file, failure.message);
    }
    throw failure;
  }
  if (bytes !== sizeAtOpen) throw new ChangedFileError(file, sizeAtOpen, bytes);
}
