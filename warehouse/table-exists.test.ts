/**
 * The catalog questions: tables, temp tables and views count; a question
 * about several names is true only when every one exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from './connection.js';
import { tableExists, tableNames, tableType } from './table-exists.js';

let db: Warehouse;
beforeAll(async () => {
  db = await openWarehouse(':memory:');
  await db.run('create table kept (x integer); create temp table scratch (x integer); create view shown as select 1 as x');
});
afterAll(() => db.close());

describe('tableExists', () => {
  it('is true for a table, a temp table and a view', async () => {
    expect(await tableExists(db, 'kept')).toBe(true);
    expect(await tableExists(db, 'scratch')).toBe(true);
    expect(await tableExists(db, 'shown')).toBe(true);
  });

  it('is false for a name that is not there', async () => {
    expect(await tableExists(db, 'conversation_metrics')).toBe(false);
  });

  it('is true for several names only when every one exists', async () => {
    expect(await tableExists(db, 'kept', 'shown', 'kept')).toBe(true);
    expect(await tableExists(db, 'kept', 'missing')).toBe(false);
  });

  it('takes a name with a quote in it as a name', async () => {
    expect(await tableExists(db, "kept' or 'x' = 'x")).toBe(false);
  });
});

describe('tableNames and tableType', () => {
  it('lists every table and view', async () => {
    expect([...(await tableNames(db))].sort()).toEqual(['kept', 'scratch', 'shown']);
  });

  it('tells a view from a table, and nothing from a missing name', async () => {
    expect(await tableType(db, 'kept')).toBe('BASE TABLE');
    expect(await tableType(db, 'scratch')).toBe('LOCAL TEMPORARY');
    expect(await tableType(db, 'shown')).toBe('VIEW');
    expect(await tableType(db, 'missing')).toBeUndefined();
  });
});
