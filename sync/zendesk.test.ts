/**
 * Contract tests of the Zendesk sync against the local contract server
 * (testing/contract/zendesk.ts), built from the adapter's fixtures: the
 * fixture's five tickets (1 loads; 2 is deleted, 3 merged, 4 names an
 * unknown author, 5 has a bad date: quarantined) and four copies of ticket 1
 * (ids 101–104), three tickets a page, so three pages:
 * [1, 2, 3], [4, 5, 101], [102, 103, 104].
 * The expected values are worked out by hand from that data; no test waits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { startZendeskContract, type ZendeskContract } from '../testing/contract/zendesk.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { zendeskApiAdapter } from '../ingest/adapters/zendesk-api.js';
import type { Warehouse } from '../warehouse/connection.js';
import { SyncError } from './http.js';
import { runSync } from './run.js';
import { readSyncState } from './state.js';
import { zendeskHttp, zendeskSync } from './zendesk.js';

/** 2026-01-10T00:00:00Z, the contract's first generated_timestamp; tickets follow a minute apart. */
const T0 = 1768003200;
const cursor = (generated: number, id: number) => Buffer.from(`${generated}.0||${id}|`).toString('base64');
/** The cursor after each page: after ticket 3 (3rd), 101 (6th), 104 (9th). */
const AFTER_PAGE_1 = cursor(T0 + 2 * 60, 3);
const AFTER_PAGE_3 = cursor(T0 + 8 * 60, 104);
const LOADED = ['1', '101', '102', '103', '104'];

let zd: ZendeskContract | undefined;
const open: TestWarehouse[] = [];
afterEach(async () => {
  for (const w of open.splice(0)) w.close();
  await zd?.close();
  zd = undefined;
});

async function warehouse(options: Parameters<typeof testWarehouse>[0] = {}): Promise<Warehouse> {
  const w = await testWarehouse(options);
  open.push(w);
  return w.db;
}

/** A sync against the contract whose sleeps are recorded (and move its clock), never waited. */
function sync(db: Warehouse, contract: ZendeskContract, options: { full?: boolean; retries?: number } = {}) {
  const waits: number[] = [];
  let clock = TEST_NOW.getTime();
  const http = zendeskHttp({ base_url: contract.url }, contract.credentials, {
    retries: options.retries ?? 5,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    now: () => new Date(clock),
  });
  const run = runSync(db, zendeskSync(http, { startTime: 0 }), { now: TEST_NOW, ...(options.full ? { full: true } : {}) });
  return { run, waits };
}

const ids = async (db: Warehouse) => (await db.all<{ id: string }>('select conversation_id as id from raw_conversations order by 1')).map((r) => r.id);
const quarantined = async (db: Warehouse) =>
  (await db.all<{ reason: string }>('select reason from quarantine order by load_id, line')).map((r) => /\(ticket (\d+)\)/.exec(r.reason)?.[1] ?? r.reason);
const exportRequests = (c: ZendeskContract) => c.requests.filter((r) => r.path.endsWith('/cursor.json'));

/** The raw tables without where each row came from (load, file, line), in a fixed order. */
async function rawTables(db: Warehouse): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of ['raw_conversations', 'raw_messages', 'raw_events', 'raw_surveys']) {
    const rows = (await db.all(`select * from ${t}`)).map((r) => {
      const { load_id: _load, file: _file, line: _line, ...rest } = r;
      return JSON.stringify(rest);
    });
    out[t] = rows.sort();
  }
  return out;
}

describe('the Zendesk sync against the contract server', () => {
  it('syncs every page: tickets with their audits and users through the adapter, the cursor stored', async () => {
    zd = await startZendeskContract({ copies: 4, pageSize: 3 });
    const db = await warehouse();
    const { run } = sync(db, zd);
    const s = await run;
    expect(s).toMatchObject({ pages: 3, read: 9, loaded: 5, quarantined: 4, removed: 0, cursor: AFTER_PAGE_3, resumed: false });
    expect(await ids(db)).toEqual(LOADED);
    expect(await quarantined(db)).toEqual(['2', '3', '4', '5']);
    expect(await db.all("select subject, customer_account from raw_conversations where conversation_id = '101'")).toEqual([
      { subject: 'Order broken (1)', customer_account: 'Acme Ltd' },
    ]);
    // three export pages (start_time, then each after_cursor), and the audits of every ticket but the deleted one
    expect(exportRequests(zd).map((r) => r.query['cursor'] ?? `start_time=${r.query['start_time']}`)).toEqual(['start_time=0', AFTER_PAGE_1, cursor(T0 + 5 * 60, 101)]);
    expect(zd.requests.filter((r) => r.path.endsWith('/audits.json')).map((r) => r.path.split('/')[4])).toEqual(['1', '3', '4', '5', '101', '102', '103', '104']);
    expect(await readSyncState(db, 'zendesk', 'zendesk')).toMatchObject({ cursor: AFTER_PAGE_3, position: T0 + 8 * 60, pages: 3, records: 9, last_error: null });

    // a second run asks from the stored cursor and finds nothing new
    const again = await sync(db, zd).run;
    expect(again).toMatchObject({ pages: 1, read: 0, resumed: true, cursor: AFTER_PAGE_3 });
    expect(exportRequests(zd).at(-1)!.query['cursor']).toBe(AFTER_PAGE_3);
  });

  it('leaves the warehouse as loading the same data as an export file does', async () => {
    // ticket 1's eleven audits come in three pages of four
    zd = await startZendeskContract({ copies: 4, pageSize: 3, auditPageSize: 4 });
    const synced = await warehouse();
    await sync(synced, zd).run;
    expect(zd.requests.filter((r) => r.path === '/api/v2/tickets/1/audits.json').map((r) => r.query['page'] ?? '1')).toEqual(['1', '2', '3']);
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-zd-export-'));
    try {
      const file = path.join(dir, 'tickets-with-audits.jsonl');
      writeFileSync(
        file,
        zd
          .exportRecords()
          .map((r) => JSON.stringify(r))
          .join('\n') + '\n',
      );
      const loaded = await warehouse({ adapter: zendeskApiAdapter, files: [file] });
      const expected = await rawTables(loaded);
      expect(expected['raw_conversations']).toHaveLength(5);
      expect((expected['raw_messages'] as unknown[]).length).toBeGreaterThan(5);
      expect(await rawTables(synced)).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lands nothing of a page that fails midway and resumes after the last landed page', async () => {
    zd = await startZendeskContract({ copies: 4, pageSize: 3 });
    const db = await warehouse();
    // ticket 101's audits (page 2) answer 500 past the retry limit (1 try + 2 retries)
    zd.answerNext(/\/tickets\/101\/audits\.json$/, { status: 500, body: { error: 'InternalError' } }, 3);
    const { run, waits } = sync(db, zd, { retries: 2 });
    const e = await run.catch((x: unknown) => x);
    expect((e as Error).message).toBe('the Zendesk API answered 500 3 times: GET /api/v2/tickets/101/audits.json ({"error":"InternalError"}) — try again later');
    expect(waits).toEqual([1000, 2000]);
    // page 1 landed (ticket 1; 2 and 3 quarantined); nothing of page 2, although tickets 4 and 5 were fetched
    expect(await ids(db)).toEqual(['1']);
    expect(await quarantined(db)).toEqual(['2', '3']);
    expect(await readSyncState(db, 'zendesk', 'zendesk')).toMatchObject({ cursor: AFTER_PAGE_1, pages: 1, last_error: (e as Error).message });

    const s = await sync(db, zd).run;
    expect(s).toMatchObject({ pages: 2, read: 6, loaded: 4, quarantined: 2, resumed: true, cursor: AFTER_PAGE_3 });
    expect(exportRequests(zd).at(-2)!.query['cursor']).toBe(AFTER_PAGE_1);
    expect(await ids(db)).toEqual(LOADED);
    expect(await quarantined(db)).toEqual(['2', '3', '4', '5']);
    expect(await readSyncState(db, 'zendesk', 'zendesk')).toMatchObject({ last_error: null });
  });

  it('honours 429 Retry-After, the rate headers and a 5xx once, without really waiting', async () => {
    zd = await startZendeskContract({ copies: 4, pageSize: 3 });
    const db = await warehouse();
    zd.answerNext(/\/cursor\.json$/, { status: 429, headers: { 'retry-after': '30' }, body: { error: 'TooManyRequests' } });
    zd.answerNext(/\/audits\.json$/, { status: 'pass', headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': '12' } });
    zd.answerNext(/\/audits\.json$/, { status: 503, body: { error: 'ServiceUnavailable' } });
    const { run, waits } = sync(db, zd);
    const s = await run;
    // 30 s for the 429; 12 s until the window resets after ticket 1's audits; 1 s backoff after ticket 3's 503
    expect(waits).toEqual([30_000, 12_000, 1000]);
    expect(s).toMatchObject({ pages: 3, loaded: 5, quarantined: 4 });
    expect(await ids(db)).toEqual(LOADED);
  });

  it('stops at a token that stops working mid-sync with one line, and lands nothing of that page', async () => {
    zd = await startZendeskContract({ copies: 4, pageSize: 3 });
    const db = await warehouse();
    const token = zd.credentials.ZENDESK_TOKEN;
    zd.onRequest = (r) => {
      if (r.path === '/api/v2/tickets/101/audits.json') zd!.revoke();
    };
    const e = await sync(db, zd).run.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect((e as SyncError).kind).toBe('auth');
    expect((e as Error).message).toBe(
      'the token was refused: the Zendesk API answered 401 to GET /api/v2/tickets/101/audits.json ({"error":"Couldn\'t authenticate you"}); set ZENDESK_TOKEN to an active API token (Admin Center → Apps and integrations → Zendesk API) and ZENDESK_EMAIL to the agent it belongs to',
    );
    expect((e as Error).message).not.toContain(token);
    expect(await ids(db)).toEqual(['1']);
    expect(await quarantined(db)).toEqual(['2', '3']);
    const state = await readSyncState(db, 'zendesk', 'zendesk');
    expect(state).toMatchObject({ cursor: AFTER_PAGE_1, last_error: (e as Error).message });
    expect(JSON.stringify(await db.all('select * from sync_state'))).not.toContain(token);
  });

  it('removes a ticket deleted since the last sync, through the adapter', async () => {
    zd = await startZendeskContract({ copies: 4, pageSize: 3 });
    const db = await warehouse();
    await sync(db, zd).run;
    zd.deleteTicket(101);
    const s = await sync(db, zd).run;
    // the export lists 101 once more, as deleted (no audits asked for), after the stored cursor
    expect(s).toMatchObject({ pages: 1, read: 1, loaded: 0, quarantined: 1, removed: 1, cursor: cursor(T0 + 10 * 60, 101) });
    expect(zd.requests.filter((r) => r.path === '/api/v2/tickets/101/audits.json')).toHaveLength(1);
    expect(await ids(db)).toEqual(['1', '102', '103', '104']);
    expect(await db.all("select count(*)::integer as n from raw_messages where conversation_id = '101'")).toEqual([{ n: 0 }]);
    expect((await quarantined(db)).at(-1)).toBe('101');
  });

  it('stops at a changed response shape with one line, landing nothing', async () => {
    zd = await startZendeskContract({ copies: 1, pageSize: 3 });
    const db = await warehouse();
    zd.answerNext(/\/cursor\.json$/, { status: 200, body: { results: [], next_page: null } });
    const e = await sync(db, zd).run.catch((x: unknown) => x);
    expect((e as Error).message).toBe(
      'the response to GET /api/v2/incremental/tickets/cursor.json has no `tickets` array: the API answered an object with keys results, next_page',
    );
    expect(await ids(db)).toEqual([]);
  });

  it('stops at pages out of order, saying where: a page older than the last landed one, or one with no way on', async () => {
    zd = await startZendeskContract({ copies: 4, pageSize: 3 });
    const db = await warehouse();
    await sync(db, zd).run;
    // the next page holds a ticket generated at T0 (ticket 1 again), before the stored position T0 + 8 min
    const old = { id: 1, created_at: '2026-01-05T09:00:00Z', status: 'open', requester_id: 100, generated_timestamp: T0 };
    zd.answerNext(/\/cursor\.json$/, { status: 200, body: { tickets: [old], after_cursor: cursor(T0, 1), end_of_stream: true } });
    const e = await sync(db, zd).run.catch((x: unknown) => x);
    expect((e as Error).message).toBe(
      `the Zendesk API's pages are out of order: page 1 of this run (the page after cursor ${AFTER_PAGE_3}) goes back to 2026-01-10T00:00:00Z, before 2026-01-10T00:08:00Z where the last landed page ended; nothing of it was loaded — run the sync again with --full`,
    );
    expect(await readSyncState(db, 'zendesk', 'zendesk')).toMatchObject({ cursor: AFTER_PAGE_3, last_error: (e as Error).message });
    expect(await db.all("select subject from raw_conversations where conversation_id = '1'")).toEqual([{ subject: 'Order broken' }]);

    zd.answerNext(/\/cursor\.json$/, { status: 200, body: { tickets: [], after_cursor: null, end_of_stream: false } });
    const f = await sync(db, zd).run.catch((x: unknown) => x);
    expect((f as Error).message).toBe(
      `the Zendesk API's pages are out of order: the page after cursor ${AFTER_PAGE_3} says end_of_stream false but hands out no after_cursor; nothing of it was loaded — run the sync again later`,
    );
  });
});
