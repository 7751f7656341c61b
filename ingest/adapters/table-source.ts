/**
 * Staging one table of a warehouse-style export (Fivetran, Airbyte, Stitch
 * landings): CSV (plain or .gz) or Parquet, found in a folder by its table
 * name (`ticket.csv`, `ticket_data.csv`, `ticket.parquet`, …).
 *
 * @example
 *   const files = await findTables(['exports/zendesk'], ['ticket', 'ticket_comment']);
 *   await stageTable(db, { file: files.ticket!, table: '_zd_ticket', columns: { id: ['id'] }, scratchDir });
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import type { LoadInput } from '../load.js';
import { WHOLE, type Part } from '../parts.js';
import { AdapterError, type Prepared } from './types.js';
import { matchColumns, readHeader, scanFile, stageCsv, type CsvSpec, type StagedCsv } from './csv-source.js';
import { ident, sqlString } from './sql.js';
import { prepareInScratch } from './prepare.js';

const TABLE_FILE = /^(.*?)(_data)?\.(csv|csv\.gz|parquet)$/i;

/** The table a file holds, by its name: `ticket_comment_data.csv` → `ticket_comment`. */
export function tableName(file: string): string | undefined {
  const m = TABLE_FILE.exec(path.basename(file));
  return m ? m[1]!.toLowerCase() : undefined;
}

/** The files of the wanted tables among `paths` (files, or folders whose files are looked at). */
export async function findTables(paths: readonly string[], wanted: readonly string[]): Promise<Record<string, string>> {
  const files: string[] = [];
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch {
      throw new AdapterError(`${p} does not exist: check the path`);
    }
    if (s.isDirectory()) files.push(...(await readdir(p)).sort().map((f) => path.join(p, f)));
    else files.push(p);
  }
  const found: Record<string, string> = {};
  for (const f of files) {
    const plain = tableName(f);
    // Airbyte names its streams in the plural (tickets, ticket_comments)
    const name = plain && !wanted.includes(plain) && wanted.includes(plain.replace(/s$/, '')) ? plain.replace(/s$/, '') : plain;
    if (name && wanted.includes(name)) {
      if (found[name]) throw new AdapterError(`two files hold the ${name} table: ${found[name]} and ${f}; keep one`);
      found[name] = f;
    }
  }
  return found;
}

/** The column names of a CSV (its header row) or Parquet table, as the file spells them. */
export async function tableColumns(db: Warehouse, file: string): Promise<string[]> {
  if (!/\.parquet$/i.test(file)) return readHeader(file);
  try {
    return (await db.all<{ column_name: string }>(`describe select * from read_parquet(${sqlString(file)})`)).map((r) => r.column_name);
  } catch (error) {
    throw new AdapterError(`${path.basename(file)} cannot be read as Parquet: ${(error as Error).message.split('\n')[0]}; copy or export it again`);
  }
}

/** Reads a CSV or Parquet table into a temp table of text columns (see `stageCsv`). */
export async function stageTable(db: Warehouse, spec: CsvSpec): Promise<StagedCsv> {
  if (!/\.parquet$/i.test(spec.file)) return stageCsv(db, spec);
  const label = path.basename(spec.file);
  let header: string[];
  try {
    header = (await db.all<{ column_name: string }>(`describe select * from read_parquet(${sqlString(spec.file)})`)).map((r) => r.column_name);
  } catch (error) {
    throw new AdapterError(`${label} cannot be read as Parquet: ${(error as Error).message.split('\n')[0]}; copy or export it again`);
  }
  const found = matchColumns(label, header, spec.columns, spec.what);
  const lower = new Map(header.map((h) => [h.toLowerCase(), h]));
  const select = [
    ...Object.entries(found).map(([name, col]) => `${ident(col)}::varchar as ${ident(name)}`),
    ...Object.entries(spec.optional ?? {}).map(([name, aliases]) => {
      const col = aliases.map((a) => lower.get(a.toLowerCase())).find((h) => h !== undefined);
      return col ? `${ident(col)}::varchar as ${ident(name)}` : `null::varchar as ${ident(name)}`;
    }),
  ];
  await db.run(`
    create or replace temp table ${spec.table} as
    select (file_row_number + 1)::integer as _line, ${select.join(', ')}
    from read_parquet(${sqlString(spec.file)}, file_row_number = true)`);
  const rejects = `${spec.table}_rej`;
  await db.run(`create or replace temp table ${rejects} (line integer, problem varchar, raw varchar)`);
  const scan = await scanFile(spec.file);
  const rows = (await db.one<{ n: number }>(`select count(*) as n from ${spec.table}`))?.n ?? 0;
  return { file: spec.file, table: spec.table, rejects, rows, rejected: 0, digest: { checksum: scan.checksum, bytes: scan.bytes }, absent: [] };
}

/** The tables of a platform's sync: each wanted column with the header names it may have. */
export type TableSpecs<T extends string> = Record<T, { columns: Record<string, readonly string[]>; optional: Record<string, readonly string[]> }>;

export interface StagedTables<T extends string> {
  /** Temp table of each table. */
  t: Record<T, string>;
  /** File name of each table, for messages. */
  labels: Record<T, string>;
  staged: Partial<Record<T, StagedCsv>>;
  /** Every temp table made, to drop afterwards. */
  created: string[];
  /** Rows staged across all the tables. */
  rows: number;
}

/**
 * Stages every table of a sync folder; a table the folder lacks becomes an
 * empty one, so the SQL that joins them needs no special case.
 *
 * @example
 *   const { t, labels, staged, created } = await stageTables(db, files, TABLES, { prefix: '_zd', platform: 'Zendesk', scratchDir });
 */
export async function stageTables<T extends string>(
  db: Warehouse,
  files: Partial<Record<T, string>>,
  specs: TableSpecs<T>,
  o: { prefix: string; platform: string; scratchDir: string },
): Promise<StagedTables<T>> {
  const out = { t: {}, labels: {}, staged: {}, created: [], rows: 0 } as unknown as StagedTables<T>;
  for (const [name, spec] of Object.entries(specs) as [T, TableSpecs<T>[T]][]) {
    const table = `${o.prefix}_${name}`;
    out.t[name] = table;
    out.labels[name] = files[name] ? path.basename(files[name]!) : `${name}.csv`;
    out.created.push(table, `${table}_rej`);
    const file = files[name];
    if (file) {
      const staged = await stageTable(db, { file, table, columns: spec.columns, optional: spec.optional, what: `the ${o.platform} ${name} table`, scratchDir: o.scratchDir });
      out.staged[name] = staged;
      out.rows += staged.rows;
    } else {
      const cols = [...Object.keys(spec.columns), ...Object.keys(spec.optional)].map((c) => `${ident(c)} varchar`).join(', ');
      await db.run(`create or replace temp table ${table} (_line integer, ${cols}); create or replace temp table ${table}_rej (line integer, problem varchar, raw varchar)`);
    }
  }
  return out;
}

/**
 * The `prepare` of an adapter for a sync folder: stages its tables in a
 * scratch folder, lets `build` turn them into loader inputs, and drops the
 * tables and the folder on cleanup — or at once when either step fails.
 *
 * @example
 *   return prepareTables(db, files, TABLES, { prefix: '_zd', platform: 'Zendesk' }, async ({ t, labels, staged, rows }) => [ … ]);
 */
export function prepareTables<T extends string>(
  db: Warehouse,
  files: Partial<Record<T, string>>,
  specs: TableSpecs<T>,
  o: { prefix: string; platform: string },
  build: (staged: StagedTables<T>) => Promise<LoadInput[]>,
): Promise<Prepared> {
  return prepareInScratch(db, async (scratchDir, tables) => {
    const staged = await stageTables(db, files, specs, { ...o, scratchDir });
    tables.push(...staged.created);
    return build(staged);
  });
}

/**
 * A loader input for the refused rows of a secondary table (comments,
 * history, parts), reported under that table's own file — or none when the
 * table has no refused rows, so that it is not logged as an empty file.
 */
export async function refusedRowsInput(db: Warehouse, input: LoadInput & { sql: (part: Part) => string }): Promise<LoadInput[]> {
  const n = await db.one<{ n: number }>(`select count(*) as n from (${input.sql(WHOLE)})`);
  return n?.n ? [input] : [];
}
