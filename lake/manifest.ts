/**
 * The lake's manifest (`manifest.json` at its root): what each table holds,
 * file by file. `parley lake export` compares each partition's content hash
 * with it to rewrite only what changed; `parley build --lake` reads exactly
 * the files it names (a file it does not name is ignored).
 *
 * @example
 *   const m = readManifest('lake/');
 *   m?.tables['raw_messages']?.partitions.map((p) => [p.path, p.rows]);
 *   // [['source=zendesk/month=2026-09', 10412], ...]
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Column, LakeLayer } from './tables.js';

export const MANIFEST = 'manifest.json';
/** The layout of the lake; a new one rewrites every partition. */
export const LAKE_FORMAT = 'parley-lake/1';

export interface LakeColumn extends Column {
  /** The Parquet file's type, as DuckDB reads it back (HUGEINT → BIGINT). */
  lake_type: string;
}

export interface LakePartition {
  /** The Hive path under the table's folder, as written (`source=zendesk/month=2026-09`; '' unpartitioned). */
  path: string;
  /** The partition columns' values (null: Hive's `__HIVE_DEFAULT_PARTITION__`). */
  values: Record<string, string | null>;
  rows: number;
  /** The content hash compared before writing: rows and an order-free sum of DuckDB hash() of each row (DOUBLEs to 9 decimals). */
  hash: string;
  /**
   * The same hash over the columns that are not DOUBLE: when only `hash` differs, the export compares
   * the DOUBLEs with the file's and keeps the file if they differ by floating-point noise only (lake/export.ts).
   * Absent in a lake written before it: the partition is written again when its hash differs.
   */
  exact_hash?: string;
  /** The one Parquet file of the partition, from the lake's root. */
  file: string;
  bytes: number;
  sha256: string;
  /** When the file was written. */
  written_at: string;
}

export interface LakeTable {
  layer: LakeLayer;
  partition_by: string[];
  /** For a `month` partition the table lacks: the timestamp whose UTC month it is. */
  month_of?: string;
  /** The table's columns, in the warehouse's order (partition columns of the table included). */
  columns: LakeColumn[];
  rows: number;
  partitions: LakePartition[];
}

export interface Manifest {
  format: string;
  /** The warehouse's schema version (its highest migration). */
  schema_version: number;
  duckdb_version: string;
  timestamps: string;
  exported_at: string;
  tables: Record<string, LakeTable>;
  /** What the last export wrote (`table/path`) and removed. */
  rewritten: string[];
  removed: string[];
}

export const TIMESTAMPS_NOTE =
  'TIMESTAMPTZ columns are Parquet TIMESTAMP (microseconds, isAdjustedToUTC = true): instants in UTC; ' +
  'raw tables are partitioned by the UTC month of their timestamp, marts by their own month column (the configured time zone)';

/** The manifest of the lake at `dir`, or undefined when there is none (or of another format). */
export function readManifest(dir: string): Manifest | undefined {
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file)) return undefined;
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return m.format === LAKE_FORMAT ? m : undefined;
}

/** Writes the manifest under a temporary name and renames it into place: readers see the old one or the new one. */
export function writeManifest(dir: string, manifest: Manifest): void {
  const file = path.join(dir, MANIFEST);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(tmp, file);
}

/** The SHA-256 of a file, in hex. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
