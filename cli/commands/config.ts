/**
 * `parley config from-zendesk FOLDER`: a starting `sla_policies:` block of
 * parley.config.yaml from the SLA policies of a Zendesk table export
 * (ingest/zendesk-sla.ts). Only reads the export; the warehouse is not opened.
 */
import { zendeskSlaPoliciesYaml } from '../../ingest/zendesk-sla.js';
import { AdapterError } from '../../ingest/adapters/types.js';
import { CommandError, UsageError, type Command } from '../command.js';

export const configFromZendeskCommand: Command = {
  name: 'config from-zendesk',
  summary: 'print a starting sla_policies block from the SLA policies of a Zendesk table export',
  usage: 'parley config from-zendesk FOLDER',
  help: `
Reads sla_policy_metric_history (and, when present, ticket_sla_policy and sla_policy_history) of a
Zendesk table export (Fivetran schema, CSV or Parquet) and prints an sla_policies: block for
parley.config.yaml: per Zendesk policy, its latest version, one policy per priority with the targets
Parley has (first_reply_time → first_response, next_reply_time → next_response,
total_resolution_time → resolution), business hours where Zendesk counts them. What is not carried
over is listed in a comment. Zendesk's own conditions are not in the export: add them under when.

Example:
  parley config from-zendesk exports/zendesk/ >> parley.config.yaml`,
  options: {},
  allowPositionals: true,
  local: true,
  async run({ positionals }, io) {
    if (!positionals.length) throw new UsageError('name the folder of the Zendesk table export', this.name);
    try {
      io.out.write(await zendeskSlaPoliciesYaml(positionals));
    } catch (error) {
      if (error instanceof AdapterError) throw new CommandError(error.message);
      throw error;
    }
    return 0;
  },
};
