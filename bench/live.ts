/**
 * npm run bench:live — webhooks under load while the dashboard serves, over
 * loopback only, bounded in count and time.
 *
 * Makes (once, kept in bench/data/, git-ignored) a demo warehouse of
 * CONVERSATIONS conversations, serves a copy from this process (as `parley
 * serve` does, webhooks on), then:
 *
 * 1. the live page (/live/data, what the page polls) alone: p95 over
 *    REQUESTS requests from READERS clients (default 4);
 * 2. EVENTS signed Zendesk webhook events (comments on 500 tickets, each a
 *    new event) from SENDERS concurrent senders, each waiting for its answer
 *    before the next, while the READERS clients read the live page
 *    continuously: events applied per second (events ÷ the time until the
 *    warehouse holds every one), answered per second, p95 per event (request
 *    to answer: once the event is on disk in the journal; with --no-journal,
 *    once committed, as before the journal), the CPU time of the process
 *    over the burst, and the live page's p95 under that load. Targets: at
 *    least 500 events/s, p95 under 100 ms per event. `--readers 0`: the
 *    webhooks alone, for their CPU time per event.
 *    The requests of one second share one read (sharedLive), as many
 *    supervisors' polls do; the unshared read (loadLive, in this process, one
 *    at a time) is timed beside it, quiet and under the load.
 *
 * Every event must be answered `applied` and found once in webhook_events;
 * the run stops after LIMIT_S seconds whatever is left.
 *
 * `--first-reads N`: only the first read after a write, N times: a batch of SENDERS events
 * (one comment each, on tickets of their own), then the unshared read (loadLive) once it is
 * applied, its CPU time (the process's, DuckDB's threads included) against a read of the same
 * data again. `--name NAME` serves `bench/data/NAME-CONVERSATIONS.duckdb` (made by `parley demo`
 * when absent; a hard link to a warehouse of that size works), so that runs of two checkouts
 * side by side, or a run beside another helper's, have copies of their own. `--after load`: the
 * write before each first read is a load instead (`parley ingest` of SENDERS new conversations,
 * a customer's message each, as a sync of a few tickets makes it); `--after build`: a build of the
 * demo's configuration (the data unchanged: what the live page reads of it stays equal).
 *
 *   npm run bench:live [-- --conversations N --events N --senders N --requests N --readers N --no-journal]
 *   npm run bench:live -- --conversations 1000000 --name NAME --first-reads 8 [--after batch|load|build]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { main } from '../cli/main.js';
import { startDashboard } from '../cli/commands/serve.js';
import { parseConfig } from '../models/config.js';
import { signedHeaders } from '../service/webhooks.js';
import { journalPath } from '../service/webhook-journal.js';
import { fmt } from './measure.js';
import { servedDemoCopy } from './data-sets.js';
import { loadLive } from '../dashboard/lib/server/live.js';
import { loadFiles } from '../ingest/load.js';
import { buildModels } from '../models/build.js';
import { loadConfig } from '../models/config.js';
import { withDemoSla } from '../demo/sla-config.js';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string' },
    events: { type: 'string' },
    senders: { type: 'string' },
    requests: { type: 'string' },
    readers: { type: 'string' },
    'no-journal': { type: 'boolean' },
    'first-reads': { type: 'string' },
    name: { type: 'string' },
    after: { type: 'string' },
  },
});
const AFTER = values.after ?? 'batch';
if (!['batch', 'load', 'build'].includes(AFTER)) throw new Error(`--after takes batch, load or build, not ${AFTER}`);
const FIRST_READS = values['first-reads'] === undefined ? undefined : Number(values['first-reads']);
const CONVERSATIONS = Number(values.conversations ?? 10_000);
const EVENTS = Number(values.events ?? 4_000);
const SENDERS = Number(values.senders ?? 20);
const REQUESTS = Number(values.requests ?? 100);
const READERS = Number(values.readers ?? 4);
const LIMIT_S = 180;
const TARGET = { perSecond: 500, p95Ms: 100 };

const quietIo = { out: process.stderr, err: process.stderr, env: process.env };
// the webhooks write the warehouse: serve a copy, so every run starts from the same data
const { db, path: servedPath } = await servedDemoCopy(values.name ?? 'live', CONVERSATIONS, quietIo);
const SECRET = randomBytes(24).toString('hex');
process.env['PARLEY_ZENDESK_WEBHOOK_SECRET'] = SECRET;
const JOURNAL = !values['no-journal'];
const serving = await startDashboard(db, { port: 0, host: '127.0.0.1', config: parseConfig({ webhooks: { zendesk: { source: 'zendesk' } } }), journal: JOURNAL }, quietIo, main);
const base = new URL(serving.url);
const agent = new Agent({ keepAlive: true, maxSockets: SENDERS + READERS + 2 });

function send(
  pathname: string,
  o: { cookie?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; ms: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path: pathname,
        method: o.body !== undefined ? 'POST' : 'GET',
        agent,
        headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.body !== undefined ? { 'content-length': Buffer.byteLength(o.body) } : {}), ...o.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

const login = await send('/login', { body: 'username=bench&password=bench-password', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: serving.url } });
const cookie = String((login.headers['set-cookie'] as string[] | undefined)?.[0] ?? '').split(';')[0]!;
if (!cookie.startsWith('parley_session=')) throw new Error('could not sign in as the bench admin');

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
const p95 = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.95,
  );
const deadline = performance.now() + LIMIT_S * 1000;

async function readLive(count: number | (() => boolean)): Promise<{ times: number[]; failed: number }> {
  const times: number[] = [];
  let failed = 0;
  let sent = 0;
  const more = () => (typeof count === 'number' ? sent < count : count()) && performance.now() < deadline;
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      while (more()) {
        sent++;
        const r = await send('/live/data', { cookie });
        if (r.status === 200) times.push(r.ms);
        else failed++;
      }
    }),
  );
  return { times, failed };
}

await send('/live/data', { cookie }); // warm

const event = (n: number, at: Date) =>
  JSON.stringify({
    type: 'zen:event-type:ticket.comment_added',
    id: `bench-${n}`,
    time: at.toISOString(),
    detail: { id: `bench-${n % 500}`, created_at: '2026-12-01T08:00:00Z', status: 'OPEN', via: { channel: 'web' }, requester_id: `req-${n % 500}` },
    event: {
      comment: { id: `bench-c-${n}`, body: `bench message ${n}`, is_public: true, author: { id: n % 2 ? `req-${n % 500}` : 'agent-1', is_staff: n % 2 === 0, name: 'Bench' } },
    },
  });

if (FIRST_READS !== undefined) {
  /** The CPU ms and ms of one unshared read. */
  const timed = async () => {
    const cpu = process.cpuUsage();
    const t = performance.now();
    await loadLive(db);
    const used = process.cpuUsage(cpu);
    return { cpu: (used.user + used.system) / 1000, ms: performance.now() - t };
  };
  const first: { cpu: number; ms: number }[] = [];
  const again: { cpu: number; ms: number }[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'parley-bench-live-'));
  // the demo's own configuration (cli/commands/demo.ts), so that a build leaves the policies as they were
  const demoConfig = withDemoSla(loadConfig());
  for (let round = 0; round < FIRST_READS; round++) {
    if (AFTER === 'batch') {
      await Promise.all(
        Array.from({ length: SENDERS }, async (_, i) => {
          const body = event(round * SENDERS + i, new Date());
          const r = await send('/webhooks/zendesk', { body, headers: signedHeaders('zendesk', body, SECRET, new Date()) });
          if (r.status !== 200 || !r.text.includes('"applied"')) throw new Error(`a webhook event was not applied: ${r.status} ${r.text}`);
        }),
      );
      await serving.webhooksSettled();
    } else if (AFTER === 'load') {
      const file = path.join(scratch, `load-${round}.jsonl`);
      const at = new Date().toISOString();
      const records = Array.from({ length: SENDERS }, (_, i) => ({
        id: `bench-load-${round}-${i}`,
        channel: 'webchat',
        created_at: at,
        customer: { id: `bench-load-customer-${i}` },
        messages: [{ id: 'm1', at, author: { role: 'customer' }, body: `bench load ${round} ${i}` }],
      }));
      writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      await loadFiles(db, [{ file }], { now: new Date() });
    } else await buildModels(db, demoConfig, { now: new Date() });
    first.push(await timed());
    again.push(await timed());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const show = (xs: { cpu: number; ms: number }[]) =>
    `median ${fmt(median(xs.map((x) => x.cpu)), 0)} CPU ms, ${fmt(median(xs.map((x) => x.ms)), 0)} ms (CPU ms ${xs.map((x) => fmt(x.cpu, 0)).join(', ')})`;
  rmSync(scratch, { recursive: true, force: true });
  const write = { batch: `batches of ${SENDERS} webhook events`, load: `loads of ${SENDERS} new conversations`, build: 'builds of the same configuration' }[AFTER];
  console.log(`warehouse: ${CONVERSATIONS.toLocaleString('en-US')} demo conversations (${values.name ?? 'live'}); ${FIRST_READS} ${write}`);
  console.log(`first read after a ${AFTER} (loadLive): ${show(first)}`);
  console.log(`the same data read again: ${show(again)}`);
  agent.destroy();
  serving.server.closeAllConnections();
  await serving.close();
  db.close();
  for (const f of [servedPath, `${servedPath}.wal`, journalPath(servedPath)]) rmSync(f, { force: true });
  process.exit(0);
}

const quiet = await readLive(REQUESTS);

/** The unshared read, one at a time, while `going()`. */
async function direct(going: () => boolean): Promise<number[]> {
  const times: number[] = [];
  while (going() && performance.now() < deadline) {
    const t = performance.now();
    await loadLive(db);
    times.push(performance.now() - t);
  }
  return times;
}
let quietDirectLeft = 20;
const quietDirect = await direct(() => quietDirectLeft-- > 0);

let next = 0;
let sending = true;
const eventTimes: number[] = [];
let refused = 0;
// how long a callback waits for this process's one JavaScript thread during the burst: every
// statement of a webhook batch resumes on it, behind the live page's requests
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();
const cpuBefore = process.cpuUsage();
const started = performance.now();
let answeredAt = NaN;
const [loaded, loadedDirect] = await Promise.all([
  readLive(() => sending),
  direct(() => sending && READERS > 0),
  (async () => {
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < EVENTS && performance.now() < deadline) {
          const n = next++;
          const body = event(n, new Date());
          const r = await send('/webhooks/zendesk', { body, headers: signedHeaders('zendesk', body, SECRET, new Date()) });
          if (r.status === 200 && r.text.includes('"applied"')) eventTimes.push(r.ms);
          else refused++;
        }
      }),
    );
    answeredAt = performance.now();
    // answered once on disk in the journal: applied is when the warehouse has every one
    await serving.webhooksSettled();
    sending = false;
  })(),
]);
const seconds = (performance.now() - started) / 1000;
const answeredSeconds = (answeredAt - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
lag.disable();
const stored = Number((await db.one<{ n: bigint }>("select count(*) as n from webhook_events where event_id like 'bench-%'"))!.n);
const batches = Number((await db.one<{ n: bigint }>("select count(*) as n from load_log where file = 'webhooks'"))!.n);

const perSecond = eventTimes.length / seconds;
const eventP95 = p95(eventTimes);
console.log(
  `warehouse: ${CONVERSATIONS.toLocaleString('en-US')} demo conversations; ${SENDERS} senders, ${READERS} live-page readers, loopback; ${JOURNAL ? 'answered once journaled' : 'answered once committed (--no-journal)'}`,
);
console.log(
  `webhook events applied: ${eventTimes.length} of ${EVENTS} in ${fmt(seconds, 2)} s, the last answered at ${fmt(answeredSeconds, 2)} s (${refused} not applied; ${stored} in webhook_events; ${batches} transactions)`,
);
console.log(
  `  events/s ${fmt(perSecond, 0)} applied, ${fmt(eventTimes.length / answeredSeconds, 0)} answered (target ≥ ${TARGET.perSecond})   p95 per event ${fmt(eventP95)} ms, request to answer (target < ${TARGET.p95Ms})`,
);
console.log(
  `  CPU of the process (senders and server${READERS ? ", and the live page's readers" : ''}) during the burst: ${fmt(cpuSeconds, 2)} s, ${fmt((cpuSeconds * 1000) / EVENTS, 2)} ms per event`,
);
if (READERS > 0) {
  console.log(
    `live page (/live/data) p95: quiet ${fmt(p95(quiet.times))} ms over ${quiet.times.length}; under the webhook load ${fmt(p95(loaded.times))} ms over ${loaded.times.length} (${loaded.failed} failed)`,
  );
  console.log(`  ratio under load / quiet: ${fmt(p95(loaded.times) / p95(quiet.times), 2)}`);
  console.log(`event-loop delay under the load: p50 ${fmt(lag.percentile(50) / 1e6)} ms, p95 ${fmt(lag.percentile(95) / 1e6)} ms`);
  console.log(
    `unshared read (loadLive) p95: quiet ${fmt(p95(quietDirect))} ms over ${quietDirect.length}; under the load ${fmt(p95(loadedDirect))} ms over ${loadedDirect.length}`,
  );
} else console.log(`event-loop delay under the load: p50 ${fmt(lag.percentile(50) / 1e6)} ms, p95 ${fmt(lag.percentile(95) / 1e6)} ms`);
agent.destroy();
serving.server.closeAllConnections();
await serving.close();
db.close();
for (const f of [servedPath, `${servedPath}.wal`, journalPath(servedPath)]) rmSync(f, { force: true });
const ok = stored === eventTimes.length && eventTimes.length === EVENTS && refused === 0;
if (!ok)
  console.log(
    stored === eventTimes.length && refused === 0
      ? `STOPPED: the ${LIMIT_S} s limit came before every event was sent (${EVENTS - eventTimes.length} not sent)`
      : 'FAILED: not every event was applied exactly once',
  );
process.exitCode = ok ? 0 : 1;
