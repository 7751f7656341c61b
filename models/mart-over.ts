/**
 * A mart's own SQL over narrowed inputs. A view that a kept mart cannot
 * answer (a filter the mart is not grouped by: a tag, an account, a date
 * range of an all-time mart) is computed with the mart's definition itself:
 * each input table named in `inputs` becomes a CTE of the same name that
 * reads the table (`main.<table>`) under the view's condition, and shadows it
 * inside the mart's query. The arithmetic stays in the mart's file, once.
 *
 * @example
 *   martOver('qa_autoqa_agreement', { qa_reviews_scored: { alias: 'r', where: 'r.channel = $1' } });
 *   // 'with qa_reviews_scored as (select r.* from main.qa_reviews_scored as r where r.channel = $1), pairs as (…) select …'
 */
import { discoverModels, renderModel } from './build.js';

export interface NarrowedInput {
  /** The alias the condition names the table by. */
  alias: string;
  /** The condition (parameters numbered by the caller). */
  where: string;
}

let marts: Map<string, string> | undefined;

const NAME = /^[a-z_][a-z0-9_]*$/;

/** The SQL of mart `name` as the build renders it, reading each table of `inputs` under its condition. */
export function martOver(name: string, inputs: Readonly<Record<string, NarrowedInput>>): string {
  marts ??= new Map(
    discoverModels()
      .filter((m) => m.layer === 'marts')
      .map((m) => [m.name, renderModel(m.sql).replace(/--.*$/gm, '').trim().replace(/;$/, '')]),
  );
  const code = marts.get(name);
  if (code === undefined) throw new Error(`there is no mart ${name}`);
  if (!/^with\s/i.test(code)) throw new Error(`the mart ${name} does not begin with a with clause, so it cannot read narrowed inputs`);
  const ctes = Object.entries(inputs).map(([table, { alias, where }]) => {
    if (!NAME.test(table) || !NAME.test(alias)) throw new Error(`not a table name and alias: ${table} ${alias}`);
    if (!new RegExp(`\\b${table}\\b`).test(code)) throw new Error(`the mart ${name} does not read ${table}`);
    return `${table} as (select ${alias}.* from main.${table} as ${alias} where ${where})`;
  });
  if (!ctes.length) return code;
  return `with ${ctes.join(',\n')},\n${code.replace(/^with\s+/i, '')}`;
}
