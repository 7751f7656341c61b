/**
 * The frame of a full build (models/build.ts): the order of the models, the
 * intermediates dropped once nothing more reads them, the marts made under
 * `_build_*` names and swapped in by one transaction, so that a build that
 * fails, or was killed, leaves the marts of the last one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { agent, conversation, customer, on, status } from '../testing/fixtures.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import type { Warehouse } from '../warehouse/connection.js';
import { buildModels, buildOrder, discoverModels, underConstruction } from './build.js';
import { parseConfig } from './config.js';

const oct6 = on('2026-10-06');
let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({
    records: [
      conversation('c1', [customer(oct6('09:00')), agent(oct6('09:05')), status(oct6('09:10'), 'resolved')]),
      conversation('c2', [customer(oct6('10:00')), agent(oct6('10:20'))]),
    ],
    build: true,
  });
});
afterAll(() => w.close());

const names = async (db: Warehouse, where: string) =>
  (await db.all<{ name: string }>(`select table_name as name from duckdb_tables() where ${where} order by 1`)).map((r) => r.name);

const viewNames = async (db: Warehouse) => (await db.all<{ name: string }>('select view_name as name from duckdb_views() where temporary order by 1')).map((r) => r.name);

describe('buildOrder', () => {
  it('runs each model after what it reads, and a mart as soon as it can', () => {
    const models = discoverModels();
    const order = buildOrder(models).map((m) => m.name);
    expect(order).toHaveLength(models.filter((m) => m.layer !== 'staging').length);
    for (const m of models) for (const d of m.dependsOn) if (order.includes(d)) expect(order.indexOf(d)).toBeLessThan(order.indexOf(m.name));
    // reply_metrics reads intermediates only: it is built before conversation_metrics, so int_sla_clocks need not wait for it
    expect(order.indexOf('reply_metrics')).toBeLessThan(order.indexOf('conversation_metrics'));
    expect(order.indexOf('reply_metrics')).toBe(order.indexOf('int_sla_clocks') + 1);
  });
});

describe('buildModels', () => {
  it('drops every intermediate once the last model reading it is built, and keeps the one the live view reads in the warehouse', async () => {
    expect(await names(w.db, 'temporary')).toEqual([]);
    // a table of the warehouse, which every connection sees (a temporary one was the build connection's alone)
    expect(await names(w.db, `not temporary and table_name = 'int_business_windows'`)).toEqual(['int_business_windows']);
    expect(await names(w.db, `not temporary and starts_with(table_name, '_build_')`)).toEqual([]);
    expect((await w.metrics('c1'))['first_response_s']).toBe(300);
  });

  it('makes int_timeline a view that its readers compute, not a table held until its last reader', async () => {
    const seen: { views: string[]; temporary: string[] }[] = [];
    const watching: Warehouse = Object.create(w.db, {
      run: {
        value: async (sql: string, params?: readonly unknown[]) => {
          // what the catalog holds when the first and the last model that read the timeline start
          if (/^create or replace temp table int_conversation_turns |^create table _build_agent_concurrency_edges /.test(sql))
            seen.push({ views: await viewNames(w.db), temporary: await names(w.db, 'temporary') });
          return w.db.run(sql, params);
        },
      },
    });
    await buildModels(watching, parseConfig({}), { now: TEST_NOW });
    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(s.views).toContain('int_timeline');
      expect(s.temporary).not.toContain('int_timeline');
    }
    expect(await viewNames(w.db)).not.toContain('int_timeline');
    expect((await w.metrics('c1'))['first_response_s']).toBe(300);
  });

  it('leaves the last build’s marts when a build fails, and removes what a killed build left', async () => {
    const before = await w.db.one<{ at: string }>("select value as at from warehouse_meta where key = 'built_at'");
    // a build killed while it made its marts leaves them under their names of the build
    await w.db.run(`create table ${underConstruction('conversation_metrics')} as select 1 as x`);
    const failing: Warehouse = Object.create(w.db, {
      run: {
        value: (sql: string, params?: readonly unknown[]) =>
          sql.startsWith(`create table ${underConstruction('qa_autoqa')}`) ? Promise.reject(new Error('disk full')) : w.db.run(sql, params),
      },
    });
    await expect(buildModels(failing, parseConfig({}), { now: new Date(TEST_NOW.getTime() + 3_600_000) })).rejects.toThrow(/^model qa_autoqa failed: disk full$/);
    expect(await w.db.one("select value as at from warehouse_meta where key = 'built_at'")).toEqual(before);
    expect(await names(w.db, `not temporary and starts_with(table_name, '_build_')`)).toEqual([]);
    expect((await w.metrics('c2'))['first_response_s']).toBe(1200);

    await w.db.run(`create table ${underConstruction('reply_metrics')} as select 1 as x`);
    await buildModels(w.db, parseConfig({}), { now: new Date(TEST_NOW.getTime() + 7_200_000) });
    expect(await names(w.db, `not temporary and starts_with(table_name, '_build_')`)).toEqual([]);
    expect(await w.db.one("select value as at from warehouse_meta where key = 'built_at'")).toEqual({ at: new Date(TEST_NOW.getTime() + 7_200_000).toISOString() });
    expect((await w.metrics('c2'))['first_response_s']).toBe(1200);
  });

  it('writes the marts without FSST and gives the setting back as it was, after a build and after one that fails', async () => {
    const setting = async () => (await w.db.one<{ v: string }>("select current_setting('disabled_compression_methods') as v"))!.v;
    // the setting as each mart is written
    const during: string[] = [];
    const watching = (fail?: string): Warehouse =>
      Object.create(w.db, {
        run: {
          value: async (sql: string, params?: readonly unknown[]) => {
            if (sql.startsWith('create table _build_')) during.push(await setting());
            if (fail && sql.startsWith(`create table ${underConstruction(fail)}`)) throw new Error('disk full');
            return w.db.run(sql, params);
          },
        },
      });
    await buildModels(watching(), parseConfig({}), { now: TEST_NOW });
    expect(during.length).toBeGreaterThan(10);
    expect(new Set(during)).toEqual(new Set(['FSST']));
    expect(await setting()).toBe('');

    await w.db.run("set disabled_compression_methods = 'rle'");
    during.length = 0;
    try {
      await expect(buildModels(watching('qa_autoqa'), parseConfig({}), { now: TEST_NOW })).rejects.toThrow(/^model qa_autoqa failed: disk full$/);
      expect(new Set(during)).toEqual(new Set(['RLE,FSST']));
      expect(await setting()).toBe('RLE');
    } finally {
      await w.db.run("set disabled_compression_methods = ''");
    }
    await buildModels(w.db, parseConfig({}), { now: TEST_NOW });
  });
});
