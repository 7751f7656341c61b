/**
 * Compares every mart of two built warehouses (the build before a change of
 * the models and after it): the same columns with the same types, and the
 * same rows, with EXCEPT ALL both ways (so duplicates count). DOUBLE columns
 * are compared rounded to 9 significant digits: a parallel sum adds in no
 * fixed order, so two builds of the same code can differ in the last bits.
 *
 *   node --import tsx bench/build-equal.ts bench/data/a.duckdb bench/data/b.duckdb
 *
 * Prints one line per mart that differs (and exits 1), or that all are equal.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { discoverModels } from '../models/build.js';
import { DAILY_MARTS } from '../models/daily.js';
import { sqlString } from '../ingest/adapters/sql.js';

/** One line per mart that differs between the warehouse files `a` and `b`; empty when all are equal. */
export async function compareWarehouses(a: string, b: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const rows = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS();
  try {
    await c.run(`attach ${sqlString(path.resolve(a))} as a (read_only)`);
    await c.run(`attach ${sqlString(path.resolve(b))} as b (read_only)`);
    const marts = [
      ...discoverModels()
        .filter((m) => m.layer === 'marts')
        .map((m) => m.name),
      'metric_summary',
      ...DAILY_MARTS,
    ];
    const out: string[] = [];
    for (const mart of marts) {
      const columns = async (db: string) =>
        (await rows(`select column_name as name, data_type as type from duckdb_columns() where database_name = '${db}' and table_name = '${mart}' order by column_index`)) as {
          name: string;
          type: string;
        }[];
      const [ca, cb] = [await columns('a'), await columns('b')];
      if (ca.length === 0 || cb.length === 0) {
        out.push(`${mart}: missing from ${ca.length === 0 ? a : b}`);
        continue;
      }
      const sa = ca.map((x) => `${x.name} ${x.type}`).join(', ');
      const sb = cb.map((x) => `${x.name} ${x.type}`).join(', ');
      if (sa !== sb) {
        out.push(`${mart}: columns differ\n    a: ${sa}\n    b: ${sb}`);
        continue;
      }
      const list = ca
        .map((x) =>
          /^(DOUBLE|FLOAT|REAL)$/.test(x.type)
            ? `case when ${q(x.name)} = 0 or not isfinite(${q(x.name)}) then ${q(x.name)} else round(${q(x.name)}, 9 - cast(ceil(log10(abs(${q(x.name)}))) as int)) end`
            : q(x.name),
        )
        .join(', ');
      const [counts] = (await rows(
        `select (select count(*) from a.${mart}) as na, (select count(*) from b.${mart}) as nb,
           (select count(*) from (select ${list} from a.${mart} except all select ${list} from b.${mart})) as only_a,
           (select count(*) from (select ${list} from b.${mart} except all select ${list} from a.${mart})) as only_b`,
      )) as { na: bigint; nb: bigint; only_a: bigint; only_b: bigint }[];
      if (counts!.only_a !== 0n || counts!.only_b !== 0n) {
        out.push(`${mart}: ${counts!.na} rows against ${counts!.nb}; ${counts!.only_a} only in a, ${counts!.only_b} only in b`);
      }
    }
    return out;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [a, b] = process.argv.slice(2);
  if (!a || !b) throw new Error('usage: node --import tsx bench/build-equal.ts A.duckdb B.duckdb');
  const differences = await compareWarehouses(a, b);
  process.stdout.write(differences.length === 0 ? 'every mart equal (EXCEPT ALL both ways)\n' : differences.join('\n') + '\n');
  if (differences.length > 0) process.exitCode = 1;
}
