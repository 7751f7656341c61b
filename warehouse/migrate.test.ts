/**
 * Schema migrations: a new file reaches the latest version, an older file is
 * upgraded in place keeping its rows, a second run does nothing, and a file
 * from a newer Parley is refused.
 */
import { TEST_NOW } from '../testing/clock.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from './connection.js';
import { LATEST_VERSION, migrate, migrations, schemaVersion } from './migrate.js';

let dir: string;
let dbPath: string;
const open: Warehouse[] = [];

async function openFile(): Promise<Warehouse> {
  const db = await openWarehouse(dbPath);
  open.push(db);
  return db;
}

function close(db: Warehouse) {
  db.close();
  open.splice(open.indexOf(db), 1);
}

async function tables(db: Warehouse): Promise<string[]> {
  const rows = await db.all<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'main' order by table_name");
  return rows.map((r) => r.table_name);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-migrate-'));
  dbPath = path.join(dir, 'warehouse.duckdb');
});

afterEach(() => {
  for (const db of open.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the shipped migrations', () => {
  it('are numbered 1, 2, 3… without gaps, the last being LATEST_VERSION', () => {
    const versions = migrations().map((m) => m.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    expect(versions.at(-1)).toBe(LATEST_VERSION);
    expect(LATEST_VERSION).toBeGreaterThanOrEqual(2);
  });
});

describe('migrate', () => {
  it('brings a new file to LATEST_VERSION', async () => {
    const db = await openFile();
    expect(await schemaVersion(db)).toBe(0);
    const applied = await migrate(db, undefined, TEST_NOW);
    expect(applied).toEqual(migrations().map((m) => m.version));
    expect(await schemaVersion(db)).toBe(LATEST_VERSION);
    expect(await tables(db)).toEqual(
      expect.arrayContaining(['load_log', 'quarantine', 'raw_conversations', 'raw_messages', 'raw_events', 'raw_surveys', 'raw_agents', 'schema_migrations']),
    );
    const recorded = await db.all('select version, name from schema_migrations order by version');
    expect(recorded).toEqual(migrations().map((m) => ({ version: m.version, name: m.name })));
  });

  it('upgrades an older warehouse in place, keeping its rows and gaining raw_agents', async () => {
    const old = await openFile();
    expect(await migrate(old, 1, TEST_NOW)).toEqual([1]);
    expect(await tables(old)).not.toContain('raw_agents');
    await old.run(
      `insert into raw_conversations (source, conversation_id, channel, created_at, customer_id, tags, load_id, file, line)
       values ('canonical', 'c1', 'email', '2026-10-04T09:15:00Z', 'u1', ['vip'], 1, 'a.jsonl', 1)`,
    );
    await old.run(
      `insert into raw_messages (source, conversation_id, seq, message_id, sent_at, author_role, body, internal)
       values ('canonical', 'c1', 0, 'm1', '2026-10-04T09:15:00Z', 'customer', 'hello', false),
              ('canonical', 'c1', 1, 'm2', '2026-10-04T09:20:00Z', 'agent', 'hi', false)`,
    );
    close(old);

    const db = await openFile();
    expect(await schemaVersion(db)).toBe(1);
    const applied = await migrate(db, undefined, TEST_NOW);
    expect(applied).toEqual(
      migrations()
        .filter((m) => m.version > 1)
        .map((m) => m.version),
    );
    expect(await schemaVersion(db)).toBe(LATEST_VERSION);
    expect(await tables(db)).toContain('raw_agents');
    expect(await db.all('select conversation_id, channel, created_at, tags from raw_conversations')).toEqual([
      { conversation_id: 'c1', channel: 'email', created_at: new Date('2026-10-04T09:15:00Z'), tags: ['vip'] },
    ]);
    expect(await db.all('select message_id, body from raw_messages order by seq')).toEqual([
      { message_id: 'm1', body: 'hello' },
      { message_id: 'm2', body: 'hi' },
    ]);
    await db.run("insert into raw_agents (agent_id, name, team, load_id) values ('a1', 'Ada', 'billing', 2)");
    expect(await db.one('select count(*) as n from raw_agents')).toEqual({ n: 1 });
  });

  it('gives a warehouse of version 17 the SLA policy rule sla_when_matches, so the live page works before the next build', async () => {
    const old = await openFile();
    await migrate(old, 17, TEST_NOW);
    close(old);
    const db = await openFile();
    expect(await migrate(db, undefined, TEST_NOW)).toEqual(
      migrations()
        .filter((m) => m.version > 17)
        .map((m) => m.version),
    );
    // a key not named matches everything; every key named must match (spec/metrics.md, Service-level agreements)
    const matches = (when: string, conversation: string) => db.one<{ m: boolean }>(`select sla_when_matches(${when}, ${conversation}) as m`).then((r) => r?.m);
    const none = 'null::varchar[], null::varchar[], null::varchar[], null::varchar[], null::varchar[], null::varchar[]';
    const emailBilling = "['email'], null::varchar[], ['billing'], null::varchar[], null::varchar[], null::varchar[]";
    expect(await matches(none, "'chat', 'low', 'support', 'refund', 'zendesk', 'smb'")).toBe(true);
    expect(await matches(emailBilling, "'email', 'low', 'billing', 'refund', 'zendesk', 'smb'")).toBe(true);
    expect(await matches(emailBilling, "'email', 'low', 'support', 'refund', 'zendesk', 'smb'")).toBe(false);
    expect(await matches(emailBilling, "'chat', 'low', 'billing', 'refund', 'zendesk', 'smb'")).toBe(false);
  });

  it('is idempotent: a second run applies nothing and changes nothing', async () => {
    const db = await openFile();
    await migrate(db, undefined, TEST_NOW);
    const before = await db.all('select version, name, applied_at from schema_migrations order by version');
    expect(await migrate(db, undefined, TEST_NOW)).toEqual([]);
    expect(await db.all('select version, name, applied_at from schema_migrations order by version')).toEqual(before);
    close(db);
    const again = await openFile();
    expect(await migrate(again, undefined, TEST_NOW)).toEqual([]);
    expect(await schemaVersion(again)).toBe(LATEST_VERSION);
  });

  it('refuses a warehouse written by a newer Parley, with a message saying so', async () => {
    const db = await openFile();
    await migrate(db, undefined, TEST_NOW);
    const future = LATEST_VERSION + 1;
    await db.run("insert into schema_migrations values ($1, 'from-the-future', current_timestamp)", [future]);
    const error = await migrate(db, undefined, TEST_NOW).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toBe(`the warehouse ${dbPath} has schema version ${future}, newer than this Parley knows (${LATEST_VERSION}): upgrade Parley`);
    expect(error!.message).not.toContain('\n');
    // nothing was applied or removed
    expect(await schemaVersion(db)).toBe(future);
  });
});

describe('a warehouse that skipped a version', () => {
  it('gets every missing migration, not only those above its highest', async () => {
    const db = await openWarehouse(':memory:');
    try {
      // later versions landed before an earlier one (as happens while parts are built side by side):
      // every migration but 004 (insights, which no later one needs) is already there
      const skipped = 4;
      await migrate(db, 1, TEST_NOW);
      for (const m of migrations().filter((m) => m.version !== 1 && m.version !== skipped)) {
        await db.run(m.sql);
        await db.run('insert into schema_migrations values ($1, $2, current_timestamp)', [m.version, m.name]);
      }
      expect(await migrate(db, undefined, TEST_NOW)).toEqual([skipped]);
      expect(await migrate(db, undefined, TEST_NOW)).toEqual([]);
    } finally {
      db.close();
    }
  });
});
