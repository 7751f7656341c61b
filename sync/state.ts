/**
 * The cursor of each API sync, kept in the warehouse (`sync_state`,
 * migrations/014-sync-state.sql): one row per (platform, source). The page
 * loop (run.ts) writes it inside the transaction that lands the page, so
 * the stored cursor is always the one after the last landed page.
 *
 * @example
 *   const state = await readSyncState(db, 'zendesk', 'zendesk');
 *   // { cursor: 'MTU3NjYxMzUzOS4wfHw0Njd8', position: 1576613539, pages: 3, records: 250, last_error: null, ... }
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tables, type SyncState } from '../warehouse/tables.js';

export type { SyncState };

/** The stored state of one sync, or undefined before its first page. */
export async function readSyncState(db: Warehouse, platform: string, source: string): Promise<SyncState | undefined> {
  return tables(db).selectFrom('sync_state').selectAll().where('platform', '=', platform).where('source', '=', source).executeTakeFirst();
}

/** Every sync's state (for `parley jobs list` and the README's example). */
export function listSyncStates(db: Warehouse): Promise<SyncState[]> {
  return tables(db).selectFrom('sync_state').selectAll().orderBy('platform').orderBy('source').execute();
}

export interface CursorWrite {
  platform: string;
  source: string;
  cursor: string | null;
  position: number | null;
  pages: number;
  records: number;
  now: Date;
}

/** Stores the cursor after a landed page (and clears the last error). Call it inside the page's transaction. */
export async function saveCursor(db: Warehouse, w: CursorWrite): Promise<void> {
  const t = tables(db);
  await t.deleteFrom('sync_state').where('platform', '=', w.platform).where('source', '=', w.source).execute();
  await t
    .insertInto('sync_state')
    .values({ platform: w.platform, source: w.source, cursor: w.cursor, position: w.position, synced_at: w.now, pages: w.pages, records: w.records, last_error: null })
    .execute();
}

/** Records why a run stopped, keeping the cursor of the last landed page (a sync that never landed a page gets a row without one). */
export async function saveError(db: Warehouse, platform: string, source: string, error: string, now: Date): Promise<void> {
  const t = tables(db);
  await db.transaction(async () => {
    const found = await readSyncState(db, platform, source);
    if (found) {
      await t.updateTable('sync_state').set({ last_error: error }).where('platform', '=', platform).where('source', '=', source).execute();
    } else {
      await t.insertInto('sync_state').values({ platform, source, cursor: null, position: null, synced_at: now, pages: 0, records: 0, last_error: error }).execute();
    }
  });
}
