/**
 * The one test warehouse: an in-memory warehouse, migrated, loaded through
 * the real loader with hand-written canonical records, export files or an
 * adapter's export, and (optionally) with the models built. Tests state
 * their expected values by hand from spec/metrics.md.
 *
 * Test support only: production code never imports `testing/`.
 *
 * @example
 *   const w = await testWarehouse({ records: [conversation('c1', [customer(at('09:00')), agent(at('09:05'))])], build: true });
 *   expect((await w.metrics('c1')).first_response_s).toBe(300);
 *   w.close();
 *
 *   const z = await testWarehouse({ adapter: twcsAdapter, files: [fixture('twcs-bad.csv')] });
 *   expect(await z.quarantine()).toHaveLength(3);
 *   z.close();
 */
import { TEST_NOW } from './clock.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWarehouse, type Row, type Warehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { loadFiles, type LoadSummary } from '../ingest/load.js';
import type { Adapter, PrepareOptions } from '../ingest/adapters/types.js';
import { buildModels, discoverModels } from '../models/build.js';
import { DAILY_MARTS } from '../models/daily.js';
import { parseConfig, type ConfigInput } from '../models/config.js';
import { summarySql, type Dimension } from '../models/summary.js';

export interface TestWarehouseOptions extends PrepareOptions {
  /** Canonical conversation records, written to a JSONL file and loaded. */
  records?: readonly object[];
  /** Canonical agent records, loaded beside `records`. */
  agents?: readonly object[];
  /** Export files: loaded as they are, or through `adapter` when one is given. */
  files?: readonly string[];
  /** The adapter that prepares `files` for the loader. */
  adapter?: Adapter;
  /** Build the models after the load: `true` for the default configuration, or a configuration. */
  build?: boolean | ConfigInput;
  /** The moment of the load and build (default: {@link TEST_NOW}). */
  now?: Date;
  /** The warehouse file (default: in memory). */
  path?: string;
  /** Reader connections, as a server has them (default none: every query on the main connection). */
  readers?: number;
}

export interface TestWarehouse {
  db: Warehouse;
  /** The loader's summary (all zeros when nothing was given to load). */
  load: LoadSummary;
  /** The conversation_metrics row of one conversation. */
  metrics(conversationId: string, source?: string): Promise<Row>;
  /** The summary grouped by `dims`. */
  summary(dims?: Dimension[]): Promise<Row[]>;
  quarantine(): Promise<{ file: string; line: number; reason: string; raw: string }[]>;
  /** The canonical conversation as stored, messages and events in order. */
  conversation(id: string): Promise<{ messages: Record<string, unknown>[]; events: Record<string, unknown>[]; conversation: Record<string, unknown> }>;
  close(): void;
}

const NOTHING_LOADED: LoadSummary = {
  files: 0,
  read: 0,
  loaded: 0,
  quarantined: 0,
  replaced: 0,
  removed: 0,
  duplicates: 0,
  loadedByKind: { conversation: 0, agents: 0, outcomes: 0 },
  seconds: 0,
  loadId: 0,
  perFile: [],
};

/** Opens, migrates, loads what `options` names and builds the models when asked. */
export async function testWarehouse(options: TestWarehouseOptions = {}): Promise<TestWarehouse> {
  const db = await openWarehouse(options.path ?? ':memory:', { readers: options.readers ?? 0 });
  try {
    await migrate(db, undefined, options.now ?? TEST_NOW);
    const load = await loadInto(db, options);
    if (options.build) await buildModels(db, parseConfig(options.build === true ? {} : options.build), { now: options.now ?? TEST_NOW });
    return handle(db, load);
  } catch (error) {
    db.close();
    throw error;
  }
}

async function loadInto(db: Warehouse, options: TestWarehouseOptions): Promise<LoadSummary> {
  const loadOptions = { now: options.now ?? TEST_NOW };
  if (options.adapter) {
    const prepared = await options.adapter.prepare(db, options.files ?? [], options);
    try {
      return await loadFiles(db, prepared.inputs, loadOptions);
    } finally {
      await prepared.cleanup();
    }
  }
  const files = [...(options.files ?? [])];
  const dir = options.records || options.agents ? mkdtempSync(path.join(tmpdir(), 'parley-test-')) : undefined;
  const write = (name: string, records: readonly object[]) => files.push(writeJsonl(path.join(dir!, name), records));
  try {
    if (options.records) write('conversations.jsonl', options.records);
    if (options.agents) write('agents.jsonl', options.agents);
    if (files.length === 0) return NOTHING_LOADED;
    return await loadFiles(
      db,
      files.map((file) => ({ file })),
      { ...loadOptions, ...(options.source ? { source: options.source } : {}) },
    );
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function handle(db: Warehouse, load: LoadSummary): TestWarehouse {
  return {
    db,
    load,
    async metrics(conversationId, source = 'canonical') {
      const row = await db.one('select * from conversation_metrics where conversation_id = $1 and source = $2', [conversationId, source]);
      if (!row)
        throw new Error(
          `no conversation ${source}/${conversationId} in conversation_metrics (quarantined? ${JSON.stringify(await db.all('select line, reason from quarantine'))})`,
        );
      return row;
    },
    summary: (dims = []) => db.all(summarySql(dims)),
    quarantine: () => db.all('select file, line, reason, raw from quarantine order by file, line'),
    async conversation(id) {
      const conversation = (await db.one('select * from raw_conversations where conversation_id = $1', [id]))!;
      const messages = await db.all('select * from raw_messages where conversation_id = $1 order by seq', [id]);
      const events = await db.all('select * from raw_events where conversation_id = $1 order by seq', [id]);
      return { conversation, messages, events };
    },
    close: () => db.close(),
  };
}

/**
 * `db` with every SQL text it is asked to read (`all`) recorded in `seen`:
 * for tests that a read was made, or was not (a cache hit).
 *
 * @example
 *   const seen: string[] = [];
 *   await loadOverview(recordingReads(w.db, seen), filters);
 *   expect(seen.some((sql) => sql.includes('conversation_metrics'))).toBe(false);
 */
export function recordingReads(db: Warehouse, seen: string[]): Warehouse {
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'all') return (sql: string, params?: unknown[]) => (seen.push(sql), target.all(sql, params as never));
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Every mart of `db` (and the `extra` tables), each as its rows in JSON, sorted, with non-integer numbers to 12
 * significant digits (DuckDB sums doubles in no fixed order): two builds that should agree compare equal.
 */
export async function martRows(db: Warehouse, extra: readonly string[] = []): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const names = [
    ...discoverModels()
      .filter((m) => m.layer === 'marts')
      .map((m) => m.name),
    'metric_summary',
    ...DAILY_MARTS,
    ...extra,
  ];
  for (const name of names) {
    const rows = await db.all(`select * from ${name}`);
    out[name] = rows.map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v))).sort();
  }
  return out;
}

/** Writes `records` to `file` as JSON lines; returns `file`. */
function writeJsonl(file: string, records: readonly object[]): string {
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

/** Loads `records` into `db` through the real loader, from a JSONL file of their own, as a later export arrives. */
export async function loadRecords(db: Warehouse, records: readonly object[], now: Date = TEST_NOW): Promise<LoadSummary> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-records-'));
  try {
    return await loadFiles(db, [{ file: writeJsonl(path.join(dir, 'conversations.jsonl'), records) }], { now });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
