/**
 * `parley mapping check`: try a mapping file on an export before loading it.
 * The work is done by ingest/mapping-check.ts, in a throw-away in-memory
 * warehouse; the warehouse file is never opened.
 */
import { checkMapping } from '../../ingest/mapping-check.js';
import { AdapterError } from '../../ingest/adapters/types.js';
import { CommandError, UsageError, type Command } from '../command.js';

export const mappingCheckCommand: Command = {
  name: 'mapping check',
  summary: 'show what a mapping file makes of an export, and what it would quarantine, before loading anything',
  usage: 'parley mapping check FILE... --mapping M [--records N]',
  help: `
Reads FILE through the mapping M as 'parley ingest --format mapping' would, into a throw-away
in-memory warehouse: prints, for the first N records (nested JSON) or rows (flat files), what
each mapped field resolved to, then what the load would read, load and quarantine, with the
reason for every quarantined row. Nothing is written; the warehouse is not opened.
A mapping or file that cannot be used is refused in one line, as ingest would refuse it.

  --mapping M   the mapping file (see ingest/adapters/examples/)
  --records N   how many records to show field by field (default 5)

Example:
  parley mapping check ../shared/data/ibm-twitter/dev.json --mapping ingest/adapters/examples/ibm-twitter-mapping.yaml --records 2`,
  options: { mapping: { type: 'string' }, records: { type: 'string' } },
  allowPositionals: true,
  local: true,
  async run({ values, positionals }, io) {
    if (!positionals.length) throw new UsageError('name the export file to check', this.name);
    const mapping = values['mapping'] as string | undefined;
    if (!mapping) throw new UsageError('--mapping M is needed: the mapping file to check', this.name);
    const recordsText = (values['records'] as string | undefined) ?? '5';
    if (!/^[1-9][0-9]*$/.test(recordsText)) throw new UsageError(`--records must be a whole number of at least 1 (got "${recordsText}")`, this.name);
    let lines: string[];
    try {
      lines = await checkMapping(positionals, mapping, { records: Number(recordsText), now: io.now ?? new Date() });
    } catch (error) {
      if (error instanceof AdapterError) throw new CommandError(error.message);
      throw error;
    }
    io.out.write(lines.join('\n') + '\n');
    return 0;
  },
};
