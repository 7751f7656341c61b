/**
 * The frame of a full build (models/build.ts): the order of the models, the
 * intermediates dropped once nothing more reads them, the marts made under
 * `_build_*` names and swapped in by one transaction, so that a build that
 * fails, or was killed, leaves the marts of the last one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { agent, conversation, customer, on, SLA_TEST_CONFIG, status } from '../testing/fixtures.js';
import { martRows, testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import type { Warehouse } from '../warehouse/connection.js';
import { buildLanes, buildModels, buildOrder, CHECKPOINT_STEP, discoverModels, pathsToEnd, runInLanes, SCRATCH, underConstruction, type BuildLane, type Model } from './build.js';
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

/**
 * `db` with every statement of a build, on its main connection and on the extra one it opens, passed
 * through `hook` first (which may throw, standing for a failure of that statement).
 */
const watched = (db: Warehouse, hook: (sql: string, on: 'main' | 'extra') => unknown): Warehouse =>
  Object.create(db, {
    run: {
      value: async (sql: string, params?: readonly unknown[]) => {
        await hook(sql, 'main');
        return db.run(sql, params);
      },
    },
    extraConnection: {
      value: async () => {
        const c = await db.extraConnection();
        return {
          run: async (sql: string) => {
            await hook(sql, 'extra');
            return c.run(sql);
          },
          close: () => c.close(),
        };
      },
    },
  });

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

  it('makes int_timeline a view that its readers compute, on each connection of the build, not a table held until its last reader', async () => {
    const statements: { sql: string; on: string }[] = [];
    await buildModels(
      watched(w.db, (sql, on) => void statements.push({ sql, on })),
      parseConfig({}),
      { now: TEST_NOW },
    );
    const views = statements.filter((s) => s.sql.startsWith('create or replace temp view int_timeline '));
    expect(views.map((s) => s.on).sort()).toEqual(['extra', 'main']);
    expect(statements.filter((s) => /^create (temp )?table \S*int_timeline /.test(s.sql))).toEqual([]);
    // every reader of the timeline runs after both views exist
    const readers = statements.filter((s) => /^create table /.test(s.sql) && /\bint_timeline\b/.test(s.sql.replace(/--.*$/gm, '')));
    expect(readers.length).toBeGreaterThanOrEqual(5);
    for (const r of readers) expect(statements.indexOf(r)).toBeGreaterThan(Math.max(...views.map((v) => statements.indexOf(v))));
    expect(await viewNames(w.db)).not.toContain('int_timeline');
    expect((await w.metrics('c1'))['first_response_s']).toBe(300);
  });

  it('runs models on two connections, its intermediates in a catalog both see, detached after the build', async () => {
    const made: Record<string, string[]> = { main: [], extra: [] };
    await buildModels(
      watched(w.db, (sql, on) => {
        const table = /^create table (\S+) as/.exec(sql)?.[1];
        if (table) made[on]!.push(table);
      }),
      parseConfig({}),
      { now: TEST_NOW },
    );
    expect(made['main']!.length).toBeGreaterThan(0);
    expect(made['extra']!.length).toBeGreaterThan(0);
    const all = [...made['main']!, ...made['extra']!];
    expect(all.filter((t) => t.startsWith(`${SCRATCH}.main.int_`)).length).toBeGreaterThanOrEqual(10);
    expect(new Set(all).size).toBe(all.length);
    expect(await w.db.all(`select database_name from duckdb_databases() where database_name = '${SCRATCH}'`)).toEqual([]);
    expect((await w.metrics('c2'))['first_response_s']).toBe(1200);
  });

  it('on two connections checkpoints the warehouse as a step, after the marts but the summary, with the automatic checkpoints off meanwhile', async () => {
    const threshold = async () => (await w.db.one<{ v: string }>("select current_setting('checkpoint_threshold') as v"))!.v;
    const before = await threshold();
    const seen: string[] = [];
    const during: string[] = [];
    const phases: string[] = [];
    const steps = await buildModels(
      watched(w.db, async (sql) => {
        const made = /^(checkpoint|create or replace table _build_metric_(?:daily|summary)) /.exec(`${sql} `)?.[1];
        if (made) seen.push(made);
        // (metric_daily's statements run on the main connection, where the hook may read)
        if (made?.endsWith('daily')) during.push(await threshold());
      }),
      parseConfig({}),
      { now: TEST_NOW, onPhase: (p) => phases.push(p.phase) },
    );
    expect(phases.filter((p) => p === CHECKPOINT_STEP)).toHaveLength(1);
    expect(steps.some((s) => s.model === CHECKPOINT_STEP)).toBe(false);
    expect(seen).toEqual(['create or replace table _build_metric_daily', 'checkpoint', 'create or replace table _build_metric_summary']);
    expect(during).toHaveLength(1);
    expect(during[0]).not.toBe(before);
    expect(await threshold()).toBe(before);

    phases.length = 0;
    await buildModels(w.db, parseConfig({}), { now: TEST_NOW, lanes: 1, onPhase: (p) => phases.push(p.phase) });
    expect(phases).not.toContain(CHECKPOINT_STEP);
  });

  it('builds the same marts on one connection as on two', async () => {
    await buildModels(w.db, parseConfig(SLA_TEST_CONFIG), { now: TEST_NOW, lanes: 1 });
    const one = await martRows(w.db, ['int_business_windows']);
    await buildModels(w.db, parseConfig(SLA_TEST_CONFIG), { now: TEST_NOW });
    expect(await martRows(w.db, ['int_business_windows'])).toEqual(one);
    expect(one['conversation_metrics']).toHaveLength(2);
  });

  it('leaves the last build’s marts when a build fails, and removes what a killed build left', async () => {
    const before = await w.db.one<{ at: string }>("select value as at from warehouse_meta where key = 'built_at'");
    // a build killed while it made its marts leaves them under their names of the build
    await w.db.run(`create table ${underConstruction('conversation_metrics')} as select 1 as x`);
    const failing = watched(w.db, (sql) => {
      if (sql.startsWith(`create table ${underConstruction('qa_autoqa')} as`)) throw new Error('disk full');
    });
    const threshold = async () => (await w.db.one<{ v: string }>("select current_setting('checkpoint_threshold') as v"))!.v;
    const configured = await threshold();
    await expect(buildModels(failing, parseConfig({}), { now: new Date(TEST_NOW.getTime() + 3_600_000) })).rejects.toThrow(/^model qa_autoqa failed: disk full$/);
    // the automatic checkpoints, off while two connections build, are on again
    expect(await threshold()).toBe(configured);
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
    // (read on the main connection as its marts are written: the setting is the database's)
    const watching = (fail?: string): Warehouse =>
      watched(w.db, async (sql, on) => {
        if (on === 'main' && sql.startsWith('create table _build_')) during.push(await setting());
        if (fail && sql.startsWith(`create table ${underConstruction(fail)} as`)) throw new Error('disk full');
      });
    await buildModels(watching(), parseConfig({}), { now: TEST_NOW });
    expect(during.length).toBeGreaterThan(3);
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

describe('pathsToEnd', () => {
  it('counts the most models on a path from each model to the end, itself included', () => {
    const m = (name: string, dependsOn: string[] = []): Model => ({ name, layer: 'marts', sql: '', dependsOn });
    const lengths = pathsToEnd([m('a'), m('b', ['a']), m('x'), m('c', ['a', 'b']), m('d', ['x'])]);
    expect(Object.fromEntries(lengths)).toEqual({ a: 3, b: 2, x: 2, c: 1, d: 1 });
  });
});

describe('buildLanes', () => {
  it('runs two models at once while the conversations fit in fewer row groups than there are threads', () => {
    expect(buildLanes(100_000, 2)).toBe(2);
    expect(buildLanes(122_880, 2)).toBe(2);
    expect(buildLanes(122_881, 2)).toBe(1);
    expect(buildLanes(1_000_000, 2)).toBe(1);
    expect(buildLanes(1_000_000, 16)).toBe(2);
    expect(buildLanes(100_000, 1)).toBe(1);
    expect(buildLanes(0, 2)).toBe(2);
  });
});

describe('runInLanes', () => {
  const model = (name: string, dependsOn: string[] = []): Model => ({ name, layer: 'marts', sql: '', dependsOn });
  // each model "runs" until the test lets it finish: the order of events is then the test's, not the clock's
  const harness = () => {
    const events: string[] = [];
    const finish = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
    const lanes: BuildLane[] = [
      { run: async () => undefined, main: true },
      { run: async () => undefined, main: false },
    ];
    const run = (m: Model, lane: BuildLane) =>
      new Promise<void>((resolve, reject) => {
        events.push(`${m.name}@${lane.main ? 'main' : 'extra'}`);
        finish.set(m.name, { resolve, reject });
      });
    const settle = () => new Promise((r) => setTimeout(r, 0));
    return { events, finish, lanes, run, settle };
  };

  it('starts a model once what it reads is built, on whichever lane is free, the main-only ones on the main lane', async () => {
    const h = harness();
    const models = [model('a'), model('b'), model('c', ['a']), model('g', ['b']), model('d', ['c', 'g'])];
    const done = runInLanes(models, new Set(), h.lanes, h.run, { placement: (m) => (m.name === 'g' ? { main: true } : {}) });
    await h.settle();
    expect(h.events).toEqual(['a@extra', 'b@main']);
    h.finish.get('a')!.resolve();
    await h.settle();
    // c is ready: the extra lane takes it
    expect(h.events).toEqual(['a@extra', 'b@main', 'c@extra']);
    h.finish.get('c')!.resolve();
    await h.settle();
    // g is not ready yet (b runs); then it is, but main-only
    expect(h.events).toHaveLength(3);
    h.finish.get('b')!.resolve();
    await h.settle();
    expect(h.events[3]).toBe('g@main');
    h.finish.get('g')!.resolve();
    await h.settle();
    expect(h.events[4]).toMatch(/^d@/);
    h.finish.get('d')!.resolve();
    await done;
  });

  it('runs a model again alone when it ran out of memory beside another, and fails when it does alone', async () => {
    const h = harness();
    const models = [model('a'), model('b'), model('c')];
    const oom = (e: unknown) => /Out of Memory/.test((e as Error).message);
    const done = runInLanes(models, new Set(), h.lanes, h.run, { retryAlone: oom });
    await h.settle();
    expect(h.events).toEqual(['a@extra', 'b@main']);
    h.finish.get('a')!.reject(new Error('model a failed: Out of Memory Error: failed to allocate'));
    await h.settle();
    // a waits for b: nothing starts beside it, c neither (a is first in the order again)
    expect(h.events).toHaveLength(2);
    h.finish.get('b')!.resolve();
    await h.settle();
    expect(h.events).toHaveLength(3);
    expect(h.events[2]).toMatch(/^a@/);
    h.finish.get('a')!.reject(new Error('model a failed: Out of Memory Error: failed to allocate'));
    await expect(done).rejects.toThrow('Out of Memory');
    expect(h.events).toHaveLength(3);
  });

  it('starts the ready model of highest priority, of equal ones the first in order', async () => {
    const h = harness();
    const models = [model('a'), model('b'), model('c'), model('d')];
    const priority = (m: Model) => ({ a: 1, b: 1, c: 3, d: 2 })[m.name]!;
    const done = runInLanes(models, new Set(), h.lanes, h.run, { priority });
    await h.settle();
    expect(h.events).toEqual(['c@extra', 'd@main']);
    h.finish.get('d')!.resolve();
    await h.settle();
    expect(h.events[2]).toBe('a@main');
    for (const n of ['c', 'a']) h.finish.get(n)!.resolve();
    await h.settle();
    h.finish.get('b')!.resolve();
    await done;
    expect(h.events).toHaveLength(4);
  });

  it('starts an afterWrites model only once every model running began after the last writing model ended', async () => {
    const h = harness();
    // w1 and w2 write; s1 and s2 do not (a scratch catalog); k is the checkpoint, after w1 and w2
    const models = [model('w1'), model('s1'), model('w2'), model('k', ['w1', 'w2']), model('s2', ['w2'])];
    const done = runInLanes(models, new Set(), h.lanes, h.run, { afterWrites: (m) => m.name === 'k', writes: (m) => m.name.startsWith('w') });
    await h.settle();
    expect(h.events).toEqual(['w1@extra', 's1@main']);
    h.finish.get('w1')!.resolve();
    await h.settle();
    expect(h.events[2]).toBe('w2@extra');
    h.finish.get('w2')!.resolve();
    await h.settle();
    // k is ready, but s1 began before w2 ended: s2 starts instead
    expect(h.events).toEqual(['w1@extra', 's1@main', 'w2@extra', 's2@extra']);
    h.finish.get('s1')!.resolve();
    await h.settle();
    // s2 began after the last write: k may start beside it
    expect(h.events[4]).toBe('k@main');
    for (const n of ['s2', 'k']) h.finish.get(n)!.resolve();
    await done;
  });

  it('after a failure starts nothing more, lets the running model finish, then throws', async () => {
    const h = harness();
    const models = [model('a'), model('b'), model('c'), model('d', ['a'])];
    let settled = false;
    const done = runInLanes(models, new Set(), h.lanes, h.run).finally(() => (settled = true));
    await h.settle();
    h.finish.get('a')!.reject(new Error('disk full'));
    await h.settle();
    expect(settled).toBe(false);
    h.finish.get('b')!.resolve();
    await expect(done).rejects.toThrow('disk full');
    expect(h.events).toEqual(['a@extra', 'b@main']);
  });
});
