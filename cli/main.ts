/**
 * `parley`: the command line of DESIGN.md's contract. Every command is an
 * entry of {@link COMMANDS} below, in the order `parley --help` lists them;
 * each command's file under commands/ holds its options and help text.
 *
 *   parley ingest FILE... [--format auto|canonical|zendesk|…] [--source NAME] [--json]
 *   parley build
 *   parley metrics summary [--by month,channel,intent,team,agent] [--format json|csv|table]
 *
 * Exit status: 0 done, 1 could not be done, 2 bad usage.
 *
 * While `parley serve` holds the warehouse, a command (other than `local`
 * ones) is handed to that server and prints what the server sends back
 * (service/client.ts); without a server it opens the file itself.
 */
import { WarehouseLockedError, resolveDbPath } from '../warehouse/connection.js';
import { forward } from '../service/client.js';
import { CommandError, UsageError, parse, type Command, type Io } from './command.js';
import { ingestCommand } from './commands/ingest.js';
import { syncCommand } from './commands/sync.js';
import { buildCommand } from './commands/build.js';
import { metricsConversationsCommand, metricsRetentionCommand, metricsSummaryCommand } from './commands/metrics.js';
import { sqlCommand } from './commands/sql.js';
import { backupCommand } from './commands/backup.js';
import { demoCommand } from './commands/demo.js';
import { docsMetricsCommand } from './commands/docs.js';
import { insightsBuildCommand, insightsCurateCommand, insightsTopCommand } from './commands/insights.js';
import { notebookListCommand, notebookRenderCommand } from './commands/notebook.js';
import { serveCommand } from './commands/serve.js';
import { USER_COMMANDS } from './commands/user.js';
import { rubricsAddCommand, rubricsListCommand, rubricsValidateCommand } from './commands/rubrics.js';
import { sampleCreateCommand, sampleExportCommand, sampleImportCommand, sampleListCommand, sampleSizeCommand } from './commands/sample.js';
import { scorecardCommand } from './commands/scorecard.js';
import { jobsListCommand, jobsRunCommand } from './commands/jobs.js';
import { mappingCheckCommand } from './commands/mapping.js';
import { configFromZendeskCommand } from './commands/config.js';
import { eraseCommand } from './commands/erase.js';
import { lakeDdlCommand, lakeExportCommand } from './commands/lake.js';

import { forecastCommand, planStaffingCommand } from './commands/planning.js';

export const COMMANDS: readonly Command[] = [
  ingestCommand,
  syncCommand,
  buildCommand,
  metricsConversationsCommand,
  metricsSummaryCommand,
  metricsRetentionCommand,
  sqlCommand,
  backupCommand,
  lakeExportCommand,
  lakeDdlCommand,
  eraseCommand,
  demoCommand,
  docsMetricsCommand,
  insightsBuildCommand,
  insightsTopCommand,
  insightsCurateCommand,
  notebookRenderCommand,
  notebookListCommand,
  serveCommand,
  ...USER_COMMANDS,
  rubricsValidateCommand,
  rubricsAddCommand,
  rubricsListCommand,
  sampleCreateCommand,
  sampleListCommand,
  sampleExportCommand,
  sampleImportCommand,
  sampleSizeCommand,
  scorecardCommand,
  jobsListCommand,
  jobsRunCommand,
  mappingCheckCommand,
  configFromZendeskCommand,
  forecastCommand,
  planStaffingCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'parley — a QA and analytics warehouse for customer messaging support',
    '',
    'Usage: parley COMMAND [options]   (every command takes --db PATH; default $PARLEY_DB or ./parley.duckdb)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'parley COMMAND --help' for a command's options.",
    '',
    'While `parley serve` runs on the warehouse, every command except serve, demo, docs and',
    '`notebook list` is handed to that server, which runs it on the warehouse it holds and',
    'sends back what the command prints (same output, same exit status; relative paths are',
    'yours). Without a server, a command opens the warehouse file itself; a file left by a',
    'killed server (<warehouse>.serve.json) is ignored.',
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.summary}\n\n${c.help.trim()}\n\n  --db PATH     the warehouse file (default $PARLEY_DB, else ./parley.duckdb)\n  -h, --help    this help\n`;
}

/** Finds the command for argv: one word, or two for `metrics …` and `docs …`. */
function resolve(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

const defaultIo: Io = {
  out: process.stdout,
  err: process.stderr,
  env: process.env,
  get in() {
    return process.stdin;
  },
};

/**
 * Once the reader of `out` has gone (`parley metrics conversations | head`),
 * what is left to print is dropped: the command ends as it would have (a
 * load still commits whole), quietly, instead of dying on an EPIPE stack
 * trace. Any other error of the stream is thrown on.
 *
 * @example
 *   dropOutputOnceReaderGone(process.stdout);
 */
export function dropOutputOnceReaderGone(out: NodeJS.WritableStream): void {
  out.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    out.write = (() => true) as NodeJS.WritableStream['write'];
  });
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? io.err : io.out).write(overview());
    return argv.length === 0 ? 2 : 0;
  }
  const found = resolve(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
    const hint = group.length ? ` (did you mean ${group.map((c) => `'parley ${c.name}'`).join(' or ')}?)` : '';
    io.err.write(`parley: unknown command '${argv.slice(0, group.length ? 2 : 1).join(' ')}'${hint}; run 'parley --help'\n`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const args = parse(command, rest);
    if (args.values['help']) {
      io.out.write(commandHelp(command));
      return 0;
    }
    if (!command.local && !io.warehouse) {
      const db = resolveDbPath(args.values['db'] as string | undefined, io.env);
      const served = await forward({ argv, db, env: io.env, io, stdin: command.stdin === true });
      if (served !== undefined) return served;
    }
    return await command.run(args as never, io, main);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`parley ${command.name}: ${error.message}; run 'parley ${command.name} --help'\n`);
      return 2;
    }
    if (error instanceof CommandError || error instanceof WarehouseLockedError) {
      io.err.write(`parley ${command.name}: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err.write(`parley ${command.name}: ${message.split('\n')[0]}\n`);
    if (io.env['PARLEY_DEBUG'] && error instanceof Error) io.err.write(`${error.stack}\n`);
    return 1;
  }
}
