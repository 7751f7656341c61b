/**
 * `npm run bench:ingest`: about 1M messages of canonical JSONL, loaded by
 * `parley ingest` and, in the same run, read by DuckDB's own `read_json`
 * into a table (the baseline); then `parley build` on the loaded warehouse.
 * Prints times, the ratio to the baseline, messages per second and peak memory.
 * Then the incremental builds: for 1% and 10%, a warehouse loaded with the
 * rest and built, then the share loaded (four fifths new conversations, the
 * latest; one fifth, from the latest tenth before them, again with another
 * intent) and built
 * incrementally; and `parley build --full` of the same data for comparison.
 *
 *   npm run bench:ingest                  # ~1M messages
 *   npm run bench:ingest -- --conversations 20000
 *   npm run bench:ingest -- --runs 1          # one ingest and one baseline run instead of three
 *   npm run bench:ingest -- --ingest-only     # ingest and baseline only: no builds
 *   npm run bench:ingest -- --ingest-only --before /tmp/before-ingest   # and the ingest of another checkout, in the same turns
 *   npm run bench:ingest -- --name NAME       # its warehouses named bench-ingest-NAME.duckdb (two benches at once)
 *
 * Ingest and baseline run in turns, `--runs` times (default 3); the medians
 * of wall and CPU time (user + system, all threads) are reported, and the
 * peak memory of the highest run.
 *
 * Targets: ingest within 1.5x of DuckDB's raw read (issue 21; issue 2 asked 2x); build under 5 s.
 * Every build runs with a realistic metrics v2 configuration ({@link BENCH_CONFIG}:
 * two schedules, three SLA policies); `--without-sla` builds with the
 * defaults instead, to see what the v2 models cost. The full build's slowest
 * steps are printed.
 *
 * Issue 13: an incremental build of 1% at 10M messages under 5 s
 * (`--conversations 1000000`; `--skip-ingest` leaves out the ingest and
 * baseline runs, `--shares 1` runs only the 1% one, `--skip-full` leaves out
 * the `--full` build of the same data).
 */
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_CONFIG } from './config.js';
import { canonicalExport, DATA_DIR } from './data-sets.js';
import { fmt, measure, type Measurement } from './measure.js';

/** The run of median wall time; its CPU time is the median of the CPU times (they need not be the same run's). */
function median(ms: readonly Measurement[]): Measurement {
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const seconds = mid(ms.map((m) => m.seconds));
  const run = ms.find((m) => m.seconds === seconds)!;
  return { ...run, cpuSeconds: mid(ms.map((m) => m.cpuSeconds)), peakMiB: Math.max(...ms.map((m) => m.peakMiB)) };
}

const { values } = parseArgs({
  options: {
    conversations: { type: 'string' },
    seed: { type: 'string' },
    'skip-ingest': { type: 'boolean' },
    shares: { type: 'string' },
    'skip-full': { type: 'boolean' },
    'without-sla': { type: 'boolean' },
    runs: { type: 'string' },
    'ingest-only': { type: 'boolean' },
    before: { type: 'string' },
    name: { type: 'string' },
  },
});
const conversations = Number(values.conversations ?? 100_000);
/** Ingest and baseline runs, taken in turns (the median of each is reported). */
const runs = Math.max(1, Number(values.runs ?? 3));
const seed = Number(values.seed ?? 7);
const dataDir = DATA_DIR;
const { dir: genDir, file, messages: generated } = await canonicalExport(conversations, seed);

const configFile = path.join(dataDir, 'bench.parley.config.yaml');
writeFileSync(configFile, JSON.stringify(BENCH_CONFIG, null, 2) + '\n');
const configArgs = values['without-sla'] ? [] : ['--config', configFile];

let messages = generated ?? -1;
// --name NAME: warehouses of their own (bench-ingest-NAME.duckdb), for two benches at once on one machine
const suffix = values.name ? `-${values.name.replace(/[^\w-]/g, '_')}` : '';
const db = path.join(dataDir, `bench-ingest${suffix}.duckdb`);
const baselineDb = path.join(dataDir, `bench-baseline${suffix}.duckdb`);
const removeDb = (f: string) => {
  for (const x of [f, `${f}.wal`]) rmSync(x, { force: true });
};
for (const f of [db, baselineDb]) removeDb(f);

if (!values['skip-ingest']) {
  // ingest and baseline in turns, each from an empty file, so that both see the same load on a shared machine
  const ingests: Measurement[] = [];
  const baselines: Measurement[] = [];
  // --before DIR: the same ingest by the code checked out in DIR (the code before a change), in the same turns
  const before = values.before ? path.resolve(values.before) : undefined;
  const befores: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    for (const f of [db, baselineDb]) removeDb(f);
    ingests.push(await measure('parley', ['ingest', file, '--db', db, '--json']));
    if (before) {
      removeDb(db);
      befores.push(await measure('parley-at', [before, 'ingest', file, '--db', db, '--json']));
    }
    baselines.push(await measure('duckdb-read-json', [file, baselineDb]));
    const [a, b] = [ingests.at(-1)!, baselines.at(-1)!];
    const o = befores.at(-1);
    process.stderr.write(
      `run ${i + 1}/${runs}: ingest ${fmt(a.seconds, 2)} s (cpu ${fmt(a.cpuSeconds, 2)} s), baseline ${fmt(b.seconds, 2)} s (cpu ${fmt(b.cpuSeconds, 2)} s): ${fmt(a.seconds / b.seconds, 2)}x, cpu ${fmt(a.cpuSeconds / b.cpuSeconds, 2)}x` +
        (o
          ? `; before ${fmt(o.seconds, 2)} s (cpu ${fmt(o.cpuSeconds, 2)} s): ${fmt(o.cpuSeconds / b.cpuSeconds, 2)}x cpu, this run's ingest/before cpu ${fmt(a.cpuSeconds / o.cpuSeconds, 2)}`
          : '') +
        '\n',
    );
  }
  const beforeRun = befores.length ? median(befores) : undefined;
  const ingest = median(ingests);
  const baseline = median(baselines);
  const summary = JSON.parse(ingests[0]!.output.trim().split('\n').pop()!) as { loaded: number; read: number };
  const build = values['ingest-only'] ? undefined : await measure('parley', ['build', '--db', db, '--json', ...configArgs]);
  const counted = await measure('parley', ['sql', 'select count(*) as n from raw_messages', '--db', db, '--format', 'json']);
  if (messages < 0) messages = (JSON.parse(counted.output) as { n: number }[])[0]!.n;
  for (const f of [db, baselineDb]) removeDb(f);

  const mib = statSync(file).size / 2 ** 20;
  const rows: [string, number, number, number][] = [
    [`parley ingest (median of ${runs})`, ingest.seconds, ingest.cpuSeconds, ingest.peakMiB],
    ...(beforeRun ? [[`ingest before (median of ${runs})`, beforeRun.seconds, beforeRun.cpuSeconds, beforeRun.peakMiB] as [string, number, number, number]] : []),
    [`DuckDB read_json (median of ${runs})`, baseline.seconds, baseline.cpuSeconds, baseline.peakMiB],
    ...(build ? [['parley build', build.seconds, build.cpuSeconds, build.peakMiB] as [string, number, number, number]] : []),
  ];
  process.stdout.write(
    `\nfile: ${path.relative(process.cwd(), file)} — ${fmt(mib)} MiB, ${summary.read.toLocaleString('en-US')} conversations, ${messages.toLocaleString('en-US')} messages\n\n`,
  );
  process.stdout.write(`${'step'.padEnd(36)} ${'seconds'.padStart(8)} ${'cpu s'.padStart(8)} ${'peak MiB'.padStart(9)}\n`);
  for (const [name, s, c, m] of rows) process.stdout.write(`${name.padEnd(36)} ${fmt(s, 2).padStart(8)} ${fmt(c, 2).padStart(8)} ${fmt(m, 0).padStart(9)}\n`);
  process.stdout.write(
    `\ningest / baseline: ${fmt(ingest.seconds / baseline.seconds, 2)}x wall, ${fmt(ingest.cpuSeconds / baseline.cpuSeconds, 2)}x cpu (medians; target ≤ 1.5x, issue 21)\n` +
      (beforeRun
        ? `before / baseline: ${fmt(beforeRun.seconds / baseline.seconds, 2)}x wall, ${fmt(beforeRun.cpuSeconds / baseline.cpuSeconds, 2)}x cpu; ingest / before: ${fmt(ingest.cpuSeconds / beforeRun.cpuSeconds, 2)}x cpu\n`
        : '') +
      `ingest rate: ${fmt(messages / ingest.seconds, 0)} messages/s, ${fmt(summary.read / ingest.seconds, 0)} conversations/s\n`,
  );
  if (!build) process.exit(0);
  process.stdout.write(
    `build: ${fmt(build.seconds, 2)} s (target < 6 s with the SLA configuration; includes process start)${values['without-sla'] ? ', without SLA policies or schedules' : ''}\n`,
  );
  const steps = (JSON.parse(build.output) as { steps: { model: string; seconds: number }[] }).steps;
  process.stdout.write(
    `slowest steps: ${[...steps]
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 8)
      .map((x) => `${x.model} ${fmt(x.seconds, 2)} s`)
      .join(', ')}\n`,
  );
  const v2 = steps.filter((x) => /business|sla|polic|schedule|states|waiting|reply_metrics|customer_metrics/.test(x.model));
  process.stdout.write(
    `metrics v2 models: ${fmt(
      v2.reduce((t, x) => t + x.seconds, 0),
      2,
    )} s (${v2.map((x) => `${x.model} ${fmt(x.seconds, 2)}`).join(', ')})\n`,
  );
}

/**
 * The export split for an incremental build of `share`: `base` holds all but
 * the last `share` of the conversations; `increment` the last four fifths of
 * that share and, again with another intent, as many earlier ones (from the
 * latest tenth) as make the other fifth.
 */
async function split(share: number): Promise<{ base: string; increment: string; lines: number }> {
  const total = conversations;
  const added = Math.round(total * share * 0.8);
  const changed = Math.round(total * share) - added;
  const base = path.join(genDir, `base-${share}.jsonl`);
  const increment = path.join(genDir, `increment-${share}.jsonl`);
  if (existsSync(base) && existsSync(increment)) return { base, increment, lines: added + changed };
  // written under other names and renamed when whole, so that a split cut short is not taken for one
  const baseOut = createWriteStream(`${base}.part`);
  const incOut = createWriteStream(`${increment}.part`);
  const write = async (out: typeof baseOut, line: string) => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };
  // the changed ones from the latest tenth of the rest: an export carries again the conversations that went on
  const from = Math.max(0, total - added - Math.round(total * 0.1));
  const every = Math.max(1, Math.floor((total - added - from) / Math.max(changed, 1)));
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    if (n >= total - added) await write(incOut, line);
    else {
      await write(baseOut, line);
      if (n >= from && (n - from) % every === 0 && (n - from) / every < changed) {
        const record = JSON.parse(line) as { intent?: string };
        await write(incOut, JSON.stringify({ ...record, intent: record.intent === 'billing' ? 'refund' : 'billing' }));
      }
    }
    n++;
  }
  for (const out of [baseOut, incOut]) {
    out.end();
    await once(out, 'finish');
  }
  renameSync(`${base}.part`, base);
  renameSync(`${increment}.part`, increment);
  return { base, increment, lines: added + changed };
}

process.stdout.write(`\nincremental builds (${conversations.toLocaleString('en-US')} conversations):\n\n`);
process.stdout.write(`${'step'.padEnd(44)} ${'seconds'.padStart(8)} ${'peak MiB'.padStart(9)}\n`);
const line = (name: string, m: { seconds: number; peakMiB: number }) =>
  process.stdout.write(`${name.padEnd(44)} ${fmt(m.seconds, 2).padStart(8)} ${fmt(m.peakMiB, 0).padStart(9)}\n`);
const results: { share: number; incremental: number; full: number; affected: number }[] = [];
for (const share of (values.shares ?? '1,10').split(',').map((p) => Number(p) / 100)) {
  const pct = `${share * 100}%`;
  const { base, increment, lines } = await split(share);
  removeDb(db);
  await measure('parley', ['ingest', base, '--db', db, '--json']);
  line(`build, full, of the other ${100 - share * 100}%`, await measure('parley', ['build', '--db', db, '--json', ...configArgs]));
  line(`ingest ${pct} (${lines.toLocaleString('en-US')} conversations)`, await measure('parley', ['ingest', increment, '--db', db, '--json']));
  const inc = await measure('parley', ['build', '--db', db, '--json', ...configArgs]);
  const how = JSON.parse(inc.output) as { kind: string; reason?: string; affected?: number; conversations?: number };
  if (how.kind !== 'incremental') throw new Error(`the build after ${pct} was full: ${how.reason}`);
  line(`build, incremental, ${pct} (${how.affected!.toLocaleString('en-US')} recomputed)`, inc);
  const slowest = (how as unknown as { steps: { model: string; seconds: number }[] }).steps.sort((a, b) => b.seconds - a.seconds).slice(0, 4);
  process.stdout.write(`${''.padEnd(4)}slowest steps: ${slowest.map((x) => `${x.model} ${fmt(x.seconds, 2)} s`).join(', ')}\n`);
  const full = values['skip-full'] ? undefined : await measure('parley', ['build', '--full', '--db', db, '--json', ...configArgs]);
  if (full) line(`build --full of the same data`, full);
  results.push({ share, incremental: inc.seconds, full: full?.seconds ?? NaN, affected: how.affected! });
}
removeDb(db);
process.stdout.write(
  '\n' +
    results
      .map(
        (r) => `incremental build of ${r.share * 100}%: ${fmt(r.incremental, 2)} s${Number.isNaN(r.full) ? '' : `, ${fmt(r.full / r.incremental, 1)}x faster than a full build`}`,
      )
      .join('\n') +
    '\n(target at 10M messages, --conversations 1000000: 1% under 5 s; times include process start)\n',
);
