/**
 * Demo accounts live only in a warehouse of demo data: loading another
 * source's export into a demo warehouse disables them, ends their sessions
 * and clears the demo mark (so the banner goes); `parley demo` refuses a
 * warehouse that holds other data; migration 007 does the same for demo
 * warehouses made before it.
 */
import { TEST_NOW } from '../../testing/clock.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addAccount, isDemoWarehouse, listAccounts, sessionAccount, signIn } from '../../accounts/index.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../../demo/seed.js';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.js';
import { migrate } from '../../warehouse/migrate.js';
import { parley } from '../../testing/cli.js';
import { goodConversation } from '../../testing/records.js';
import { testWarehouse } from '../../testing/warehouse.js';

const dir = mkdtempSync(path.join(tmpdir(), 'parley-demo-accounts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date('2026-10-05T09:00:00Z');

function exportFile(name: string, ids: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, ids.map((id) => JSON.stringify(goodConversation(id))).join('\n') + '\n');
  return file;
}

/** A demo warehouse as `parley demo` leaves it: demo conversations, the mark, the demo accounts, a real admin added since. */
async function demoWarehouse(name: string): Promise<{ db: string; token: string }> {
  const db = path.join(dir, name);
  const w = await testWarehouse({ records: [goodConversation('d1'), goodConversation('d2')], source: 'demo', path: db, now });
  try {
    await w.db.run("insert into warehouse_meta values ('demo', 'true')");
    expect(await seedDemoAccounts(w.db, TEST_NOW)).toHaveLength(8);
    await addAccount(w.db, { username: 'ada', password: 'a long passphrase', role: 'admin' }, TEST_NOW);
    return { db, token: (await signIn(w.db, 'supervisor', DEMO_PASSWORD, TEST_NOW))! };
  } finally {
    w.close();
  }
}

describe('loading a non-demo export into a demo warehouse', () => {
  it('disables the demo accounts, ends their sessions and clears the demo mark; other accounts stay', async () => {
    const { db, token } = await demoWarehouse('demo.duckdb');
    const run = await parley('ingest', exportFile('acme.jsonl', ['a1', 'a2', 'a3']), '--source', 'acme', '--db', db);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^loaded 3 conversations from 1 file/);
    expect(run.err.trim().split('\n').at(-1)).toBe(
      'note: the warehouse held demo data only, so it is no longer marked as a demo and its demo accounts are disabled ' +
        '(admin, agent, ana, ben, leadership, product, reviewer, supervisor); add your own with parley user add NAME --role admin',
    );
    const w = await openWarehouse(db);
    try {
      expect(await isDemoWarehouse(w)).toBe(false);
      const accounts = await listAccounts(w, TEST_NOW);
      expect(accounts.map((a) => [a.username, a.status, a.demo])).toEqual([
        ['ada', 'active', false],
        ['admin', 'disabled', true],
        ['agent', 'disabled', true],
        ['ana', 'disabled', true],
        ['ben', 'disabled', true],
        ['leadership', 'disabled', true],
        ['product', 'disabled', true],
        ['reviewer', 'disabled', true],
        ['supervisor', 'disabled', true],
      ]);
      expect(await sessionAccount(w, token, TEST_NOW)).toBeNull();
      await expect(signIn(w, 'admin', DEMO_PASSWORD, TEST_NOW)).rejects.toThrow('This account is disabled');
    } finally {
      w.close();
    }
    // a second load has no demo to end and says nothing of it
    const again = await parley('ingest', exportFile('acme-2.jsonl', ['a4']), '--source', 'acme', '--db', db);
    expect(again.code).toBe(0);
    expect(again.err).not.toContain('note:');
  });

  it('keeps a demo warehouse a demo while only demo data arrive', async () => {
    const { db, token } = await demoWarehouse('demo-only.duckdb');
    const run = await parley('ingest', exportFile('more-demo.jsonl', ['d3']), '--source', 'demo', '--json', '--db', db);
    expect(run.code).toBe(0);
    expect(run.err).not.toContain('note:');
    const w = await openWarehouse(db);
    try {
      expect(await isDemoWarehouse(w)).toBe(true);
      expect((await listAccounts(w, TEST_NOW)).every((a) => a.status === 'active')).toBe(true);
      expect(await sessionAccount(w, token, TEST_NOW)).toMatchObject({ username: 'supervisor' });
    } finally {
      w.close();
    }
  });
});

describe('parley demo on a warehouse that holds other data', () => {
  it('refuses in one line, exit 1, and seeds no demo accounts', async () => {
    const db = path.join(dir, 'acme.duckdb');
    (await testWarehouse({ records: [goodConversation('a1')], source: 'acme', path: db, now })).close();
    const run = await parley('demo', '--no-serve', '--db', db);
    expect(run).toEqual({
      code: 1,
      out: '',
      err:
        `parley demo: the warehouse ${db} holds data other than the demo's (source acme), and demo accounts go only into a demo warehouse: ` +
        'run the demo on another file (--db demo.duckdb), or serve this one with parley serve\n',
    });
    const w = await openWarehouse(db);
    try {
      expect(await listAccounts(w, TEST_NOW)).toEqual([]);
      expect(await isDemoWarehouse(w)).toBe(false);
    } finally {
      w.close();
    }
  });
});

describe('migration 007 on a warehouse made before it', () => {
  async function before(sources: string[]): Promise<Warehouse> {
    const w = await openWarehouse(':memory:');
    await migrate(w, 5, TEST_NOW);
    await w.run("insert into warehouse_meta values ('demo', 'true')");
    for (const [i, source] of sources.entries()) {
      await w.run(
        "insert into raw_conversations (source, conversation_id, channel, created_at, customer_id, load_id, file, line) values ($1, $2, 'email', now(), 'c', 1, 'f', 1)",
        [source, `c${i}`],
      );
    }
    for (const username of ['admin', 'reviewer', 'ada']) {
      await w.run("insert into accounts values ($1, 'x', 'admin', null, now())", [username]);
    }
    await w.run("insert into sessions values ('h', 'reviewer', now(), now() + interval 1 hour)");
    return w;
  }

  it('marks the demo names of a demo warehouse as demo accounts', async () => {
    const w = await before(['demo']);
    try {
      await migrate(w, undefined, TEST_NOW);
      expect((await listAccounts(w, TEST_NOW)).map((a) => [a.username, a.demo, a.status])).toEqual([
        ['ada', false, 'active'],
        ['admin', true, 'active'],
        ['reviewer', true, 'active'],
      ]);
      expect(await isDemoWarehouse(w)).toBe(true);
    } finally {
      w.close();
    }
  });

  it('ends the demo of one that other data were loaded into already', async () => {
    const w = await before(['demo', 'acme']);
    try {
      await migrate(w, undefined, TEST_NOW);
      expect((await listAccounts(w, TEST_NOW)).map((a) => [a.username, a.status])).toEqual([
        ['ada', 'active'],
        ['admin', 'disabled'],
        ['reviewer', 'disabled'],
      ]);
      expect(await w.all('select * from sessions')).toEqual([]);
      expect(await isDemoWarehouse(w)).toBe(false);
    } finally {
      w.close();
    }
  });
});
