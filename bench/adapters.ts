/**
 * `npm run bench:adapters`: for each source adapter, a generated export of
 * about 1M messages (ServiceNow: audit rows, which are its events), loaded
 * by `parley ingest --format F --json` in a fresh process; in the same run,
 * the canonical ingest of about 1M messages (the bench:ingest file). Prints
 * messages per second and peak memory (the process's maxRSS, DuckDB
 * included) for each.
 *
 *   npm run bench:adapters                          # ~1M messages each
 *   npm run bench:adapters -- --messages 250000 --only twcs,chatwoot
 */
import { existsSync, mkdirSync, rmSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemo } from '../demo/generate.js';
import { fmt, measure } from './measure.js';
import * as gen from './adapter-exports.js';

const { values } = parseArgs({ options: { messages: { type: 'string' }, only: { type: 'string' } } });
const messages = Number(values.messages ?? 1_000_000);
const only = values.only?.split(',');
const dataDir = path.resolve('bench/data', `adapters-${messages}`);
mkdirSync(dataDir, { recursive: true });

interface Case {
  name: string;
  format: string;
  /** What is generated: a file or a folder, and how. */
  target: string;
  make: (target: string) => Promise<void>;
  extra?: string[];
}

const cases: Case[] = [
  { name: 'twcs', format: 'twcs', target: 'twcs.csv', make: (t) => gen.twcs(t, messages) },
  { name: 'servicenow', format: 'servicenow', target: 'incident_event_log.csv', make: (t) => gen.servicenow(t, messages) },
  { name: 'mapping (csv)', format: 'mapping', target: 'freshdesk.csv', make: (t) => gen.mapping(t, messages), extra: ['--mapping', path.resolve('ingest/adapters/examples/freshdesk-mapping.yaml')] },
  { name: 'zendesk tables', format: 'zendesk', target: 'zendesk-tables', make: (t) => gen.zendeskTables(t, messages) },
  { name: 'zendesk api', format: 'zendesk', target: 'zendesk-api.jsonl', make: (t) => gen.zendeskApi(t, messages) },
  { name: 'intercom api', format: 'intercom', target: 'intercom-api.jsonl', make: (t) => gen.intercomApi(t, messages) },
  { name: 'intercom tables', format: 'intercom', target: 'intercom-tables', make: (t) => gen.intercomTables(t, messages) },
  { name: 'chatwoot', format: 'chatwoot', target: 'chatwoot.jsonl', make: (t) => gen.chatwoot(t, messages) },
];

const size = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + size(path.join(p, f)), 0) : statSync(p).size);

interface Result {
  name: string;
  mib: number;
  read: number;
  quarantined: number;
  messages: number;
  seconds: number;
  peakMiB: number;
}
const results: Result[] = [];

async function run(name: string, target: string, args: string[]) {
  const db = path.join(dataDir, 'bench-adapters.duckdb');
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  process.stderr.write(`${name}: loading ${path.relative(process.cwd(), target)} …\n`);
  const ingest = await measure('parley', ['ingest', target, ...args, '--db', db, '--json']);
  const summary = JSON.parse(ingest.output.trim().split('\n').pop()!) as { read: number; quarantined: number };
  const counted = await measure('parley', ['sql', 'select (select count(*) from raw_messages) + (select count(*) from raw_events where type = \'status\' and source = \'servicenow\') as n', '--db', db, '--format', 'json']);
  const n = (JSON.parse(counted.output) as { n: number }[])[0]!.n;
  results.push({ name, mib: size(target) / 2 ** 20, read: summary.read, quarantined: summary.quarantined, messages: n, seconds: ingest.seconds, peakMiB: ingest.peakMiB });
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
}

// the canonical ingest, same run: the bench:ingest file (about 1M messages)
if (!only || only.includes('canonical')) {
  const canonicalDir = path.resolve('bench/data', 'canonical-100000-7');
  const canonical = path.join(canonicalDir, 'conversations.jsonl');
  if (!existsSync(canonical)) {
    process.stderr.write(`generating canonical conversations into ${canonicalDir} …\n`);
    await generateDemo({ conversations: 100_000, seed: 7, end: new Date('2026-11-01T00:00:00Z'), outDir: canonicalDir });
  }
  await run('canonical (baseline)', canonical, ['--format', 'canonical']);
}

for (const c of cases) {
  if (only && !only.includes(c.name.split(' ')[0]!) && !only.includes(c.name)) continue;
  const target = path.join(dataDir, c.target);
  if (!existsSync(target)) {
    process.stderr.write(`${c.name}: generating ${messages.toLocaleString('en-US')} messages into ${path.relative(process.cwd(), target)} …\n`);
    await c.make(target);
  }
  await run(c.name, target, ['--format', c.format, ...(c.extra ?? [])]);
}

const base = results.find((r) => r.name.startsWith('canonical'));
process.stdout.write(
  `\n${'adapter'.padEnd(22)} ${'MiB'.padStart(7)} ${'records'.padStart(9)} ${'messages'.padStart(10)} ${'seconds'.padStart(8)} ${'messages/s'.padStart(11)} ${'vs canonical'.padStart(12)} ${'peak MiB'.padStart(9)}\n`,
);
for (const r of results) {
  const rate = r.messages / r.seconds;
  process.stdout.write(
    `${r.name.padEnd(22)} ${fmt(r.mib, 0).padStart(7)} ${r.read.toLocaleString('en-US').padStart(9)} ${r.messages.toLocaleString('en-US').padStart(10)} ${fmt(r.seconds, 1).padStart(8)} ${fmt(rate, 0).padStart(11)} ${(base ? `${fmt(rate / (base.messages / base.seconds), 2)}x` : '').padStart(12)} ${fmt(r.peakMiB, 0).padStart(9)}${r.quarantined ? `  (${r.quarantined} quarantined)` : ''}\n`,
  );
}
process.stdout.write('\nmessages: rows of raw_messages after the load (ServiceNow: its status events, as it has no text); seconds include process start.\n');
