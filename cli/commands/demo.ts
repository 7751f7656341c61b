import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadFiles } from '../../ingest/load.js';
import { buildIsStale, buildModels } from '../../models/build.js';
import { loadConfig } from '../../models/config.js';
import { HEADLINE_FIELDS, summarySql } from '../../models/summary.js';
import { otherSources } from '../../accounts/index.js';
import { CommandError, UsageError, withWarehouse, type Command } from '../command.js';
import { write } from '../output.js';
import { count, progressLine } from '../progress.js';
import { SERVER_READERS, parsePort, startDashboard, untilStopped } from './serve.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'fill an empty warehouse with a year of generated demo conversations, build it, show the monthly summary, serve the dashboard',
  usage: 'parley demo [--conversations N] [--seed N] [--port N] [--no-serve]',
  help: `
What \`npm start\` runs. When the warehouse holds no conversations, it generates a seeded,
realistic year of support conversations (five channels, bots, transfers, reopens, surveys,
two incidents), loads them with source "demo", and builds the models. A warehouse that
already holds data is only rebuilt when it has never been built. Then it prints the
monthly summary and serves the dashboard on it (demo accounts, one per role, are
created with the generated data; their password is in the README).

Demo accounts go only into a warehouse that holds nothing but demo data: on a warehouse
that holds conversations of another source it stops, exit 1, and says to use another
--db (serve your own warehouse with \`parley serve\`). Loading other data into a demo
warehouse later disables its demo accounts (see \`parley ingest --help\`).

  --conversations N  how many to generate (default 50000)
  --seed N           the generator's seed (default 42): the same seed gives the same data
  --port N           the dashboard's port (default 5173)
  --no-serve         stop after the summary instead of serving the dashboard`,
  options: { conversations: { type: 'string' }, seed: { type: 'string' }, port: { type: 'string' }, 'no-serve': { type: 'boolean' } },
  local: true,
  async run({ values }, io, cli) {
    const conversations = Number(values['conversations'] ?? 50_000);
    const seed = Number(values['seed'] ?? 42);
    if (!Number.isInteger(conversations) || conversations < 100) throw new UsageError('--conversations must be a whole number of at least 100', this.name);
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number', this.name);
    // the demo's own SLA policies and schedules unless parley.config.yaml sets some (demo/sla-config.ts)
    const { withDemoSla } = await import('../../demo/sla-config.js');
    const config = withDemoSla(loadConfig());
    const port = parsePort(values['port'], this);
    // the account and seeding code loads only when the demo runs
    const { DEMO_ACCOUNTS, DEMO_PASSWORD, hasSamples, seedDemoAccounts, seedDemoQa } = await import('../../demo/seed.js');
    return withWarehouse(
      values,
      io,
      async (db) => {
        const others = await otherSources(db);
        if (others.length) {
          throw new CommandError(
            `the warehouse ${db.path} holds data other than the demo's (source ${others.join(', ')}), and demo accounts go only into a demo warehouse: run the demo on another file (--db demo.duckdb), or serve this one with parley serve`,
          );
        }
        const n = (await db.one<{ n: number }>('select count(*) as n from raw_conversations'))?.n ?? 0;
        const progress = progressLine(io.err);
        if (n === 0) {
          io.err.write(`The warehouse ${db.path} is empty: generating ${count(conversations)} demo conversations (seed ${seed})…\n`);
          const { generateDemo } = await import('../../demo/generate.js');
          const dir = mkdtempSync(path.join(tmpdir(), 'parley-demo-'));
          try {
            // a copy: setting the hours must not move the caller's `now`, which the QA seeding below uses
            const end = new Date(io.now ?? new Date());
            end.setUTCHours(0, 0, 0, 0);
            const generated = await generateDemo({ conversations, seed, end, outDir: dir }, (done, total) =>
              progress.update(`generating: ${count(done)} / ${count(total)} conversations`),
            );
            progress.done();
            const summary = await loadFiles(
              db,
              generated.files.map((file) => ({ file })),
              { source: 'demo', ...(io.now ? { now: io.now } : {}), onProgress: (p) => progress.update(`loading: ${p.phase} ${count(p.records)} records`) },
            );
            progress.done();
            io.err.write(
              `loaded ${count(generated.conversations)} conversations (${count(generated.messages)} messages) and ${count(summary.perFile.at(-1)?.loaded ?? 0)} customer outcomes in ${summary.seconds.toFixed(1)} s\n`,
            );
            await db.run("delete from warehouse_meta where key = 'demo'");
            await db.run("insert into warehouse_meta values ('demo', 'true')");
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }
        if (n === 0 || (await buildIsStale(db))) {
          const t = performance.now();
          const steps = await buildModels(db, config, { now: io.now });
          io.err.write(`built ${steps.length} models in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
        }
        // A demo warehouse has its accounts and its QA (the default rubric, a sample in the demo reviewers'
        // queues); one made before those existed gets them now.
        const demo = await db.one<{ value: string }>("select value from warehouse_meta where key = 'demo'");
        if (demo?.value === 'true') {
          await seedDemoAccounts(db, io.now);
          if (!(await hasSamples(db))) {
            const { work, workSeconds, insightsSeconds } = await seedDemoQa(db, io.now);
            const d = work.disputes;
            io.err.write(
              `seeded QA work: ${work.reviews} reviews in ${work.samples} samples, ${work.calibration_sessions} calibration sessions, ` +
                `disputes ${d.open} open / ${d.accepted} accepted / ${d.partly_accepted} partly accepted / ${d.rejected} rejected, ` +
                `${work.coaching} coaching notes (${work.acknowledged} acknowledged), ${work.intent_corrections} intent corrections in ${workSeconds.toFixed(1)} s; ` +
                `built insights in ${insightsSeconds.toFixed(1)} s\n`,
            );
          }
        }
        const rows = await db.all(summarySql(['month']));
        io.out.write(`\nMonthly summary (${config.timezone}); more: parley metrics summary --by month,channel\n\n`);
        write(io.out, rows, 'table', ['month', ...HEADLINE_FIELDS]);
        if (values['no-serve']) return 0;
        const serving = await startDashboard(db, { port, host: '127.0.0.1' }, io, cli);
        io.out.write(
          `\nParley dashboard on the demo data: ${serving.url}  (Ctrl-C stops it)\n` +
            `Demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')}\n`,
        );
        await untilStopped(serving);
        return 0;
      },
      { readers: values['no-serve'] ? 0 : SERVER_READERS },
    );
  },
};
