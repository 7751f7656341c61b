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
 * with EXCEPT ALL both ways (bench/build-equal.ts). Each code builds a copy of
 * its own in the system's temporary folder (the warehouse in bench/data/ is
 * shared: it is only read), and the last run of each prints `parley build
 * --json`'s phases, the time outside the models. The code before may not know
 * `--memory-limit`: it is given only to this code's builds. `--lanes` then
 * builds once more, measuring each step's CPU time and the share of it on one
 * core, and estimates what running independent models on two connections
 * could gain (bench/build-lanes.ts).
 */
import { copyFileSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_CONFIG } from './config.js';
import { compareWarehouses, NOISY_MARTS } from './build-equal.js';
import { NOISE } from '../lake/export.js';
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

// each variant builds its own copy (bench/data/ is shared: the warehouse there is only read), made
// before its first build, in the system's temporary folder; the copies are compared at the end
const copies = new Map<string, string>();
const copyFor = (name: string) => {
  let copy = copies.get(name);
  if (!copy) {
    copy = path.join(tmpdir(), `parley-bench-build-${conversations}-${process.pid}-${name}.duckdb`);
    for (const x of [copy, `${copy}.wal`]) rmSync(x, { force: true });
    copyFileSync(db, copy);
    if (existsSync(`${db}.wal`)) copyFileSync(`${db}.wal`, `${copy}.wal`);
    copies.set(name, copy);
  }
  return copy;
};
const args = (name: string) => ['build', '--full', '--db', copyFor(name), '--json', '--config', configFile];
const variants: { name: string; run: () => Promise<Measurement> }[] = [
  ...(before ? [{ name: 'before', run: () => measure('parley-at', [before, ...args('before')]) }] : []),
  { name: before ? 'after' : 'build', run: () => measure('parley', [...args(before ? 'after' : 'build'), ...(memoryLimit ? ['--memory-limit', memoryLimit] : [])]) },
];
const results = new Map<string, Measurement[]>(variants.map((v) => [v.name, []]));
process.stdout.write(
  `\nparley build --full: ${messages.toLocaleString('en-US')} messages (${conversations.toLocaleString('en-US')} conversations)` +
    `${memoryLimit ? `, --memory-limit ${memoryLimit}` : ''}, median of ${runs}\n\n`,
);
for (let i = 0; i < runs; i++) {
  for (const v of variants) {
    const m = await v.run();
    results.get(v.name)!.push(m);
    process.stderr.write(`  ${v.name} run ${i + 1}: ${fmt(m.seconds, 2)} s wall, ${fmt(m.cpuSeconds, 2)} s CPU, ${fmt(m.peakMiB, 0)} MiB\n`);
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
// the time outside the models (parley build --json's phases; the code before may not report them)
for (const [name, s] of summary) {
  const { phases } = JSON.parse(s.last.output) as { phases?: { phase: string; seconds: number; cpu_seconds: number }[] };
  if (phases)
    process.stdout.write(`outside the models (${name}, last run; wall / CPU s): ${phases.map((p) => `${p.phase} ${fmt(p.seconds, 2)} / ${fmt(p.cpu_seconds, 2)}`).join(', ')}\n`);
}
const b = summary.get('before');
const a = summary.get('after');
if (b && a) {
  process.stdout.write(
    `\nafter / before: wall ${fmt(a.seconds / b.seconds, 2)}x, CPU ${fmt(a.cpu / b.cpu, 2)}x, peak ${fmt(a.peak / b.peak, 2)}x\n` +
      '(times include process start; targets: under 6 s at ~1M messages, under 20 s and near the limit at 10M with --memory-limit 2GB)\n',
  );
  const differences = await compareWarehouses(copyFor('before'), copyFor('after'));
  process.stdout.write(
    differences.length === 0
      ? `every mart equal before and after (EXCEPT ALL both ways; DOUBLEs bit for bit, in ${NOISY_MARTS.join(', ')} within ${NOISE} relative)\n`
      : `marts that differ:\n${differences.map((d) => `  ${d}`).join('\n')}\n`,
  );
  if (differences.length > 0) process.exitCode = 1;
}
if (values.lanes) {
  const m = await measure('build-lanes', [copyFor('lanes'), configFile, ...(memoryLimit ? ['--memory-limit', memoryLimit] : [])]);
  process.stdout.write(`\none more build, step by step (bench/build-lanes.ts):\n${m.output}`);
}
for (const copy of copies.values()) for (const x of [copy, `${copy}.wal`]) rmSync(x, { force: true, recursive: true });
for (const copy of copies.values()) rmSync(`${copy}.tmp`, { force: true, recursive: true });
