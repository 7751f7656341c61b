/**
 * Demo accounts live only in a warehouse that holds nothing but demo data.
 * `parley demo` marks such a warehouse (warehouse_meta `demo` = `true`, which
 * puts the demo banner on every dashboard page) and seeds its accounts with
 * `accounts.demo` set. Once conversations of any other source are loaded into
 * it, {@link endDemo} disables those accounts, ends their sessions and clears
 * the mark; the loader calls it at the end of every load (ingest/load.ts), so
 * every way of loading (the CLI, a job, an upload) does it.
 *
 * @example
 *   await endDemo(db, now); // ['admin', 'supervisor', …] when it ended a demo, else null
 */
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';
import { endSessions } from './login-sessions.js';

/** The source of the generated demo conversations. */
export const DEMO_SOURCE = 'demo';

/** True when warehouse_meta marks the warehouse as holding demo data only. */
export async function isDemoWarehouse(db: Warehouse): Promise<boolean> {
  const row = await db.one<{ value: string }>("select value from warehouse_meta where key = 'demo'");
  return row?.value === 'true';
}

/**
 * Up to `limit` sources of conversations that are not the demo's, by name: empty
 * when the warehouse holds demo data or nothing.
 *
 * @example
 *   await otherSources(db); // ['zendesk']
 */
export async function otherSources(db: Warehouse, limit = 3): Promise<string[]> {
  const rows = await db.all<{ source: string }>(`select distinct source from raw_conversations where source <> '${DEMO_SOURCE}' order by source limit ${Math.floor(limit)}`);
  return rows.map((r) => r.source);
}

/**
 * When a demo warehouse now holds other data: disables its demo accounts,
 * ends their sessions and clears the demo mark. Resolves to the accounts it
 * disabled, or null when the warehouse was no demo warehouse holding other
 * data. Runs inside the caller's transaction, if any.
 */
export async function endDemo(db: Warehouse, now = new Date()): Promise<string[] | null> {
  if (!(await isDemoWarehouse(db)) || (await otherSources(db, 1)).length === 0) return null;
  const t = tables(db);
  const names = (await t.selectFrom('accounts').select('username').where('demo', '=', true).where('disabled_at', 'is', null).orderBy('username').execute()).map((r) => r.username);
  if (names.length) {
    await t
      .updateTable('accounts')
      .set({ disabled_at: sql<Date>`cast(${now.toISOString()} as timestamptz)` })
      .where('username', 'in', names)
      .execute();
    for (const username of names) await endSessions(db, { username }, now);
  }
  await db.run("delete from warehouse_meta where key = 'demo'");
  return names;
}
