/**
 * `parley lake export DIR`: the warehouse as a Parquet lake, Hive-partitioned
 * by source and month, with a manifest, incrementally (lake/export.ts;
 * docs/lake.md says how Spark, Trino and BigQuery read it).
 *
 * @example
 *   parley lake export /data/parley-lake
 *   # exported 41 tables (1,204 partitions, 2,481,230 rows) to /data/parley-lake in 6.1 s: 36 partitions written, 0 removed
 */
import path from 'node:path';
import { ENGINES, lakeDdl, type Engine } from '../../lake/ddl.js';
import { LAKE_LAYERS, exportLake } from '../../lake/export.js';
import { readManifest } from '../../lake/manifest.js';
import type { LakeLayer } from '../../lake/tables.js';
import { CommandError, UsageError, oneOf, withWarehouse, type Command } from '../command.js';

export const lakeExportCommand: Command = {
  name: 'lake export',
  summary: 'write the raw layer and the marts as Parquet, partitioned by source and month, with a manifest (only changed partitions)',
  usage: 'parley lake export DIR [--only raw|inputs|marts] [--json]',
  help: `
Writes DIR/<table>/source=<source>/month=<YYYY-MM>/data.parquet for the raw
layer (month: the UTC month of the row's timestamp), the QA tables the models
read, and the marts (partitioned by their source and reporting month where they
have them), and DIR/manifest.json: the schema version, each table's columns
and types, and per partition its rows, content hash and the file's SHA-256.
Run it again and only the partitions whose content changed are written (each
by rename: a reader never sees half a file). Timestamps are UTC instants
(Parquet TIMESTAMP, isAdjustedToUTC). docs/lake.md has the statements for
Spark SQL, Trino and BigQuery.

  --only LAYER   write one layer: raw, inputs (the QA tables) or marts; the manifest keeps the others
  --json         print {tables, partitions, rows, rewritten, removed, seconds}

Example:
  parley lake export lake/ && parley build --lake lake/`,
  options: { only: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give the folder of the lake', this.name);
    const only = values['only'] === undefined ? undefined : oneOf<LakeLayer>(this, 'only', values['only'], LAKE_LAYERS, 'raw');
    const dir = path.resolve(positionals[0]!);
    const r = await withWarehouse(values, io, async (db) => {
      try {
        return await exportLake(db, dir, { ...(only ? { layers: [only] } : {}), ...(io.now ? { now: io.now } : {}) });
      } catch (error) {
        throw new CommandError(`the lake export failed: ${(error as Error).message.split('\n')[0]}`);
      }
    });
    if (values['json']) {
      io.out.write(JSON.stringify(r, null, 2) + '\n');
    } else {
      const n = (x: number) => x.toLocaleString('en-US');
      io.out.write(
        `exported ${n(r.tables)} tables (${n(r.partitions)} partitions, ${n(r.rows)} rows) to ${positionals[0]} in ${r.seconds.toFixed(1)} s: ` +
          `${n(r.rewritten.length)} partitions written, ${n(r.removed.length)} removed\n`,
      );
    }
    return 0;
  },
};

export const lakeDdlCommand: Command = {
  name: 'lake ddl',
  summary: 'print the statements that make Spark SQL, Trino or BigQuery read the lake as external tables',
  usage: 'parley lake ddl DIR --engine spark|trino|bigquery [--location URI] [--schema NAME] [--catalog NAME]',
  help: `
Prints, from DIR/manifest.json, one CREATE TABLE per table of the lake with its
columns and types (and, for partitioned tables, the partition columns source and
month as strings), then the statement that registers the partitions found in the
folders: MSCK REPAIR TABLE (Spark), CALL system.sync_partition_metadata (Trino).
BigQuery reads the columns from the files; only the partition columns are named.
Nothing is run: paste the statements into the engine. See docs/lake.md.

  --engine E      spark, trino or bigquery
  --location URI  where the engine finds the lake's folder (default: DIR as an absolute path),
                  e.g. s3://acme-lake/parley or gs://acme-lake/parley after copying it there
  --schema NAME   Spark database, Trino schema or BigQuery dataset (default parley)
  --catalog NAME  Trino's Hive catalog (default hive)

Example:
  parley lake ddl lake/ --engine trino --location s3://acme-lake/parley`,
  options: { engine: { type: 'string' }, location: { type: 'string' }, schema: { type: 'string' }, catalog: { type: 'string' } },
  allowPositionals: true,
  local: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give the folder of the lake', this.name);
    if (values['engine'] === undefined) throw new UsageError(`--engine is needed: one of ${ENGINES.join(', ')}`, this.name);
    const engine = oneOf<Engine>(this, 'engine', values['engine'], ENGINES, 'spark');
    const dir = path.resolve(positionals[0]!);
    const manifest = readManifest(dir);
    if (!manifest) throw new CommandError(`${positionals[0]} holds no Parley lake (no manifest.json): write one with \`parley lake export ${positionals[0]}\``);
    const text = (k: string) => (typeof values[k] === 'string' ? { [k]: values[k] as string } : {});
    io.out.write(lakeDdl(manifest, engine, { location: (values['location'] as string | undefined) ?? dir, ...text('schema'), ...text('catalog') }));
    return 0;
  },
};
