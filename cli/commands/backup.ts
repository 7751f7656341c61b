/**
 * `parley backup FILE`: a consistent copy of the warehouse in a new DuckDB
 * file, taken while pages are served and jobs run. With a server running, the
 * command is handed to it (service/) and copies from the connection that holds
 * the file; DuckDB copies one snapshot, so a load or build that commits
 * meanwhile is in the copy whole or not at all.
 *
 * @example
 *   parley backup /var/backups/parley/2026-12-01.duckdb
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ident, sqlString } from '../../ingest/adapters/sql.js';
import { CommandError, UsageError, withWarehouse, type Command } from '../command.js';

const ALIAS = 'parley_backup';

export const backupCommand: Command = {
  name: 'backup',
  summary: 'copy the warehouse to a new file, consistently, also while parley serve runs',
  usage: 'parley backup FILE',
  help: `
Writes every table and view of the warehouse to FILE, a new DuckDB file, as one
snapshot: what a load or build commits while the copy runs is in it whole or
not at all. Works while \`parley serve\` holds the warehouse (the server makes
the copy). FILE must not exist yet. To restore, stop the server and put the
copy in the warehouse's place (see the README, "Running Parley for a team").

Example:
  parley backup backups/parley-$(date +%F).duckdb`,
  options: {},
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give the file to write the copy to', this.name);
    const target = path.resolve(positionals[0]!);
    if (existsSync(target)) throw new CommandError(`${positionals[0]} exists: name a new file (a backup never overwrites one)`);
    mkdirSync(path.dirname(target), { recursive: true });
    const seconds = await withWarehouse(values, io, async (db) => {
      if (path.resolve(db.path) === target) throw new CommandError('the copy must be another file than the warehouse');
      const started = performance.now();
      const source = (await db.one<{ name: string }>('select current_database() as name'))!.name;
      await db.run(`attach ${sqlString(target)} as ${ALIAS}`);
      try {
        await db.run(`copy from database ${ident(source)} to ${ALIAS}`);
      } catch (error) {
        await db.run(`detach ${ALIAS}`);
        // no half copy is left behind to be mistaken for a backup
        for (const f of [target, `${target}.wal`]) rmSync(f, { force: true });
        throw new CommandError(`the copy failed: ${(error as Error).message.split('\n')[0]}`);
      }
      await db.run(`detach ${ALIAS}`);
      return (performance.now() - started) / 1000;
    });
    const mb = statSync(target).size / 1e6;
    io.err.write(`copied the warehouse to ${positionals[0]} (${mb.toFixed(1)} MB) in ${seconds.toFixed(1)} s\n`);
    return 0;
  },
};
