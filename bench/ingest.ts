/**
 * `npm run bench:ingest`: about 1M messages of canonical JSONL, loaded by
 * `parley ingest` and, in the same run, read by DuckDB's own `read_json`
 * into a table (the baseline); then `parley build` on the loaded warehouse.
 * Prints times, the ratio to the baseline, messages per second and peak memory.
 *
 *   npm run bench:ingest                  # ~1M messages
 *   npm run bench:ingest -- --conversations 20000
 *
 * Targets (issue 2): ingest within 2x of DuckDB's raw read; build under 5 s.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemo } from '../demo/generate.js';
import { fmt, measure } from './measure.js';

const { values } = parseArgs({ options: { conversations: { type: 'string' }, seed: { type: 'string' } } });
const conversations = Number(values.conversations ?? 100_000);
const seed = Number(values.seed ?? 7);
const dataDir = path.resolve('bench/data');
mkdirSync(dataDir, { recursive: true });
const genDir = path.join(dataDir, `canonical-${conversations}-${seed}`);
const file = path.join(genDir, 'conversations.jsonl');

let messages: number;
if (!existsSync(file)) {
  process.stderr.write(`generating ${conversations.toLocaleString('en-US')} conversations into ${genDir} …\n`);
  const result = await generateDemo({ conversations, seed, end: new Date('2026-11-01T00:00:00Z'), outDir: genDir });
  messages = result.messages;
} else {
  messages = -1;
}
const db = path.join(dataDir, 'bench-ingest.duckdb');
const baselineDb = path.join(dataDir, 'bench-baseline.duckdb');
for (const f of [db, `${db}.wal`, baselineDb, `${baselineDb}.wal`]) rmSync(f, { force: true });

const ingest = await measure('parley', ['ingest', file, '--db', db, '--json']);
const summary = JSON.parse(ingest.output.trim().split('\n').pop()!) as { loaded: number; read: number };
const baseline = await measure('duckdb-read-json', [file, baselineDb]);
const build = await measure('parley', ['build', '--db', db, '--json']);
const counted = await measure('parley', ['sql', 'select count(*) as n from raw_messages', '--db', db, '--format', 'json']);
if (messages < 0) messages = (JSON.parse(counted.output) as { n: number }[])[0]!.n;

const mib = statSync(file).size / 2 ** 20;
const rows = [
  ['parley ingest', ingest.seconds, ingest.peakMiB],
  ['DuckDB read_json (baseline)', baseline.seconds, baseline.peakMiB],
  ['parley build', build.seconds, build.peakMiB],
] as const;
process.stdout.write(
  `\nfile: ${path.relative(process.cwd(), file)} — ${fmt(mib)} MiB, ${summary.read.toLocaleString('en-US')} conversations, ${messages.toLocaleString('en-US')} messages\n\n`,
);
process.stdout.write(`${'step'.padEnd(30)} ${'seconds'.padStart(8)} ${'peak MiB'.padStart(9)}\n`);
for (const [name, s, m] of rows) process.stdout.write(`${name.padEnd(30)} ${fmt(s, 2).padStart(8)} ${fmt(m, 0).padStart(9)}\n`);
process.stdout.write(
  `\ningest / baseline: ${fmt(ingest.seconds / baseline.seconds, 2)}x (target ≤ 2x)\n` +
    `ingest rate: ${fmt(messages / ingest.seconds, 0)} messages/s, ${fmt(summary.read / ingest.seconds, 0)} conversations/s\n` +
    `build: ${fmt(build.seconds, 2)} s (target < 5 s; includes process start)\n`,
);
