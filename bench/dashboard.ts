/**
 * npm run bench:dashboard — server response times of every dashboard page on
 * a warehouse of at least 1M messages, under 10 concurrent clients, over
 * loopback only, with a bounded number of requests per page.
 *
 * Makes (once, kept in bench/data/, git-ignored) a demo warehouse of 100,000
 * conversations (about 1.1M messages) with `parley demo --no-serve`, then
 * serves it from this process (as `parley serve` does) and, page by page,
 * sends REQUESTS requests from CLIENTS concurrent keep-alive clients, each
 * signed in. Prints median, p95 and max per page, the process's CPU time per request
 * (the server and DuckDB run in it: steadier than wall time on a shared machine),
 * and the target (p95 < 150 ms).
 * The server keeps mart results while it runs (the marts cannot change under
 * it), so most pages are measured as people use them — views repeat — and two
 * "cold" rows give every request a date range never asked before.
 *
 * Then the same pages again while the data are refreshed: an ingest of
 * 10,000 new conversations (made with demo/generate.ts) and full builds, one
 * after another, handed to the server as `parley ingest` and `parley build`
 * in another shell would hand them (over its loopback command port). Prints
 * p95 per page during the refresh beside the quiet run, and how many requests
 * failed (target: none, and p95 under 3x the quiet run). The refresh works on
 * a copy of the warehouse, made anew each run.
 *
 * `--messages N` sizes the warehouse as bench:build does (N / 10
 * conversations: `--messages 10000000` serves `dashboard-1000000.duckdb`,
 * about 11M messages); `--conversations N` gives the count directly.
 * `--no-refresh` measures the quiet run only (at 10M messages a full build
 * takes minutes). `--only a,b` measures the pages whose names start with one
 * of those words, `--cold` only the cold rows among them. `--name NAME` serves `bench/data/NAME-N.duckdb` (made
 * when missing) instead of `dashboard-N.duckdb`.
 *
 *   npm run bench:dashboard [-- --messages N | --conversations N] [--requests N --clients N --no-refresh]
 */
import { Writable } from 'node:stream';
import { generateDemo } from '../demo/generate.js';
import { buildIsStale, buildModels, refreshQaMarts } from '../models/build.js';
import { loadConfig } from '../models/config.js';
import { withDemoSla } from '../demo/sla-config.js';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../cli/main.js';
import { startDashboard } from '../cli/commands/serve.js';
import { fmt } from './measure.js';
import { DATA_DIR, servedDemoCopy } from './data-sets.js';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string' },
    messages: { type: 'string' },
    requests: { type: 'string' },
    clients: { type: 'string' },
    'no-refresh': { type: 'boolean' },
    only: { type: 'string' },
    name: { type: 'string' },
    cold: { type: 'boolean' },
  },
});
// the same rule as bench/build.ts: about ten messages a conversation
const CONVERSATIONS = values.messages ? Math.round(Number(values.messages) / 10) : Number(values.conversations ?? 100_000);
const REQUESTS = Number(values.requests ?? 200);
const CLIENTS = Number(values.clients ?? 10);
const TARGET_P95_MS = 150;

const quietIo = { out: process.stderr, err: process.stderr, env: process.env };
// the refresh run loads into the warehouse: serve a copy, so every run starts from the same data
const { db, path: servedPath } = await servedDemoCopy(values.name ?? 'dashboard', CONVERSATIONS, quietIo);
// a warehouse made by older code lacks marts the pages read: build the served copy (never the kept file) as `parley demo` would
if (await buildIsStale(db)) {
  const t = performance.now();
  await buildModels(db, withDemoSla(loadConfig()));
  process.stderr.write(`the kept warehouse was built by older models: built the served copy in ${fmt((performance.now() - t) / 1000)} s\n`);
}
const messages = (await db.one<{ n: number }>('select count(*) as n from raw_messages'))?.n ?? 0;
const serving = await startDashboard(db, { port: 0, host: '127.0.0.1' }, quietIo, main);
const base = new URL(serving.url);
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

function get(pathname: string, cookie: string, body?: string): Promise<{ status: number; ms: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path: pathname,
        method: body ? 'POST' : 'GET',
        agent,
        headers: {
          cookie,
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded', origin: serving.url, 'content-length': Buffer.byteLength(body) } : {}),
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

const login = await get('/login', '', 'username=bench&password=bench-password');
const setCookie = String((login.headers['set-cookie'] as string[] | undefined)?.[0] ?? '');
const cookie = setCookie.split(';')[0]!;
if (!cookie.startsWith('parley_session=')) throw new Error('could not sign in as the bench admin');

const some = await db.one<{ source: string; conversation_id: string; owner_agent: string; customer_id: string }>(
  'select source, conversation_id, owner_agent, customer_id from conversation_metrics where owner_agent is not null and customer_id is not null order by created_at desc limit 1',
);
const sample = await db.one<{ sample_id: string }>('select sample_id from qa_samples limit 1');
const review = await db.one<{ review_id: string }>('select review_id from qa_reviews order by created_at limit 1');
const session = await db.one<{ session_id: string }>('select session_id from qa_calibration_sessions order by created_at limit 1');
const channels = ['email', 'webchat', 'whatsapp', 'sms', 'in_app'];
const last = (await db.one<{ d: string }>('select max(created_at)::date::varchar as d from conversation_metrics'))!.d;
const lastMonth = last.slice(0, 7);
/**
 * A date range no earlier request used: the page's results cannot come from the server's cache.
 * Request i of a cold row ends i % 100 days before the last day and spans 30 + 5 * row + i / 100 days,
 * so no two requests of any cold row ask for the same range (up to 500 requests a page).
 */
const day = (daysBack: number) => new Date(Date.parse(`${last}T00:00:00Z`) - daysBack * 86_400_000).toISOString().slice(0, 10);
let coldRows = 0;
const cold = () => {
  const row = coldRows++;
  return (i: number) => `from=${day((i % 100) + 30 + 5 * row + Math.floor(i / 100) - 1)}&to=${day(i % 100)}`;
};
const page = (name: string, paths: (i: number) => string) => ({ name, paths });
const coldOverview = cold();
const coldMetric = cold();
const coldDuration = cold();
const coldBacklog = cold();
const coldSla = cold();
const coldAgents = cold();
const coldScorecard = cold();
const coldList = cold();
const allPages: { name: string; paths: (i: number) => string }[] = [
  page('overview', (i) => (i % 2 ? '/' : `/?channel=${channels[i % channels.length]}`)),
  page('overview, cold', (i) => `/?${coldOverview(i)}&channel=${channels[i % channels.length]}`),
  page('metrics index', () => '/metrics'),
  page('metric (fcr_rate)', (i) => (i % 2 ? '/metrics/fcr_rate' : `/metrics/fcr_rate?channel=${channels[i % channels.length]}`)),
  page('metric (fcr_rate), cold', (i) => `/metrics/fcr_rate?${coldMetric(i)}`),
  page('metric (first_response_s)', () => '/metrics/first_response_s'),
  page('metric (first_resp.), cold', (i) => `/metrics/first_response_s?${coldDuration(i)}`),
  page('metric (backlog)', () => '/metrics/backlog'),
  page('metric (backlog), cold', (i) => `/metrics/backlog?${coldBacklog(i)}`),
  page('metric (concurrency)', () => '/metrics/concurrency'),
  page('metric (qa_score)', () => '/metrics/qa_score'),
  page('metric (agreement)', () => '/metrics/agreement'),
  page('metric (agreement), tag', (i) => `/metrics/agreement?tag=vip&channel=${channels[i % channels.length]}`),
  page('SLA', () => '/sla'),
  page('SLA, cold', (i) => `/sla?${coldSla(i)}`),
  page('agents', () => '/agents'),
  page('agents, cold', (i) => `/agents?${coldAgents(i)}`),
  page('agent scorecard', () => `/agents/${some!.owner_agent}`),
  page('agent scorecard, cold', (i) => `/agents/${some!.owner_agent}?${coldScorecard(i)}`),
  page('agent scorecard, tag', (i) => `/agents/${some!.owner_agent}?tag=vip&channel=${channels[i % channels.length]}`),
  page('conversation list', (i) => `/conversations?metric=fcr_rate&channel=${channels[i % channels.length]}&page=${i % 5}`),
  page(
    'conv. list, filters',
    (i) =>
      [
        '/conversations?status=resolved&csat=dissatisfied&sort=csat_score&dir=asc',
        '/conversations?sla=breached&page=3',
        `/conversations?q=refund&channel=${channels[i % channels.length]}`,
      ][i % 3]!,
  ),
  page('conv. list, cold', (i) => `/conversations?${coldList(i)}&page=${i % 3}`),
  page('conversation', () => `/conversations/${some!.source}/${some!.conversation_id}`),
  page('customer', () => `/customers/${some!.source}/${encodeURIComponent(some!.customer_id)}`),
  page('pain points', (i) => (i % 2 ? '/pain-points' : `/pain-points?month=${lastMonth}`)),
  page('QA queue', () => '/qa'),
  ...(sample ? [page('QA grading', () => `/qa/${sample.sample_id}/1`)] : []),
  page('QA calibration', () => '/qa/calibration'),
  ...(session ? [page('QA calibration session', () => `/qa/calibration/${session.session_id}`)] : []),
  page('QA intents', () => '/qa/intents'),
  page('QA reviewers', () => '/qa/reviewers'),
  ...(review ? [page('review', () => `/reviews/${review.review_id}`)] : []),
  page('disputes', () => '/disputes'),
  page('live', () => '/live'),
  page('live data', () => '/live/data'),
  page('alerts', () => '/alerts'),
  page('annotations', () => '/annotations'),
  page('planning', () => '/planning'),
  page('reports', () => '/reports'),
  page('monthly report', () => `/reports/monthly-report?month=${lastMonth}`),
  page('data', () => '/data'),
  page('accounts', () => '/admin/users'),
];
const only = values.only?.split(',').map((w) => w.trim().toLowerCase());
const pages = (only ? allPages.filter((p) => only.some((w) => p.name.toLowerCase().startsWith(w))) : allPages).filter((p) => !values.cold || p.name.endsWith('cold'));

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

interface Measured {
  median: number;
  p95: number;
  max: number;
  statuses: Set<number | string>;
  failed: number;
  /** CPU time of this process (the server, DuckDB's threads and the clients) per request, ms: steadier than wall time on a shared machine. */
  cpu: number;
}

/** REQUESTS requests of one page from CLIENTS clients; a request fails on an error or a status other than 200. */
async function measure(page: (typeof allPages)[number]): Promise<Measured> {
  // warm: every view the run will ask for is asked once first (a warm row alternates views, such as '/' and '/?channel=email')
  if (!page.name.endsWith('cold')) for (const path of new Set(Array.from({ length: REQUESTS }, (_, i) => page.paths(i)))) await get(path, cookie);
  const cpuBefore = process.cpuUsage();
  const times: number[] = [];
  const statuses = new Set<number | string>();
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const started = performance.now();
        try {
          const r = await get(page.paths(i), cookie);
          times.push(r.ms);
          statuses.add(r.status);
          if (r.status !== 200) failed++;
        } catch (error) {
          times.push(performance.now() - started);
          statuses.add((error as NodeJS.ErrnoException).code ?? 'error');
          failed++;
        }
      }
    }),
  );
  times.sort((a, b) => a - b);
  const cpu = process.cpuUsage(cpuBefore);
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95), max: times.at(-1)!, statuses, failed, cpu: (cpu.user + cpu.system) / 1000 / times.length };
}

console.log(`\nDashboard: ${fmt(messages, 0)} messages, ${CLIENTS} concurrent clients, ${REQUESTS} requests per page (loopback)\n`);
console.log(`${'page'.padEnd(28)}${'median ms'.padStart(10)}${'p95 ms'.padStart(10)}${'max ms'.padStart(10)}${'CPU ms/req'.padStart(11)}  status`);
let worst = 0;
const quiet = new Map<string, Measured>();
for (const page of pages) {
  const m = await measure(page);
  quiet.set(page.name, m);
  worst = Math.max(worst, m.p95);
  console.log(`${page.name.padEnd(28)}${fmt(m.median).padStart(10)}${fmt(m.p95).padStart(10)}${fmt(m.max).padStart(10)}${fmt(m.cpu).padStart(11)}  ${[...m.statuses].join(',')}`);
}
console.log(`\nworst p95 ${fmt(worst)} ms; target p95 < ${TARGET_P95_MS} ms: ${worst < TARGET_P95_MS ? 'met' : 'NOT met'}`);

// A QA write refreshes the QA marts in its transaction (models/build.ts refreshQaMarts): what that adds to a saved review.
const qaTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await refreshQaMarts(db);
  qaTimes.push(performance.now() - t);
}
qaTimes.sort((a, b) => a - b);
console.log(`refreshing the QA marts (added to each saved review, dispute answer, calibration session): median ${fmt(quantile(qaTimes, 0.5))} ms`);

if (!values['no-refresh']) await measureDuringRefresh();

async function measureDuringRefresh() {
  // The refresh: 10,000 new conversations, then full builds until every page has been measured,
  // each handed to the server over its command port as \`parley ingest\` / \`parley build\` would be.
  const extra = await generateDemo({
    conversations: 10_000,
    seed: 4242,
    end: new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000),
    months: 1,
    outDir: path.join(DATA_DIR, 'refresh-10000'),
    source: 'demo-refresh',
  });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const refreshIo = { out: sink, err: sink, env: process.env };
  const refreshes: { command: string; seconds: number; code: number }[] = [];
  let browsing = true;
  const refresh = (async () => {
    const run = async (argv: string[]) => {
      const t = performance.now();
      const code = await main([...argv, '--db', servedPath], refreshIo);
      refreshes.push({ command: argv[0]!, seconds: (performance.now() - t) / 1000, code });
    };
    await run(['ingest', ...extra.files]);
    // full builds: an incremental one after a 1% change takes a second and would hide the cost
    while (browsing) await run(['build', '--full']);
  })();

  console.log(`\nDuring a refresh (ingest of ${fmt(extra.conversations, 0)} conversations, then full builds (build --full) back to back, handed to the server)\n`);
  console.log(`${'page'.padEnd(28)}${'quiet p95'.padStart(10)}${'p95 ms'.padStart(10)}${'x quiet'.padStart(9)}${'max ms'.padStart(10)}${'failed'.padStart(8)}  status`);
  let failedAll = 0;
  let worstRatio = 0;
  for (const page of pages) {
    const m = await measure(page);
    const q = quiet.get(page.name)!;
    const ratio = m.p95 / q.p95;
    failedAll += m.failed;
    worstRatio = Math.max(worstRatio, ratio);
    console.log(
      `${page.name.padEnd(28)}${fmt(q.p95).padStart(10)}${fmt(m.p95).padStart(10)}${ratio.toFixed(1).padStart(9)}${fmt(m.max).padStart(10)}${String(m.failed).padStart(8)}  ${[...m.statuses].join(',')}`,
    );
  }
  browsing = false;
  await refresh;
  const built = refreshes.filter((r) => r.command === 'build');
  const loaded = refreshes.find((r) => r.command === 'ingest');
  console.log(
    `\nrefresh: ingest ${loaded ? `${fmt(loaded.seconds)} s (exit ${loaded.code})` : 'not run'}; ${built.length} builds, ` +
      `${
        built.length
          ? `median ${fmt(
              quantile(
                built.map((b) => b.seconds).sort((a, b) => a - b),
                0.5,
              ),
            )} s`
          : ''
      }` +
      `${built.some((b) => b.code !== 0) ? ' (some failed)' : ''}`,
  );
  console.log(
    `failed requests: ${failedAll}; worst p95 ${worstRatio.toFixed(1)}x quiet; target none failed and p95 < 3x quiet: ${failedAll === 0 && worstRatio < 3 ? 'met' : 'NOT met'}`,
  );
}
agent.destroy();
serving.server.closeAllConnections();
await serving.close();
db.close();
