/**
 * Password hashing with node:crypto scrypt (N = 2^15, r = 8, p = 1, 16-byte
 * per-user salt, 32-byte key), compared in constant time.
 *
 * scrypt runs on libuv's thread pool (4 threads), where DuckDB's queries and
 * file reads run too: 60 sign-ins at once held every thread and a page waited
 * for them (issue 20). So one hash is computed at a time and the others queue:
 * the pool keeps threads for the pages, and the event loop is never blocked.
 *
 * @example
 *   const stored = await hashPassword('s3cret pass');
 *   await verifyPassword('s3cret pass', stored); // true
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/** Hashes running now (at most one); the callers waiting for a turn. */
let running = 0;
const waiting: (() => void)[] = [];

async function oneHashAtATime<T>(fn: () => Promise<T>): Promise<T> {
  if (running > 0) await new Promise<void>((resolve) => waiting.push(resolve));
  else running = 1;
  try {
    return await fn();
  } finally {
    // the turn passes straight to the next caller, so a newcomer cannot slip in between
    const next = waiting.shift();
    if (next) next();
    else running = 0;
  }
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return oneHashAtATime(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64 parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
