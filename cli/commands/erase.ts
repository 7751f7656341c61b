/**
 * `parley erase --customer ID [--source S]`: a customer's right to be
 * forgotten (models/erasure.ts). Works while `parley serve` holds the
 * warehouse: the command is handed to the server like every write.
 *
 * @example
 *   parley erase --customer ada@example.com --by dpo@acme.example
 */
import { loadConfig } from '../../models/config.js';
import { eraseCustomer } from '../../models/erasure.js';
import { CommandError, UsageError, withWarehouse, type Command } from '../command.js';

export const eraseCommand: Command = {
  name: 'erase',
  summary: "erase a customer's conversations and every trace of them, and rewrite the warehouse file without them",
  usage: 'parley erase --customer ID [--source S] [--by NAME] [--config FILE] [--json]',
  help: `
Removes the customer's conversations (of every source, or of --source S) with
their messages, events and surveys; the reviews of those conversations with
their grades, disputes and audit trail, and their places in samples; insight
examples and intent corrections of them; the quarantined raw text of their
records; and their rows in the marts, which are then rebuilt. In notes written
about other conversations (reviews, disputes, coaching) their id and the names
they wrote under become [erased]. The warehouse file
is then written anew, so that the data are in no byte of it (a delete alone
leaves them readable in the file). One line in erasure_log records the request
without the personal data: the SHA-256 of the id, the counts, the time, who.

Backups made before (parley backup) and the export files themselves still hold
the customer: erase those too, and do not load the same export again.

  --customer ID   the customer id, as in the conversations' customer.id
  --source S      only that source's conversations (default: every source)
  --by NAME       who asks, for the audit entry (default $USER)
  --config FILE   the configuration the marts are rebuilt with (as parley build)
  --json          print the counts as JSON

Example:
  parley erase --customer ada@example.com --by dpo@acme.example`,
  options: { customer: { type: 'string' }, source: { type: 'string' }, by: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const customerId = values['customer'];
    if (typeof customerId !== 'string' || customerId === '') throw new UsageError('name the customer: --customer ID', this.name);
    let config;
    try {
      config = loadConfig(values['config'] as string | undefined);
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
    const by = (values['by'] as string | undefined) ?? io.env['USER'] ?? io.env['LOGNAME'] ?? 'unknown';
    const source = values['source'] as string | undefined;
    const report = await withWarehouse(values, io, (db) => eraseCustomer(db, { customerId, by, ...(source ? { source } : {}) }, { config, ...(io.now ? { now: io.now } : {}) }));
    if (values['json']) {
      io.out.write(JSON.stringify(report, null, 2) + '\n');
    } else if (report.rowsRemoved === 0 && report.redacted === 0) {
      io.out.write(`no data of that customer${source ? ` in source ${source}` : ''}: nothing to erase (the request is logged in erasure_log)\n`);
    } else {
      io.out.write(
        `erased ${report.conversations} conversations, ${report.messages} messages, ${report.reviews} reviews and ${report.quarantined} quarantined records ` +
          `(${report.rowsRemoved} rows in ${Object.keys(report.tables).length} tables)${report.redacted ? `; ${report.redacted} notes about other conversations named them and now say [erased]` : ''}` +
          `${report.rebuilt ? '; marts rebuilt' : ''}; the warehouse file was rewritten without them\n`,
      );
    }
    return 0;
  },
};
