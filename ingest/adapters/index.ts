/**
 * The adapter registry: which adapter reads which `--format`. Each adapter
 * tells its own exports for `--format auto` (its `detect()`, see
 * `detect.ts`), so adding one is its file and a line in {@link ADAPTER_LIST}.
 *
 * @example
 *   await detectFormat('exports/twcs.csv')
 *   // → { format: 'twcs', why: 'its header has tweet_id, inbound and in_response_to_tweet_id' }
 */
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, AdapterFormat, Detected, InputKind, PrepareOptions, Prepared } from './types.js';
import { detectWith, isJson } from './detect.js';
import { twcsAdapter } from './twcs.js';
import { servicenowAdapter } from './servicenow.js';
import { mappingAdapter } from './mapping.js';
import { zendeskTablesAdapter } from './zendesk-tables.js';
import { zendeskApiAdapter } from './zendesk-api.js';
import { intercomApiAdapter } from './intercom-api.js';
import { intercomTablesAdapter } from './intercom-tables.js';
import { chatwootAdapter } from './chatwoot.js';

/** An adapter that sends JSON files to one reader and tables (folders, CSV, Parquet) to another. */
function jsonOrTables(format: AdapterFormat, label: string, json: Adapter, tables: Adapter): Adapter {
  return {
    format,
    label,
    input: { json: json.input as InputKind, tables: tables.input as InputKind },
    detect: (probe) => json.detect?.(probe) ?? tables.detect?.(probe),
    async prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
      const groups = [
        [json, paths.filter(isJson)],
        [tables, paths.filter((p) => !isJson(p))],
      ] as const;
      const done: Prepared[] = [];
      try {
        for (const [adapter, ps] of groups) if (ps.length) done.push(await adapter.prepare(db, ps, options));
      } catch (error) {
        for (const p of done) await p.cleanup();
        throw error;
      }
      return {
        inputs: done.flatMap((p) => p.inputs),
        cleanup: async () => {
          for (const p of done) await p.cleanup();
        },
      };
    },
  };
}

/** Every adapter, in the order `--format auto` asks them about a path (the first that knows it wins). */
export const ADAPTER_LIST: readonly Adapter[] = [
  twcsAdapter,
  servicenowAdapter,
  jsonOrTables('zendesk', 'Zendesk (API JSON or Fivetran/Airbyte tables)', zendeskApiAdapter, zendeskTablesAdapter),
  jsonOrTables('intercom', 'Intercom (API JSON or Fivetran tables)', intercomApiAdapter, intercomTablesAdapter),
  chatwootAdapter,
  mappingAdapter,
];

/** The adapter of each `--format`. */
export const ADAPTERS = Object.fromEntries(ADAPTER_LIST.map((a) => [a.format, a])) as Record<AdapterFormat, Adapter>;

/**
 * The format of one path, or undefined when it cannot be told (the caller
 * asks for --format). Looks only at names and the start of files.
 */
export function detectFormat(p: string): Promise<Detected | undefined> {
  return detectWith(ADAPTER_LIST, p);
}
