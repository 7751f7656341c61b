/**
 * The page loop with a scripted platform of canonical records: each page
 * lands with its cursor in one transaction, a failure mid-page lands nothing
 * of it and a rerun resumes after the last landed page, pages that go back
 * stop the sync, and the stored state says where it stands.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { goodConversation } from '../testing/records.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { SyncError } from './http.js';
import { runSync, type PlatformSync, type SyncPage } from './run.js';
import { readSyncState } from './state.js';

let w: TestWarehouse | undefined;
afterEach(() => {
  w?.close();
  w = undefined;
});

/** Page i of the script: conversations named by `ids`, cursor `c<i>`, position 1000·i. */
const page = (i: number, ids: string[]): SyncPage => ({ records: ids.map((id) => goodConversation(id)), cursor: `c${i}`, position: 1000 * i, where: `page ${i}` });

/** A platform whose pages are `script` (after the stored cursor `c<i>`, the pages after i); `failAt` throws inside that page. */
function scripted(script: SyncPage[], failAt?: { page: number; error: Error }): PlatformSync & { asked: (string | null)[] } {
  const asked: (string | null)[] = [];
  return {
    platform: 'test',
    label: 'Test',
    format: 'canonical',
    asked,
    async *pages(from) {
      asked.push(from?.cursor ?? null);
      const start = from?.cursor ? Number(from.cursor.slice(1)) : 0;
      for (const p of script.slice(start)) {
        if (failAt && p.cursor === `c${failAt.page}`) throw failAt.error;
        yield p;
      }
    },
  };
}

const ids = async () => (await w!.db.all<{ id: string }>('select conversation_id as id from raw_conversations order by 1')).map((r) => r.id);

describe('runSync', () => {
  it('lands each page with its cursor, through the loader and its load log', async () => {
    w = await testWarehouse();
    const sync = scripted([page(1, ['a', 'b']), page(2, ['c']), page(3, [])]);
    const s = await runSync(w.db, sync, { source: 'acme', now: TEST_NOW });
    expect(s).toMatchObject({ pages: 3, read: 3, loaded: 3, quarantined: 0, cursor: 'c3', resumed: false, loadIds: [1, 2] });
    expect(await ids()).toEqual(['a', 'b', 'c']);
    expect(await w.db.all('select distinct source from raw_conversations')).toEqual([{ source: 'acme' }]);
    expect(await w.db.all('select load_id, read, loaded from load_log order by 1')).toEqual([
      { load_id: 1, read: 2, loaded: 2 },
      { load_id: 2, read: 1, loaded: 1 },
    ]);
    expect(await readSyncState(w.db, 'test', 'acme')).toEqual({
      platform: 'test',
      source: 'acme',
      cursor: 'c3',
      position: 3000,
      synced_at: TEST_NOW,
      pages: 3,
      records: 3,
      last_error: null,
    });
  });

  it('lands nothing of a page that fails midway, keeps the cursor before it, and resumes from there', async () => {
    w = await testWarehouse();
    const script = [page(1, ['a']), page(2, ['b']), page(3, ['c'])];
    const refused = new SyncError('auth', 'the token was refused: set TEST_TOKEN');
    await expect(runSync(w.db, scripted(script, { page: 3, error: refused }), { now: TEST_NOW })).rejects.toThrow('the token was refused: set TEST_TOKEN');
    expect(await ids()).toEqual(['a', 'b']);
    expect(await readSyncState(w.db, 'test', 'test')).toMatchObject({ cursor: 'c2', pages: 2, last_error: 'the token was refused: set TEST_TOKEN' });

    const again = scripted(script);
    const s = await runSync(w.db, again, { now: TEST_NOW });
    expect(again.asked).toEqual(['c2']);
    expect(s).toMatchObject({ pages: 1, read: 1, resumed: true, cursor: 'c3' });
    expect(await ids()).toEqual(['a', 'b', 'c']);
    expect(await readSyncState(w.db, 'test', 'test')).toMatchObject({ cursor: 'c3', last_error: null });
  });

  it('lands nothing of a page whose cursor cannot be stored: records and cursor are one transaction', async () => {
    w = await testWarehouse();
    await runSync(w.db, scripted([page(1, ['a'])]), { now: TEST_NOW });
    // the cursor's table is gone, so storing the cursor fails inside the page's load: the load must roll back with it
    await w.db.run('alter table sync_state rename to sync_state_away');
    await expect(runSync(w.db, scripted([page(1, ['a']), page(2, ['b'])]), { now: TEST_NOW })).rejects.toThrow(/sync_state/);
    expect(await ids()).toEqual(['a']);
    expect(await w.db.all('select load_id from load_log')).toEqual([{ load_id: 1 }]);
  });

  it('stops at a page that goes back, saying where, and lands nothing of it', async () => {
    w = await testWarehouse();
    const back: SyncPage = { ...page(3, ['c']), position: 1500, where: 'the page after cursor c2' };
    const e = await runSync(w.db, scripted([page(1, ['a']), page(2, ['b']), back]), { now: TEST_NOW }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect((e as SyncError).message).toBe(
      "the Test API's pages are out of order: page 3 of this run (the page after cursor c2) goes back to 1970-01-01T00:25:00Z, before 1970-01-01T00:33:20Z where the last landed page ended; nothing of it was loaded — run the sync again with --full",
    );
    expect(await ids()).toEqual(['a', 'b']);
    expect(await readSyncState(w.db, 'test', 'test')).toMatchObject({ cursor: 'c2', position: 2000 });
  });

  it('starts from the beginning with full, whatever the stored cursor', async () => {
    w = await testWarehouse();
    await runSync(w.db, scripted([page(1, ['a']), page(2, ['b'])]), { now: TEST_NOW });
    const again = scripted([page(1, ['a']), page(2, ['b'])]);
    const s = await runSync(w.db, again, { now: TEST_NOW, full: true });
    expect(again.asked).toEqual([null]);
    expect(s).toMatchObject({ pages: 2, read: 2, resumed: false });
    expect(await ids()).toEqual(['a', 'b']);
  });
});
