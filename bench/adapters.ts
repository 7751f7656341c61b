/**
 * `npm run bench:adapters`: for each source adapter, a generated export of
 * about 1M messages (ServiceNow: audit rows, which are its events), loaded
 * by `parley ingest --format F --json` in a fresh process; in the same run,
 * the canonical ingest of about 1M messages (the bench:ingest file). Prints
 * messages per second and peak memory (the process's maxRSS, DuckDB
 * included) for each. Then loads every export again at `--growth` times the
 * size (default 4) and prints both peaks: memory must stay flat as the
 * export grows.
 *
 *   npm run bench:adapters                          # ~1M messages each, then ~4M
 *   npm run bench:adapters -- --messages 250000 --only twcs,chatwoot --growth 1
 */
import { existsSync, mkdirSync, rmSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemo } from '../demo/generate.js';
import { fmt, measure } from './measure.js';
import * as gen from './adapter-exports.js';

const { values } = parseArgs({ options: { messages: { type: 'string' }, only: { type: 'string' }, growth: { type: 'string' } } });
const messages = Number(values.messages ?? 1_000_000);
const growth = Number(values.growth ?? 4);
const only = values.only?.split(',');
const dirFor = (n: number) => path.resolve('bench/data', `adapters-${n}`);

interface Case {
  name: string;
  format: string;
  /** What is generated: a file or a folder, and how. */
  target: string;
  make: (target: string, messages: number) => Promise<void>;
  extra?: string[];
}

const cases: Case[] = [
  { name: 'twcs', format: 'twcs', target: 'twcs.csv', make: (t, n) => gen.twcs(t, n) },
  { name: 'servicenow', format: 'servicenow', target: 'incident_event_log.csv', make: (t, n) => gen.servicenow(t, n) },
  {
    name: 'mapping (csv)',
    format: 'mapping',
    target: 'freshdesk.csv',
    make: (t, n) => gen.mapping(t, n),
    extra: ['--mapping', path.resolve('ingest/adapters/examples/freshdesk-mapping.yaml')],
  },
  { name: 'zendesk tables', format: 'zendesk', target: 'zendesk-tables', make: (t, n) => gen.zendeskTables(t, n) },
  { name: 'zendesk api', format: 'zendesk', target: 'zendesk-api.jsonl', make: (t, n) => gen.zendeskApi(t, n) },
  { name: 'intercom api', format: 'intercom', target: 'intercom-api.jsonl', make: (t, n) => gen.intercomApi(t, n) },
  { name: 'intercom tables', format: 'intercom', target: 'intercom-tables', make: (t, n) => gen.intercomTables(t, n) },
  { name: 'chatwoot', format: 'chatwoot', target: 'chatwoot.jsonl', make: (t, n) => gen.chatwoot(t, n) },
];

const sizeOf = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + sizeOf(path.join(p, f)), 0) : statSync(p).size);

interface Result {
  name: string;
  size: number;
  mib: number;
  read: number;
  quarantined: number;
  messages: number;
  seconds: number;
  peakMiB: number;
}
const results: Result[] = [];

async function run(name: string, size: number, target: string, args: string[]) {
  const db = path.join(path.dirname(target), 'bench-adapters.duckdb');
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  process.stderr.write(`${name}: loading ${path.relative(process.cwd(), target)} …\n`);
  const ingest = await measure('parley', ['ingest', target, ...args, '--db', db, '--json']);
  const summary = JSON.parse(ingest.output.trim().split('\n').pop()!) as { read: number; quarantined: number };
  const counted = await measure('parley', [
    'sql',
    "select (select count(*) from raw_messages) + (select count(*) from raw_events where type = 'status' and source = 'servicenow') as n",
    '--db',
    db,
    '--format',
    'json',
  ]);
  const n = (JSON.parse(counted.output) as { n: number }[])[0]!.n;
  results.push({ name, size, mib: sizeOf(target) / 2 ** 20, read: summary.read, quarantined: summary.quarantined, messages: n, seconds: ingest.seconds, peakMiB: ingest.peakMiB });
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
}

// the canonical ingest, same run: the bench:ingest file (about 1M messages), and one growth times as large
const canonicalRuns = (n: number) => ({ conversations: n / 10, dir: path.resolve('bench/data', `canonical-${n / 10}-7`) });

for (const size of growth > 1 ? [messages, messages * growth] : [messages]) {
  if (!only || only.includes('canonical')) {
    const { conversations, dir } = canonicalRuns(size);
    const canonical = path.join(dir, 'conversations.jsonl');
    if (!existsSync(canonical)) {
      process.stderr.write(`generating ${conversations.toLocaleString('en-US')} canonical conversations into ${path.relative(process.cwd(), dir)} …\n`);
      await generateDemo({ conversations, seed: 7, end: new Date('2026-11-01T00:00:00Z'), outDir: dir });
    }
    await run('canonical (baseline)', size, canonical, ['--format', 'canonical']);
  }
  for (const c of cases) {
    if (only && !only.includes(c.name.split(' ')[0]!) && !only.includes(c.name)) continue;
    const dataDir = dirFor(size);
    mkdirSync(dataDir, { recursive: true });
    const target = path.join(dataDir, c.target);
    if (!existsSync(target)) {
      process.stderr.write(`${c.name}: generating ${size.toLocaleString('en-US')} messages into ${path.relative(process.cwd(), target)} …\n`);
      await c.make(target, size);
    }
    await run(c.name, size, target, ['--format', c.format, ...(c.extra ?? [])]);
  }
}

const first = results.filter((r) => r.size === messages);
const base = first.find((r) => r.name.startsWith('canonical'));
process.stdout.write(
  `\n${'adapter'.padEnd(22)} ${'MiB'.padStart(7)} ${'records'.padStart(9)} ${'messages'.padStart(10)} ${'seconds'.padStart(8)} ${'messages/s'.padStart(11)} ${'vs canonical'.padStart(12)} ${'peak MiB'.padStart(9)}\n`,
);
for (const r of first) {
  const rate = r.messages / r.seconds;
  process.stdout.write(
    `${r.name.padEnd(22)} ${fmt(r.mib, 0).padStart(7)} ${r.read.toLocaleString('en-US').padStart(9)} ${r.messages.toLocaleString('en-US').padStart(10)} ${fmt(r.seconds, 1).padStart(8)} ${fmt(rate, 0).padStart(11)} ${(base ? `${fmt(rate / (base.messages / base.seconds), 2)}x` : '').padStart(12)} ${fmt(r.peakMiB, 0).padStart(9)}${r.quarantined ? `  (${r.quarantined} quarantined)` : ''}\n`,
  );
}
process.stdout.write('\nmessages: rows of raw_messages after the load (ServiceNow: its status events, as it has no text); seconds include process start.\n');

if (growth > 1) {
  const big = (name: string) => results.find((r) => r.name === name && r.size === messages * growth);
  process.stdout.write(
    `\nmemory as the export grows ${growth}x (parley ingest caps DuckDB at --memory-limit, default 2GB; peaks are the whole process):\n` +
      `${'adapter'.padEnd(22)} ${'messages'.padStart(10)} ${'peak MiB'.padStart(9)} ${'messages'.padStart(11)} ${'peak MiB'.padStart(9)} ${'peak ratio'.padStart(11)} ${'messages/s'.padStart(11)}\n`,
  );
  for (const r of first) {
    const b = big(r.name);
    if (!b) continue;
    process.stdout.write(
      `${r.name.padEnd(22)} ${r.messages.toLocaleString('en-US').padStart(10)} ${fmt(r.peakMiB, 0).padStart(9)} ${b.messages.toLocaleString('en-US').padStart(11)} ${fmt(b.peakMiB, 0).padStart(9)} ${`${fmt(b.peakMiB / r.peakMiB, 2)}x`.padStart(11)} ${fmt(b.messages / b.seconds, 0).padStart(11)}${b.quarantined ? `  (${b.quarantined} quarantined)` : ''}\n`,
    );
  }
}
