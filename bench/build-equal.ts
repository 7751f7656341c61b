/**
 * Compares every mart of two built warehouses (the build before a change of
 * the models and after it): the same columns with the same types, and the
 * same rows, with EXCEPT ALL both ways (so duplicates count), DOUBLEs bit for
 * bit, but in {@link NOISY_MARTS}: there the rows are paired by their other
 * columns and each DOUBLE may differ by floating-point noise ({@link NOISE},
 * 1e-9 relative, as the lake export allows), because a parallel sum adds in
 * no fixed order and two builds of the same code differ in the last bits. A
 * mart compared bit for bit that differs only in DOUBLEs within that noise is
 * named as such.
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
import { NOISE } from '../lake/export.js';

/**
 * The marts whose DOUBLEs are sums of non-integral values in no fixed order:
 * metric_daily's `__sum` and `__num` parts (reply times, CES, effort,
 * costs), which two builds of the same 1.1M messages gave differently in
 * about 650 of 54,181 rows, by up to 3.6e-16 relative (and 3 of them across a
 * ninth significant digit, which a comparison of rounded values took for a
 * change). Every other mart came out bit for bit the same in two builds and in
 * `build --lake` (conversation_costs too, since its minutes add up in whole units).
 */
export const NOISY_MARTS: readonly string[] = ['metric_daily'];

/** One line per mart that differs between the warehouse files `a` and `b`; empty when all are equal. */
export async function compareWarehouses(a: string, b: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const rows = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS();
  // every row of a paired with one of b by the other columns (among rows equal in those, in the order of
  // their DOUBLEs), each DOUBLE equal or within NOISE relative
  const withinNoise = async (mart: string, others: string[], doubles: string[], n: bigint) => {
    const numbered = `row_number() over (${others.length ? `partition by ${others.join(', ')} ` : ''}order by ${doubles.join(', ')}) as _k`;
    const on = [...others, '_k'].map((x) => `x.${x} is not distinct from y.${x}`).join(' and ');
    const close = doubles.map((f) => `(x.${f} is not distinct from y.${f} or abs(x.${f} - y.${f}) <= ${NOISE} * greatest(abs(x.${f}), abs(y.${f})))`).join(' and ');
    const [r] = (await rows(
      `select count(*) as paired, count(*) filter (where ${close}) as close
       from (select *, ${numbered} from a.${mart}) as x join (select *, ${numbered} from b.${mart}) as y on ${on}`,
    )) as { paired: bigint; close: bigint }[];
    return r!.paired === n && r!.close === n;
  };
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
      const doubles = ca.filter((x) => /^(DOUBLE|FLOAT|REAL)$/.test(x.type)).map((x) => q(x.name));
      const others = ca.filter((x) => !/^(DOUBLE|FLOAT|REAL)$/.test(x.type)).map((x) => q(x.name));
      const all = ca.map((x) => q(x.name)).join(', ');
      const [counts] = (await rows(
        `select (select count(*) from a.${mart}) as na, (select count(*) from b.${mart}) as nb,
           (select count(*) from (select ${all} from a.${mart} except all select ${all} from b.${mart})) as only_a,
           (select count(*) from (select ${all} from b.${mart} except all select ${all} from a.${mart})) as only_b`,
      )) as { na: bigint; nb: bigint; only_a: bigint; only_b: bigint }[];
      if (counts!.only_a === 0n && counts!.only_b === 0n) continue;
      const noise = counts!.na === counts!.nb && doubles.length > 0 && (await withinNoise(mart, others, doubles, counts!.na));
      if (noise && NOISY_MARTS.includes(mart)) continue;
      out.push(
        `${mart}: ${counts!.na} rows against ${counts!.nb}; ${counts!.only_a} only in a, ${counts!.only_b} only in b` +
          (noise ? ` (DOUBLEs only, each within ${NOISE} relative: last bits)` : ''),
      );
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
  process.stdout.write(
    differences.length === 0
      ? `every mart equal (EXCEPT ALL both ways; DOUBLEs bit for bit, in ${NOISY_MARTS.join(', ')} within ${NOISE} relative)\n`
      : differences.join('\n') + '\n',
  );
  if (differences.length > 0) process.exitCode = 1;
}
