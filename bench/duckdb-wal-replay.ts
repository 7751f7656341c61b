/**
 * A minimal reproduction, for DuckDB upstream, of issue 20's crash state:
 * one transaction writes tables `a`, `b` and `log`; its write-ahead log is
 * kept (no checkpoint) and then cut short, as a SIGKILL in the middle of the
 * commit's WAL writes leaves it. A WAL whose last transaction is incomplete
 * should replay none of that transaction; DuckDB replays part of it (the
 * bulk inserts, which went to the database file as optimistic writes and are
 * only referenced from the WAL) and drops the rest. Uses only
 * @duckdb/node-api; see docs/duckdb-wal-replay.md for the report to file.
 *
 *   node --import tsx bench/duckdb-wal-replay.ts [--rows 200000] [--dir /tmp]
 */
import { copyFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const { values } = parseArgs({ options: { rows: { type: 'string' }, dir: { type: 'string' } } });
const rows = Number(values.rows ?? 200_000);
const dir = mkdtempSync(path.join(values.dir ?? tmpdir(), 'duckdb-wal-'));
const base = path.join(dir, 'base.duckdb');

async function counts(file: string): Promise<{ a: number; b: number; log: number }> {
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  try {
    const r = (await c.runAndReadAll('select (select count(*) from a) as a, (select count(*) from b) as b, (select count(*) from log) as log')).getRowObjectsJS()[0]!;
    return { a: Number(r['a']), b: Number(r['b']), log: Number(r['log']) };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

{
  const instance = await DuckDBInstance.create(base);
  const c = await instance.connect();
  await c.run('create table a (id integer, body varchar); create table b (id integer, body varchar); create table log (id integer); checkpoint');
  // keep the WAL: no checkpoint when closing, none automatically
  await c.run("pragma disable_checkpoint_on_shutdown; set wal_autocheckpoint = '10GB'");
  await c.run(
    `begin; insert into a select i, repeat('x', 50) from range(${rows}) t(i); insert into b select i, repeat('y', 50) from range(${rows}) t(i); insert into log values (1); commit`,
  );
  c.closeSync();
  instance.closeSync();
}
const walBytes = statSync(`${base}.wal`).size;
console.log(`DuckDB: @duckdb/node-api ${(await import('@duckdb/node-api/package.json', { with: { type: 'json' } })).default.version}; WAL after the commit: ${walBytes} bytes`);
const whole = await counts(copy(walBytes));
console.log(`whole WAL: a=${whole.a} b=${whole.b} log=${whole.log}`);

let broken = 0;
for (let cut = walBytes - 1; cut > 0; cut -= Math.max(1, Math.floor(walBytes / 40))) {
  let line: string;
  try {
    const r = await counts(copy(cut));
    const atomic = (r.a === 0 && r.b === 0 && r.log === 0) || (r.a === rows && r.b === rows && r.log === 1);
    if (!atomic) broken++;
    line = `a=${r.a} b=${r.b} log=${r.log}${atomic ? '' : '   <- part of one transaction'}`;
  } catch (error) {
    line = `open failed: ${(error as Error).message.split('\n')[0]}`;
  }
  console.log(`WAL cut to ${String(cut).padStart(6)} bytes: ${line}`);
}
console.log(broken ? `${broken} cuts replayed part of a transaction` : 'every cut replayed all or nothing');
rmSync(dir, { recursive: true, force: true });

/** A copy of the database with its WAL cut to `bytes`. */
function copy(bytes: number): string {
  const file = path.join(dir, `cut-${bytes}.duckdb`);
  copyFileSync(base, file);
  copyFileSync(`${base}.wal`, `${file}.wal`);
  truncateSync(`${file}.wal`, bytes);
  return file;
}
