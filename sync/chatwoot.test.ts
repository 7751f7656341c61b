import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_NOW } from '../testing/clock.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { chatwootFixture, chatwootServer, type ChatwootRecord, type ChatwootServer, type ChatwootServerOptions } from '../testing/contract/chatwoot.js';
import { quarantinedIds, rawLayer } from '../testing/contract/raw-layer.js';
import { chatwootAdapter } from '../ingest/adapters/chatwoot.js';
import { chatwootHttp, chatwootSync } from './chatwoot.js';
import { runSync } from './run.js';
import { readSyncState } from './state.js';
import type { SyncError } from './http.js';

const TOKEN = 'cw-secret-token-5678';

/**
 * The fixture's four conversations and 305 (a copy of 302), two a page, newest last_activity_at first:
 * page 1: 305 (…9000), 301 (…8650, its last message; 14 messages: three batches of 5);
 * page 2: 302 (…7200), 304 (…3610, quarantined: a "Robot" sender); page 3: 303 (…3610, quarantined: message type 7).
 */
function account(): ChatwootRecord[] {
  const records = chatwootFixture();
  const c302 = records.find((c) => c.id === 302)!;
  return [...records, { ...c302, id: 305, last_activity_at: 1767609000, messages: c302.messages.map((m) => ({ ...m, id: 50 })) }];
}

let opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.reverse()) await o.close();
  opened = [];
});

async function setUp(options: ChatwootServerOptions = {}, accountId = '1') {
  const server = await chatwootServer({ token: TOKEN, accountId: 1, conversations: account(), perPage: 2, messagesPerPage: 5, ...options });
  const w = await testWarehouse();
  opened.push(server, w);
  const sleeps: number[] = [];
  const sync = (retries = 2) => {
    const { http } = chatwootHttp(
      { base_url: server.url, account_id: accountId },
      { CHATWOOT_TOKEN: TOKEN },
      { sleep: async (ms) => void sleeps.push(ms), now: () => TEST_NOW, backoffMs: 10, retries },
    );
    return runSync(w.db, chatwootSync(http, { accountId, perPage: 2, messagesPerBatch: 5 }), { now: TEST_NOW });
  };
  return { server, w, sleeps, sync };
}

const ids = async (w: TestWarehouse) => (await w.db.all<{ id: string }>('select conversation_id as id from raw_conversations order by 1')).map((r) => r.id);
const asked = (s: ChatwootServer, from = 0) => s.requests.slice(from).map((r) => r.path.replace('/api/v1/accounts/1', '') + (r.query.size ? `?${r.query.toString()}` : ''));

describe('chatwoot sync against the contract server', () => {
  it('a full sync: pages by last_activity_at, each thread in batches with before, the roster from agents and teams', async () => {
    const { server, w, sync } = await setUp();
    const summary = await sync();
    expect(summary).toMatchObject({ pages: 3, read: 5, loaded: 3, quarantined: 2, removed: 0, resumed: false });
    expect(await ids(w)).toEqual(['301', '302', '305']);
    expect(await quarantinedIds(w.db)).toEqual(['303', '304']);
    expect(await w.db.all('select agent_id as id, name, email, team from raw_agents order by 1')).toEqual([
      { id: '7', name: 'Ann', email: 'ann@example.com', team: null },
      { id: '8', name: 'Bo', email: 'bo@example.com', team: 'Sales' },
    ]);
    expect(asked(server)).toEqual([
      '/agents',
      '/teams',
      '/teams/2/team_members',
      '/conversations?status=all&assignee_type=all&page=1',
      '/conversations/305/messages',
      '/conversations/301/messages',
      '/conversations/301/messages?before=10',
      '/conversations/301/messages?before=5',
      '/conversations?status=all&assignee_type=all&page=2',
      '/conversations/302/messages',
      '/conversations/304/messages',
      '/conversations?status=all&assignee_type=all&page=3',
      '/conversations/303/messages',
    ]);
    expect(new Set(server.requests.map((r) => r.headers['api_access_token']))).toEqual(new Set([TOKEN]));
    // the three batches make the whole thread, in order
    expect((await w.conversation('301')).messages.map((m) => m['message_id'])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14']);
    expect(JSON.parse((await readSyncState(w.db, 'chatwoot', 'chatwoot'))!.cursor!)).toEqual({ since: 0, page: null, max: 1767609000 });
  });

  it('the next sync reads pages only until they reach the newest activity of the last one', async () => {
    const { server, w, sync } = await setUp();
    await sync();
    server.conversations.set(302, { ...server.conversations.get(302)!, last_activity_at: 1767610000 });
    const before = server.requests.length;
    const summary = await sync();
    // page 1: 302 (…10000) and 305 (…9000, not older than the mark); page 2 begins with 301, older: the run ends there
    expect(summary).toMatchObject({ pages: 2, read: 2, quarantined: 0, resumed: true });
    expect(asked(server, before).filter((p) => p.startsWith('/conversations'))).toEqual([
      '/conversations?status=all&assignee_type=all&page=1',
      '/conversations/302/messages',
      '/conversations/305/messages',
      '/conversations?status=all&assignee_type=all&page=2',
    ]);
    expect(JSON.parse((await readSyncState(w.db, 'chatwoot', 'chatwoot'))!.cursor!)).toEqual({ since: 1767609000, page: null, max: 1767610000 });
  });

  it('a 5xx past the retry limit mid-page lands nothing of that page; the rerun resumes at that page', async () => {
    let failing = true;
    const { server, w, sync } = await setUp({ fault: (r) => (failing && r.path.endsWith('/conversations/302/messages') ? 'server-error' : undefined) });
    const error = (await sync(1).catch((e: unknown) => e)) as SyncError;
    expect(error.kind).toBe('unavailable');
    expect(error.message).toBe('the Chatwoot API answered 500 2 times: GET /api/v1/accounts/1/conversations/302/messages ({"error":"Internal server error"}) — try again later');
    expect(await ids(w)).toEqual(['301', '305']);
    expect(JSON.parse((await readSyncState(w.db, 'chatwoot', 'chatwoot'))!.cursor!)).toEqual({ since: 0, page: 2, max: 1767609000 });

    failing = false;
    const before = server.requests.length;
    expect(await sync()).toMatchObject({ pages: 2, read: 3, loaded: 1, quarantined: 2, resumed: true });
    expect(asked(server, before).filter((p) => p.startsWith('/conversations?'))).toEqual([
      '/conversations?status=all&assignee_type=all&page=2',
      '/conversations?status=all&assignee_type=all&page=3',
    ]);
    expect(await ids(w)).toEqual(['301', '302', '305']);
  });

  it('a 429 waits for its Retry-After and asks again (no real waiting)', async () => {
    const { server, w, sleeps, sync } = await setUp({ retryAfter: 7, fault: (r) => (r.n === 5 ? 'rate-limit' : undefined) });
    await sync();
    expect(sleeps).toEqual([7000]);
    expect(server.requests).toHaveLength(14);
    expect(asked(server).slice(4, 6)).toEqual(['/conversations/305/messages', '/conversations/305/messages']);
    expect(await ids(w)).toEqual(['301', '302', '305']);
  });

  it('a token that stops working mid-sync: one line saying what to fix, without the token; nothing of that page lands', async () => {
    const { w, sync } = await setUp({ fault: (r) => (r.path.endsWith('/conversations/302/messages') ? 'revoke' : undefined) });
    const error = (await sync().catch((e: unknown) => e)) as SyncError;
    expect(error.kind).toBe('auth');
    expect(error.message).toBe(
      'the token was refused: the Chatwoot API answered 401 to GET /api/v1/accounts/1/conversations/302/messages ({"error":"You need to sign in or sign up before continuing."}); set CHATWOOT_TOKEN to the access token of an agent or administrator of account 1 (Profile settings → Access token), and check that account id',
    );
    expect(error.message).not.toContain(TOKEN);
    expect(await ids(w)).toEqual(['301', '305']);
  });

  it("another account's id is refused before anything lands, naming the account", async () => {
    const { w, sync } = await setUp({}, '2');
    const error = (await sync().catch((e: unknown) => e)) as SyncError;
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('answered 401 to GET /api/v1/accounts/2/agents');
    expect(error.message).toContain('of account 2');
    expect(await ids(w)).toEqual([]);
  });

  it('a conversation deleted while listed (its messages answer 404) leaves the warehouse; the others stay', async () => {
    const { server, w, sync } = await setUp();
    await sync();
    server.conversations.set(301, { ...server.conversations.get(301)!, last_activity_at: 1767610000 });
    server.deleted.add(301);
    const summary = await sync();
    expect(summary).toMatchObject({ read: 2, loaded: 1, quarantined: 1, removed: 1 });
    expect(await ids(w)).toEqual(['302', '305']);
    expect(await w.db.all("select count(*)::integer as n from raw_messages where conversation_id = '301'")).toEqual([{ n: 0 }]);
  });

  it('the warehouse after a sync equals the warehouse after loading the same conversations and roster as export files', async () => {
    const { server, w, sync } = await setUp();
    await sync();
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-chatwoot-export-'));
    const exportFile = path.join(dir, 'conversations.jsonl');
    const agentsFile = path.join(dir, 'agents.jsonl');
    writeFileSync(
      exportFile,
      server
        .exportRecords()
        .map((c) => JSON.stringify(c))
        .join('\n') + '\n',
    );
    writeFileSync(
      agentsFile,
      [
        { id: '7', name: 'Ann', email: 'ann@example.com' },
        { id: '8', name: 'Bo', email: 'bo@example.com', team: 'Sales' },
      ]
        .map((a) => JSON.stringify(a))
        .join('\n') + '\n',
    );
    const loaded = await testWarehouse({ adapter: chatwootAdapter, files: [exportFile] });
    opened.push(loaded);
    const roster = await testWarehouse({ files: [agentsFile] });
    opened.push(roster);
    rmSync(dir, { recursive: true, force: true });
    const synced = await rawLayer(w.db);
    expect(synced.raw_conversations).toHaveLength(3);
    expect({ ...synced, raw_agents: [] }).toEqual({ ...(await rawLayer(loaded.db)), raw_agents: [] });
    expect(synced.raw_agents).toEqual((await rawLayer(roster.db)).raw_agents);
    expect(await quarantinedIds(w.db)).toEqual(await quarantinedIds(loaded.db));
  });
});

describe('chatwoot sync: pages out of order', () => {
  it('a page that starts newer than the last one ended stops the sync and says where; nothing of it lands', async () => {
    // page 2 answers with 305 (…9000) first, newer than 301 (…8650) where page 1 ended
    const { server, w, sync } = await setUp({
      rewrite: (r, a) => {
        if (r.query.get('page') !== '2') return a;
        const body = a.body as { data: { payload: unknown[] } };
        const c305 = { ...server.conversations.get(305)!, messages: [] };
        return { ...a, body: { data: { ...body.data, payload: [c305, ...body.data.payload] } } };
      },
    });
    const error = (await sync().catch((e: unknown) => e)) as SyncError;
    expect(error.kind).toBe('order');
    expect(error.message).toBe(
      "the Chatwoot API's pages are out of order: page 2 of /api/v1/accounts/1/conversations (last_activity_at ≥ 0) starts at last_activity_at 1767609000, newer than 1767608650 where page 1 ended; nothing of it was loaded — run the sync again",
    );
    expect(await ids(w)).toEqual(['301', '305']);
    expect(JSON.parse((await readSyncState(w.db, 'chatwoot', 'chatwoot'))!.cursor!)).toMatchObject({ page: 2 });
  });
});
