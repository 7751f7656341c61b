/**
 * `npm run bench:lake`: times `parley lake export` on the bench data.
 *
 * Loads the bench's generated conversations (bench/data/canonical-N-7, the
 * file `npm run bench:ingest` writes; generated when missing) and builds with
 * the bench's configuration, then times, each in its own process with its
 * peak memory: the first export into an empty folder, a second with nothing
 * changed, one more file (1% more conversations, of another source, a week
 * later) loaded and built, the export after it (only the changed partitions),
 * and `parley build --lake` over the lake, beside `parley build --full` of the same data in the file warehouse.
 *
 * @example
 *   npm run bench:lake                          # 100,000 conversations
 *   npm run bench:lake -- --conversations 20000
 */
import { existsSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemo } from '../demo/generate.js';
import { fmt, measure } from './measure.js';
import { canonicalExport, DATA_DIR } from './data-sets.js';

const { values } = parseArgs({ options: { conversations: { type: 'string' }, seed: { type: 'string' } } });
const conversations = Number(values.conversations ?? 100_000);
const seed = Number(values.seed ?? 7);
const dataDir = DATA_DIR;
const { file } = await canonicalExport(conversations, seed);
const extraDir = path.join(dataDir, `lake-extra-${conversations}`);
const extra = path.join(extraDir, 'conversations.jsonl');
if (!existsSync(extra)) {
  await generateDemo({
    conversations: Math.max(1, Math.round(conversations / 100)),
    seed: seed + 1,
    end: new Date('2026-11-08T00:00:00Z'),
    months: 1,
    outDir: extraDir,
    source: 'demo-extra',
  });
}
// the bench's configuration (bench:ingest writes it); without it, the defaults
const configFile = path.join(dataDir, 'bench.parley.config.yaml');
const configArgs = existsSync(configFile) ? ['--config', configFile] : [];

const db = path.join(dataDir, 'bench-lake.duckdb');
const lake = path.join(dataDir, 'lake');
for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
rmSync(lake, { recursive: true, force: true });

const run = async (args: string[]) => {
  const m = await measure('parley', args);
  return {
    ...m,
    json: args.includes('--json') ? (JSON.parse(m.output) as { rewritten?: string[]; rows?: number; partitions?: number; lake?: { rewritten: string[] } }) : undefined,
  };
};
const ingest = await run(['ingest', file, '--db', db, '--json']);
const build = await run(['build', '--db', db, '--json', ...configArgs]);
const messages = JSON.parse((await run(['sql', 'select count(*) as n from raw_messages', '--db', db, '--format', 'json'])).output)[0].n as number;

const first = await run(['lake', 'export', lake, '--db', db, '--json']);
const unchanged = await run(['lake', 'export', lake, '--db', db, '--json']);
await run(['ingest', extra, '--db', db, '--json']);
await run(['build', '--db', db, '--json', ...configArgs]);
const after = await run(['lake', 'export', lake, '--db', db, '--json']);
const lakeBuild = await run(['build', '--lake', lake, '--json', ...configArgs]);
const fullAgain = await run(['build', '--full', '--db', db, '--json', ...configArgs]);
const rewrittenByTable = (list: string[]) =>
  Object.entries(list.reduce<Record<string, number>>((n, p) => ({ ...n, [p.split('/')[0]!]: (n[p.split('/')[0]!] ?? 0) + 1 }), {}))
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');

const bytes = (d: string): number =>
  readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytes(path.join(d, e.name)) : statSync(path.join(d, e.name)).size), 0);
const manifest = JSON.parse(readFileSync(path.join(lake, 'manifest.json'), 'utf8')) as { tables: Record<string, { partitions: unknown[] }> };
const partitions = Object.values(manifest.tables).reduce((n, t) => n + t.partitions.length, 0);
process.stdout.write(
  `\nwarehouse: ${conversations.toLocaleString('en-US')} conversations, ${messages.toLocaleString('en-US')} messages; ` +
    `lake: ${Object.keys(manifest.tables).length} tables, ${partitions.toLocaleString('en-US')} partitions, ${fmt(bytes(lake) / 2 ** 20, 0)} MiB\n\n`,
);
const rows: [string, { seconds: number; cpuSeconds: number; peakMiB: number }, string][] = [
  ['ingest (for scale)', ingest, ''],
  ['build, file warehouse (full)', build, ''],
  ['lake export (first, empty folder)', first, `${first.json!.rewritten!.length} partitions written`],
  ['lake export (nothing changed)', unchanged, `${unchanged.json!.rewritten!.length} written`],
  ['lake export (after 1% more, built)', after, `${after.json!.rewritten!.length} written`],
  ['build --full, file warehouse', fullAgain, 'the same data as build --lake'],
  ['build --lake (full, over Parquet)', lakeBuild, `${lakeBuild.json!.lake!.rewritten.length} mart partitions written`],
];
process.stdout.write(`${'step'.padEnd(36)} ${'seconds'.padStart(8)} ${'CPU s'.padStart(8)} ${'peak MiB'.padStart(9)}\n`);
for (const [name, m, note] of rows) {
  process.stdout.write(`${name.padEnd(36)} ${fmt(m.seconds, 2).padStart(8)} ${fmt(m.cpuSeconds, 2).padStart(8)} ${fmt(m.peakMiB, 0).padStart(9)}  ${note}\n`);
}
process.stdout.write(
  `\nexport after 1% more wrote: ${rewrittenByTable(after.json!.rewritten!)}\n` +
    `first export / ingest: ${fmt(first.seconds / ingest.seconds, 2)}x; build --lake / build --full: ${fmt(lakeBuild.seconds / fullAgain.seconds, 2)}x (CPU ${fmt(lakeBuild.cpuSeconds / fullAgain.cpuSeconds, 2)}x)\n`,
);
for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
