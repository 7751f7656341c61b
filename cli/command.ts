/**
 * What every `parley` command shares: its option table, --help, --db, and
 * the one-line usage error (exit 2). Commands open the warehouse through
 * {@link withWarehouse}: inside `parley serve` (a command handed over by
 * another process, see service/) that is the server's open warehouse.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { openWarehouse, resolveDbPath, type OpenOptions, type Warehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { repairInterruptedLoads } from '../warehouse/repair.js';
import { tableExists } from '../warehouse/table-exists.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** The moment the command runs, for what it stamps and dates (default: the real clock; tests fix it). */
  now?: Date;
  /** The caller's stdin (default process.stdin), for a command that reads it. */
  in?: NodeJS.ReadableStream & { isTTY?: boolean };
  /**
   * Set when the command runs inside the server that holds the warehouse
   * (service/server.ts): commands use it instead of opening the file, and do
   * not close it.
   */
  warehouse?: Warehouse;
}

/** Runs a whole command line (cli/main.ts's `main`); resolves to the exit status. */
export type CommandLine = (argv: string[], io: Io) => Promise<number>;

export interface Command {
  /** `metrics summary` for a subcommand. */
  name: string;
  summary: string;
  usage: string;
  /** Longer help: options and examples. */
  help: string;
  options: Options;
  allowPositionals?: boolean;
  /**
   * Runs in the calling process even while `parley serve` holds the warehouse:
   * the server itself, and commands that do not use the warehouse.
   */
  local?: boolean;
  /** Reads stdin: a command handed to the server sends the caller's stdin along. */
  stdin?: boolean;
  /** `cli` is the command line itself, for a command that runs others (serve runs those handed to it). */
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }, io: Io, cli: CommandLine): Promise<number>;
}

/** Bad usage: printed as one line, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Work that could not be done: printed as one line, exit status 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export const DB_OPTION: Options = { db: { type: 'string' } };
export const HELP_OPTION: Options = { help: { type: 'boolean', short: 'h' } };

export function parse(command: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { ...command.options, ...DB_OPTION, ...HELP_OPTION },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''), command.name);
  }
}

/** Checks a flag's value against a list; a wrong one is a usage error. */
export function oneOf<T extends string>(command: Command, flag: string, value: string | boolean | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${String(value)}")`, command.name);
  }
  return value as T;
}

/**
 * Opens the warehouse named by --db / PARLEY_DB, brings its schema up to
 * date and removes what an interrupted load left (warehouse/repair.ts; told
 * in one line on stderr); inside the server, hands back the server's
 * warehouse (whose close() does nothing).
 */
export async function openFor(values: Record<string, unknown>, io: Io, options: OpenOptions = {}): Promise<Warehouse> {
  if (io.warehouse) return io.warehouse;
  const db = await openWarehouse(resolveDbPath(values['db'] as string | undefined, io.env), options);
  try {
    await migrate(db, undefined, io.now);
    const repaired = await repairInterruptedLoads(db);
    if (repaired) io.err.write(`note: ${repaired}\n`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Runs `fn` with the warehouse open, closing it afterwards (the server's stays open). */
export async function withWarehouse<T>(values: Record<string, unknown>, io: Io, fn: (db: Warehouse) => Promise<T>, options: OpenOptions = {}): Promise<T> {
  if (io.warehouse) return fn(io.warehouse);
  const db = await openFor(values, io, options);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/** Fails with a clear next step when the models have not been built. */
export async function requireBuilt(db: Warehouse): Promise<void> {
  if (!(await tableExists(db, 'conversation_metrics'))) throw new CommandError(`the warehouse ${db.path} has no models yet: run \`parley build\` first`);
}
