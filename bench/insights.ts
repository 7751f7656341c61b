/**
 * `npm run bench:insights`: `parley insights build` on a demo warehouse of
 * at least 1M customer messages (about 210,000 conversations; generated,
 * ingested and built once into bench/data/, then reused). Prints seconds,
 * customer messages per second and peak memory of the insights build alone
 * (its own process), its CPU time (user + sys, every thread) and, per step
 * of the build, wall and CPU seconds, resident memory at the step's end and
 * the peak so far.
 *
 *   npm run bench:insights
 *   npm run bench:insights -- --conversations 50000
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, measure } from './measure.js';
import { canonicalExport, DATA_DIR } from './data-sets.js';

const { values } = parseArgs({ options: { conversations: { type: 'string' }, seed: { type: 'string' } } });
const conversations = Number(values.conversations ?? 215_000);
const seed = Number(values.seed ?? 11);
const dataDir = DATA_DIR;
const db = path.join(dataDir, `bench-insights-${conversations}-${seed}.duckdb`);

if (!existsSync(db)) {
  const { file } = await canonicalExport(conversations, seed);
  process.stderr.write('ingesting and building the models …\n');
  await measure('parley', ['ingest', file, '--db', db, '--json']);
  await measure('parley', ['build', '--db', db, '--json']);
}

const run = await measure('parley', ['insights', 'build', '--db', db, '--json']);
const summary = JSON.parse(run.output.slice(run.output.indexOf('{'))) as {
  messages: number;
  textsAnalysed: number;
  conversations: number;
  workers?: number;
  seconds: number;
  cpuSeconds: number;
  intents: { macroF1: number | null };
  steps: Array<{ step: string; seconds: number; cpuSeconds: number; mainCpuSeconds?: number | null; rssMiB: number; peakRssMiB: number }>;
};
process.stdout.write(
  `\nwarehouse: ${path.relative(process.cwd(), db)} — ${summary.conversations.toLocaleString('en-US')} conversations, ` +
    `${summary.messages.toLocaleString('en-US')} customer messages (${summary.textsAnalysed?.toLocaleString('en-US') ?? '–'} analysed afresh, the rest repeat a text)\n\n` +
    `parley insights build: ${fmt(run.seconds, 1)} s wall (process), ${fmt(summary.seconds, 1)} s in the build, ` +
    `${fmt(summary.cpuSeconds, 1)} s CPU in the build (user + sys, every thread), peak ${fmt(run.peakMiB, 0)} MiB, ` +
    `${summary.workers ?? 0} worker threads\n` +
    `rate: ${fmt(summary.messages / run.seconds, 0)} customer messages/s (wall)\n` +
    `held-out macro F1: ${summary.intents.macroF1?.toFixed(3) ?? '–'}\n\n` +
    `  ${'step'.padEnd(34)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)} ${'main CPU'.padStart(9)} ${'RSS MiB'.padStart(8)} ${'peak MiB'.padStart(9)}\n` +
    summary.steps
      .map(
        (s) =>
          `  ${s.step.padEnd(34)} ${fmt(s.seconds, 2).padStart(8)} ${fmt(s.cpuSeconds ?? NaN, 2).padStart(8)} ${fmt(s.mainCpuSeconds ?? NaN, 2).padStart(9)} ` +
          `${fmt(s.rssMiB ?? NaN, 0).padStart(8)} ${fmt(s.peakRssMiB ?? NaN, 0).padStart(9)}`,
      )
      .join('\n') +
    '\n',
);
