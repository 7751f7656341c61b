/**
 * Named parameters in notebook SQL: `$month` or `${month}` become DuckDB's
 * positional `$1`, `$2`… and the values travel separately, so a parameter is
 * always a bound value, never text spliced into the query. Placeholders inside
 * string literals, quoted identifiers and comments are left alone.
 *
 * @example
 *   bindNamed("select * from metric_summary where month = $month and team = ${team}", ['month', 'team'])
 *   // { sql: 'select * from metric_summary where month = $1 and team = $2', names: ['month', 'team'], problems: [] }
 */
import { binder } from '../warehouse/params.js';

export interface BoundSql {
  /** The query with positional placeholders. */
  sql: string;
  /** The parameter of each position: names[0] is `$1`. */
  names: string[];
  /** Unknown or malformed placeholders, each a sentence; empty when the query is usable. */
  problems: string[];
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

/** Translates named placeholders to positional ones; `known` lists the names a query may use. */
export function bindNamed(sql: string, known: readonly string[]): BoundSql {
  const names: string[] = [];
  const bind = binder(names);
  const problems: string[] = [];
  const unknown = new Set<string>();
  let out = '';
  let i = 0;
  const position = (name: string): string => {
    if (!known.includes(name)) {
      unknown.add(name);
      return `$${name}`;
    }
    const at = names.indexOf(name);
    return at < 0 ? bind(name) : `$${at + 1}`;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      // a literal or quoted identifier: copy through its closing quote ('' and "" escape)
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const j = end < 0 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const j = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, j);
      i = j;
    } else if (c === '$' && next === '{') {
      const end = sql.indexOf('}', i + 2);
      const name = end < 0 ? '' : sql.slice(i + 2, end).trim();
      if (end < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        problems.push(`"${sql.slice(i, end < 0 ? i + 12 : end + 1)}" is not a parameter: write \${name} or $name`);
        out += c;
        i++;
      } else {
        out += position(name);
        i = end + 1;
      }
    } else if (c === '$' && next !== undefined && IDENT_START.test(next)) {
      let j = i + 1;
      while (j < sql.length && IDENT.test(sql[j]!)) j++;
      out += position(sql.slice(i + 1, j));
      i = j;
    } else if (c === '$' && next !== undefined && /[0-9]/.test(next)) {
      problems.push(`positional parameters such as $${next} are not allowed: name the parameter ($month)`);
      out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  for (const name of unknown) {
    problems.push(`unknown parameter $${name}: this notebook declares ${known.length ? known.map((k) => `$${k}`).join(', ') : 'no parameters'}`);
  }
  return { sql: out, names, problems };
}
