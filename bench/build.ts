/**
 * `npm run bench:build`: `parley build --full` alone, on a warehouse of about
 * N messages with the realistic metrics v2 configuration (bench/config.ts:
 * two schedules, three SLA policies). Prints wall time, CPU time (user + sys,
 * steadier than wall time on a shared machine) and peak RSS, the median of
 * `--runs` builds.
 *
 *   npm run bench:build -- --messages 1000000 --memory-limit 2GB
 *   npm run bench:build -- --messages 4000000 --memory-limit 2GB --before /tmp/before
 *
 * The data (demo conversations, about 9.5 messages each: `--messages` / 10
 * conversations) and the ingested warehouse are kept in bench/data/ and made
 * only when missing. `--before DIR` (a checkout of the code before a change,
 * e.g. `git archive REF | tar -x -C /tmp/before` with node_modules
 * linked in) builds the same warehouse with that code too, alternating with
 * this one, prints the ratios, and then compares every mart of the two builds
 * with EXCEPT ALL both ways (bench/build-equal.ts). The code before may not know
 * `--memory-limit`: it is given only to this code's builds. `--lanes` then
 * builds once more, measuring each step's CPU time and the share of it on one
 * core, and estimates what running independent models on two connections
 * could gain (bench/build-lanes.ts).
 */
import { copyFileSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_CONFIG } from './config.js';
import { compareWarehouses } from './build-equal.js';
import { fmt, measure, type Measurement } from './measure.js';
import { canonicalExport, DATA_DIR } from './data-sets.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string' },
    'memory-limit': { type: 'string' },
    runs: { type: 'string' },
    before: { type: 'string' },
    seed: { type: 'string' },
    lanes: { type: 'boolean' },
  },
});
const messagesWanted = Number(values.messages ?? 1_000_000);
const conversations = Math.round(messagesWanted / 10);
const seed = Number(values.seed ?? 7);
const runs = Number(values.runs ?? 3);
const memoryLimit = values['memory-limit'];
const before = values.before ? path.resolve(values.before) : undefined;

const dataDir = DATA_DIR;
// the same export as bench:ingest's, so that both use one generated file
const { file } = await canonicalExport(conversations, seed);
const configFile = path.join(dataDir, 'bench.parley.config.yaml');
writeFileSync(configFile, JSON.stringify(BENCH_CONFIG, null, 2) + '\n');

const db = path.join(dataDir, `build-${conversations}.duckdb`);
if (!existsSync(db)) {
  process.stderr.write(`loading ${path.relative(process.cwd(), file)} into ${path.relative(process.cwd(), db)} …\n`);
  await measure('parley', ['ingest', file, '--db', `${db}.part`, '--json']);
  renameSync(`${db}.part`, db);
}
const counted = await measure('parley', ['sql', 'select count(*) as n from raw_messages', '--db', db, '--format', 'json']);
const messages = (JSON.parse(counted.output) as { n: number }[])[0]!.n;

const args = ['build', '--full', '--db', db, '--json', '--config', configFile];
const variants: { name: string; run: () => Promise<Measurement> }[] = [
  ...(before ? [{ name: 'before', run: () => measure('parley-at', [before, ...args]) }] : []),
  { name: before ? 'after' : 'build', run: () => measure('parley', [...args, ...(memoryLimit ? ['--memory-limit', memoryLimit] : [])]) },
];
const results = new Map<string, Measurement[]>(variants.map((v) => [v.name, []]));
const beforeCopy = path.join(dataDir, `build-${conversations}-before.duckdb`);
process.stdout.write(
  `\nparley build --full: ${messages.toLocaleString('en-US')} messages (${conversations.toLocaleString('en-US')} conversations)` +
    `${memoryLimit ? `, --memory-limit ${memoryLimit}` : ''}, median of ${runs}\n\n`,
);
for (let i = 0; i < runs; i++) {
  for (const v of variants) {
    const m = await v.run();
    results.get(v.name)!.push(m);
    process.stderr.write(`  ${v.name} run ${i + 1}: ${fmt(m.seconds, 2)} s wall, ${fmt(m.cpuSeconds, 2)} s CPU, ${fmt(m.peakMiB, 0)} MiB\n`);
    // the last build of the code before is kept to compare its marts with this code's
    if (v.name === 'before' && i === runs - 1) {
      for (const x of [beforeCopy, `${beforeCopy}.wal`]) rmSync(x, { force: true });
      copyFileSync(db, beforeCopy);
      if (existsSync(`${db}.wal`)) copyFileSync(`${db}.wal`, `${beforeCopy}.wal`);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = new Map(
  [...results].map(([name, ms]) => [
    name,
    { seconds: median(ms.map((m) => m.seconds)), cpu: median(ms.map((m) => m.cpuSeconds)), peak: median(ms.map((m) => m.peakMiB)), last: ms.at(-1)! },
  ]),
);
process.stdout.write(`${'code'.padEnd(10)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)} ${'peak MiB'.padStart(9)}\n`);
for (const [name, s] of summary) {
  process.stdout.write(`${name.padEnd(10)} ${fmt(s.seconds, 2).padStart(8)} ${fmt(s.cpu, 2).padStart(8)} ${fmt(s.peak, 0).padStart(9)}\n`);
}
const slowest = (m: Measurement) =>
  (JSON.parse(m.output) as { steps: { model: string; seconds: number }[] }).steps
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 8)
    .map((x) => `${x.model} ${fmt(x.seconds, 2)}`)
    .join(', ');
for (const [name, s] of summary) process.stdout.write(`slowest steps (${name}, last run): ${slowest(s.last)}\n`);
const b = summary.get('before');
const a = summary.get('after');
if (b && a) {
  process.stdout.write(
    `\nafter / before: wall ${fmt(a.seconds / b.seconds, 2)}x, CPU ${fmt(a.cpu / b.cpu, 2)}x, peak ${fmt(a.peak / b.peak, 2)}x\n` +
      '(times include process start; targets: under 6 s at ~1M messages, under 20 s and near the limit at 10M with --memory-limit 2GB)\n',
  );
  const differences = await compareWarehouses(beforeCopy, db);
  process.stdout.write(
    differences.length === 0 ? 'every mart equal before and after (EXCEPT ALL both ways)\n' : `marts that differ:\n${differences.map((d) => `  ${d}`).join('\n')}\n`,
  );
  for (const x of [beforeCopy, `${beforeCopy}.wal`]) rmSync(x, { force: true });
  if (differences.length > 0) process.exitCode = 1;
}
if (values.lanes) {
  const m = await measure('build-lanes', [db, configFile, ...(memoryLimit ? ['--memory-limit', memoryLimit] : [])]);
  process.stdout.write(`\none more build, step by step (bench/build-lanes.ts):\n${m.output}`);
}
