import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { TEST_NOW } from '../testing/clock.js';
import type { WebhookPlatform, WebhookSettings } from '../models/config-webhooks.js';
import { applyEvents, GATHER_MS, signedHeaders, webhookService, webhookWriter } from './webhooks.js';
import { oneAtATime, type Queue } from './queue.js';
import { openJournal } from './webhook-journal.js';
import { isoTime, readEvent, type WebhookEvent } from './webhook-events.js';
import { conversation, customer } from '../testing/fixtures.js';
import { buildWarehouse } from '../models/incremental.js';
import { parseConfig } from '../models/config.js';

const SECRETS: Record<WebhookPlatform, string> = { chatwoot: 'cw-secret', intercom: 'ic-secret', zendesk: 'zd-secret' };
const settings = Object.fromEntries(Object.entries(SECRETS).map(([p, secret]) => [p, { source: p, secret, toleranceS: 300 }])) as Record<WebhookPlatform, WebhookSettings>;
const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);

// the payloads as the platforms document them (trimmed to the fields Parley reads)
const chatwootMessage = (id: number, conversation: number, type: 'incoming' | 'outgoing', content: string, at = '2026-12-01T11:50:00Z') => ({
  event: 'message_created',
  id,
  content,
  created_at: at,
  message_type: type,
  content_type: 'text',
  private: false,
  sender: type === 'incoming' ? { id: 77, name: 'Ada', type: 'contact' } : { id: 5, name: 'Bo', type: 'user' },
  conversation: { id: conversation, inbox_id: 1, status: 'open', channel: 'Channel::WebWidget', created_at: unix('2026-12-01T11:49:00Z'), meta: { sender: { id: 77 } } },
});
const chatwootResolved = (conversation: number) => ({
  event: 'conversation_status_changed',
  id: conversation,
  status: 'resolved',
  channel: 'Channel::WebWidget',
  created_at: unix('2026-12-01T11:49:00Z'),
  updated_at: '2026-12-01T11:58:00Z',
  meta: { sender: { id: 77 } },
  changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }],
});
const intercomReply = (notification: string, conversation: string, part: string, authorType: 'user' | 'admin', body: string) => ({
  type: 'notification_event',
  id: notification,
  topic: authorType === 'admin' ? 'conversation.admin.replied' : 'conversation.user.replied',
  created_at: unix('2026-12-01T11:55:00Z'),
  data: {
    type: 'notification_event_data',
    item: {
      type: 'conversation',
      id: conversation,
      created_at: unix('2026-12-01T11:40:00Z'),
      state: 'open',
      source: { type: 'conversation', body: '<p>My card was charged twice</p>', author: { type: 'user', id: 'u-9', name: 'Cy' }, delivered_as: 'customer_initiated' },
      contacts: { contacts: [{ type: 'contact', id: 'u-9' }] },
      conversation_parts: {
        conversation_parts: [
          { id: part, part_type: 'comment', body, created_at: unix('2026-12-01T11:55:00Z'), author: { type: authorType, id: authorType === 'admin' ? '814' : 'u-9', name: 'x' } },
        ],
      },
    },
  },
});
const intercomClosed = (notification: string, conversation: string) => {
  const doc = { ...intercomReply(notification, conversation, 'p-close', 'admin', ''), topic: 'conversation.admin.closed' };
  doc.data.item.conversation_parts.conversation_parts[0]!.part_type = 'close';
  return doc;
};
const zendeskComment = (event: string, ticket: number, staff: boolean, body: string) => ({
  type: 'zen:event-type:ticket.comment_added',
  id: event,
  time: '2026-12-01T11:57:00Z',
  subject: `zen:ticket:${ticket}`,
  detail: { id: String(ticket), created_at: '2026-12-01T11:30:00Z', status: 'OPEN', via: { channel: 'web' }, requester_id: '301' },
  event: { comment: { id: `${event}-c`, body, is_public: true, author: { id: staff ? '9001' : '301', is_staff: staff, name: staff ? 'Di' : 'Ed' } } },
});
const zendeskStatus = (event: string, ticket: number, current: string) => ({
  type: 'zen:event-type:ticket.status_changed',
  id: event,
  time: '2026-12-01T11:59:00Z',
  detail: { id: String(ticket), created_at: '2026-12-01T11:30:00Z', via: { channel: 'web' }, requester_id: '301' },
  event: { current, previous: 'OPEN' },
});

let server: Server | undefined;
let w: TestWarehouse | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  w?.close();
  w = undefined;
});

async function start(now = () => TEST_NOW): Promise<{
  post: (
    platform: WebhookPlatform,
    doc: object,
    headers?: Record<string, string> | ((body: string) => Record<string, string>),
  ) => Promise<{ status: number; body: Record<string, unknown> }>;
}> {
  w = await testWarehouse();
  const hooks = webhookService(w.db, { settings, now });
  server = createServer((req, res) => {
    if (!hooks.handle(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    async post(platform, doc, headers) {
      const body = JSON.stringify(doc);
      const h = typeof headers === 'function' ? headers(body) : (headers ?? signedHeaders(platform, body, SECRETS[platform], TEST_NOW));
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/${platform}`, { method: 'POST', headers: h, body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
  };
}

const count = async (table: string) => Number((await w!.db.one<{ n: bigint }>(`select count(*) as n from ${table}`))!.n);
const stored = async () => ({
  events: await count('webhook_events'),
  conversations: await count('raw_conversations'),
  messages: await count('raw_messages'),
  statuses: await count('raw_events'),
});
const NOTHING = { events: 0, conversations: 0, messages: 0, statuses: 0 };

describe('webhook signatures', () => {
  const cases: { platform: WebhookPlatform; doc: object; stale?: (body: string) => Record<string, string> }[] = [
    { platform: 'chatwoot', doc: chatwootMessage(1, 10, 'incoming', 'hi'), stale: (b) => signedHeaders('chatwoot', b, SECRETS.chatwoot, new Date(TEST_NOW.getTime() - 301_000)) },
    { platform: 'intercom', doc: intercomReply('notif_1', '500', 'p1', 'user', 'hello?') },
    { platform: 'zendesk', doc: zendeskComment('ev-1', 42, false, 'help'), stale: (b) => signedHeaders('zendesk', b, SECRETS.zendesk, new Date(TEST_NOW.getTime() - 301_000)) },
  ];
  for (const { platform, doc, stale } of cases) {
    it(`${platform}: a good signature is applied; a bad one, a missing one${stale ? ' and a stale timestamp' : ''} get 401 and store nothing`, async () => {
      const { post } = await start();
      const wrong = (b: string) => signedHeaders(platform, b, 'not-the-secret', TEST_NOW);
      expect((await post(platform, doc, wrong)).status).toBe(401);
      // signed for another body
      expect((await post(platform, doc, signedHeaders(platform, '{"x":1}', SECRETS[platform], TEST_NOW))).status).toBe(401);
      expect((await post(platform, doc, { 'content-type': 'application/json' })).status).toBe(401);
      if (stale) expect((await post(platform, doc, stale)).status).toBe(401);
      expect(await stored()).toEqual(NOTHING);
      const ok = await post(platform, doc);
      expect(ok.status).toBe(200);
      expect(Object.keys(ok.body)).toContain('applied');
      expect(await stored()).toEqual({ events: 1, conversations: 1, messages: platform === 'intercom' ? 2 : 1, statuses: 0 });
    });
  }

  it('a timestamp just inside the tolerance (299 s old) is accepted', async () => {
    const { post } = await start();
    const res = await post('zendesk', zendeskComment('ev-2', 43, false, 'x'), (b) => signedHeaders('zendesk', b, SECRETS.zendesk, new Date(TEST_NOW.getTime() - 299_000)));
    expect(res.status).toBe(200);
  });
});

describe('webhook events in the raw layer', () => {
  it('map roles, statuses and channels by the adapters: Chatwoot', async () => {
    const { post } = await start();
    await post('chatwoot', chatwootMessage(1, 10, 'incoming', 'where is my parcel'));
    await post('chatwoot', chatwootMessage(2, 10, 'outgoing', 'on its way', '2026-12-01T11:52:00Z'));
    await post('chatwoot', chatwootResolved(10));
    expect(await w!.db.all("select conversation_id, channel, customer_id, created_at::varchar as created from raw_conversations where source = 'chatwoot'")).toEqual([
      { conversation_id: '10', channel: 'webchat', customer_id: '77', created: '2026-12-01 11:49:00+00' },
    ]);
    expect(await w!.db.all('select seq, message_id, author_role, author_id, body from raw_messages order by seq')).toEqual([
      { seq: 1, message_id: '1', author_role: 'customer', author_id: '77', body: 'where is my parcel' },
      { seq: 2, message_id: '2', author_role: 'agent', author_id: '5', body: 'on its way' },
    ]);
    expect(await w!.db.all('select seq, type, status, event_at::varchar as at from raw_events')).toEqual([
      { seq: 1, type: 'status', status: 'resolved', at: '2026-12-01 11:58:00+00' },
    ]);
  });

  it('Intercom: the opening message, an admin reply and a close part', async () => {
    const { post } = await start();
    await post('intercom', intercomReply('notif_1', '500', 'p1', 'admin', 'Refunded'));
    const closed = intercomClosed('notif_2', '500');
    await post('intercom', closed);
    expect(await w!.db.all('select message_id, author_role, author_id from raw_messages order by seq')).toEqual([
      { message_id: 'source', author_role: 'customer', author_id: 'u-9' },
      { message_id: 'p1', author_role: 'agent', author_id: '814' },
    ]);
    expect(await w!.db.all('select type, status from raw_events')).toEqual([{ type: 'status', status: 'closed' }]);
    expect(await w!.db.all('select channel, customer_id from raw_conversations')).toEqual([{ channel: 'in_app', customer_id: 'u-9' }]);
  });

  it('Zendesk: an end-user comment, an agent comment and "hold" as pending', async () => {
    const { post } = await start();
    await post('zendesk', zendeskComment('ev-1', 42, false, 'help'));
    await post('zendesk', zendeskComment('ev-2', 42, true, 'on it'));
    await post('zendesk', zendeskStatus('ev-3', 42, 'HOLD'));
    expect(await w!.db.all('select author_role, author_id from raw_messages order by seq')).toEqual([
      { author_role: 'customer', author_id: '301' },
      { author_role: 'agent', author_id: '9001' },
    ]);
    expect(await w!.db.all('select type, status from raw_events')).toEqual([{ type: 'status', status: 'pending' }]);
    expect(await w!.db.all('select channel from raw_conversations')).toEqual([{ channel: 'web' }]);
  });

  it('a redelivered event changes nothing; an event of another topic is acknowledged and left out', async () => {
    const { post } = await start();
    const doc = zendeskComment('ev-1', 42, false, 'help');
    expect((await post('zendesk', doc)).body).toEqual({ applied: 'ev-1', conversation: '42' });
    const after = await stored();
    const loads = await count('load_log');
    expect((await post('zendesk', doc)).body).toEqual({ duplicate: 'ev-1', conversation: '42' });
    // Chatwoot events have no id: the same body twice is one event
    await post('chatwoot', chatwootResolved(10));
    const cw = await stored();
    expect((await post('chatwoot', chatwootResolved(10))).body).toHaveProperty('duplicate');
    expect(await stored()).toEqual(cw);
    expect(cw).toEqual({ events: after.events + 1, conversations: after.conversations + 1, messages: after.messages, statuses: after.statuses + 1 });
    expect(await count('load_log')).toBe(loads + 1);
    const other = await post('intercom', { type: 'notification_event', id: 'n-9', topic: 'contact.created', data: { item: {} } });
    expect(other.status).toBe(200);
    expect(other.body).toHaveProperty('ignored');
    expect(await count('webhook_events')).toBe(2);
  });

  it('a changed conversation takes the batch load id, which the incremental build reads', async () => {
    const { post } = await start();
    await post('zendesk', zendeskComment('ev-1', 42, false, 'help'));
    const first = await w!.db.one<{ load_id: number }>('select load_id from raw_conversations');
    await post('zendesk', zendeskComment('ev-2', 42, true, 'on it'));
    const second = await w!.db.one<{ load_id: number }>('select load_id from raw_conversations');
    expect(second!.load_id).toBe(first!.load_id + 1);
    expect(await w!.db.all('select load_id, file, "read", loaded from load_log order by load_id')).toEqual([
      { load_id: first!.load_id, file: 'webhooks', read: 1, loaded: 1 },
      { load_id: first!.load_id + 1, file: 'webhooks', read: 1, loaded: 1 },
    ]);
  });
});

describe('the models', () => {
  it('see a webhook event on the next incremental build', async () => {
    // ticket 42 loaded from an export: the customer wrote at 11:30; a webhook brings the agent's reply at 11:57
    w = await testWarehouse({ records: [conversation('42', [customer('2026-12-01T11:30:00Z')], { channel: 'web' })], source: 'zendesk', build: true });
    expect((await w.metrics('42', 'zendesk')).first_response_s).toBeNull();
    const event = readEvent('zendesk', zendeskComment('ev-9', 42, true, 'on it'), Buffer.from(''), TEST_NOW) as WebhookEvent;
    expect(await applyEvents(w.db, [{ ...event, source: 'zendesk' }], TEST_NOW)).toEqual(['applied']);
    const result = await buildWarehouse(w.db, parseConfig({}), { now: TEST_NOW });
    expect(result).toMatchObject({ kind: 'incremental', changed: 1 });
    expect((await w.metrics('42', 'zendesk')).first_response_s).toBe(27 * 60);
  });
});

describe('a burst', () => {
  it('2,000 events from 20 concurrent senders are each applied exactly once (and their redeliveries not)', async () => {
    const { post } = await start();
    // 20 senders × 100 events: sender s writes message s*100+k in conversation 1000+k%50; every tenth is sent twice
    const outcomes: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, s) => {
        for (let k = 0; k < 100; k++) {
          const id = s * 100 + k;
          const doc = zendeskComment(`burst-${id}`, 1000 + (k % 50), k % 2 === 1, `message ${id}`);
          const res = await post('zendesk', doc);
          outcomes.push(Object.keys(res.body)[0]!);
          if (k % 10 === 0) outcomes.push(Object.keys((await post('zendesk', doc)).body)[0]!);
        }
      }),
    );
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(2000);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(200);
    expect(await count('webhook_events')).toBe(2000);
    expect(await count('raw_conversations')).toBe(50);
    const m = await w!.db.one<{ n: bigint; ids: bigint; bodies: bigint }>(
      'select count(*) as n, count(distinct message_id) as ids, count(distinct body) as bodies from raw_messages',
    );
    expect({ n: Number(m!.n), ids: Number(m!.ids), bodies: Number(m!.bodies) }).toEqual({ n: 2000, ids: 2000, bodies: 2000 });
    // each conversation's messages are numbered 1…40 without gaps or repeats
    const seqs = await w!.db.all<{ ok: boolean }>('select count(*) = 40 and count(distinct seq) = 40 and max(seq) = 40 as ok from raw_messages group by conversation_id');
    expect(seqs.every((r) => r.ok)).toBe(true);
    // batched: far fewer transactions (load_log rows) than events
    expect(await count('load_log')).toBeLessThan(1000);
  }, 60_000);

  it('the senders of a batch, sending again within the gathering time, make one next batch, not many', async () => {
    w = await testWarehouse();
    const writer = webhookWriter(w.db, oneAtATime(), () => TEST_NOW);
    // 10 senders, 3 events each: sender s sends its next event s ms after its answer (all within
    // GATHER_MS), so each round is one batch: 3 batches, 3 load_log rows, 30 events applied
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async (_, s) => {
        const mine: string[] = [];
        for (let k = 0; k < 3; k++) {
          if (k > 0) await new Promise((resolve) => setTimeout(resolve, s));
          const doc = zendeskComment(`gather-${s}-${k}`, 2000 + s, false, `message ${s} ${k}`);
          const event = readEvent('zendesk', doc, Buffer.from(JSON.stringify(doc)), TEST_NOW) as WebhookEvent;
          mine.push(await writer.submit({ ...event, source: 'zendesk' }));
        }
        return mine;
      }),
    );
    expect(GATHER_MS).toBeGreaterThan(9);
    expect(outcomes.flat().filter((o) => o === 'applied')).toHaveLength(30);
    expect(await w.db.all('select "read" as events from load_log where file = \'webhooks\' order by load_id')).toEqual([{ events: 10 }, { events: 10 }, { events: 10 }]);
  });
});

describe('with a journal (parley serve)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A queue that runs nothing until `release()`: the writer cannot commit meanwhile. */
  function heldQueue(): Queue & { release(): void } {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = oneAtATime();
    return { run: (fn) => inner.run(() => gate.then(fn)), release: () => release() };
  }

  async function startJournaled(queue: Queue = oneAtATime(), lines?: string) {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-webhook-journal-'));
    const file = path.join(dir, 'parley.duckdb.webhooks.jsonl');
    if (lines !== undefined) writeFileSync(file, lines);
    const opened = await openJournal(file);
    w ??= await testWarehouse();
    const hooks = webhookService(w.db, { settings, now: () => TEST_NOW, queue, journal: opened });
    server = createServer((req, res) => {
      if (!hooks.handle(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const post = async (platform: WebhookPlatform, doc: object, secret = SECRETS[platform]) => {
      const body = JSON.stringify(doc);
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/${platform}`, { method: 'POST', headers: signedHeaders(platform, body, secret, TEST_NOW), body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const journalIds = () =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { eventId: string }).eventId);
    return { hooks, post, file, journalIds, opened };
  }
  const queued = (doc: object) => ({ ...(readEvent('zendesk', doc, Buffer.from(JSON.stringify(doc)), TEST_NOW) as WebhookEvent), source: 'zendesk' });

  it('answers once the event is on disk in the journal, before the commit; the writer applies it behind the answer and empties the journal', async () => {
    const queue = heldQueue();
    const { hooks, post, file, journalIds } = await startJournaled(queue);
    expect(await post('zendesk', zendeskComment('ev-1', 42, false, 'help'))).toEqual({ status: 200, body: { applied: 'ev-1', conversation: '42' } });
    // answered while the writer could not commit: the event is in the journal only
    expect(journalIds()).toEqual(['ev-1']);
    expect(await stored()).toEqual(NOTHING);
    // a redelivery meanwhile is known, and not journaled again
    expect((await post('zendesk', zendeskComment('ev-1', 42, false, 'help'))).body).toEqual({ duplicate: 'ev-1', conversation: '42' });
    expect(journalIds()).toEqual(['ev-1']);
    queue.release();
    await hooks.writer.settled();
    expect(await stored()).toEqual({ events: 1, conversations: 1, messages: 1, statuses: 0 });
    expect(statSync(file).size).toBe(0);
    // and after the commit
    expect((await post('zendesk', zendeskComment('ev-1', 42, false, 'help'))).body).toEqual({ duplicate: 'ev-1', conversation: '42' });
    await hooks.writer.settled();
    expect(await stored()).toEqual({ events: 1, conversations: 1, messages: 1, statuses: 0 });
    await hooks.close();
  });

  it('a refused signature stores nothing, not even a journal line', async () => {
    const { hooks, post, file } = await startJournaled();
    expect((await post('zendesk', zendeskComment('ev-1', 42, false, 'help'), 'not-the-secret')).status).toBe(401);
    expect(statSync(file).size).toBe(0);
    expect(await stored()).toEqual(NOTHING);
    await hooks.close();
  });

  it('lines a stopped server left are applied at start, each once: one applied before the crash changes nothing, a torn last line is left out', async () => {
    // ev-1 was applied before the server stopped (its line not yet cleared), ev-2 only journaled;
    // the last line was being written when it stopped (never answered)
    w = await testWarehouse();
    const ev1 = queued(zendeskComment('ev-1', 42, false, 'help'));
    const ev2 = queued(zendeskComment('ev-2', 42, true, 'on it'));
    expect(await applyEvents(w.db, [ev1], TEST_NOW)).toEqual(['applied']);
    const torn = JSON.stringify(queued(zendeskComment('ev-3', 42, false, 'never answered'))).slice(0, 80);
    const { hooks, file, opened } = await startJournaled(oneAtATime(), `${JSON.stringify(ev1)}\n${JSON.stringify(ev2)}\n${torn}`);
    expect(opened.replay.map((e) => e.eventId)).toEqual(['ev-1', 'ev-2']);
    expect(opened.torn).toBe(1);
    await hooks.writer.settled();
    expect(await stored()).toEqual({ events: 2, conversations: 1, messages: 2, statuses: 0 });
    expect(await w.db.all('select seq, author_role, body from raw_messages order by seq')).toEqual([
      { seq: 1, author_role: 'customer', body: 'help' },
      { seq: 2, author_role: 'agent', body: 'on it' },
    ]);
    expect(statSync(file).size).toBe(0);
    await hooks.close();
    // started again: nothing left to apply
    const again = await openJournal(file);
    expect(again.replay).toEqual([]);
    await again.journal.close();
  });

  it('2,000 events from 20 concurrent senders are each applied exactly once (and their redeliveries not), in batches that grow', async () => {
    const { hooks, post, file } = await startJournaled();
    const outcomes: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, s) => {
        for (let k = 0; k < 100; k++) {
          const id = s * 100 + k;
          const doc = zendeskComment(`burst-${id}`, 1000 + (k % 50), k % 2 === 1, `message ${id}`);
          outcomes.push(Object.keys((await post('zendesk', doc)).body)[0]!);
          if (k % 10 === 0) outcomes.push(Object.keys((await post('zendesk', doc)).body)[0]!);
        }
      }),
    );
    await hooks.writer.settled();
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(2000);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(200);
    expect(await count('webhook_events')).toBe(2000);
    expect(await count('raw_conversations')).toBe(50);
    const m = await w!.db.one<{ n: bigint; ids: bigint }>('select count(*) as n, count(distinct message_id) as ids from raw_messages');
    expect({ n: Number(m!.n), ids: Number(m!.ids) }).toEqual({ n: 2000, ids: 2000 });
    const seqs = await w!.db.all<{ ok: boolean }>('select count(*) = 40 and count(distinct seq) = 40 and max(seq) = 40 as ok from raw_messages group by conversation_id');
    expect(seqs.every((r) => r.ok)).toBe(true);
    // each batch is what was journaled while the one before was written: at most 2,000, at least one event
    const reads = await w!.db.all<{ events: number }>('select "read" as events from load_log where file = \'webhooks\'');
    expect(reads.reduce((a, r) => a + r.events, 0)).toBe(2000);
    expect(reads.length).toBeLessThan(1000);
    expect(statSync(file).size).toBe(0);
    await hooks.close();
  }, 60_000);

  it('an event the warehouse refuses on its own, time after time, is kept in the quarantine and the events behind it go on', async () => {
    // a line whose time the warehouse cannot take (a journal written before isoTime refused such times)
    const bad = queued(zendeskComment('ev-bad', 43, false, 'broken'));
    bad.items = bad.items.map((it) => ({ ...it, at: 'not a time' }));
    const good = queued(zendeskComment('ev-2', 42, false, 'help'));
    const { hooks, file } = await startJournaled(oneAtATime(), `${JSON.stringify(bad)}\n${JSON.stringify(good)}\n`);
    await hooks.writer.settled();
    // both are in webhook_events (a redelivery of either is a duplicate); only the good one's conversation and message
    expect(await stored()).toEqual({ events: 2, conversations: 1, messages: 1, statuses: 0 });
    const kept = await w!.db.all<{ file: string; reason: string; raw: string }>('select file, reason, raw from quarantine');
    expect(kept).toHaveLength(1);
    expect(kept[0]!.file).toBe('webhooks');
    expect(kept[0]!.reason).toMatch(/^the warehouse refused this webhook event 3 times: /);
    expect(JSON.parse(kept[0]!.raw)).toMatchObject({ platform: 'zendesk', eventId: 'ev-bad' });
    expect(await w!.db.one('select loaded, quarantined from load_log where quarantined = 1')).toEqual({ loaded: 0, quarantined: 1 });
    expect(statSync(file).size).toBe(0);
    await hooks.close();
  }, 30_000);

  it('a time the warehouse cannot hold is no time: the event is dated when it arrived instead', () => {
    expect(isoTime('2026-12-01T11:50:00Z')).toBe('2026-12-01T11:50:00.000Z');
    expect(isoTime(1_764_589_800)).toBe('2025-12-01T11:50:00.000Z');
    // 10^15 ms is in the year 33658, 253,402,300,800 s the first second of 10000
    expect(isoTime(1e15)).toBeNull();
    expect(isoTime(253_402_300_800)).toBeNull();
    expect(isoTime('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
  });

  it('a batch the warehouse refuses stays in the journal and is tried again', async () => {
    let failures = 1;
    const inner = oneAtATime();
    const flaky: Queue = { run: (fn) => inner.run(() => (failures-- > 0 ? Promise.reject(new Error('disk full')) : fn())) };
    const { hooks, post, journalIds } = await startJournaled(flaky);
    expect((await post('zendesk', zendeskComment('ev-1', 42, false, 'help'))).status).toBe(200);
    expect(journalIds()).toEqual(['ev-1']);
    await hooks.writer.settled();
    expect(await stored()).toEqual({ events: 1, conversations: 1, messages: 1, statuses: 0 });
    await hooks.close();
  });
});
