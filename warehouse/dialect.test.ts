/**
 * The Kysely dialect: first pin the SQL it compiles, then run the same
 * builders against an in-memory warehouse and check the rows (the failures of
 * `kysely-duckdb` were a dropped single-column count and mangled dates).
 */
import { TEST_NOW } from '../testing/clock.js';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from './connection.js';
import { createKysely } from './dialect.js';
import { migrate } from './migrate.js';
import type { Database } from './tables.js';

const started = new Date('2026-10-04T09:15:30.250Z');

const logRow = (load_id: number, file: string, loaded: number, started_at = started) => ({
  load_id,
  file,
  format: 'canonical',
  source: null,
  checksum: null,
  bytes: 100,
  read: loaded,
  loaded,
  quarantined: 0,
  replaced: 0,
  started_at,
  duration_s: 0.5,
  problem: null,
});

let warehouse: Warehouse;
let db: Kysely<Database>;

beforeAll(async () => {
  warehouse = await openWarehouse(':memory:');
  await migrate(warehouse, undefined, TEST_NOW);
  db = createKysely<Database>(warehouse);
});
afterAll(() => warehouse.close());
beforeEach(async () => {
  await warehouse.run('delete from load_log; delete from warehouse_meta');
});

describe('the SQL the dialect compiles', () => {
  it('writes a select with a where clause as double-quoted identifiers and $n parameters', () => {
    const q = db.selectFrom('load_log').select(['file', 'loaded']).where('load_id', '=', 7).where('format', '=', 'canonical').compile();
    expect(q.sql).toBe('select "file", "loaded" from "load_log" where "load_id" = $1 and "format" = $2');
    expect(q.parameters).toEqual([7, 'canonical']);
  });

  it('writes an insert with one parameter per value', () => {
    const q = db.insertInto('warehouse_meta').values({ key: 'built_at', value: 'now' }).compile();
    expect(q.sql).toBe('insert into "warehouse_meta" ("key", "value") values ($1, $2)');
    expect(q.parameters).toEqual(['built_at', 'now']);
  });

  it('writes a group by with a count', () => {
    const q = db
      .selectFrom('load_log')
      .select((eb) => ['file', eb.fn.count('loaded').as('n')])
      .where('load_id', '=', 1)
      .groupBy('file')
      .compile();
    expect(q.sql).toBe('select "file", count("loaded") as "n" from "load_log" where "load_id" = $1 group by "file"');
    expect(q.parameters).toEqual([1]);
  });

  it('quotes a column named like a keyword', () => {
    expect(db.selectFrom('load_log').select('read').compile().sql).toBe('select "read" from "load_log"');
  });
});

describe('running it on the warehouse', () => {
  it('inserts rows and selects them back with a where clause', async () => {
    await db
      .insertInto('load_log')
      .values([logRow(1, 'a.jsonl', 3), logRow(1, 'b.jsonl', 4), logRow(2, 'c.jsonl', 5)])
      .execute();
    const rows = await db.selectFrom('load_log').select(['file', 'loaded']).where('load_id', '=', 1).orderBy('file').execute();
    expect(rows).toEqual([
      { file: 'a.jsonl', loaded: 3 },
      { file: 'b.jsonl', loaded: 4 },
    ]);
  });

  it('groups and counts, with counts as numbers', async () => {
    await db
      .insertInto('load_log')
      .values([logRow(1, 'a.jsonl', 3), logRow(1, 'a.jsonl', 4), logRow(1, 'b.jsonl', 5), logRow(2, 'a.jsonl', 1)])
      .execute();
    const rows = await db
      .selectFrom('load_log')
      .select((eb) => ['file', eb.fn.count('loaded').as('n')])
      .where('load_id', '=', 1)
      .groupBy('file')
      .orderBy('file')
      .execute();
    expect(rows).toEqual([
      { file: 'a.jsonl', n: 2 },
      { file: 'b.jsonl', n: 1 },
    ]);
  });

  it('keeps a single-column count result', async () => {
    await db
      .insertInto('load_log')
      .values([logRow(1, 'a.jsonl', 3), logRow(2, 'b.jsonl', 4)])
      .execute();
    const row = await db
      .selectFrom('load_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ n: 2 });
    const none = await db
      .selectFrom('load_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('load_id', '=', 99)
      .executeTakeFirst();
    expect(none).toEqual({ n: 0 });
  });

  it('round-trips Dates through timestamptz columns and binds them in a where clause', async () => {
    const later = new Date('2026-12-31T23:59:59.999Z');
    await db
      .insertInto('load_log')
      .values([logRow(1, 'a.jsonl', 3), logRow(2, 'b.jsonl', 4, later)])
      .execute();
    const rows = await db.selectFrom('load_log').select(['file', 'started_at']).orderBy('started_at').execute();
    expect(rows.map((r) => r.started_at)).toEqual([started, later]);
    expect(rows[0]!.started_at).toBeInstanceOf(Date);
    const after = await db.selectFrom('load_log').select('file').where('started_at', '>', new Date('2026-10-04T09:15:30.251Z')).execute();
    expect(after).toEqual([{ file: 'b.jsonl' }]);
    const same = await db.selectFrom('load_log').select('file').where('started_at', '=', started).execute();
    expect(same).toEqual([{ file: 'a.jsonl' }]);
  });

  it('reports how many rows an insert, update or delete touched', async () => {
    const inserted = await db
      .insertInto('load_log')
      .values([logRow(1, 'a.jsonl', 3), logRow(1, 'b.jsonl', 4), logRow(2, 'c.jsonl', 5)])
      .executeTakeFirstOrThrow();
    expect(inserted.numInsertedOrUpdatedRows).toBe(3n);
    const updated = await db.updateTable('load_log').set({ problem: 'checked' }).where('load_id', '=', 1).executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(2n);
    const deleted = await db.deleteFrom('load_log').where('file', '=', 'c.jsonl').executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(1n);
    const returned = await db.deleteFrom('load_log').where('file', '=', 'a.jsonl').returning(['file', 'problem']).execute();
    expect(returned).toEqual([{ file: 'a.jsonl', problem: 'checked' }]);
  });

  it('runs raw sql templates with bound values', async () => {
    const { rows } = await sql<{ x: number; s: string }>`select ${41}::integer + 1 as x, ${'a'} || ${'b'} as s`.execute(db);
    expect(rows).toEqual([{ x: 42, s: 'ab' }]);
  });

  it('serialises queries started together on the single connection', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => sql<{ i: number }>`select ${i}::integer as i`.execute(db).then((r) => r.rows[0]!.i)));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('transactions', () => {
  it('commits when the callback returns', async () => {
    const result = await db.transaction().execute(async (trx) => {
      await trx.insertInto('warehouse_meta').values({ key: 'a', value: '1' }).execute();
      await trx.insertInto('warehouse_meta').values({ key: 'b', value: '2' }).execute();
      return 'done';
    });
    expect(result).toBe('done');
    expect(await db.selectFrom('warehouse_meta').select(['key', 'value']).orderBy('key').execute()).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
  });

  it('rolls everything back when the callback throws', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('warehouse_meta').values({ key: 'a', value: '1' }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.selectFrom('warehouse_meta').selectAll().execute()).toEqual([]);
    // the connection is usable afterwards, outside any transaction
    await db.insertInto('warehouse_meta').values({ key: 'c', value: null }).execute();
    expect(await db.selectFrom('warehouse_meta').selectAll().execute()).toEqual([{ key: 'c', value: null }]);
  });

  it('rolls back when a statement inside fails', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('warehouse_meta').values({ key: 'a', value: '1' }).execute();
        await sql`select * from no_such_table`.execute(trx);
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await db.selectFrom('warehouse_meta').selectAll().execute()).toEqual([]);
  });
});
