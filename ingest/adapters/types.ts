/**
 * What every source adapter shares: it turns one platform's export into
 * canonical conversations and hands them to the loader as
 * {@link LoadInput}s whose `sql` yields `(line, raw, problem)` rows.
 *
 * An adapter first stages the export in DuckDB temp tables (`prepare`), so
 * that refused records (a bad date, a reference to a ticket that does not
 * exist, an undecodable line) can be listed beside the conversations; the
 * loader then runs the whole load as one transaction.
 *
 * @example
 *   const prepared = await twcsAdapter.prepare(db, ['twcs.csv'], {});
 *   try { await loadFiles(db, prepared.inputs); } finally { await prepared.cleanup(); }
 */
import type { Warehouse } from '../../warehouse/connection.js';
import type { LoadInput } from '../load.js';

export const ADAPTER_FORMATS = ['zendesk', 'intercom', 'chatwoot', 'twcs', 'servicenow', 'mapping'] as const;
export type AdapterFormat = (typeof ADAPTER_FORMATS)[number];
/** What `--format` names: canonical JSON Lines or an adapter's export. */
export type Format = 'canonical' | AdapterFormat;

export interface PrepareOptions {
  /** The `source` written into every conversation (default: the adapter's own name). */
  source?: string;
  /** The mapping file, for the mapping adapter. */
  mapping?: string;
  /** Smaller parts than the loader's defaults (staged rows, or bytes of a JSON export, per part): tests use it. */
  partSize?: { rows?: number; bytes?: number };
}

export interface Prepared {
  inputs: LoadInput[];
  /** Drops the temp tables and files the adapter made. */
  cleanup(): Promise<void>;
}

/**
 * What one export of an adapter stands for (README, "Reliability and security"):
 * - `full snapshot`: every conversation of the source within the export's scope,
 *   so a stored one it no longer holds (inside that scope) is removed;
 * - `change set`: some conversations or updates, merged into what is stored;
 *   nothing is removed for being absent.
 * Platform deletions (a ticket exported as deleted, or merged into another) are
 * applied either way.
 */
export type InputKind = 'full snapshot' | 'change set';

export interface Adapter {
  /** The `--format` name. */
  format: AdapterFormat;
  /** Whether an export is a full snapshot or a change set (per reader for a format with two: API JSON and tables). */
  input: InputKind | { json: InputKind; tables: InputKind };
  /** A short label for messages: "Zendesk tables (Fivetran/Airbyte)". */
  label: string;
  /** Stages `paths` (files or folders) and returns what the loader reads. */
  prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared>;
  /**
   * For `--format auto`: this adapter's format, and why, when `probe` looks
   * like its export; else undefined. Without it the adapter is only chosen by name.
   *
   * @example
   *   detect: (p) => (p.kind === 'csv' && has(p.header, 'tweet_id') ? { format: 'twcs', why: 'its header has tweet_id' } : undefined)
   */
  detect?(probe: Probe): Detected | undefined;
}

export interface Detected {
  format: Format;
  /** Why, for the message that says which format was chosen. */
  why: string;
}

/** What `--format auto` sees of a path; an adapter's `detect()` judges by it alone. */
export type Probe =
  /** A path that does not exist (the loader will say so): only its name. */
  | { kind: 'missing'; path: string }
  /** A folder: the table names of its files, without a plural s (`tickets.csv` → `ticket`). */
  | { kind: 'folder'; path: string; tables: ReadonlySet<string> }
  /** A Parquet file: its table name ('' when it has none). */
  | { kind: 'parquet'; path: string; table: string }
  /** A CSV file (plain or .gz) and its header row; `table` is its table name, if any. */
  | { kind: 'csv'; path: string; table: string | undefined; header: string[] }
  /** A JSON or JSON Lines file (plain or .gz): the start of its text. */
  | { kind: 'json'; path: string; text: string }
  /** Anything else, or a CSV whose header cannot be read. */
  | { kind: 'other'; path: string };

/** An export that cannot be read at all (a missing column, an unknown layout): one line, naming file and fix. */
export class AdapterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterError';
  }
}
