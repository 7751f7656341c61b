/**
 * The build turns DuckDB's preserve_insertion_order off for its own
 * statements and puts the setting back (it is the instance's: `parley serve`
 * runs builds on the instance its pages read from).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../warehouse/connection.js';
import { withoutInsertionOrder } from './build.js';

let db: Warehouse;
const setting = async () => (await db.one<{ v: boolean }>("select current_setting('preserve_insertion_order') as v"))?.v;
beforeAll(async () => {
  db = await openWarehouse(':memory:');
});
afterAll(() => db.close());

describe('withoutInsertionOrder', () => {
  it('runs its work with the setting off and puts back true', async () => {
    expect(await setting()).toBe(true); // DuckDB's default
    const during = await withoutInsertionOrder(db, setting);
    expect(during).toBe(false);
    expect(await setting()).toBe(true);
  });

  it('puts the setting back when the work fails', async () => {
    await expect(
      withoutInsertionOrder(db, async () => {
        throw new Error('model x failed');
      }),
    ).rejects.toThrow('model x failed');
    expect(await setting()).toBe(true);
  });

  it('leaves off a setting that was off before', async () => {
    await db.run('set preserve_insertion_order = false');
    await withoutInsertionOrder(db, async () => undefined);
    expect(await setting()).toBe(false);
    await db.run('set preserve_insertion_order = true');
  });
});
