import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_NOW } from '../testing/clock.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { intercomFixture, intercomServer, type IntercomConversation, type IntercomServer, type IntercomServerOptions } from '../testing/contract/intercom.js';
import { quarantinedIds, rawLayer } from '../testing/contract/raw-layer.js';
import { intercomApiAdapter } from '../ingest/adapters/intercom-api.js';
import { intercomHttp, intercomSync } from './intercom.js';
import { runSync, type SyncSummary } from './run.js';
import { readSyncState } from './state.js';
import type { SyncError } from './http.js';

const TOKEN = 'ic-secret-token-1234';

/**
 * Five conversations, two a search page, in updated_at order:
 * page 1: 102 (…740), 103 (created …800, no update; quarantined: a "visitor" author);
 * page 2: 101 (…7810), 105 (a copy of 101, …7900); page 3: 106 (a copy of 102, …8000).
 */
function workspace(): IntercomConversation[] {
  const [c101, c102, c103] = intercomFixture() as [IntercomConversation, IntercomConversation, IntercomConversation];
  return [c101, c102, c103, { ...c101, id: '105', updated_at: 1767607900 }, { ...c102, id: '106', updated_at: 1767608000 }];
}

/** The roster the admins and teams give: Ann is in Billing, Bo in no team. */
const ROSTER = [
  { id: 'a1', name: 'Ann', email: 'ann@example.com', team: 'Billing' },
  { id: 'a2', name: 'Bo', email: 'bo@example.com' },
];

let opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.reverse()) await o.close();
  opened = [];
});

async function setUp(options: IntercomServerOptions = {}) {
  const server = await intercomServer({ token: TOKEN, conversations: workspace(), ...options });
  const w = await testWarehouse();
  opened.push(server, w);
  const sleeps: number[] = [];
  const sync = (retries = 2) =>
    runSync(
      w.db,
      intercomSync(intercomHttp({ base_url: server.url }, { INTERCOM_TOKEN: TOKEN }, { sleep: async (ms) => void sleeps.push(ms), now: () => TEST_NOW, backoffMs: 10, retries }), {
        perPage: 2,
      }),
      {
        now: TEST_NOW,
      },
    );
  return { server, w, sleeps, sync };
}

const ids = async (w: TestWarehouse) => (await w.db.all<{ id: string }>('select conversation_id as id from raw_conversations order by 1')).map((r) => r.id);
const searches = (s: IntercomServer) => s.requests.filter((r) => r.path === '/conversations/search').map((r) => r.body);

describe('intercom sync against the contract server', () => {
  it('a full sync: three search pages, every conversation fetched whole with its parts, the roster from admins and teams', async () => {
    const { server, w, sync } = await setUp();
    const summary = await sync();
    expect(summary).toMatchObject({ pages: 3, read: 5, loaded: 4, quarantined: 1, removed: 0, resumed: false });
    expect(await ids(w)).toEqual(['101', '102', '105', '106']);
    expect(await quarantinedIds(w.db)).toEqual(['103']);
    expect(await w.db.all('select agent_id as id, name, email, team from raw_agents order by 1')).toEqual([
      { id: 'a1', name: 'Ann', email: 'ann@example.com', team: 'Billing' },
      { id: 'a2', name: 'Bo', email: 'bo@example.com', team: null },
    ]);
    expect(searches(server)).toEqual([
      { query: { field: 'updated_at', operator: '>', value: 0 }, pagination: { per_page: 2 } },
      { query: { field: 'updated_at', operator: '>', value: 0 }, pagination: { per_page: 2, starting_after: expect.any(String) } },
      { query: { field: 'updated_at', operator: '>', value: 0 }, pagination: { per_page: 2, starting_after: expect.any(String) } },
    ]);
    expect(server.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
      '/admins',
      '/teams',
      '/conversations/102',
      '/conversations/103',
      '/conversations/101',
      '/conversations/105',
      '/conversations/106',
    ]);
    expect(new Set(server.requests.map((r) => r.headers['intercom-version']))).toEqual(new Set(['2.11']));
    // 101 as stored: its ten parts became messages and events, the way a file load reads them
    expect((await w.conversation('105')).messages.map((m) => m['author_role'])).toEqual((await w.conversation('101')).messages.map((m) => m['author_role']));
    expect(JSON.parse((await readSyncState(w.db, 'intercom', 'intercom'))!.cursor!)).toEqual({ since: 0, after: null, max: 1767608000 });
  });

  it('the next sync searches from the latest updated_at of the last (≥, so 106 again) and loads only what changed', async () => {
    const { server, w, sync } = await setUp();
    await sync();
    server.conversations.set('102', { ...server.conversations.get('102')!, updated_at: 1767609000 });
    const before = server.requests.length;
    const summary = await sync();
    expect(summary).toMatchObject({ pages: 1, read: 2, loaded: 2, quarantined: 0, resumed: true });
    expect(
      server.requests
        .slice(before)
        .filter((r) => r.method === 'GET')
        .map((r) => r.path),
    ).toEqual(['/admins', '/teams', '/conversations/106', '/conversations/102']);
    expect(searches(server).at(-1)).toEqual({ query: { field: 'updated_at', operator: '>', value: 1767608000 }, pagination: { per_page: 2 } });
    expect(await ids(w)).toEqual(['101', '102', '105', '106']);
  });

  it('a 5xx past the retry limit mid-page lands nothing of that page; the rerun resumes at that page and ends with every conversation', async () => {
    let failing = true;
    const { server, w, sync } = await setUp({ fault: (r) => (failing && r.path === '/conversations/105' ? 'server-error' : undefined) });
    const error = (await sync(1).catch((e: unknown) => e)) as SyncError;
    expect(error.kind).toBe('unavailable');
    expect(error.message).toBe(
      'the Intercom API answered 500 2 times: GET /conversations/105 ({"type":"error.list","request_id":"req-server_error","errors":[{"code":"server_error","message":"Server error"}]}) — try again later',
    );
    // page 1 landed; of page 2, 101 was fetched but nothing of the page landed
    expect(await ids(w)).toEqual(['102']);
    const state = await readSyncState(w.db, 'intercom', 'intercom');
    expect(state).toMatchObject({ pages: 1, last_error: error.message });
    const pageTwo = (searches(server)[1] as { pagination: { starting_after: string } }).pagination.starting_after;
    expect(JSON.parse(state!.cursor!)).toEqual({ since: 0, after: pageTwo, max: 1767603800 });

    failing = false;
    const before = server.requests.length;
    const resumed: SyncSummary = await sync();
    expect(resumed).toMatchObject({ pages: 2, read: 3, quarantined: 0, resumed: true });
    expect(server.requests.slice(before).find((r) => r.path === '/conversations/search')?.body).toEqual({
      query: { field: 'updated_at', operator: '>', value: 0 },
      pagination: { per_page: 2, starting_after: pageTwo },
    });
    expect(await ids(w)).toEqual(['101', '102', '105', '106']);
    expect((await readSyncState(w.db, 'intercom', 'intercom'))?.last_error).toBeNull();
  });

  it('rate limits: a 429 waits for its Retry-After, an X-RateLimit-Remaining of 0 for X-RateLimit-Reset; nothing is lost (no real waiting)', async () => {
    // 6 requests a window: responses 1, 2 say 5, 4 left; the 429 (request 3) 0; then a new window: 5, 4, 3, 2, 1, 0 (request 9)
    const reset = TEST_NOW.getTime() / 1000 + 30;
    const { server, w, sleeps, sync } = await setUp({ rateLimit: 6, rateReset: reset, retryAfter: 7, fault: (r) => (r.n === 3 ? 'rate-limit' : undefined) });
    const summary = await sync();
    expect(sleeps).toEqual([7000, 30000]);
    expect(server.requests).toHaveLength(11);
    expect(server.requests[3]).toMatchObject({ path: server.requests[2]!.path, body: server.requests[2]!.body });
    expect(summary).toMatchObject({ pages: 3, quarantined: 1 });
    expect(await ids(w)).toEqual(['101', '102', '105', '106']);
  });

  it('a token that stops working mid-sync: one line saying what to fix, without the token; nothing of that page lands', async () => {
    const { w, sync } = await setUp({ fault: (r) => (r.path === '/conversations/105' ? 'revoke' : undefined) });
    const error = (await sync().catch((e: unknown) => e)) as SyncError;
    expect(error.kind).toBe('auth');
    expect(error.message).toBe(
      'the token was refused: the Intercom API answered 401 to GET /conversations/105 ({"type":"error.list","request_id":"req-unauthorized","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]); set INTERCOM_TOKEN to a valid access token of the workspace (Developer Hub → your app → Authentication), with the read conversations and read admins scopes',
    );
    expect(error.message).not.toContain(TOKEN);
    expect(await ids(w)).toEqual(['102']);
    expect(await w.db.all("select count(*)::integer as n from raw_messages where conversation_id = '101'")).toEqual([{ n: 0 }]);
  });

  it('a conversation deleted after the search listed it (GET answers 404) leaves the warehouse; the others stay', async () => {
    const { server, w, sync } = await setUp();
    await sync();
    server.conversations.set('105', { ...server.conversations.get('105')!, updated_at: 1767609000 });
    server.deleted.add('105');
    const summary = await sync();
    expect(summary).toMatchObject({ read: 2, loaded: 1, quarantined: 1, removed: 1 });
    expect(await ids(w)).toEqual(['101', '102', '106']);
    expect(await w.db.all("select count(*)::integer as n from raw_messages where conversation_id = '105'")).toEqual([{ n: 0 }]);
    expect(await quarantinedIds(w.db)).toEqual(['103', '105']);
  });

  it('the warehouse after a sync equals the warehouse after loading the same conversations and roster as export files', async () => {
    const { server, w, sync } = await setUp();
    await sync();
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-intercom-export-'));
    const exportFile = path.join(dir, 'conversations.json');
    const agentsFile = path.join(dir, 'agents.jsonl');
    writeFileSync(exportFile, JSON.stringify([...server.conversations.values()]));
    writeFileSync(agentsFile, ROSTER.map((a) => JSON.stringify(a)).join('\n') + '\n');
    const loaded = await testWarehouse({ adapter: intercomApiAdapter, files: [exportFile] });
    opened.push(loaded);
    const roster = await testWarehouse({ files: [agentsFile] });
    opened.push(roster);
    rmSync(dir, { recursive: true, force: true });
    const synced = await rawLayer(w.db);
    expect(synced.raw_conversations).toHaveLength(4);
    expect({ ...synced, raw_agents: [] }).toEqual({ ...(await rawLayer(loaded.db)), raw_agents: [] });
    expect(synced.raw_agents).toEqual((await rawLayer(roster.db)).raw_agents);
    expect(await quarantinedIds(w.db)).toEqual(await quarantinedIds(loaded.db));
  });
});

describe('intercom sync: a response of another shape', () => {
  it('a search answer without `conversations` stops the sync in one line naming what came instead; nothing lands', async () => {
    const { w, sync } = await setUp({
      rewrite: (r, a) => (r.path === '/conversations/search' ? { ...a, body: { type: 'conversation.list', data: [] } } : a),
    });
    const error = (await sync().catch((e: unknown) => e)) as SyncError;
    expect(error.kind).toBe('shape');
    expect(error.message).toBe('the response to POST /conversations/search has no `conversations` array: the API answered an object with keys type, data');
    expect(await ids(w)).toEqual([]);
    expect(await w.db.all('select count(*)::integer as n from raw_agents')).toEqual([{ n: 0 }]);
  });
});
