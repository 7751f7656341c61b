/**
 * Opening the warehouse: where the file is, what a second process sees while
 * another holds it, and how values come back and bind.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DB, WarehouseLockedError, openWarehouse, resolveDbPath, type Warehouse } from './connection.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const connectionModule = pathToFileURL(path.join(repoRoot, 'warehouse', 'connection.ts')).href;

describe('resolveDbPath', () => {
  it('takes the --db flag first', () => {
    expect(resolveDbPath('flag.duckdb', { PARLEY_DB: 'env.duckdb' })).toBe('flag.duckdb');
  });

  it('takes PARLEY_DB when there is no flag', () => {
    expect(resolveDbPath(undefined, { PARLEY_DB: 'env.duckdb' })).toBe('env.duckdb');
  });

  it('falls back to ./parley.duckdb', () => {
    expect(resolveDbPath(undefined, {})).toBe('./parley.duckdb');
    expect(DEFAULT_DB).toBe('./parley.duckdb');
  });
});

/** Starts a process that opens `dbPath` and holds it until killed; resolves once it has the lock. */
async function holdInAnotherProcess(dbPath: string): Promise<ChildProcess> {
  const script = `
    const { openWarehouse } = await import(${JSON.stringify(connectionModule)});
    await openWarehouse(${JSON.stringify(dbPath)});
    process.stdout.write('locked\\n');
    setInterval(() => {}, 60_000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => reject(new Error(`the holder did not report the lock in time: ${stderr}`)), 20_000);
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('locked')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the holder exited (${code}) before taking the lock: ${stderr}`));
      });
    });
  } catch (error) {
    await stop(child);
    throw error;
  }
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('a warehouse file held by another process', () => {
  let dir: string;
  let dbPath: string;
  let holder: ChildProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-lock-'));
    dbPath = path.join(dir, 'held.duckdb');
    holder = await holdInAnotherProcess(dbPath);
  });

  afterAll(async () => {
    try {
      if (holder) await stop(holder);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused with a one-line WarehouseLockedError naming the file and the PID', async () => {
    const error = await openWarehouse(dbPath).then(
      (db) => {
        db.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WarehouseLockedError);
    const locked = error as WarehouseLockedError;
    expect(locked.message).not.toContain('\n');
    expect(locked.message).toContain(dbPath);
    expect(locked.message).toContain(`PID ${holder!.pid}`);
    expect(locked.pid).toBe(holder!.pid);
  });

  it('makes the CLI print exactly one line to stderr and exit 1, without a stack trace', async () => {
    const run = promisify(execFile);
    const result = await run(process.execPath, [path.join(repoRoot, 'cli', 'parley.js'), 'sql', 'select 1', '--db', dbPath], {
      cwd: repoRoot,
      env: { ...process.env, PARLEY_DEBUG: '' },
    }).then(
      () => ({ code: 0, stderr: '', stdout: '' }),
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^parley sql: the warehouse .*held\.duckdb is in use by another process \(PID \d+\)/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('values in and out', () => {
  let db: Warehouse;
  beforeAll(async () => {
    db = await openWarehouse(':memory:');
  });
  afterAll(() => db.close());

  it('returns bigint counts as numbers', async () => {
    const row = await db.one('select count(*) as n, sum(x)::bigint as total from range(5) t(x)');
    expect(row).toEqual({ n: 5, total: 10 });
    expect(typeof row!['n']).toBe('number');
  });

  it('keeps bigints beyond the safe range as bigints', async () => {
    const row = await db.one('select 9007199254740993::bigint as big');
    expect(row!['big']).toBe(9007199254740993n);
  });

  it('binds $1 parameters', async () => {
    const rows = await db.all('select x from range(10) t(x) where x >= $1 and x < $2 order by x', [7, 9]);
    expect(rows).toEqual([{ x: 7 }, { x: 8 }]);
    expect(await db.one('select $1::varchar as s, $2 as missing', ["it's", undefined])).toEqual({
      s: "it's",
      missing: null,
    });
  });

  it('binds Dates and returns timestamps as Dates', async () => {
    const when = new Date('2026-10-04T09:15:00.000Z');
    const row = await db.one<{ t: Date; later: boolean }>('select $1::timestamptz as t, $1::timestamptz > $2::timestamptz as later', [when, new Date('2026-10-04T09:14:59Z')]);
    expect(row!.t).toBeInstanceOf(Date);
    expect(row!.t.toISOString()).toBe('2026-10-04T09:15:00.000Z');
    expect(row!.later).toBe(true);
  });

  it('rolls a failed transaction back and commits a good one', async () => {
    await db.run('create table t (x integer)');
    await expect(
      db.transaction(async () => {
        await db.run('insert into t values (1)');
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    await db.transaction(() => db.run('insert into t values (2)'));
    expect(await db.all('select x from t')).toEqual([{ x: 2 }]);
  });
});

describe('reader connections', () => {
  it('answer reads side by side, while transactions keep to the main connection', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-readers-'));
    const db = await openWarehouse(path.join(dir, 'w.duckdb'), { readers: 2 });
    try {
      await db.run('create table t (n integer)');
      await db.run('insert into t select range from range(1000)');
      const sums = await Promise.all(Array.from({ length: 12 }, (_, i) => db.all<{ s: number }>('select sum(n) + $1 as s from t', [i])));
      expect(sums.map((r) => r[0]!.s)).toEqual(Array.from({ length: 12 }, (_, i) => 499500 + i));
      // inside a transaction a read sees the transaction's own uncommitted write
      const seen = await db.transaction(async () => {
        await db.run('insert into t values (5000)');
        return (await db.one<{ n: number }>('select count(*) as n from t'))!.n;
      });
      expect(seen).toBe(1001);
      expect((await db.one<{ n: number }>('select count(*) as n from t'))!.n).toBe(1001);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('prepared reads on reader connections', () => {
  it('prepare a parameterised read once for any values, and read a table replaced since, and the file a rewrite made', async () => {
    const { DuckDBConnection } = await import('@duckdb/node-api');
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-prepared-'));
    const db = await openWarehouse(path.join(dir, 'w.duckdb'), { readers: 1 });
    const prepare = vi.spyOn(DuckDBConnection.prototype, 'prepare');
    try {
      await db.run('create table t as select range as n from range(10)');
      const sql = 'select count(*) as c, sum(n) as s from t where n >= $1';
      const read = (from: number) => db.one<{ c: number; s: number | null }>(sql, [from]);
      expect([await read(0), await read(5), await read(9), await read(10)]).toEqual([
        { c: 10, s: 45 },
        { c: 5, s: 35 },
        { c: 1, s: 9 },
        { c: 0, s: null },
      ]);
      // one preparation for the four reads of the same text (a fresh one per read before)
      expect(prepare.mock.calls.filter(([text]) => text === sql)).toHaveLength(1);
      // a build replaces the table (other rows, another column): a new data generation, whose first read prepares again
      await db.run('create or replace table t as select range * 10 as n, range as m from range(3)');
      expect(await read(10)).toEqual({ c: 2, s: 30 });
      expect(prepare.mock.calls.filter(([text]) => text === sql)).toHaveLength(2);
      // a parameter of another type: bound again, not refused
      expect(await db.one(sql, ['15'])).toEqual({ c: 1, s: 20 });
      // several statements in one read are not prepared alone: read as before
      expect(await db.all('select 1 as x; select n from t where n > $1 order by n', [0])).toEqual([{ n: 10 }, { n: 20 }]);
      await db.rewrite();
      expect(await read(0)).toEqual({ c: 3, s: 30 });
    } finally {
      prepare.mockRestore();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rewrite', () => {
  it('writes the file anew without the bytes of deleted rows; reads on reader connections go on, on the new file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-rewrite-'));
    const file = path.join(dir, 'w.duckdb');
    try {
      const db = await openWarehouse(file, { readers: 2 });
      await db.run('create table people (email varchar, n integer)');
      await db.run("insert into people values ('ada.lovelace@example.com', 1), ('grace.hopper@example.com', 2)");
      await db.run('create view people_view as select email from people');
      await db.run('checkpoint');
      await db.run("delete from people where email like 'ada%'");
      await db.run('vacuum people');
      await db.run('checkpoint');
      // a delete, vacuum and checkpoint leave the e-mail in the file
      expect(readFileSync(file).includes('ada.lovelace@example.com')).toBe(true);
      // reads queued on the reader connections while the rewrite runs
      const during = Promise.all([db.all('select count(*) as n from people'), db.rewrite(), db.all('select email from people_view')]);
      const [[count], , view] = await during;
      expect(count).toEqual({ n: 1 });
      expect(view).toEqual([{ email: 'grace.hopper@example.com' }]);
      expect(readFileSync(file).includes('ada.lovelace@example.com')).toBe(false);
      expect(existsSync(`${file}.rewrite`)).toBe(false);
      // writes and reads after it use the new file
      await db.run("insert into people values ('alan@example.com', 3)");
      expect(await db.all('select n from people order by n')).toEqual([{ n: 2 }, { n: 3 }]);
      db.close();
      const again = await openWarehouse(file);
      expect(await again.all('select email from people order by n')).toEqual([{ email: 'grace.hopper@example.com' }, { email: 'alan@example.com' }]);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
