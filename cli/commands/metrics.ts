import { CommandError, UsageError, oneOf, requireBuilt, withWarehouse, type Command } from '../command.js';
import { write, type Format } from '../output.js';
import { tableExists } from '../../warehouse/table-exists.js';
import { groupingNames, HEADLINE_FIELDS, summarySql } from '../../models/summary.js';
import { loadConfig } from '../../models/config.js';

function parseList(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export const metricsSummaryCommand: Command = {
  name: 'metrics summary',
  summary: 'every rate, and median / p90 / mean of each duration, by month, channel, intent, team, agent, resolution type, tag, SLA policy, …',
  usage: 'parley metrics summary [--by month,channel,intent,team,agent,...] [--config FILE] [--format json|csv|table] [--metrics a,b]',
  help: `
Summarises conversation_metrics over groups. Rates are fractions 0–1 (shown as % in a table),
durations seconds. A statistic over fewer than 10 values is left empty; its count stays.

  --by DIMS      comma-separated: ${groupingNames().join(', ')},
                 or a custom dimension of the configuration (dimensions:) (default: one row for everything).
                 team is the owner team; tag counts a conversation once under each of its tags;
                 reply_agent credits reply times and next-response SLA attainment to the agent who replied
  --config FILE  where the custom dimensions are (default ./parley.config.yaml when it exists)
  --format F     table (default), json or csv
  --metrics A,B  the fields to show (table default: the headline figures; json/csv default: all)

Examples:
  parley metrics summary --by month
  parley metrics summary --by month,channel --format csv
  parley metrics summary --by month,channel,resolution_type --metrics cost_per_resolution,cost_per_resolution_base
    (cost_per_resolution needs the costs section of parley.config.yaml; resolution_type is bot or people)`,
  options: { by: { type: 'string' }, config: { type: 'string' }, format: { type: 'string' }, metrics: { type: 'string' } },
  async run({ values }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const by = parseList(values['by']);
    const dims = [...new Set(by)];
    const builtIn = groupingNames();
    if (dims.some((d) => !builtIn.includes(d))) {
      let custom: string[];
      try {
        custom = loadConfig(values['config'] as string | undefined).dimensions;
      } catch (error) {
        throw new CommandError((error as Error).message);
      }
      const names = groupingNames(custom);
      const unknown = dims.filter((d) => !names.includes(d));
      if (unknown.length) throw new UsageError(`--by takes ${names.join(', ')} (not ${unknown.join(', ')})`, this.name);
    }
    const rows = await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      return db.all(summarySql(dims));
    });
    const wanted = parseList(values['metrics']);
    const available = rows[0] ? Object.keys(rows[0]) : [];
    const missing = wanted.filter((m) => !available.includes(m));
    if (missing.length && rows.length) throw new UsageError(`unknown fields in --metrics: ${missing.join(', ')}`, this.name);
    // a table without --metrics shows the catalogue's headline figures
    const columns = wanted.length ? [...dims, ...wanted] : format === 'table' ? [...dims, ...HEADLINE_FIELDS] : undefined;
    write(io.out, rows, format, columns);
    return 0;
  },
};

export const metricsConversationsCommand: Command = {
  name: 'metrics conversations',
  summary: 'one row per conversation with every per-conversation metric',
  usage: 'parley metrics conversations [--format jsonl|csv|table] [--limit N]',
  help: `
Exports conversation_metrics: conversation_id, its grouping fields and every per-conversation
metric under its catalogue name (seconds for durations, true/false for flags, empty when a
metric is not defined for the conversation).

  --format F  jsonl (default), csv or table
  --limit N   at most N rows (newest first)`,
  options: { format: { type: 'string' }, limit: { type: 'string' } },
  async run({ values }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['jsonl', 'csv', 'table'] as const, 'jsonl');
    const limit = values['limit'] === undefined ? undefined : Number(values['limit']);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new UsageError('--limit must be a positive whole number', this.name);
    }
    await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      // a table is for reading: without --limit it shows the newest 50
      const max = limit ?? (format === 'table' ? 50 : Infinity);
      const order = Number.isFinite(max) ? 'created_at desc' : 'created_at';
      const pageSize = 20_000;
      // pages keep memory bounded on large warehouses
      for (let offset = 0; offset < max; offset += pageSize) {
        const size = Math.min(pageSize, max - offset);
        const rows = await db.all(`select * from conversation_metrics order by ${order}, source, conversation_id limit ${size} offset ${offset}`);
        if (rows.length === 0 && offset === 0) throw new CommandError('the warehouse has no conversations: load some with `parley ingest`');
        write(io.out, rows, format, undefined, { header: offset === 0 });
        if (rows.length < size) break;
      }
    });
    return 0;
  },
};

export const metricsRetentionCommand: Command = {
  name: 'metrics retention',
  summary: 'churn within 90 days after a resolved conversation, by FCR, CSAT band and effort band, with 95% intervals',
  usage: 'parley metrics retention [--format table|json|csv]',
  help: `
Reads the retention_outcomes mart: for each grouping (all, fcr, csat_band, effort_band, sla) and band,
the resolved conversations whose 90 days after resolution the outcomes cover, how many of them
churned, churn_rate_90d and its 95% Wilson interval (ci_low, ci_high). Counted per resolved
conversation (docs/metrics.md, churn_rate_90d). Needs an outcomes.jsonl loaded with parley ingest
({"customer_id", "source"?, "event": "churned"|"renewed"|"expanded", "at"}) and a build.

  --format F  table (default), json or csv

Examples:
  parley ingest exports/outcomes.jsonl && parley build && parley metrics retention
  parley metrics retention --format csv > retention.csv`,
  options: { format: { type: 'string' } },
  async run({ values }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const rows = await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      if (!(await tableExists(db, 'retention_outcomes'))) throw new CommandError('the warehouse was built by an older Parley: run `parley build` to make retention_outcomes');
      return db.all<RetentionRow>(
        'select "grouping", band, conversations, churned, churn_rate_90d, ci_low, ci_high from retention_outcomes order by "grouping" = \'all\' desc, "grouping", band',
      );
    });
    if (rows.length === 0) {
      throw new CommandError('no resolved conversation has 90 days of customer outcomes after it: load an outcomes.jsonl with `parley ingest`, then `parley build`');
    }
    if (format === 'table') {
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      const shown = rows.map((r) => ({ ...r, ci_95: `${pct(r.ci_low)}–${pct(r.ci_high)}` }));
      write(io.out, shown, 'table', ['grouping', 'band', 'conversations', 'churned', 'churn_rate_90d', 'ci_95']);
    } else write(io.out, rows, format);
    return 0;
  },
};

type RetentionRow = {
  grouping: string;
  band: string;
  conversations: number;
  churned: number;
  churn_rate_90d: number;
  ci_low: number;
  ci_high: number;
};
