/**
 * Mapping expressions (`{ sql: … }`): the check before they run, and running
 * them so that a record on which one fails is quarantined rather than the
 * whole file refused.
 *
 * An expression is parsed by DuckDB (`json_serialize_sql`) and refused
 * unless it is one scalar expression with no subquery and no table or file
 * function, so it cannot read files or the network. (DuckDB's
 * `enable_external_access=false` cannot be scoped to one expression: once off
 * it stays off for the whole database, and the loader still has to read the
 * export.)
 *
 * When it runs, an expression DuckDB cannot bind (an unknown column or
 * function), or one that fails on every record, is a broken mapping and
 * refuses the file in one line naming the field and DuckDB's complaint. One
 * that fails on some records only (a cast of a malformed value) is evaluated
 * with DuckDB's `try()` and those records carry a problem, which the mapping
 * turns into their quarantine reason.
 *
 * @example
 *   const run = await runExpressions(db, items, [{ key: 'columns.author_role', sql: "case when message->>'agent' is not null then 'agent' end" }], 'ibm.yaml');
 *   // select run.value(0), run.problem from (select *, run.columns from items)
 */
import type { Warehouse } from '../../warehouse/connection.js';
import { AdapterError } from './types.js';
import { duckdbComplaint, sqlString } from './sql.js';

/** Functions an expression may not call: anything that reads, writes or reaches out. */
const FORBIDDEN =
  /^(read_.*|.*_scan|glob|copy|attach|detach|install|load|query|query_table|sniff_csv|getenv|current_setting|.*parquet.*|.*_metadata|http.*|s3.*|iceberg.*|delta.*|sqlite.*|postgres.*|mysql.*|export.*|import.*|checkpoint|pragma.*|duckdb_.*|which_secret|.*secret.*|write.*)$/i;

interface Found {
  functions: string[];
  subquery: boolean;
  fromTable: boolean;
}

function walk(node: unknown, found: Found): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, found);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o['class'] === 'SUBQUERY') found.subquery = true;
  if (typeof o['function_name'] === 'string') found.functions.push(o['function_name']);
  for (const [k, v] of Object.entries(o)) {
    if (k === 'from_table' && v && typeof v === 'object' && (v as { type?: string }).type !== 'EMPTY') found.fromTable = true;
    walk(v, found);
  }
}

/**
 * Checks an expression before it runs: one scalar expression, no subquery,
 * no table or file function. Returns the problem, or undefined when fine.
 */
export async function expressionProblem(db: Warehouse, sql: string): Promise<string | undefined> {
  const row = await db.one<{ tree: string }>(`select json_serialize_sql(${sqlString(`select (${sql}) as v`)}) as tree`);
  const tree = JSON.parse(row?.tree ?? '{}') as { error?: boolean; error_message?: string; statements?: { node: { select_list: unknown[]; from_table: { type: string } } }[] };
  if (tree.error) return `DuckDB cannot parse it: ${tree.error_message ?? 'syntax error'}`;
  const statements = tree.statements ?? [];
  if (statements.length !== 1 || statements[0]!.node.select_list.length !== 1) return 'it must be one expression, not a list or several statements';
  const found: Found = { functions: [], subquery: false, fromTable: false };
  walk(statements[0]!.node.select_list, found);
  if (found.subquery || found.fromTable) return 'it holds a subquery: an expression reads only `message` and `record`';
  const bad = found.functions.find((f) => FORBIDDEN.test(f));
  if (bad) return `it calls ${bad}(), which reads or writes outside the record: expressions may not touch files, the network or the database`;
  return undefined;
}

export interface Expression {
  /** The mapping key, for messages: `columns.author_role`. */
  key: string;
  sql: string;
  /** SQL filter of the rows it applies to (`_what = 'event'`). */
  where?: string;
}

export interface ExpressionRun {
  /**
   * Select-list items (`_e0, _e1, …`) computing the expressions over a row;
   * `value` and `problem` read them, so select those from
   * `(select *, ${columns} from …)`. Each expression appears once: DuckDB
   * would hoist a subexpression shared by two `try()` calls out of both.
   */
  columns: string;
  /** SQL for expression i's value as text. */
  value(i: number): string;
  /** SQL text: why the row's expressions failed (`columns.x: the expression fails …`), or null. */
  problem: string;
}

/** Stands for an expression's null value inside `try(coalesce(…))`, so that null (the value) and null (it failed) differ. */
const NULL_VALUE = 'chr(0)';

/**
 * Runs each expression once over `from` (a table or subquery with the
 * columns the expressions read) to learn where it fails; see the module note.
 */
export async function runExpressions(db: Warehouse, from: string, exprs: readonly Expression[], mappingLabel: string): Promise<ExpressionRun> {
  const columns: string[] = [];
  const values: string[] = [];
  const failures: string[] = [];
  for (const [i, e] of exprs.entries()) {
    const plain = `(${e.sql})::varchar`;
    const where = e.where ? ` where ${e.where}` : '';
    const only = (sql: string) => (e.where ? `case when ${e.where} then ${sql} end` : sql);
    try {
      await db.run(`select count(${plain}) from ${from}${where}`);
      columns.push(`${only(plain)} as _e${i}`);
      values.push(`_e${i}`);
      continue;
    } catch (error) {
      const complaint = duckdbComplaint(error);
      const caught = `try(coalesce(${plain}, ${NULL_VALUE}))`;
      let counts: { bad: number; n: number } | undefined;
      try {
        counts = await db.one<{ bad: number; n: number }>(`select count(*) filter (where ${caught} is null)::integer as bad, count(*)::integer as n from ${from}${where}`);
      } catch {
        counts = undefined; // it does not bind: broken whatever the data
      }
      if (!counts || counts.bad >= counts.n) throw new AdapterError(`${mappingLabel}: ${e.key}: the expression fails: ${complaint}`);
      columns.push(`${only(caught)} as _e${i}`);
      values.push(`nullif(_e${i}, ${NULL_VALUE})`);
      failures.push(
        `when ${e.where ? `(${e.where}) and ` : ''}_e${i} is null then ${sqlString(`${e.key}: the expression fails on this record (on the first such, DuckDB said: ${complaint}); fix the value or the expression in ${mappingLabel}`)}`,
      );
    }
  }
  return { columns: columns.join(', ') || 'null as _e', value: (i) => values[i]!, problem: failures.length ? `case ${failures.join(' ')} end` : 'null::varchar' };
}

/** Refuses the first expression that {@link expressionProblem} finds a problem in. */
export async function checkExpressions(db: Warehouse, exprs: readonly Expression[], mappingLabel: string): Promise<void> {
  for (const e of exprs) {
    const problem = await expressionProblem(db, e.sql);
    if (problem) throw new AdapterError(`${mappingLabel}: ${e.key}: the expression is refused: ${problem}`);
  }
}
