/**
 * Notebook SQL reads the warehouse and nothing else (issue 20, item 14):
 * files, other databases, extensions and COPY … TO are refused in one line
 * before anything runs, and ordinary queries over the warehouse still run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversation, customer, on } from '../testing/fixtures.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { runQuery } from './query.js';
import { parseNotebook, renderNotebook } from './index.js';

let w: TestWarehouse;
let dir: string;
const ONLY = "a notebook reads only the warehouse's tables and views";
const NOT_A_QUERY = 'only a query (select … / with … select …) can run in a notebook; it never changes the warehouse';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-notebook-sql-'));
  writeFileSync(path.join(dir, 'secret.csv'), 'who,password\nada,hunter2\n');
  const at = on('2026-10-06');
  w = await testWarehouse({ records: [conversation('c1', [customer(at('09:00'))]), conversation('c2', [customer(at('10:00'))])] });
});
afterAll(() => {
  w.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('notebook queries read only the warehouse', () => {
  it.each([
    ['read_text of a local file', () => "select content from read_text('/etc/hostname')", 'read_text(…) reads outside the warehouse: ' + ONLY],
    ['read_csv of a local file', () => `select * from read_csv('${dir}/secret.csv')`, 'read_csv(…) reads outside the warehouse: ' + ONLY],
    ['a file named as a table', () => `select * from '${dir}/secret.csv'`, '"DIR/secret.csv" is not a table of the warehouse: ' + ONLY],
    [
      'a file read in a subquery',
      () => `select (select count(*) from read_blob('/etc/hostname')) as n from raw_conversations`,
      'read_blob(…) reads outside the warehouse: ' + ONLY,
    ],
    ['SQL run by query()', () => "select * from query('select 1')", 'query(…) reads outside the warehouse: ' + ONLY],
    ['a table of another catalog', () => 'select * from system.main.duckdb_settings', `"system.main.duckdb_settings" is not a table of the warehouse: ${ONLY}`],
    ['COPY … TO', () => `copy (select * from raw_conversations) to '${dir}/out.csv'`, NOT_A_QUERY],
    ['ATTACH', () => `attach '${dir}/other.duckdb' as other`, NOT_A_QUERY],
    ['INSTALL', () => 'install httpfs', NOT_A_QUERY],
    ['LOAD', () => 'load json', NOT_A_QUERY],
    ['SET', () => 'set enable_external_access = true', NOT_A_QUERY],
  ])('%s is refused in one line', async (_what, sql, message) => {
    const expected = message.replace('DIR', dir);
    await expect(runQuery(w.db, sql(), [])).rejects.toThrow(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it('leaves no file behind from a refused COPY or ATTACH', async () => {
    await runQuery(w.db, `copy (select 1) to '${dir}/copied.csv'`, []).catch(() => undefined);
    await runQuery(w.db, `attach '${dir}/attached.duckdb' as a2`, []).catch(() => undefined);
    expect(existsSync(path.join(dir, 'copied.csv'))).toBe(false);
    expect(existsSync(path.join(dir, 'attached.duckdb'))).toBe(false);
  });

  it('still runs queries over the warehouse: tables, CTEs, range, unnest, parameters', async () => {
    const r = await runQuery(
      w.db,
      `with ids as (select conversation_id from main.raw_conversations where created_at >= $1::timestamptz)
       select count(*) as n, max(i) as top, (select max(x) from unnest([3, 5]) as t(x)) as five from ids, range(2) as r(i)`,
      ['2026-10-06T09:30:00Z'],
    );
    // one conversation after 09:30 (c2) × two rows of range(2)
    expect(r.rows).toEqual([{ n: 2, top: 1, five: 5 }]);
  });

  it('leaves the data generation as it is, so the dashboard keeps its cached results', async () => {
    const before = w.db.generation();
    expect((await runQuery(w.db, 'select count(*) as n from raw_conversations', [])).rows).toEqual([{ n: 2 }]);
    expect(w.db.generation()).toBe(before);
    // a refused statement changed nothing either
    await runQuery(w.db, 'set threads = 1', []).catch(() => undefined);
    expect(w.db.generation()).toBe(before);
  });

  it('a notebook names the cell whose query was refused, and renders the rest', async () => {
    const nb = parseNotebook(
      "---\ntitle: Peek\n---\n\n```sql peek\nselect content from read_text('/etc/hostname')\n```\n\n```sql fine\nselect count(*) as n from raw_conversations\n```\n",
      'peek',
    );
    const { errors, html } = await renderNotebook(w.db, nb, {});
    expect(errors.map((e) => `${e.block}: ${e.message}`)).toEqual([`sql "peek": read_text(…) reads outside the warehouse: ${ONLY}`]);
    expect(html).not.toContain(readFileSync('/etc/hostname', 'utf8').trim());
  });
});
