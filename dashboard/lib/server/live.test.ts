import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingReads, testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { TEST_NOW } from '../../../testing/clock.js';
import { agent, assign, conversation, customer, on, status } from '../../../testing/fixtures.js';
import { applyEvents } from '../../../service/webhooks.js';
import { readEvent, type WebhookEvent } from '../../../service/webhook-events.js';
import { loadFiles, type LoadInput } from '../../../ingest/load.js';
import { buildModels } from '../../../models/build.js';
import { parseConfig } from '../../../models/config.js';
import { UPDATE_MIN, forgetKeptReads, loadLive, type LivePage } from './live.js';

// now: Tuesday 2026-12-01 12:00 UTC (TEST_NOW)
const d = on('2026-12-01');
const records = [
  // waiting since 11:40, owned by a1 (Billing); first response (30m) due 12:10
  conversation('c1', [customer(d('11:40')), assign(d('11:41'), { agent_id: 'a1', team: 'Billing' })], { intent: 'billing' }),
  // answered at 11:05, the customer wrote again at 11:48: the next response (10m) was due 11:58
  conversation('c2', [customer(d('11:00')), assign(d('11:01'), { agent_id: 'a1', team: 'Billing' }), agent(d('11:05')), customer(d('11:48'))], { intent: 'shipping' }),
  // first response due 11:40, answered late at 11:50, then pending
  conversation('c3', [assign(d('11:10'), { agent_id: 'a2', team: 'Tier 1' }), customer(d('11:10')), agent(d('11:50'), 'a2'), status(d('11:51'), 'pending')]),
  // resolved at 10:06: not open
  conversation('c4', [customer(d('10:00')), agent(d('10:05')), status(d('10:06'), 'resolved')]),
  // email on business hours: 11:00–11:30 and 11:45–12:15 make the hour, due 12:15 (calendar time would say 12:00)
  conversation('c5', [customer(d('11:00'))], { channel: 'email' }),
  // nothing since 20 November: not live
  conversation('c6', [customer('2026-11-20T10:00:00Z')]),
  // answered in time
  conversation('c7', [customer(d('11:30')), assign(d('11:31'), { agent_id: 'a1', team: 'Billing' }), agent(d('11:35'))]),
];
const config = {
  business_hours: { mon: ['09:00-17:00'], tue: ['09:00-11:30', '11:45-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] },
  sla_policies: [
    { name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '30m', next_response: '10m' } },
    { name: 'email', when: { channel: 'email' }, hours: 'business' as const, targets: { first_response: '1h' } },
  ],
};

const liveConfig = { concurrency: 2, teams: { Billing: 1 } };
const later = (minutes: number) => new Date(TEST_NOW.getTime() + minutes * 60_000);
/** The page read afresh at `now`: a new data generation, and no kept read. */
const afresh = async (db: TestWarehouse['db'], now: Date) => {
  await db.run('checkpoint');
  forgetKeptReads(db);
  return loadLive(db, { now, config: liveConfig });
};
/** The reads of the conversations' rows and of the queue depth in `seen`: [only the changed conversations, the whole]. */
const reads = (seen: string[]) =>
  ['last_turn', 'generate_series'].map((part) => {
    const of = seen.filter((sql) => sql.includes(part));
    return [of.filter((sql) => sql.includes('changed as')).length, of.filter((sql) => !sql.includes('changed as')).length];
  });
/**
 * Warehouses of the fixture in files of their own, with reader connections as the server has them:
 * the dashboard's cache tells warehouses apart by their path (every ':memory:' is one).
 */
function fileWarehouses(prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let made = 0;
  return { dir, warehouse: () => testWarehouse({ records, build: config, readers: 2, path: path.join(dir, `w${++made}.duckdb`) }) };
}

let w: TestWarehouse;
let page: LivePage;
beforeAll(async () => {
  w = await testWarehouse({ records, build: config });
  page = await loadLive(w.db, { now: TEST_NOW, config: { concurrency: 2, teams: { Billing: 1 } } });
});
afterAll(() => w.close());

describe('the live page', () => {
  it('counts the conversations open now by channel, intent and team', () => {
    expect(page.openTotal).toBe(5);
    expect(page.byChannel).toEqual([
      { key: 'webchat', open: 4 },
      { key: 'email', open: 1 },
    ]);
    expect(page.byIntent).toEqual([
      { key: '(no intent)', open: 3 },
      { key: 'billing', open: 1 },
      { key: 'shipping', open: 1 },
    ]);
    expect(page.byTeam).toEqual([
      { key: 'Billing', open: 3 },
      { key: '(no team)', open: 1 },
      { key: 'Tier 1', open: 1 },
    ]);
  });

  it('lists the customers waiting longest for a reply, with how long', () => {
    expect(page.waiting.map((x) => [x.conversationId, x.since, x.waitS])).toEqual([
      ['c5', '2026-12-01T11:00:00.000Z', 3600],
      ['c1', '2026-12-01T11:40:00.000Z', 1200],
      ['c2', '2026-12-01T11:48:00.000Z', 720],
    ]);
  });

  it("shows each agent's load against the team's concurrency limit", () => {
    expect(page.agents).toEqual([
      { agentId: 'a1', name: 'a1', team: 'Billing', owned: 3, active: 3, limit: 1, overloaded: true },
      { agentId: 'a2', name: 'a2', team: 'Tier 1', owned: 1, active: 0, limit: 2, overloaded: false },
    ]);
  });

  it('counts down to the response targets due in 15 minutes (business hours for email) and lists the last hour’s breaches', () => {
    expect(page.dueSoon.map((x) => [x.conversationId, x.policy, x.target, x.dueAt, x.inS])).toEqual([
      ['c1', 'chat', 'first response', '2026-12-01T12:10:00.000Z', 600],
      ['c5', 'email', 'first response', '2026-12-01T12:15:00.000Z', 900],
    ]);
    expect(page.breaches.map((x) => [x.conversationId, x.target, x.dueAt, x.inS])).toEqual([
      ['c2', 'next response', '2026-12-01T11:58:00.000Z', -120],
      ['c3', 'first response', '2026-12-01T11:40:00.000Z', -1200],
    ]);
  });

  it('draws the queue depth of the last 8 hours, a point every 15 minutes', () => {
    expect(page.depth).toHaveLength(33);
    const at = (hhmm: string) => page.depth.find((p) => p.at === `2026-12-01T${hhmm}:00.000Z`)!.open;
    expect([at('04:00'), at('10:00'), at('10:15'), at('11:00'), at('11:45'), at('12:00')]).toEqual([0, 1, 0, 2, 5, 5]);
    expect(page.depthChart).toMatch(/^<svg/);
  });
});

describe('the shared live page', () => {
  it('is read once for the requests of one second, and again in the next', async () => {
    const { sharedLive } = await import('./live.js');
    const at = (ms: number) => () => new Date(TEST_NOW.getTime() + ms);
    const a = sharedLive(w.db, at(100));
    const b = sharedLive(w.db, at(900));
    expect(b).toBe(a);
    const c = sharedLive(w.db, at(1000));
    expect(c).not.toBe(a);
    expect((await a).now).toBe('2026-12-01T12:00:00.000Z');
    expect((await c).now).toBe('2026-12-01T12:00:01.000Z');
  });
});

describe('the live page kept for the data', () => {
  // with reader connections, as the server has them: a read leaves the data generation as it is
  let r: TestWarehouse;
  beforeAll(async () => {
    r = await testWarehouse({ records, build: config, readers: 2 });
  });
  afterAll(() => r.close());

  it('counts down business-hours targets through the reader connections, as the server reads them', async () => {
    // the business windows were a temporary table of the build's connection: a reader saw none and left c5 out
    const read = await loadLive(r.db, { now: TEST_NOW, config: liveConfig });
    expect(read.dueSoon.map((x) => [x.conversationId, x.dueAt])).toEqual([
      ['c1', '2026-12-01T12:10:00.000Z'],
      ['c5', '2026-12-01T12:15:00.000Z'],
    ]);
  });

  it('is, at a later moment of the same data, the page read afresh at that moment', async () => {
    // 12:50: c3's reply of 11:50 leaves the hour of breaches; 7 days later, less 15 minutes: only
    // the conversations with activity after 1 December 11:45 are still live (c2 and c3)
    for (const now of [later(50), later(7 * 24 * 60 - 15), later(7 * 24 * 60 + 60)]) {
      await loadLive(r.db, { now: TEST_NOW, config: liveConfig });
      const kept = await loadLive(r.db, { now, config: liveConfig });
      expect(kept).toEqual(await afresh(r.db, now));
    }
    const week = await loadLive(r.db, { now: later(7 * 24 * 60 - 15), config: liveConfig });
    expect(week.byChannel).toEqual([{ key: 'webchat', open: 2 }]);
    expect((await loadLive(r.db, { now: later(7 * 24 * 60 + 60), config: liveConfig })).openTotal).toBe(0);
  });

  it('reads the history of the live conversations once for the data, not at each moment', async () => {
    await afresh(r.db, TEST_NOW);
    const seen: string[] = [];
    for (const minutes of [0, 1, 20]) await loadLive(recordingReads(r.db, seen), { now: later(minutes), config: liveConfig });
    expect(seen.filter((sql) => sql.includes('last_turn'))).toHaveLength(0);
    // the queue depth once per quarter hour: 12:00 and 12:15 (12:00 was read by the page afresh)
    expect(seen.filter((sql) => sql.includes('generate_series'))).toHaveLength(1);
  });

  it('reads afresh when the data hold a message after the moment asked', async () => {
    const f = await testWarehouse({
      records: [conversation('c1', [customer(d('11:40'))]), conversation('f1', [customer(d('12:30'))])],
      build: config,
      readers: 2,
    });
    try {
      const at = async (now: Date) => (await loadLive(f.db, { now, config: liveConfig })).waiting.map((x) => x.conversationId);
      expect(await at(TEST_NOW)).toEqual(['c1']);
      expect(await at(later(45))).toEqual(['c1', 'f1']);
      // the read kept for 12:45 is not the page of 12:00, nor of 12:44
      expect(await at(TEST_NOW)).toEqual(['c1']);
      expect(await at(later(44))).toEqual(['c1', 'f1']);
      expect(await at(later(29))).toEqual(['c1']);
    } finally {
      f.close();
    }
  });
});

describe('the live page after a webhook batch', () => {
  const ticket = { created_at: '2026-12-01T11:30:00Z', via: { channel: 'chat' }, requester_id: '301' };
  const comment = (id: string, conversation: string, time: string, staff: boolean) => ({
    type: 'zen:event-type:ticket.comment_added',
    id,
    time,
    detail: { id: conversation, status: 'OPEN', ...ticket },
    event: { comment: { id: `${id}-c`, body: 'hello', is_public: true, author: { id: staff ? 'a1' : '301', is_staff: staff, name: staff ? 'Di' : 'Ed' } } },
  });
  const solved = (id: string, conversation: string, time: string) => ({
    type: 'zen:event-type:ticket.status_changed',
    id,
    time,
    detail: { id: conversation, ...ticket },
    event: { current: 'SOLVED', previous: 'OPEN' },
  });
  const batch = (db: TestWarehouse['db'], docs: object[]) =>
    applyEvents(
      db,
      docs.map((doc) => ({ ...(readEvent('zendesk', doc, Buffer.from(''), TEST_NOW) as WebhookEvent), source: 'canonical' })),
      TEST_NOW,
    );
  const { warehouse } = fileWarehouses('parley-live-');

  it('reads again only the conversations the batch touched, and is the page read afresh', async () => {
    const b = await warehouse();
    try {
      const before = await loadLive(b.db, { now: TEST_NOW, config: liveConfig });
      // c1 answered at 11:50 (no longer waiting, its first response stopped), c2 solved at 11:55,
      // and a new conversation n1 whose customer wrote at 12:00:30 (after the queue depth's last point)
      await batch(b.db, [comment('e1', 'c1', '2026-12-01T11:50:00Z', true), solved('e2', 'c2', '2026-12-01T11:55:00Z'), comment('e3', 'n1', '2026-12-01T12:00:30Z', false)]);
      const seen: string[] = [];
      const updated = await loadLive(recordingReads(b.db, seen), { now: later(1), config: liveConfig });
      expect(reads(seen)).toEqual([
        [1, 0],
        [1, 0],
      ]);
      expect(updated).toEqual(await afresh(b.db, later(1)));
      expect(updated.waiting.map((x) => x.conversationId)).toEqual(['c5', 'n1']);
      expect(before.waiting.map((x) => x.conversationId)).toEqual(['c5', 'c1', 'c2']);
      expect(updated.openTotal).toBe(before.openTotal);
      expect(updated.depth.at(-1)!.open).toBe(before.depth.at(-1)!.open - 1);
      // the next batch updates the updated page: n1 answered and solved
      await batch(b.db, [comment('e4', 'n1', '2026-12-01T12:01:30Z', true), solved('e5', 'n1', '2026-12-01T12:01:40Z')]);
      seen.length = 0;
      const again = await loadLive(recordingReads(b.db, seen), { now: later(2), config: liveConfig });
      expect(reads(seen)).toEqual([
        [1, 0],
        [1, 0],
      ]);
      expect(again).toEqual(await afresh(b.db, later(2)));
      expect(again.openTotal).toBe(before.openTotal - 1);
    } finally {
      b.close();
    }
  });

  it('reads the whole again when the raw tables changed and no conversation took a later load id', async () => {
    const b = await warehouse();
    try {
      await loadLive(b.db, { now: TEST_NOW, config: liveConfig });
      // a message written by no load nor batch: every writer of the raw layer stamps its load id,
      // and the row counts tell that something did not
      await b.db.run(
        "insert into raw_messages (source, conversation_id, seq, message_id, sent_at, author_role, author_id, body, internal) values ('canonical', 'c5', 99, 'x', '2026-12-01T11:59:00Z', 'agent', 'a2', 'hi', false)",
      );
      const seen: string[] = [];
      const page = await loadLive(recordingReads(b.db, seen), { now: later(1), config: liveConfig });
      expect(reads(seen)).toEqual([
        [0, 1],
        [0, 1],
      ]);
      expect(page.waiting.map((x) => x.conversationId)).toEqual(['c1', 'c2']);
      expect(page).toEqual(await afresh(b.db, later(1)));
    } finally {
      b.close();
    }
  });
});

describe('the live page after a load or a build', () => {
  const { dir, warehouse } = fileWarehouses('parley-live-load-');
  let n = 0;
  /** A load of `more` (canonical records), as `parley ingest` makes it; `removes`: the conversations it proves gone. */
  const load = (db: TestWarehouse['db'], more: readonly object[], removes?: string) => {
    const file = path.join(dir, `load${++n}.jsonl`);
    writeFileSync(file, more.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const input: LoadInput = { file, ...(removes ? { removes: () => removes } : {}) };
    return loadFiles(db, [input], { now: later(1) });
  };

  it('keeps the last read after a build of the same configuration, and is the page read afresh', async () => {
    const b = await warehouse();
    try {
      await loadLive(b.db, { now: TEST_NOW, config: liveConfig });
      await buildModels(b.db, parseConfig(config), { now: later(1) });
      const seen: string[] = [];
      const page = await loadLive(recordingReads(b.db, seen), { now: later(2), config: liveConfig });
      expect(reads(seen)).toEqual([
        [0, 0],
        [0, 0],
      ]);
      expect(page).toEqual(await afresh(b.db, later(2)));
    } finally {
      b.close();
    }
  });

  it('reads the whole again after a build that changes which conversations a policy takes, and keeps the rows when only a target changed', async () => {
    const b = await warehouse();
    try {
      await loadLive(b.db, { now: TEST_NOW, config: liveConfig });
      // the chat policy for Billing's conversations only: c3's turns (Tier 1) no longer under it
      const narrowed = { ...config, sla_policies: [{ ...config.sla_policies[0]!, when: { channel: 'webchat', team: 'Billing' } }, config.sla_policies[1]!] };
      await buildModels(b.db, parseConfig(narrowed), { now: later(1) });
      const seen: string[] = [];
      const page = await loadLive(recordingReads(b.db, seen), { now: later(2), config: liveConfig });
      // the queue depth reads no policy: it stays
      expect(reads(seen)).toEqual([
        [0, 1],
        [0, 0],
      ]);
      expect(page).toEqual(await afresh(b.db, later(2)));
      // a longer first response: the same turns, later due moments
      const slower = { ...narrowed, sla_policies: [{ ...narrowed.sla_policies[0]!, targets: { first_response: '40m', next_response: '10m' } }, narrowed.sla_policies[1]!] };
      await buildModels(b.db, parseConfig(slower), { now: later(3) });
      seen.length = 0;
      const slowerPage = await loadLive(recordingReads(b.db, seen), { now: later(4), config: liveConfig });
      expect(reads(seen)).toEqual([
        [0, 0],
        [0, 0],
      ]);
      expect(slowerPage).toEqual(await afresh(b.db, later(4)));
      expect(slowerPage.dueSoon).not.toEqual(page.dueSoon);
    } finally {
      b.close();
    }
  });

  it('reads again only the conversations a small load wrote, and those it removed, and is the page read afresh', async () => {
    const b = await warehouse();
    try {
      const before = await loadLive(b.db, { now: TEST_NOW, config: liveConfig });
      // c5 again with an agent's reply (no longer waiting), and a new conversation n2 waiting since 11:58
      await load(b.db, [conversation('c5', [customer(d('11:00')), agent(d('11:20'), 'a2')], { channel: 'email' }), conversation('n2', [customer(d('11:58'))])]);
      const seen: string[] = [];
      const page = await loadLive(recordingReads(b.db, seen), { now: later(2), config: liveConfig });
      expect(reads(seen)).toEqual([
        [1, 0],
        [1, 0],
      ]);
      expect(page).toEqual(await afresh(b.db, later(2)));
      expect(before.waiting.map((x) => x.conversationId)).toEqual(['c5', 'c1', 'c2']);
      expect(page.waiting.map((x) => x.conversationId)).toEqual(['c1', 'c2', 'n2']);
      // a load that proves c1 gone (as a deleted ticket): no later load id on it, found gone among the kept
      await load(b.db, [conversation('n3', [customer(d('11:59'))])], "select 'canonical' as source, 'c1' as conversation_id");
      seen.length = 0;
      const removed = await loadLive(recordingReads(b.db, seen), { now: later(3), config: liveConfig });
      expect(reads(seen)).toEqual([
        [1, 0],
        [1, 0],
      ]);
      expect(removed).toEqual(await afresh(b.db, later(3)));
      expect(removed.waiting.map((x) => x.conversationId)).toEqual(['c2', 'n2', 'n3']);
    } finally {
      b.close();
    }
  });

  it(`reads the whole again after a load of more than ${UPDATE_MIN} conversations`, async () => {
    const b = await warehouse();
    try {
      await loadLive(b.db, { now: TEST_NOW, config: liveConfig });
      await load(
        b.db,
        Array.from({ length: UPDATE_MIN + 1 }, (_, i) => conversation(`bulk${i}`, [customer(d('11:30'))])),
      );
      const seen: string[] = [];
      const page = await loadLive(recordingReads(b.db, seen), { now: later(2), config: liveConfig });
      expect(reads(seen)).toEqual([
        [0, 1],
        [0, 1],
      ]);
      expect(page.openTotal).toBe(UPDATE_MIN + 1 + 5);
    } finally {
      b.close();
    }
  });
});

describe('the queue depth at the edges of the 7 days', () => {
  // points 04:00–12:00 of 1 December; live at t: activity in (t − 7 days, t]
  const edges = [
    // last activity exactly 7 days before 06:00: live at 05:45, not at 06:00
    conversation('e1', [customer('2026-11-24T06:00:00Z')]),
    // live until 04:45 (7 days after 24 November 05:00), not from 05:00, live again from the 08:00 message, resolved at 10:00
    conversation('e2', [customer('2026-11-24T05:00:00Z'), customer(d('08:00')), status(d('10:00'), 'resolved')]),
  ];
  let e: TestWarehouse;
  afterAll(() => e?.close());

  it('counts a conversation live while its latest activity is less than 7 days old, and not once resolved', async () => {
    e = await testWarehouse({ records: edges });
    const live = await loadLive(e.db, { now: TEST_NOW, config: { concurrency: 2, teams: {} } });
    const at = (hhmm: string) => live.depth.find((p) => p.at === `2026-12-01T${hhmm}:00.000Z`)!.open;
    const points = ['04:00', '04:45', '05:00', '05:45', '06:00', '07:45', '08:00', '09:45', '10:00', '12:00'];
    expect(points.map(at)).toEqual([2, 2, 1, 1, 0, 0, 1, 1, 0, 0]);
    expect(live.openTotal).toBe(0);
  });

  it('takes the status a conversation had at the first point for every point when it does not change after it', async () => {
    const settled = [
      ...edges,
      // resolved the day before, no activity since: live (activity in the 7 days), never open
      conversation('e3', [customer('2026-11-30T10:00:00Z'), status('2026-11-30T11:00:00Z', 'resolved')]),
      // pending since the day before: open at every point
      conversation('e4', [customer('2026-11-30T10:00:00Z'), status('2026-11-30T11:00:00Z', 'pending')]),
      // resolved at the first point itself: not open at it, nor after
      conversation('e5', [customer(d('03:00')), status(d('04:00'), 'resolved')]),
    ];
    const s = await testWarehouse({ records: settled });
    try {
      const live = await loadLive(s.db, { now: TEST_NOW, config: { concurrency: 2, teams: {} } });
      const at = (hhmm: string) => live.depth.find((p) => p.at === `2026-12-01T${hhmm}:00.000Z`)!.open;
      const points = ['04:00', '04:45', '05:00', '05:45', '06:00', '07:45', '08:00', '09:45', '10:00', '12:00'];
      // e1 and e2 as above, and e4 at every point
      expect(points.map(at)).toEqual([3, 3, 2, 2, 1, 1, 2, 2, 1, 1]);
      expect(live.openTotal).toBe(1);
    } finally {
      s.close();
    }
  });
});
