import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../warehouse/connection.js';
import { dailyThreads, ROW_GROUP_ROWS, withDailyThreads } from './daily.js';

describe('the threads of metric_daily', () => {
  it('are no more than the row groups of the conversations, at least one, at most those configured', () => {
    expect(dailyThreads(0, 2)).toBe(1);
    expect(dailyThreads(100_000, 2)).toBe(1);
    expect(dailyThreads(ROW_GROUP_ROWS + 1, 2)).toBe(2);
    expect(dailyThreads(10 * ROW_GROUP_ROWS, 4)).toBe(4);
    expect(dailyThreads(10 * ROW_GROUP_ROWS, 1)).toBe(1);
  });

  describe('on a warehouse', () => {
    let db: Warehouse;
    const threads = async () => Number((await db.one<{ t: number | bigint }>("select current_setting('threads')::bigint as t"))!.t);
    beforeAll(async () => {
      db = await openWarehouse(':memory:');
      await db.run('set threads = 3');
      await db.run('create table conversations as select range as id from range(1000)');
    });
    afterAll(() => db.close());

    it('runs with one thread over one row group of conversations, and sets the configured threads back', async () => {
      expect(await withDailyThreads(db, 'conversations', threads)).toBe(1);
      expect(await threads()).toBe(3);
    });

    it('sets the configured threads back when the statements fail', async () => {
      await expect(withDailyThreads(db, 'conversations', () => db.run('select * from no_such_table'))).rejects.toThrow(/no_such_table/);
      expect(await threads()).toBe(3);
    });
  });
});
