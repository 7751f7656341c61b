/**
 * `parley jobs list` and `parley jobs run NAME`: the jobs of parley.config.yaml
 * and their last runs, and one job run now. While `parley serve` runs they
 * are handed to it like every command (so `jobs run` waits its turn in the
 * server's queue); without a server they work on the file directly, so a
 * crontab line can run a job too.
 */
import path from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig, type ParleyConfig } from '../../models/config.js';
import { runJob } from '../../service/jobs.js';
import { describeSchedule, nextRun } from '../../service/schedule.js';
import { tables } from '../../warehouse/tables.js';
import { CommandError, UsageError, oneOf, withWarehouse, type Command } from '../command.js';
import { write } from '../output.js';
import { existsSync } from 'node:fs';

function config(values: Record<string, unknown>): { config: ParleyConfig; file: string } {
  const given = values['config'] as string | undefined;
  try {
    return { config: loadConfig(given), file: path.resolve(given ?? DEFAULT_CONFIG_FILE) };
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
}

const CONFIG_HELP = `  --config FILE  the configuration whose jobs these are (default ./parley.config.yaml)`;

export const jobsListCommand: Command = {
  name: 'jobs list',
  summary: 'the jobs of parley.config.yaml: when each runs next, and how its last run went',
  usage: 'parley jobs list [--config FILE] [--format table|json|csv]',
  help: `
One row a job: its kind, its schedule, the next time it is due (as \`parley serve\` counts it)
and its last run from the job log (status, seconds, records loaded and refused, and what
happened in one line).

${CONFIG_HELP}
  --format F     table (default), json or csv`,
  options: { config: { type: 'string' }, format: { type: 'string' } },
  async run({ values }, io) {
    const format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const { config: c } = config(values);
    const now = new Date();
    const rows = await withWarehouse(values, io, async (db) => {
      const out = [];
      for (const [name, job] of Object.entries(c.jobs)) {
        const last = await tables(db).selectFrom('job_log').selectAll().where('name', '=', name).orderBy('job_id', 'desc').limit(1).executeTakeFirst();
        out.push({
          job: name,
          kind: job.kind,
          schedule: describeSchedule(job),
          next_run: nextRun(job, now),
          last_run: last?.started_at ?? null,
          status: last?.status ?? null,
          seconds: last ? Math.round(last.seconds * 10) / 10 : null,
          loaded: last?.loaded ?? null,
          refused: last?.refused ?? null,
          note: last ? (last.error ?? last.detail) : null,
        });
      }
      return out;
    });
    if (rows.length === 0 && format === 'table') {
      io.out.write('no jobs: add a jobs section to parley.config.yaml (see the README, "Scheduled work")\n');
      return 0;
    }
    write(io.out, rows, format);
    return 0;
  },
};

export const jobsRunCommand: Command = {
  name: 'jobs run',
  summary: "run one job of parley.config.yaml now (in the server's queue while parley serve runs)",
  usage: 'parley jobs run NAME [--config FILE] [--json]',
  help: `
Runs the job as the server would when it is due, logs it in the job log, and prints one line:
what it loaded and refused, or what it did. Exit status 1 when the job failed (the data are
as they were; the line says why).

${CONFIG_HELP}
  --json         print the job log line as JSON

Example:
  parley jobs run incoming`,
  options: { config: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io, cli) {
    if (positionals.length !== 1) throw new UsageError('name one job: parley jobs run NAME', this.name);
    const name = positionals[0]!;
    const { config: c, file } = config(values);
    const job = c.jobs[name];
    if (!job) throw new UsageError(`no job "${name}" in ${path.basename(file)}: the jobs are ${Object.keys(c.jobs).join(', ') || '(none)'}`, this.name);
    const line = await withWarehouse(values, io, (db) =>
      runJob(db, name, job, { run: cli, base: path.dirname(file), configFile: existsSync(file) ? file : undefined, env: io.env }),
    );
    if (values['json']) io.out.write(JSON.stringify({ ...line, started_at: line.started_at.toISOString() }) + '\n');
    else if (line.status === 'ok') {
      const counts =
        job.kind === 'load'
          ? `: ${line.files} new, loaded ${line.loaded} records, refused ${line.refused}`
          : job.kind === 'sync'
            ? `: loaded ${line.loaded} records, refused ${line.refused}`
            : '';
      io.out.write(`${name} ran in ${line.seconds.toFixed(1)} s${counts}${line.detail ? ` (${line.detail})` : ''}\n`);
    }
    if (line.status !== 'ok') {
      io.err.write(`parley jobs run: ${name} failed: ${line.error}\n`);
      return 1;
    }
    return 0;
  },
};
