/**
 * npm run bench:login — does a sign-in flood slow the other pages? p95 of an
 * agent's scorecard (/agents/agt_001) while nobody signs in, then while 60
 * sign-ins run at once, printed as a ratio (target: under 3x, as bench:dashboard asks of a refresh).
 *
 * Makes (once, kept in bench/data/, git-ignored) a demo warehouse of 3,000
 * conversations with `parley demo --no-serve`, serves it from this process
 * as `parley serve` does, and signs in as the demo admin. One client asks for
 * the scorecard, one request after another, REQUESTS times quietly; then again
 * while rounds of 60 parallel sign-ins run, until REQUESTS requests are done:
 *   - right passwords (60 real password hashes each round: none is throttled),
 *   - wrong passwords from one address (throttled after 10: the rest are refused unchecked).
 *
 *   npm run bench:login [-- --requests N --logins N]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { main } from '../cli/main.js';
import { SERVER_READERS, startDashboard } from '../cli/commands/serve.js';
import { openFor } from '../cli/command.js';
import { fmt } from './measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { requests: { type: 'string' }, logins: { type: 'string' } } });
const REQUESTS = Number(values.requests ?? 150);
const LOGINS = Number(values.logins ?? 60);
const TARGET_RATIO = 3;
const PAGE = '/agents/agt_001';

const quietIo = { out: process.stderr, err: process.stderr, env: process.env };
const dir = path.join(here, 'data');
mkdirSync(dir, { recursive: true });
const dbPath = path.join(dir, 'login-3000.duckdb');
if (!existsSync(dbPath)) {
  const code = await main(['demo', '--conversations', '3000', '--db', dbPath, '--no-serve'], quietIo);
  if (code !== 0) throw new Error(`parley demo failed (exit ${code})`);
}
const db = await openFor({ db: dbPath }, quietIo, { readers: SERVER_READERS });
// each run starts with no failed sign-ins of the runs before
await db.run('delete from login_attempts');
const serving = await startDashboard(db, { port: 0, host: '127.0.0.1' }, quietIo, main);
const base = new URL(serving.url);
const pageAgent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(pathname: string, cookie: string, body?: string, agent?: Agent): Promise<{ status: number; ms: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path: pathname,
        method: body ? 'POST' : 'GET',
        ...(agent ? { agent } : { agent: false }),
        headers: {
          cookie,
          // as a browser's form post (without it, SvelteKit answers an action with JSON and status 200)
          ...(body ? { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin: serving.url, 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const login = (password: string) => send('/login', '', `username=admin&password=${password}`);
const signedIn = await login('parley-demo');
const cookie = String((signedIn.headers['set-cookie'] as string[] | undefined)?.[0] ?? '').split(';')[0]!;
if (!cookie.startsWith('parley_session=')) throw new Error('could not sign in as the demo admin');

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** REQUESTS scorecard requests, one after another, while `flood` (if any) runs rounds of sign-ins. */
async function measure(flood?: () => Promise<number[]>): Promise<{ p95: number; median: number; statuses: Map<number, number>; rounds: number }> {
  for (let i = 0; i < 5; i++) await send(PAGE, cookie, undefined, pageAgent); // warm
  const times: number[] = [];
  const statuses = new Map<number, number>();
  let done = false;
  let rounds = 0;
  const flooding = (async () => {
    while (flood && !done) {
      for (const s of await flood()) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      rounds++;
    }
  })();
  for (let i = 0; i < REQUESTS; i++) {
    const r = await send(PAGE, cookie, undefined, pageAgent);
    if (r.status !== 200) throw new Error(`${PAGE} answered ${r.status}`);
    times.push(r.ms);
  }
  done = true;
  await flooding;
  times.sort((a, b) => a - b);
  return { p95: quantile(times, 0.95), median: quantile(times, 0.5), statuses, rounds };
}

const round = (password: string) => async () => (await Promise.all(Array.from({ length: LOGINS }, () => login(password)))).map((r) => r.status);

console.log(`\nSign-in flood: p95 of ${PAGE} over ${REQUESTS} requests (one client, loopback), rounds of ${LOGINS} parallel sign-ins\n`);
const quiet = await measure();
console.log(`${'quiet'.padEnd(44)} median ${fmt(quiet.median).padStart(6)} ms  p95 ${fmt(quiet.p95).padStart(6)} ms`);
let worst = 0;
for (const [name, flood] of [
  [`${LOGINS} right passwords at once (all hashed)`, round('parley-demo')],
  [`${LOGINS} wrong passwords at once (throttled)`, round('wrong-password')],
] as const) {
  await db.run('delete from login_attempts');
  const m = await measure(flood);
  const ratio = m.p95 / quiet.p95;
  worst = Math.max(worst, ratio);
  const answers = [...m.statuses].map(([s, n]) => `${n}×${s}`).join(', ');
  console.log(`${name.padEnd(44)} median ${fmt(m.median).padStart(6)} ms  p95 ${fmt(m.p95).padStart(6)} ms  ratio ${ratio.toFixed(2)}  (${m.rounds} rounds: ${answers})`);
}
console.log(`\nworst p95 ratio ${worst.toFixed(2)}; target < ${TARGET_RATIO}: ${worst < TARGET_RATIO ? 'met' : 'NOT met'}`);

pageAgent.destroy();
serving.server.closeAllConnections();
await serving.close();
await db.run('delete from login_attempts');
db.close();
