/**
 * The statements that make Spark SQL, Trino (Hive connector) and BigQuery
 * read the lake as external tables, generated from the manifest, so the
 * columns and types are exactly the files' (`parley lake ddl DIR --engine …`;
 * docs/lake.md explains them).
 *
 * Types: VARCHAR and JSON are strings, INTEGER/BIGINT/DOUBLE/BOOLEAN/DATE as
 * they are, `T[]` arrays, STRUCT rows, and TIMESTAMPTZ (Parquet TIMESTAMP,
 * microseconds, isAdjustedToUTC) Spark's TIMESTAMP and Trino's `timestamp`
 * (instants in UTC). The partition columns are strings and come last.
 * BigQuery reads the columns from the Parquet files; only the partition
 * columns are declared.
 *
 * @example
 *   lakeDdl(manifest, 'trino', { location: 's3://acme-lake/parley', schema: 'parley' })
 *   // CREATE TABLE hive.parley.raw_messages ( "conversation_id" varchar, ... ) WITH ( external_location = 's3://acme-lake/parley/raw_messages', ...
 */
import type { LakeTable, Manifest } from './manifest.js';
import { sqlString as quote } from '../warehouse/sql-literal.js';

export const ENGINES = ['spark', 'trino', 'bigquery'] as const;
export type Engine = (typeof ENGINES)[number];

export interface DdlOptions {
  /** Where the lake's folder is, as the engine reaches it (`s3://bucket/parley`, `gs://bucket/parley`, `/data/lake`). */
  location: string;
  /** The schema (Spark database, Trino schema, BigQuery dataset); default `parley`. */
  schema?: string;
  /** Trino: the Hive catalog's name; default `hive`. */
  catalog?: string;
}

/** A DuckDB type as a tree: a scalar name, a list of an element, or a struct of named fields. */
type TypeTree = { kind: 'scalar'; name: string } | { kind: 'list'; of: TypeTree } | { kind: 'struct'; fields: [string, TypeTree][] };

/** Parses DuckDB's spelling of a type (`STRUCT(opens_s DOUBLE, "seconds" DOUBLE)[]`). */
export function parseType(text: string): TypeTree {
  let i = 0;
  const s = text.trim();
  const skip = () => {
    while (s[i] === ' ') i++;
  };
  const name = (): string => {
    skip();
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1);
      const n = s.slice(i + 1, end);
      i = end + 1;
      return n;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    const n = m ? m[0] : '';
    i += n.length;
    return n;
  };
  const type = (): TypeTree => {
    skip();
    let t: TypeTree;
    if (s.startsWith('STRUCT(', i)) {
      i += 'STRUCT('.length;
      const fields: [string, TypeTree][] = [];
      for (;;) {
        const f = name();
        fields.push([f, type()]);
        skip();
        if (s[i] === ',') i++;
        else if (s[i] === ')') {
          i++;
          break;
        } else throw new Error(`cannot read the type ${text}`);
      }
      t = { kind: 'struct', fields };
    } else {
      const m = /^(TIMESTAMP WITH TIME ZONE|[A-Z]+)/.exec(s.slice(i));
      if (!m) throw new Error(`cannot read the type ${text}`);
      i += m[0].length;
      t = { kind: 'scalar', name: m[0] };
    }
    while (s.startsWith('[]', i)) {
      i += 2;
      t = { kind: 'list', of: t };
    }
    return t;
  };
  const t = type();
  if (i !== s.length) throw new Error(`cannot read the type ${text}`);
  return t;
}

const SCALARS: Record<Exclude<Engine, 'bigquery'>, Record<string, string>> = {
  spark: {
    VARCHAR: 'STRING',
    JSON: 'STRING',
    INTEGER: 'INT',
    BIGINT: 'BIGINT',
    DOUBLE: 'DOUBLE',
    BOOLEAN: 'BOOLEAN',
    DATE: 'DATE',
    'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
  },
  trino: {
    VARCHAR: 'varchar',
    JSON: 'varchar',
    INTEGER: 'integer',
    BIGINT: 'bigint',
    DOUBLE: 'double',
    BOOLEAN: 'boolean',
    DATE: 'date',
    'TIMESTAMP WITH TIME ZONE': 'timestamp',
  },
};

/** The engine's spelling of a lake column's type. */
export function engineType(type: string, engine: Exclude<Engine, 'bigquery'>): string {
  const render = (t: TypeTree): string => {
    if (t.kind === 'list') return engine === 'spark' ? `ARRAY<${render(t.of)}>` : `array(${render(t.of)})`;
    if (t.kind === 'struct') {
      return engine === 'spark' ? `STRUCT<${t.fields.map(([n, f]) => `\`${n}\`: ${render(f)}`).join(', ')}>` : `row(${t.fields.map(([n, f]) => `"${n}" ${render(f)}`).join(', ')})`;
    }
    const out = SCALARS[engine][t.name];
    if (!out) throw new Error(`the lake type ${t.name} has no ${engine} type here: add it to lake/ddl.ts`);
    return out;
  };
  return render(parseType(type));
}

const join = (base: string, table: string) => `${base.replace(/\/+$/, '')}/${table}`;

function sparkTable(name: string, t: LakeTable, o: Required<DdlOptions>): string {
  const data = t.columns.filter((c) => !t.partition_by.includes(c.name)).map((c) => `  \`${c.name}\` ${engineType(c.lake_type, 'spark')}`);
  const parts = t.partition_by.map((c) => `  \`${c}\` STRING`);
  const lines = [`CREATE TABLE ${o.schema}.${name} (`, [...data, ...parts].join(',\n'), ')', 'USING parquet'];
  if (t.partition_by.length) lines.push(`PARTITIONED BY (${t.partition_by.map((c) => `\`${c}\``).join(', ')})`);
  lines.push(`LOCATION ${quote(join(o.location, name))};`);
  if (t.partition_by.length) lines.push(`MSCK REPAIR TABLE ${o.schema}.${name};`);
  return lines.join('\n');
}

function trinoTable(name: string, t: LakeTable, o: Required<DdlOptions>): string {
  const data = t.columns.filter((c) => !t.partition_by.includes(c.name)).map((c) => `  "${c.name}" ${engineType(c.lake_type, 'trino')}`);
  const parts = t.partition_by.map((c) => `  "${c}" varchar`);
  const props = [`  external_location = ${quote(join(o.location, name))}`, `  format = 'PARQUET'`];
  if (t.partition_by.length) props.push(`  partitioned_by = ARRAY[${t.partition_by.map(quote).join(', ')}]`);
  const lines = [`CREATE TABLE ${o.catalog}.${o.schema}.${name} (`, [...data, ...parts].join(',\n'), ')', 'WITH (', props.join(',\n'), ');'];
  if (t.partition_by.length) lines.push(`CALL ${o.catalog}.system.sync_partition_metadata(${quote(o.schema)}, ${quote(name)}, 'FULL');`);
  return lines.join('\n');
}

function bigqueryTable(name: string, t: LakeTable, o: Required<DdlOptions>): string {
  const at = join(o.location, name);
  const lines = [`CREATE EXTERNAL TABLE \`${o.schema}.${name}\``];
  if (t.partition_by.length) lines.push('WITH PARTITION COLUMNS (', t.partition_by.map((c) => `  ${c} STRING`).join(',\n'), ')');
  const options = [`  format = 'PARQUET'`, `  uris = [${quote(`${at}/*`)}]`];
  if (t.partition_by.length) options.push(`  hive_partition_uri_prefix = ${quote(at)}`);
  options.push('  enable_list_inference = true');
  lines.push('OPTIONS (', options.join(',\n'), ');');
  return lines.join('\n');
}

/** Every table of the lake as `engine` statements, one table after another (those with no file left out: engines refuse an empty location). */
export function lakeDdl(manifest: Manifest, engine: Engine, options: DdlOptions): string {
  const o: Required<DdlOptions> = { schema: 'parley', catalog: 'hive', ...options };
  const table = { spark: sparkTable, trino: trinoTable, bigquery: bigqueryTable }[engine];
  const out = Object.entries(manifest.tables)
    .filter(([, t]) => t.partitions.length > 0)
    .map(([name, t]) => table(name, t, o));
  return out.join('\n\n') + '\n';
}
