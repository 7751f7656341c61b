/**
 * Streams a JSON Lines file (plain or gzip) line by line, with its sha256
 * checksum and byte count, without holding the file in memory.
 *
 * Lines end at `\n` only (a trailing `\r` is dropped): a bare carriage return
 * inside a record is part of the record, not a line break. A line that is not
 * valid UTF-8 is still yielded, flagged, so the loader can quarantine it.
 * A gzip file that ends early yields every complete line before the cut, then
 * the partial last line flagged `truncated`, then throws {@link TruncatedFileError}.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import { Transform, type Readable } from 'node:stream';

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

export class TruncatedFileError extends Error {
  constructor(file: string, detail: string) {
    super(`${file} ends abruptly (${detail}): it was cut off while being written or copied; the records before the cut were read`);
    this.name = 'TruncatedFileError';
  }
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

/**
 * Yields the lines of `file`; `digest` is filled in when the iteration ends.
 *
 * @example
 *   const digest = { checksum: '', bytes: 0 };
 *   for await (const { line, bytes } of readLines('a.jsonl.gz', digest)) console.log(line, bytes.length);
 */
export async function* readLines(file: string, digest: FileDigest): AsyncGenerator<Line> {
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
  try {
    for await (const chunk of stream) {
      let buf = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        lineNo++;
        const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        yield toLine(lineNo, buf.subarray(start, end), false);
        start = nl + 1;
      }
      carry = start < buf.length ? Buffer.from(buf.subarray(start)) : Buffer.alloc(0);
      buf = Buffer.alloc(0);
    }
  } catch (error) {
    failure = error as Error;
  }
  if (carry.length) {
    lineNo++;
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield toLine(lineNo, carry.subarray(0, end), failure !== undefined);
  }
  digest.checksum = hash.digest('hex');
  digest.bytes = bytes;
  if (failure) {
    const code = (failure as NodeJS.ErrnoException).code;
    if (gzip && (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end/i.test(failure.message))) {
      throw new TruncatedFileError(file, failure.message);
    }
    throw failure;
  }
}
