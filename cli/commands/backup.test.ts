/**
 * `parley backup FILE`: a copy with every table and view of the warehouse,
 * that opens on its own; an existing file is never overwritten.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { parley } from '../../testing/cli.js';
import { agent, conversation, customer, on } from '../../testing/fixtures.js';

const at = on('2026-10-06');
import { testWarehouse } from '../../testing/warehouse.js';

let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-backup-'));
  db = path.join(dir, 'w.duckdb');
  const w = await testWarehouse({
    path: db,
    records: [conversation('b1', [customer(at('09:00'), 'hello'), agent(at('09:05'))]), conversation('b2', [customer(at('10:00'), 'again')])],
    build: true,
  });
  w.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley backup', () => {
  it('writes a copy that holds the same tables, views and rows', async () => {
    const copy = path.join(dir, 'backups', 'copy.duckdb');
    const r = await parley('backup', copy, '--db', db);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^copied the warehouse to .*copy\.duckdb \(\d+\.\d MB\) in \d+\.\d s\n$/);
    const tablesOf = async (file: string) => {
      const w = await openWarehouse(file);
      try {
        const names = await w.all<{ table_name: string; table_type: string }>(
          "select table_name, table_type from information_schema.tables where table_schema = 'main' and table_catalog = current_database() order by table_name",
        );
        const counts = await w.all('select count(*) as n, count(distinct conversation_id) as c from conversation_metrics');
        return { names, counts };
      } finally {
        w.close();
      }
    };
    const [original, copied] = [await tablesOf(db), await tablesOf(copy)];
    expect(copied).toEqual(original);
    expect(original.counts).toEqual([{ n: 2, c: 2 }]);
    expect(original.names.some((t) => t.table_type === 'VIEW')).toBe(true);
  });

  it('refuses a file that exists, and says so in one line', async () => {
    const r = await parley('backup', db, '--db', db);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`parley backup: ${db} exists: name a new file (a backup never overwrites one)\n`);
    expect(existsSync(db)).toBe(true);
  });

  it('needs the file to write', async () => {
    const r = await parley('backup', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^parley backup: give the file to write the copy to; run 'parley backup --help'\n$/);
  });
});
