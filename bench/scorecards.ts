/**
 * `npm run bench:scorecards`: the scorecard work on a demo warehouse
 * (100,000 conversations by default; generated, ingested and built once into
 * bench/data/, then reused). Prints the time of the qa_* marts within
 * `parley build`, of drawing a risk-weighted per-agent sample, of saving
 * reviews through the API, and of the CSV export.
 *
 *   npm run bench:scorecards
 *   npm run bench:scorecards -- --conversations 20000
 */
import { canonicalExport, DATA_DIR } from './data-sets.js';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadFiles } from '../ingest/load.js';
import { buildModels } from '../models/build.js';
import { parseConfig } from '../models/config.js';
import { openWarehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { addAccount } from '../accounts/index.js';
import { createSample, defaultRubric, exportSampleCsv, registerRubric, saveReview } from '../scorecards/index.js';
import { fmt } from './measure.js';

const { values } = parseArgs({ options: { conversations: { type: 'string' }, seed: { type: 'string' }, reviews: { type: 'string' } } });
const conversations = Number(values.conversations ?? 100_000);
const seed = Number(values.seed ?? 7);
const reviews = Number(values.reviews ?? 300);
const dataDir = DATA_DIR;
const dbFile = path.join(dataDir, `bench-scorecards-${conversations}-${seed}.duckdb`);
rmSync(dbFile, { force: true });
rmSync(`${dbFile}.wal`, { force: true });

const { dir: genDir } = await canonicalExport(conversations, seed);
const db = await openWarehouse(dbFile);
await migrate(db);
process.stderr.write('ingesting …\n');
await loadFiles(db, [{ file: path.join(genDir, 'conversations.jsonl') }, { file: path.join(genDir, 'agents.jsonl') }]);

const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const result = await fn();
  return [result, (performance.now() - t) / 1000];
};

const qaSeconds = (steps: Array<{ model: string; seconds: number }>) => steps.filter((s) => s.model.startsWith('qa_')).reduce((a, s) => a + s.seconds, 0);
const [steps1, build1] = await timed(() => buildModels(db, parseConfig({})));
await registerRubric(db, defaultRubric());
// samples are assigned only to accounts that grade
for (const username of ['r1', 'r2', 'r3', 'r4']) await addAccount(db, { username, password: 'a bench reviewer', role: 'reviewer' });
const month = (await db.one<{ m: string }>('select max(month) as m from conversation_metrics where month < (select max(month) from conversation_metrics)'))!.m;
const [report, sampleSeconds] = await timed(() =>
  createSample(db, {
    name: 'bench',
    cycle: month,
    seed: 1,
    rubric_id: 'messaging_default',
    method: 'risk',
    filter: { from: `${month}-01`, to: `${month}-28` },
    per_agent: 10,
    reviewers: ['r1', 'r2', 'r3', 'r4'],
  }),
);
const items = report.sample.items.slice(0, reviews);
const grades = ['understanding', 'accuracy', 'process', 'clarity', 'tone_empathy', 'proactive_guidance', 'closure'];
const ratings: Record<string, Array<string | number>> = {
  understanding: [1, 2, 3, 4],
  accuracy: ['pass', 'fail'],
  process: ['pass', 'fail'],
  clarity: [1, 2, 3, 4],
  tone_empathy: [1, 2, 3, 4, 5],
  proactive_guidance: ['Not done', 'Partly', 'Done'],
  closure: ['pass', 'fail'],
};
const [, saveSeconds] = await timed(async () => {
  for (const [i, item] of items.entries()) {
    await saveReview(db, {
      sample_id: report.sample.sample_id,
      source: item.source,
      conversation_id: item.conversation_id,
      reviewer_id: item.reviewer_id!,
      grades: grades.map((c, j) => ({ criterion: c, rating: ratings[c]![(i * 7 + j * 3) % ratings[c]!.length]! })),
      time_spent_s: 120,
    });
  }
});
const [csv, exportSeconds] = await timed(() => exportSampleCsv(db, report.sample.sample_id));
const [steps2, build2] = await timed(() => buildModels(db, parseConfig({})));
const n = (await db.one<{ n: number }>('select count(*) as n from conversation_metrics'))!.n;
db.close();

const lines = [
  `scorecards on ${n.toLocaleString('en-US')} conversations (${dbFile})`,
  `  parley build, no reviews:          ${fmt(build1, 2)} s, of which qa_* marts ${fmt(qaSeconds(steps1), 2)} s (qa_autoqa ${fmt(steps1.find((s) => s.model === 'qa_autoqa')!.seconds, 2)} s)`,
  `  sample (risk, 10 per agent, ${month}): ${report.sample.items.length} conversations in ${fmt(sampleSeconds, 2)} s`,
  `  saveReview:                        ${items.length} reviews in ${fmt(saveSeconds, 2)} s (${fmt((saveSeconds / items.length) * 1000, 1)} ms each)`,
  `  CSV export:                        ${csv.split('\n').length - 3} rows in ${fmt(exportSeconds, 3)} s`,
  `  parley build, ${items.length} reviews:       ${fmt(build2, 2)} s, of which qa_* marts ${fmt(qaSeconds(steps2), 2)} s`,
];
process.stdout.write(lines.join('\n') + '\n');
