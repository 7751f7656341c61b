/**
 * `parley lake export DIR`: the raw layer, the tables the models read and the
 * marts as Parquet, partitioned Hive-style (lake/tables.ts), with a manifest
 * (lake/manifest.ts), incrementally.
 *
 * Each partition's content hash (its row count and an order-free sum of
 * DuckDB's `hash()` of every row) is compared with the manifest's; only the
 * partitions whose hash changed, or whose file is missing or of another size,
 * are written again, one `COPY … (FORMAT parquet, PARTITION_BY …)` per table
 * into `DIR/_staging/`, then each file is renamed over the partition's one
 * file `data.parquet` (a rename within a file system is atomic: a reader, or
 * a crash, sees the old file or the new one, never half). Partitions gone
 * from the warehouse are removed; the manifest is written last, also by
 * rename. What a crashed export left in `_staging/` is removed by the next
 * one, and `parley build --lake` reads only the files the manifest names.
 * The reads run in one transaction: the lake is one snapshot of the warehouse.
 *
 * @example
 *   const r = await exportLake(db, 'lake/');
 *   // r.rewritten: ['raw_messages/source=zendesk/month=2026-11', 'conversation_metrics/source=zendesk/month=2026-11', ...]
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ident, sqlString } from '../ingest/adapters/sql.js';
import type { Warehouse } from '../warehouse/connection.js';
import { schemaVersion } from '../warehouse/migrate.js';
import { tableNames } from '../warehouse/table-exists.js';
import { LAKE_FORMAT, TIMESTAMPS_NOTE, readManifest, sha256File, writeManifest, type LakeColumn, type LakePartition, type LakeTable, type Manifest } from './manifest.js';
import { RAW_TABLES, inputTables, lakeType, martNames, partitioning, type Column, type LakeLayer, type Partitioning } from './tables.js';

/** Where an export writes before it renames; outside every table's folder (engines read table folders). */
export const STAGING = '_staging';
/** The one file of each partition. */
export const PARTITION_FILE = 'data.parquet';
/** Hive's name for a NULL partition value (DuckDB writes and reads it). */
const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';

export const LAKE_LAYERS: readonly LakeLayer[] = ['raw', 'inputs', 'marts'];

export interface ExportOptions {
  /** The layers to write (default all); the manifest keeps the other layers' tables as they were. */
  layers?: readonly LakeLayer[];
  /** The moment of the export (default now). */
  now?: Date;
  /** Called after each partition file is in place (tests stop an export here, as a crash would). */
  afterPartition?: (table: string, partition: LakePartition) => void;
}

export interface ExportResult {
  tables: number;
  partitions: number;
  rows: number;
  /** `table/partition-path` of every file written by this export. */
  rewritten: string[];
  removed: string[];
  seconds: number;
}

/** Exports the warehouse to the lake at `dir` (see the module's comment). */
export async function exportLake(db: Warehouse, dir: string, options: ExportOptions = {}): Promise<ExportResult> {
  const started = performance.now();
  const layers = options.layers ?? LAKE_LAYERS;
  const now = options.now ?? new Date();
  mkdirSync(dir, { recursive: true });
  const staging = path.join(dir, STAGING);
  // what an interrupted export left: never read, removed before anything is written
  rmSync(staging, { recursive: true, force: true });
  const previous = readManifest(dir);
  const manifest = await db.transaction(async () => {
    const existing = await tableNames(db);
    const wanted: [string, LakeLayer][] = [
      ...Object.keys(RAW_TABLES).map((t): [string, LakeLayer] => [t, 'raw']),
      ...inputTables(existing).map((t): [string, LakeLayer] => [t, 'inputs']),
      ...martNames().map((t): [string, LakeLayer] => [t, 'marts']),
    ].filter(([t, layer]) => layers.includes(layer) && existing.has(t));
    const kept = Object.entries(previous?.tables ?? {}).filter(([, t]) => !layers.includes(t.layer));
    const out: Manifest = {
      format: LAKE_FORMAT,
      schema_version: await schemaVersion(db),
      duckdb_version: (await db.one<{ v: string }>('select version() as v'))!.v,
      timestamps: TIMESTAMPS_NOTE,
      exported_at: now.toISOString(),
      tables: Object.fromEntries(kept),
      rewritten: [],
      removed: [],
    };
    for (const [table, layer] of wanted) {
      out.tables[table] = await exportTable(db, dir, table, layer, previous?.tables[table], out, now, options.afterPartition);
    }
    // a table of an exported layer that the warehouse no longer has
    for (const [table, t] of Object.entries(previous?.tables ?? {})) {
      if (layers.includes(t.layer) && !(table in out.tables)) {
        for (const p of t.partitions) removePartition(dir, table, p, out);
      }
    }
    return out;
  });
  writeManifest(dir, manifest);
  rmSync(staging, { recursive: true, force: true });
  const tables = Object.values(manifest.tables);
  return {
    tables: tables.length,
    partitions: tables.reduce((n, t) => n + t.partitions.length, 0),
    rows: tables.reduce((n, t) => n + t.rows, 0),
    rewritten: manifest.rewritten,
    removed: manifest.removed,
    seconds: (performance.now() - started) / 1000,
  };
}

interface CurrentPartition {
  key: string;
  values: (string | null)[];
  rows: number;
  hash: string;
  /** {@link LakePartition.exact_hash}. */
  exactHash: string;
}

/** A column the export compares within {@link NOISE}: a DOUBLE (or FLOAT) of its own, not inside a list or struct. */
const isFloat = (c: Column) => c.type === 'DOUBLE' || c.type === 'FLOAT';

/**
 * The relative difference between two DOUBLEs that is floating-point noise,
 * not a change. DuckDB sums in parallel in no fixed order, so a sum or a mean
 * of the same non-integral values can differ in its last bits from one build
 * to the next. The case that needed this is gone: conversation_costs'
 * minutes were differences of two running sums (built over the lake and in
 * the file warehouse from the same 1.1M messages they differed in 23,122 of
 * 100,000 rows, by up to 2.7e-12 relative, 90 of them at the ninth decimal);
 * they now add up in whole units and are the same to the bit
 * (models/marts/conversation_costs.sql), and so was every exported mart in
 * that comparison (bench/build-equal.ts's NOISY_MARTS). This stays a guard
 * for the sums of non-integral DOUBLEs left in no fixed order — the means of
 * metric_summary and of the QA marts, cost_per_resolution's sum of costs —
 * which can differ as metric_daily's sums do between two builds (about 670
 * of 54,181 rows, by up to 3.6e-16 relative; metric_daily is not exported).
 * A real change moves a value far more (one conversation more among 100,000
 * moves a mean by about 1e-5 relative), and changes a count, which is
 * compared exactly.
 */
export const NOISE = 1e-9;

async function exportTable(
  db: Warehouse,
  dir: string,
  table: string,
  layer: LakeLayer,
  prev: LakeTable | undefined,
  out: Manifest,
  now: Date,
  afterPartition: ExportOptions['afterPartition'],
): Promise<LakeTable> {
  const columns = await db.all<{ name: string; type: string }>(
    "select column_name as name, data_type as type from information_schema.columns where table_schema = 'main' and table_name = $1 order by ordinal_position",
    [table],
  );
  const part = partitioning(table, layer, columns);
  const lakeColumns: LakeColumn[] = columns.map((c) => ({ name: c.name, type: c.type, lake_type: lakeType(c.type) }));
  const current = await partitionHashes(db, table, part, columns);
  // another set of columns (a migration, a changed model) or another partitioning: every file is written again
  const sameShape = prev && JSON.stringify(prev.columns) === JSON.stringify(lakeColumns) && JSON.stringify(prev.partition_by) === JSON.stringify(part.columns);
  const prevByKey = new Map((sameShape ? prev.partitions : []).map((p) => [valuesKey(part.columns.map((c) => p.values[c] ?? null)), p]));
  const partitions: LakePartition[] = [];
  const changed: CurrentPartition[] = [];
  for (const c of current) {
    const p = prevByKey.get(c.key);
    const same =
      p &&
      fileIntact(dir, p) &&
      (p.hash === c.hash ||
        // only DOUBLEs differ: the file is kept when each differs by no more than floating-point noise
        (p.rows === c.rows && p.exact_hash !== undefined && p.exact_hash === c.exactHash && (await withinNoise(db, dir, table, part, columns, c, p))));
    if (same) partitions.push(p);
    else changed.push(c);
  }
  if (changed.length) partitions.push(...(await writePartitions(db, dir, table, part, columns, changed, out, now, afterPartition)));
  // partitions the table no longer has (in the old shape, every old file that was not overwritten)
  const live = new Set(partitions.map((p) => p.file));
  for (const p of prev?.partitions ?? []) if (!live.has(p.file)) removePartition(dir, table, p, out);
  partitions.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    layer,
    partition_by: part.columns,
    ...(part.monthOf ? { month_of: part.monthOf } : {}),
    columns: lakeColumns,
    rows: partitions.reduce((n, p) => n + p.rows, 0),
    partitions,
  };
}

/** The SQL of each partition column's value (a raw table's month: the UTC month of its timestamp). */
function partitionExpressions(part: Partitioning): string[] {
  return part.columns.map((c) => (c === 'month' && part.monthOf ? `strftime(t.${ident(part.monthOf)} at time zone 'UTC', '%Y-%m')` : `t.${ident(c)}`));
}

const valuesKey = (values: readonly (string | null)[]) => JSON.stringify(values);

/** One row per partition: its values, rows and content hash. */
async function partitionHashes(db: Warehouse, table: string, part: Partitioning, columns: readonly Column[]): Promise<CurrentPartition[]> {
  const exprs = partitionExpressions(part);
  const select = exprs.map((e, i) => `${e} as p${i}`);
  // DOUBLEs rounded to 9 decimals: a mean over doubles differs in its last bits from one build to the next
  // (DuckDB sums in parallel, in no fixed order), and that noise is no change worth a rewrite
  const h = `hash(${columns.map((c) => (isFloat(c) ? `round(t.${ident(c.name)}, 9)` : `t.${ident(c.name)}`)).join(', ')})`;
  // the same over the other columns: when only it matches, withinNoise looks at the DOUBLEs themselves
  // (a table without DOUBLEs, such as every raw table, is not hashed twice: its exact hash is its hash)
  const exact = columns.filter((c) => !isFloat(c));
  const e = exact.length ? `hash(${exact.map((c) => `t.${ident(c.name)}`).join(', ')})` : '0::ubigint';
  const floats = exact.length < columns.length;
  const rows = await db.all<Record<string, string | number | null>>(
    `select ${[...select, 'count(*) as n', `sum(${h}::hugeint)::varchar as s`, `bit_xor(${h})::varchar as x`, ...(floats ? [`sum(${e}::hugeint)::varchar as es`, `bit_xor(${e})::varchar as ex`] : [])].join(', ')}
     from ${ident(table)} as t${exprs.length ? ` group by ${exprs.map((_, i) => `p${i}`).join(', ')}` : ''}`,
  );
  return rows
    .filter((r) => Number(r['n']) > 0)
    .map((r) => {
      const values = exprs.map((_, i) => (r[`p${i}`] ?? null) as string | null);
      const hash = `${r['n']}:${r['s']}:${r['x']}`;
      return { key: valuesKey(values), values, rows: Number(r['n']), hash, exactHash: floats ? `${r['n']}:${r['es']}:${r['ex']}` : hash };
    });
}

/**
 * True when the partition's rows in the warehouse are those of its file in
 * the lake, every column equal but the DOUBLEs, each of which differs by at
 * most {@link NOISE} relative. The rows are paired by their other columns
 * (and, among rows equal in those, in the order of their DOUBLEs); a pair
 * that does not match makes the partition changed, so a doubt is a rewrite,
 * never a change left out.
 */
async function withinNoise(db: Warehouse, dir: string, table: string, part: Partitioning, columns: readonly Column[], c: CurrentPartition, p: LakePartition): Promise<boolean> {
  // the partition columns are in the path, not in the file
  const inFile = columns.filter((col) => !part.columns.includes(col.name));
  const floats = inFile.filter(isFloat);
  if (!floats.length) return false;
  const exact = inFile.filter((col) => !isFloat(col)).map((col) => ident(col.name));
  const exprs = partitionExpressions(part);
  const where = exprs.length ? ` where ${exprs.map((x, i) => (c.values[i] === null ? `${x} is null` : `${x} = ${sqlString(c.values[i]!)}`)).join(' and ')}` : '';
  const list = inFile.map((col) => ident(col.name)).join(', ');
  const numbered = `row_number() over (${exact.length ? `partition by ${exact.join(', ')} ` : ''}order by ${floats.map((f) => ident(f.name)).join(', ')}) as _k`;
  const on = [...exact, '_k'].map((x) => `w.${x} is not distinct from l.${x}`).join(' and ');
  const close = floats
    .map((f) => ident(f.name))
    .map((f) => `(w.${f} is not distinct from l.${f} or abs(w.${f} - l.${f}) <= ${NOISE} * greatest(abs(w.${f}), abs(l.${f})))`)
    .join(' and ');
  const row = await db.one<{ paired: number; close: number }>(
    `select count(*) as paired, count(*) filter (where ${close}) as close
     from (select ${list}, ${numbered} from ${ident(table)} as t${where}) as w
     join (select ${list}, ${numbered} from read_parquet(${sqlString(path.join(dir, p.file))})) as l on ${on}`,
  );
  return Number(row!.paired) === c.rows && Number(row!.close) === c.rows;
}

/** Writes the changed partitions of one table into the staging folder, then renames each file into place. */
async function writePartitions(
  db: Warehouse,
  dir: string,
  table: string,
  part: Partitioning,
  columns: readonly Column[],
  changed: readonly CurrentPartition[],
  out: Manifest,
  now: Date,
  afterPartition: ExportOptions['afterPartition'],
): Promise<LakePartition[]> {
  const staged = path.join(dir, STAGING, table);
  mkdirSync(staged, { recursive: true });
  const exprs = partitionExpressions(part);
  const list = columns.map((c) => (lakeType(c.type) !== c.type ? `cast(t.${ident(c.name)} as ${lakeType(c.type)}) as ${ident(c.name)}` : `t.${ident(c.name)}`));
  if (part.monthOf) list.push(`${exprs[part.columns.indexOf('month')]} as month`);
  const byKey = new Map(changed.map((c) => [c.key, c]));
  const files = new Map<string, { staged: string; relative: string }>();
  if (!exprs.length) {
    await db.run(`copy (select ${list.join(', ')} from ${ident(table)} as t) to ${sqlString(path.join(staged, PARTITION_FILE))} (format parquet)`);
    files.set(changed[0]!.key, { staged: path.join(staged, PARTITION_FILE), relative: '' });
  } else {
    // all changed partitions in one scan (DuckDB compares lists with NULL equal to NULL: Hive's default partition)
    const literal = (c: CurrentPartition) => `[${c.values.map((v) => (v === null ? 'null' : sqlString(v))).join(', ')}]::varchar[]`;
    const filter = `[${exprs.join(', ')}]::varchar[] in (${changed.map(literal).join(', ')})`;
    const columnsList = part.columns.map(ident).join(', ');
    // one file per partition: DuckDB starts a second file when more partitions are open than this
    await db.run(`set partitioned_write_max_open_files = ${changed.length + 100}`);
    try {
      await db.run(
        `copy (select ${list.join(', ')} from ${ident(table)} as t where ${filter}) to ${sqlString(staged)} ` +
          `(format parquet, partition_by (${columnsList}), filename_pattern 'part_{i}', overwrite_or_ignore true)`,
      );
    } finally {
      await db.run('reset partitioned_write_max_open_files');
    }
    for (const leaf of leafFolders(staged)) {
      const relative = path.relative(staged, leaf).split(path.sep).join('/');
      const values = relative.split('/').map((segment) => {
        const raw = decodeURIComponent(segment.slice(segment.indexOf('=') + 1));
        return raw === HIVE_NULL ? null : raw;
      });
      const key = valuesKey(values);
      if (!byKey.has(key)) throw new Error(`the export of ${table} wrote a partition it was not asked for (${relative})`);
      const parts = readdirSync(leaf)
        .filter((f) => f.endsWith('.parquet'))
        .map((f) => path.join(leaf, f));
      let file = parts[0]!;
      if (parts.length > 1) {
        // DuckDB split the partition: one file again
        file = path.join(leaf, `merged.parquet`);
        await db.run(`copy (select * from read_parquet([${parts.map(sqlString).join(', ')}])) to ${sqlString(file)} (format parquet)`);
      }
      files.set(key, { staged: file, relative });
    }
  }
  const written: LakePartition[] = [];
  for (const c of changed) {
    const f = files.get(c.key);
    if (!f) throw new Error(`the export of ${table} did not write the partition ${JSON.stringify(c.values)}`);
    const target = path.join(dir, table, f.relative, PARTITION_FILE);
    const bytes = statSync(f.staged).size;
    const sha256 = await sha256File(f.staged);
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(f.staged, target);
    const p: LakePartition = {
      path: f.relative,
      values: Object.fromEntries(part.columns.map((col, i) => [col, c.values[i] ?? null])),
      rows: c.rows,
      hash: c.hash,
      exact_hash: c.exactHash,
      file: path.posix.join(table, f.relative, PARTITION_FILE),
      bytes,
      sha256,
      written_at: now.toISOString(),
    };
    written.push(p);
    out.rewritten.push(path.posix.join(table, f.relative));
    afterPartition?.(table, p);
  }
  rmSync(staged, { recursive: true, force: true });
  return written;
}

/** The folders under `root` that hold files (the partitions DuckDB wrote). */
function leafFolders(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true });
    if (entries.some((e) => e.isFile())) out.push(d);
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(root);
  return out;
}

function fileIntact(dir: string, p: LakePartition): boolean {
  const file = path.join(dir, p.file);
  return existsSync(file) && statSync(file).size === p.bytes;
}

/** Removes a partition's file and the folders it leaves empty. */
function removePartition(dir: string, table: string, p: LakePartition, out: Manifest): void {
  rmSync(path.join(dir, p.file), { force: true });
  out.removed.push(path.posix.join(table, p.path));
  let d = path.dirname(path.join(dir, p.file));
  while (d.startsWith(path.join(dir, table)) && existsSync(d) && readdirSync(d).length === 0) {
    rmdirSync(d);
    d = path.dirname(d);
  }
}
