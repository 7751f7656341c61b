import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture } from '../../testing/paths.js';
import { loadFiles } from '../load.js';
import { TEST_NOW } from '../../testing/clock.js';
import { testWarehouse, type TestWarehouse } from '../../testing/warehouse.js';
import { zendeskApiAdapter } from './zendesk-api.js';
import { AdapterError } from './types.js';

describe('zendesk API JSON (tickets with audits and sideloaded users)', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({ adapter: zendeskApiAdapter, files: [fixture('zendesk-api.jsonl')], build: true });
  });
  afterAll(() => w.close());

  it('comments are messages with roles from the users, private ones internal, user -1 a bot', async () => {
    const c = await w.conversation('1');
    expect(c.messages.map((m) => [m['message_id'], m['author_role'], m['internal']])).toEqual([
      ['7001', 'customer', false],
      ['7003', 'agent', true],
      ['7004', 'bot', false],
      ['7005', 'agent', false],
      ['7006', 'customer', false],
      ['7008', 'agent', false],
    ]);
  });

  it('status and assignment changes are events; one audit changing group and assignee is one transfer; solved then open is a reopen', async () => {
    const c = await w.conversation('1');
    expect(c.events.map((e) => [e['type'], e['status'] ?? `${e['agent_id']}/${e['team']}`])).toEqual([
      ['status', 'open'],
      ['assign', 'null/10'],
      ['assign', '200/10'],
      ['status', 'resolved'],
      ['status', 'open'],
      ['assign', '201/11'],
      ['status', 'resolved'],
    ]);
    const m = await w.db.one('select first_response_s, first_response_any_s, reopens, transfers, owner_agent from conversation_metrics where conversation_id = $1', ['1']);
    expect(m).toEqual({ first_response_s: 1800, first_response_any_s: 660, reopens: 1, transfers: 1, owner_agent: '200' });
  });

  it("satisfaction ratings are csat answers (good 5, bad 1 on 1–5): each rating change with its comment, else the ticket's rating", async () => {
    expect(await w.db.all('select conversation_id, answered_at, score, scale_min, scale_max, comment from raw_surveys order by 1, 2')).toEqual([
      { conversation_id: '1', answered_at: new Date('2026-01-07T12:00:00Z'), score: 1, scale_min: 1, scale_max: 5, comment: 'Had to ask twice' },
      { conversation_id: '1', answered_at: new Date('2026-01-08T08:00:00Z'), score: 5, scale_min: 1, scale_max: 5, comment: null },
    ]);
    // the latest answer counts: Zendesk's own satisfaction, good ÷ rated
    expect(await w.db.all('select conversation_id, csat_score, csat_satisfied from conversation_metrics where csat_score is not null order by 1')).toEqual([
      { conversation_id: '1', csat_score: 100, csat_satisfied: true },
    ]);
  });

  it('a ticket closed by a merge is not loaded; without the merge tag, its requester with an unknown role is the customer', async () => {
    expect((await w.quarantine()).map((r) => r.reason)).toContain(
      'zendesk-api.jsonl record 3 (ticket 3): the ticket was closed by a merge into another ticket in Zendesk; merged tickets are not loaded (the conversation continues in that ticket)',
    );
    const t3 = readFileSync(fixture('zendesk-api.jsonl'), 'utf8').split('\n')[2]!;
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-zendesk-'));
    const f = path.join(dir, 'unmerged.jsonl');
    writeFileSync(f, t3.replace('"tags": ["closed_by_merge"]', '"tags": []') + '\n');
    const u = await testWarehouse({ adapter: zendeskApiAdapter, files: [f] });
    rmSync(dir, { recursive: true, force: true });
    const c = await u.conversation('3');
    expect(JSON.parse(c.conversation['metadata'] as string)).toEqual({ platform: 'zendesk', status: 'closed' });
    expect(c.messages.map((m) => [m['author_role'], m['internal']])).toEqual([
      ['customer', false],
      ['agent', true],
    ]);
    // no rating change in its audits: the ticket's satisfaction_rating, at its last update
    expect(await u.db.all('select conversation_id, answered_at, score, comment from raw_surveys')).toEqual([
      { conversation_id: '3', answered_at: new Date('2026-01-06T09:30:00Z'), score: 1, comment: 'Closed without an answer' },
    ]);
    u.close();
  });

  it('quarantines a deleted ticket, a merged one, a comment by a user of unknown role and a wrong date, naming ticket, audit and comment', async () => {
    expect((await w.quarantine()).map((r) => [r.line, r.reason])).toEqual([
      [2, "zendesk-api.jsonl record 2 (ticket 2): the ticket was deleted in Zendesk; deleted tickets are not loaded (Zendesk's reports leave them out too)"],
      [
        3,
        'zendesk-api.jsonl record 3 (ticket 3): the ticket was closed by a merge into another ticket in Zendesk; merged tickets are not loaded (the conversation continues in that ticket)',
      ],
      [4, 'zendesk-api.jsonl record 4 (ticket 4), audit 2, comment 7014: its author, user 300, is not among the sideloaded users; export the audits with ?include=users'],
      [5, 'zendesk-api.jsonl record 5 (ticket 5): created_at "05/01/2026 09:00" is not an ISO 8601 timestamp'],
    ]);
    expect(JSON.parse((await w.quarantine())[2]!.raw)).toMatchObject({ id: 4 });
    expect(w.load).toMatchObject({ read: 5, loaded: 1, quarantined: 4 });
  });

  it('fills priority, tags, the organisation as the account (its sideloaded name, else its id) and custom fields as metadata field_<id>', async () => {
    const row = async (db: TestWarehouse) => {
      const r = await db.db.one<{ priority: string; tags: string[]; customer_account: string; metadata: string }>(
        "select priority, tags, customer_account, metadata from raw_conversations where conversation_id = '1'",
      );
      return { ...r!, metadata: JSON.parse(r!.metadata) as unknown };
    };
    // custom field 360002 has no value, so it is left out; a false checkbox is a value
    expect(await row(w)).toEqual({
      priority: 'high',
      tags: ['order', 'vip'],
      customer_account: 'Acme Ltd',
      metadata: { platform: 'zendesk', status: 'solved', field_360001: 'ORD-77', field_360003: ['eu', 'b2b'], field_360004: false },
    });
    const t1 = JSON.parse(readFileSync(fixture('zendesk-api.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    delete t1['organizations'];
    t1['custom_fields'] = [];
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-zendesk-'));
    const f = path.join(dir, 'no-orgs.jsonl');
    writeFileSync(f, JSON.stringify(t1) + '\n');
    const u = await testWarehouse({ adapter: zendeskApiAdapter, files: [f] });
    rmSync(dir, { recursive: true, force: true });
    expect(await row(u)).toEqual({ priority: 'high', tags: ['order', 'vip'], customer_account: '900', metadata: { platform: 'zendesk', status: 'solved' } });
    u.close();
  });

  it('quarantines a ticket without its requester (a missing field)', async () => {
    const m = await testWarehouse({ adapter: zendeskApiAdapter, files: [fixture('zendesk-api-missing.jsonl')] });
    expect((await m.quarantine()).map((r) => r.reason)).toEqual(['zendesk-api-missing.jsonl record 1 (ticket 6): requester_id is missing']);
    m.close();
  });

  it('refuses a file that is not valid JSON, saying where it broke', async () => {
    const error = await testWarehouse({ adapter: zendeskApiAdapter, files: [fixture('zendesk-api-broken.json')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as Error).message).toMatch(/^zendesk-api-broken\.json cannot be read as JSON: Malformed JSON.*; fix that record or export the file again/);
  });
});

describe('zendesk API JSON: one bad record is quarantined, the rest load', () => {
  it('a Latin-1 byte and a cut-off record are quarantined alone; a ticket given twice loads its last record', async () => {
    const [t1, , t3] = readFileSync(fixture('zendesk-api.jsonl'), 'utf8').split('\n') as [string, string, string];
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-zendesk-'));
    const f = path.join(dir, 'tickets.jsonl');
    writeFileSync(
      f,
      Buffer.concat([
        Buffer.from(t1.replace('"subject": "Order broken"', '"subject": "first copy"') + '\n'), // line 1: ticket 1, again at line 3
        Buffer.concat([Buffer.from(t3.replace('"id": 3,', '"id": 33,').replace('"subject": "', '"subject": "caf')), Buffer.from([0xe9, 0x0a])]), // line 2: Latin-1
        Buffer.from(t1 + '\n'), // line 3: ticket 1, the later copy
        Buffer.from(t1.replace('"id": 1,', '"id": 11,') + '\n'), // line 4: ticket 11
        Buffer.from(t3.replace('"id": 3,', '"id": 34,').slice(0, 200)), // line 5: cut off
      ]),
    );
    const w = await testWarehouse({ adapter: zendeskApiAdapter, files: [f] });
    rmSync(dir, { recursive: true, force: true });
    expect(w.load).toMatchObject({ read: 5, loaded: 2, quarantined: 3, duplicates: 1 });
    expect(await w.db.all('select conversation_id, subject from raw_conversations order by 1')).toEqual([
      { conversation_id: '1', subject: 'Order broken' },
      { conversation_id: '11', subject: 'Order broken' },
    ]);
    expect((await w.quarantine()).map((r) => [r.line, r.reason])).toEqual([
      [1, 'tickets.jsonl record 1: duplicate of record at line 3 (conversation 1); the later one was loaded'],
      [2, 'tickets.jsonl record 2: the record is not valid UTF-8 text (a byte such as Latin-1 é): export the file again as UTF-8'],
      [5, 'tickets.jsonl record 5: the record is not valid JSON (cut off or damaged): fix that record or export it again'],
    ]);
    w.close();
  });
});

describe('zendesk API JSON is a change set: later deletions and merges are applied', () => {
  it('a ticket exported later as deleted, and one closed by a merge, leave the warehouse; a ticket not in the later export stays', async () => {
    const t1 = readFileSync(fixture('zendesk-api.jsonl'), 'utf8').split('\n')[0]!;
    const as = (id: number) => t1.replace('"id": 1,', `"id": ${id},`);
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-zendesk-'));
    const first = path.join(dir, 'first.jsonl');
    const later = path.join(dir, 'later.jsonl');
    writeFileSync(first, [as(1), as(11), as(12)].join('\n') + '\n');
    writeFileSync(
      later,
      [as(1).replace('"status": "solved"', '"status": "deleted"'), as(11).replace('"tags": ["order", "vip"]', '"tags": ["order", "vip", "closed_by_merge"]')].join('\n') + '\n',
    );
    const w = await testWarehouse({ adapter: zendeskApiAdapter, files: [first] });
    expect(w.load).toMatchObject({ loaded: 3 });
    const prepared = await zendeskApiAdapter.prepare(w.db, [later], {});
    const summary = await loadFiles(w.db, prepared.inputs, { now: TEST_NOW }).finally(() => prepared.cleanup());
    rmSync(dir, { recursive: true, force: true });
    expect(summary).toMatchObject({ read: 2, loaded: 0, quarantined: 2, removed: 2 });
    expect(await w.db.all('select conversation_id from raw_conversations')).toEqual([{ conversation_id: '12' }]);
    expect(await w.db.all("select count(*)::integer as n from raw_messages where conversation_id in ('1', '11')")).toEqual([{ n: 0 }]);
    w.close();
  });
});
