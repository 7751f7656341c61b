import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../testing/paths.js';
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
      { conversation_id: '3', answered_at: new Date('2026-01-06T09:30:00Z'), score: 1, scale_min: 1, scale_max: 5, comment: 'Closed without an answer' },
    ]);
    // the latest answer counts: Zendesk's own satisfaction, good ÷ rated
    expect(await w.db.all('select conversation_id, csat_score, csat_satisfied from conversation_metrics where csat_score is not null order by 1')).toEqual([
      { conversation_id: '1', csat_score: 100, csat_satisfied: true },
      { conversation_id: '3', csat_score: 0, csat_satisfied: false },
    ]);
  });

  it('a ticket closed by a merge loads, flagged; its requester with an unknown role is the customer', async () => {
    const c = await w.conversation('3');
    expect(JSON.parse(c.conversation['metadata'] as string)).toEqual({ platform: 'zendesk', status: 'closed', closed_by_merge: true });
    expect(c.messages.map((m) => [m['author_role'], m['internal']])).toEqual([
      ['customer', false],
      ['agent', true],
    ]);
  });

  it('quarantines a deleted ticket, a comment by a user of unknown role and a wrong date, naming ticket, audit and comment', async () => {
    expect((await w.quarantine()).map((r) => [r.line, r.reason])).toEqual([
      [2, "zendesk-api.jsonl record 2 (ticket 2): the ticket was deleted in Zendesk; deleted tickets are not loaded (Zendesk's reports leave them out too)"],
      [4, 'zendesk-api.jsonl record 4 (ticket 4), audit 2, comment 7014: its author, user 300, is not among the sideloaded users; export the audits with ?include=users'],
      [5, 'zendesk-api.jsonl record 5 (ticket 5): created_at "05/01/2026 09:00" is not an ISO 8601 timestamp'],
    ]);
    expect(JSON.parse((await w.quarantine())[1]!.raw)).toMatchObject({ id: 4 });
    expect(w.load).toMatchObject({ read: 5, loaded: 2, quarantined: 3 });
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
