import type { Format } from '../output.js';
import { write } from '../output.js';
import { CommandError, UsageError, oneOf, withWarehouse, type Command } from '../command.js';

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'run a SQL query on the warehouse',
  usage: 'parley sql "SELECT ..." [--format json|csv|table]',
  help: `
Runs one query (DuckDB SQL) and prints its rows.

  --format F  table (default), json or csv

Examples:
  parley sql "select month, fcr_rate from metric_summary where grouping = 'month' order by month"
  parley sql "select file, line, reason from quarantine" --format csv`,
  options: { format: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    if (positionals.length !== 1) throw new UsageError('give exactly one query, in quotes', this.name);
    const rows = await withWarehouse(values, io, async (db) => {
      try {
        return await db.all(positionals[0]!);
      } catch (error) {
        throw new CommandError((error as Error).message.split('\n')[0]!);
      }
    });
    write(io.out, rows, format);
    return 0;
  },
};
