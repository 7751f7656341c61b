import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadFiles } from '../../ingest/load.js';
import { buildModels } from '../../models/build.js';
import { loadConfig } from '../../models/config.js';
import { summarySql } from '../../models/summary.js';
import { UsageError, withWarehouse, type Command } from '../command.js';
import { write } from '../output.js';
import { count, progressLine } from '../progress.js';
import { HEADLINE } from './metrics.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'fill an empty warehouse with a year of generated demo conversations, build it, show the monthly summary',
  usage: 'parley demo [--conversations N] [--seed N]',
  help: `
What \`npm start\` runs. When the warehouse holds no conversations, it generates a seeded,
realistic year of support conversations (five channels, bots, transfers, reopens, surveys,
two incidents), loads them with source "demo", and builds the models. A warehouse that
already holds data is only rebuilt when it has never been built. Then it prints the
monthly summary.

  --conversations N  how many to generate (default 50000)
  --seed N           the generator's seed (default 42): the same seed gives the same data`,
  options: { conversations: { type: 'string' }, seed: { type: 'string' } },
  async run({ values }, io) {
    const conversations = Number(values['conversations'] ?? 50_000);
    const seed = Number(values['seed'] ?? 42);
    if (!Number.isInteger(conversations) || conversations < 100) throw new UsageError('--conversations must be a whole number of at least 100', this.name);
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number', this.name);
    const config = loadConfig();
    const rows = await withWarehouse(values, io, async (db) => {
      const n = (await db.one<{ n: number }>('select count(*) as n from raw_conversations'))?.n ?? 0;
      const progress = progressLine(io.err);
      if (n === 0) {
        io.err.write(`The warehouse ${db.path} is empty: generating ${count(conversations)} demo conversations (seed ${seed})…\n`);
        const { generateDemo } = await import('../../demo/generate.js');
        const dir = mkdtempSync(path.join(tmpdir(), 'parley-demo-'));
        try {
          const end = new Date();
          end.setUTCHours(0, 0, 0, 0);
          const generated = await generateDemo({ conversations, seed, end, outDir: dir }, (done, total) =>
            progress.update(`generating: ${count(done)} / ${count(total)} conversations`),
          );
          progress.done();
          const summary = await loadFiles(
            db,
            generated.files.map((file) => ({ file })),
            { source: 'demo', onProgress: (p) => progress.update(`loading: ${p.phase} ${count(p.records)} records`) },
          );
          progress.done();
          io.err.write(`loaded ${count(summary.loaded)} conversations (${count(generated.messages)} messages) in ${summary.seconds.toFixed(1)} s\n`);
          await db.run("delete from warehouse_meta where key = 'demo'");
          await db.run("insert into warehouse_meta values ('demo', 'true')");
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const built = await db.one<{ n: number }>("select count(*) as n from warehouse_meta where key = 'built_at'");
      if (n === 0 || !built?.n) {
        const t = performance.now();
        const steps = await buildModels(db, config);
        io.err.write(`built ${steps.length} models in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
      }
      return db.all(summarySql(['month']));
    });
    io.out.write(`\nMonthly summary (${config.timezone}); more: parley metrics summary --by month,channel\n\n`);
    write(io.out, rows, 'table', ['month', ...HEADLINE]);
    return 0;
  },
};
