/**
 * The wire protocol between a `parley` command and the server that holds its
 * warehouse: HTTP/1.1 on 127.0.0.1, one request per command.
 *
 *   client → POST /command
 *            authorization: Bearer <token from the discovery file>
 *            x-parley-nonce: <random hex>
 *   server → 200, x-parley-proof: HMAC-SHA256(token, nonce)   (401 without the token)
 *   client → body: one JSON line (the head: argv, cwd, db, env, tty), then its stdin
 *   server → body: one JSON frame a line, as the command runs:
 *            {"out":"text"} {"err":"text"} … {"exit":0}
 *
 * The client sends its head (and stdin, which may hold a password) only after
 * the server has proved it knows the token, so a process that took over the
 * port of a killed server learns nothing. Refusals after the 200 come as
 * `{"other":PATH}` (this server holds another warehouse: the discovery file
 * was copied with a backup) or `{"error":MESSAGE}`.
 *
 * @example
 *   encodeFrame({ out: 'loaded 3 of 4 records…\n' });   // '{"out":"loaded 3 of 4 records…\n"}\n'
 *   proof(token, nonce) === headers['x-parley-proof'];
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const COMMAND_PATH = '/command';
export const NONCE_HEADER = 'x-parley-nonce';
export const PROOF_HEADER = 'x-parley-proof';
/** The head line may not be longer than this (argv and env of one command). */
export const MAX_HEAD_BYTES = 1 << 20;

export const HeadSchema = z.object({
  argv: z.array(z.string()),
  /** The caller's working directory: relative paths in argv resolve against it. */
  cwd: z.string(),
  /** The warehouse the caller means, resolved: the server refuses another. */
  db: z.string(),
  env: z.record(z.string(), z.string()),
  tty: z.object({ in: z.boolean(), out: z.boolean(), err: z.boolean() }),
  /** The caller's fixed clock (ISO time), when it has one (tests); else the server's. */
  now: z.iso.datetime().optional(),
});
export type Head = z.infer<typeof HeadSchema>;

/** One line of the response body. `base64` marks a Buffer written to out or err. */
export type Frame = { out: string; base64?: true } | { err: string; base64?: true } | { exit: number } | { other: string } | { error: string };

export function encodeFrame(frame: Frame): string {
  return JSON.stringify(frame) + '\n';
}

/** The server's answer to a nonce: it shows the token is known without sending it. */
export function proof(token: string, nonce: string): string {
  return createHmac('sha256', token).update(nonce).digest('hex');
}

/** Compares two secrets in constant time (their hashes, so lengths do not leak). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The token of an `authorization: Bearer …` header, or undefined. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer ([0-9a-f]{16,128})$/i.exec(header ?? '');
  return m?.[1];
}
