/**
 * When `parley demo` builds again: a warehouse never built, or built before a
 * mart existed (a model's, or a generated one: metric_summary, metric_daily).
 */
import { TEST_NOW } from '../testing/clock.js';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { buildIsStale } from './build.js';

let db: Warehouse;
let dir: string;
beforeAll(async () => {
  db = await openWarehouse(':memory:');
  await migrate(db, undefined, TEST_NOW);
  dir = mkdtempSync(path.join(tmpdir(), 'parley-models-'));
  mkdirSync(path.join(dir, 'marts'));
  writeFileSync(path.join(dir, 'marts', 'mart_a.sql'), 'select 1 as x');
  writeFileSync(path.join(dir, 'marts', 'mart_b.sql'), 'select 2 as x');
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('buildIsStale', () => {
  it('is true until the warehouse was built with every mart, then false', async () => {
    await db.run('create table mart_a as select 1 as x; create table mart_b as select 2 as x; create table metric_summary as select 3 as x');
    expect(await buildIsStale(db, dir)).toBe(true); // never built
    await db.run("insert into warehouse_meta values ('built_at', '2026-10-01T00:00:00Z')");
    // built by a Parley that made no per-day mart yet (models/daily.ts)
    expect(await buildIsStale(db, dir)).toBe(true);
    await db.run('create table metric_daily as select 4 as x');
    expect(await buildIsStale(db, dir)).toBe(false);
    await db.run('drop table mart_b'); // built by a Parley that had no mart_b yet
    expect(await buildIsStale(db, dir)).toBe(true);
  });
});
