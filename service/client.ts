/**
 * The client side of "one owner, every command": before a `parley` command
 * opens its warehouse, it looks for a server holding it (the discovery file
 * beside the warehouse) and, when one answers, hands it the command and
 * prints what comes back, as it comes.
 *
 * `forward` resolves to the command's exit status, or to undefined when no
 * live server holds the warehouse: then the caller opens the file itself.
 * A stale discovery file (its pid gone, its port silent or not proving the
 * token) is removed on the way. Once the server has taken the command, a
 * broken connection is an error (exit 1), never a second run here.
 *
 * @example
 *   const code = await forward({ argv: ['sql', 'select 1'], db: './parley.duckdb', env: process.env, io });
 *   if (code === undefined) {
 *     // no server: run the command here
 *   }
 */
import { randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { pidAlive, readDiscovery, removeDiscovery, type Discovery } from './discovery.js';
import { COMMAND_PATH, NONCE_HEADER, PROOF_HEADER, proof, secretsEqual, type Frame, type Head } from './protocol.js';

export interface ForwardRequest {
  argv: string[];
  /** The warehouse path as the command names it (--db, PARLEY_DB or the default), relative to cwd. */
  db: string;
  env: NodeJS.ProcessEnv;
  io: {
    out: NodeJS.WritableStream & { isTTY?: boolean };
    err: NodeJS.WritableStream & { isTTY?: boolean };
    in?: NodeJS.ReadableStream & { isTTY?: boolean };
    /** A fixed clock the command runs by (tests); the server's otherwise. */
    now?: Date;
  };
  /** Send the caller's stdin (a command that reads it, such as `user add`). */
  stdin?: boolean;
  /** Default process.cwd(). */
  cwd?: string;
  /** How long the server may take to answer before it counts as gone (default 10 s). */
  answerMs?: number;
}

/** Hands the command to the server holding `db`; undefined when there is none. */
export async function forward(r: ForwardRequest): Promise<number | undefined> {
  if (r.db === ':memory:') return undefined;
  const cwd = r.cwd ?? process.cwd();
  const db = path.resolve(cwd, r.db);
  const found = readDiscovery(db);
  if (found === undefined) return undefined;
  if (found === 'malformed' || !pidAlive(found.pid)) {
    removeDiscovery(db, found === 'malformed' ? undefined : found.token);
    return undefined;
  }
  const res = await connect(found, r.answerMs ?? 10_000);
  if (!res) {
    removeDiscovery(db, found.token);
    return undefined;
  }
  const { req, response } = res;
  const head: Head = {
    argv: r.argv,
    cwd,
    db,
    env: Object.fromEntries(Object.entries(r.env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    tty: { in: Boolean(r.io.in?.isTTY), out: Boolean(r.io.out.isTTY), err: Boolean(r.io.err.isTTY) },
    ...(r.io.now ? { now: r.io.now.toISOString() } : {}),
  };
  req.write(JSON.stringify(head) + '\n');
  const input = r.stdin ? r.io.in : undefined;
  if (input) input.pipe(req);
  else req.end();
  try {
    const outcome = await readFrames(response, r.io);
    if (outcome === 'other') {
      // the file came with a copy of the warehouse: it is not this one's
      removeDiscovery(db, found.token);
      return undefined;
    }
    if (outcome === undefined) {
      throw new Error(`the server (PID ${found.pid}) stopped before the command finished: see whether it was done, then run it again`);
    }
    return outcome;
  } finally {
    if (input) {
      input.unpipe(req);
      input.pause();
    }
    req.destroy();
  }
}

/**
 * Opens the request and waits for the server's proof of the token; undefined
 * when nothing answers, the token is refused or the proof is wrong (stale).
 */
function connect(d: Discovery, answerMs: number): Promise<{ req: ReturnType<typeof request>; response: IncomingMessage } | undefined> {
  const nonce = randomBytes(16).toString('hex');
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port: d.port,
      method: 'POST',
      path: COMMAND_PATH,
      headers: { authorization: `Bearer ${d.token}`, [NONCE_HEADER]: nonce, 'content-type': 'application/x-ndjson' },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(undefined);
    }, answerMs);
    req.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    req.on('response', (response) => {
      clearTimeout(timer);
      const shown = String(response.headers[PROOF_HEADER] ?? '');
      if (response.statusCode !== 200 || !secretsEqual(shown, proof(d.token, nonce))) {
        response.resume();
        req.destroy();
        return resolve(undefined);
      }
      resolve({ req, response });
    });
    req.flushHeaders();
  });
}

/** Writes out/err frames as they arrive; the exit status, 'other', or undefined when the stream broke off. */
async function readFrames(response: IncomingMessage, io: ForwardRequest['io']): Promise<number | 'other' | undefined> {
  let rest = '';
  const write = (to: NodeJS.WritableStream, text: string, base64?: true) => void to.write(base64 ? Buffer.from(text, 'base64') : text);
  try {
    for await (const chunk of response.setEncoding('utf8')) {
      rest += chunk as string;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const frame = JSON.parse(rest.slice(0, nl)) as Frame;
        rest = rest.slice(nl + 1);
        if ('out' in frame) write(io.out, frame.out, frame.base64);
        else if ('err' in frame) write(io.err, frame.err, frame.base64);
        else if ('exit' in frame) return frame.exit;
        else if ('other' in frame) return 'other';
        else if ('error' in frame) throw new Error(frame.error);
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === 'ECONNRESET') return undefined;
    if ((error as Error).message === 'aborted') return undefined;
    throw error;
  }
  return undefined;
}
