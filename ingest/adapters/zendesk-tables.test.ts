import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture, sharedData } from '../../testing/paths.js';
import { loadFiles } from '../load.js';
import { TEST_NOW } from '../../testing/clock.js';
import { buildWarehouse } from '../../models/incremental.js';
import { parseConfig } from '../../models/config.js';
import { testWarehouse, type TestWarehouse } from '../../testing/warehouse.js';
import { summarySql } from '../../models/summary.js';
import { zendeskTablesAdapter } from './zendesk-tables.js';
import { AdapterError } from './types.js';

describe('zendesk tables on the Fivetran seed tables', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({ adapter: zendeskTablesAdapter, files: [sharedData('zendesk-seeds')], build: true });
  });
  afterAll(() => w.close());

  it('loads every ticket but the deleted ones; comments and history of tickets not in the export are quarantined under their own file', async () => {
    expect(w.load.perFile.map((f) => [f.file.split('/').pop(), f.read, f.loaded, f.quarantined])).toEqual([
      ['ticket_data.csv', 10, 8, 2],
      ['ticket_comment_data.csv', 20, 0, 20],
      ['ticket_field_history_data.csv', 18, 0, 18],
    ]);
    const q = await w.quarantine();
    expect(q.filter((r) => r.file.endsWith('ticket_data.csv')).map((r) => r.reason)).toEqual([
      "ticket_data.csv line 2 (ticket 1595): the ticket was deleted in Zendesk; deleted tickets are not loaded (Zendesk's reports leave them out too)",
      "ticket_data.csv line 7 (ticket 11013): the ticket was deleted in Zendesk; deleted tickets are not loaded (Zendesk's reports leave them out too)",
    ]);
    expect(q.find((r) => r.file.endsWith('ticket_comment_data.csv'))!.reason).toBe(
      'ticket_comment_data.csv line 2 (comment 1030820361033): ticket_id 1077 refers to no ticket in ticket_data.csv; export both tables from the same sync',
    );
  });

  it('reads the status trail of ticket 11071 from its field history (on-hold → pending, solved → resolved)', async () => {
    const c = await w.conversation('11071');
    expect(c.events.filter((e) => e['type'] === 'status').map((e) => e['status'])).toEqual([
      'open',
      'pending',
      'pending',
      'pending',
      'open',
      'pending',
      'pending',
      'open',
      'pending',
      'pending',
      'open',
      'resolved',
      'closed',
    ]);
    expect(c.events.filter((e) => e['type'] === 'assign').map((e) => e['agent_id'])).toEqual(['1111']);
    expect(c.conversation).toMatchObject({ customer_id: '2222', channel: 'email', priority: 'urgent' });
  });
});

describe('zendesk tables on a hand-written landing', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({ adapter: zendeskTablesAdapter, files: [fixture('zendesk-tables')], build: true });
  });
  afterAll(() => w.close());

  it('private comments are internal, user -1 is a bot, end-users are customers, agents and admins agents', async () => {
    const c = await w.conversation('1');
    expect(c.messages.map((m) => [m['message_id'], m['author_role'], m['internal'], m['author_name']])).toEqual([
      ['501', 'customer', false, 'Carla Customer'],
      ['502', 'agent', true, 'Arthur Agent'],
      ['503', 'bot', false, null],
      ['504', 'agent', false, 'Arthur Agent'],
      ['505', 'customer', false, 'Carla Customer'],
      ['506', 'agent', false, 'Berta Boss'],
    ]);
    expect(c.conversation).toMatchObject({ channel: 'web', intent: 'problem', priority: 'high' });
  });

  it('reassignment is one transfer, the reopen counts, and replies are timed from the comments', async () => {
    const m = await w.db.one(
      'select first_response_s, first_response_any_s, reopens, transfers, resolved, team, owner_agent from conversation_metrics where conversation_id = $1',
      ['1'],
    );
    // bot auto-reply at 09:11 (any response), first human public reply at 09:30; the private note does not count
    expect(m).toEqual({ first_response_s: 1800, first_response_any_s: 660, reopens: 1, transfers: 1, resolved: true, team: 'Support', owner_agent: '200' });
    // team and owner are those before the first resolution (Support, Arthur); the move to Returns came after the reopen
  });

  it('satisfaction changes to good or bad are csat answers (good 5, bad 1 on 1–5) with the comment of the same update', async () => {
    expect(await w.db.all('select conversation_id, answered_at, score, comment from raw_surveys order by 1')).toEqual([
      { conversation_id: '1', answered_at: new Date('2026-01-07T09:00:00Z'), score: 1, comment: 'Fixed, but only the second time' },
    ]);
    expect(await w.db.all('select conversation_id, csat_satisfied from conversation_metrics where csat_score is not null order by 1')).toEqual([
      { conversation_id: '1', csat_satisfied: false },
    ]);
  });

  it('a ticket merged into another is not loaded (quarantined naming the other); the other keeps its own comments', async () => {
    expect(await w.conversation('3').catch(() => undefined)).toMatchObject({ messages: [], events: [] });
    expect((await w.quarantine()).map((r) => r.reason)).toContain(
      'ticket.csv line 4 (ticket 3): the ticket was merged into ticket 4 in Zendesk; merged tickets are not loaded (the conversation continues in that ticket)',
    );
    const c4 = await w.conversation('4');
    expect(c4.messages.map((m) => m['message_id'])).toEqual(['508', '513']);
    // no status history: the current status at updated_at
    expect(c4.events.filter((e) => e['type'] === 'status').map((e) => [e['status'], e['event_at']])).toEqual([['resolved', new Date('2026-01-06T09:00:00Z')]]);
  });

  it('quarantines a deleted ticket, an unknown author, a comment on a missing ticket, a wrong date and a bad encoding, each under its file', async () => {
    expect((await w.quarantine()).map((r) => `${r.file.split('/').pop()}:${r.line} ${r.reason}`)).toEqual([
      "ticket.csv:3 ticket.csv line 3 (ticket 2): the ticket was deleted in Zendesk; deleted tickets are not loaded (Zendesk's reports leave them out too)",
      'ticket.csv:4 ticket.csv line 4 (ticket 3): the ticket was merged into ticket 4 in Zendesk; merged tickets are not loaded (the conversation continues in that ticket)',
      'ticket_comment.csv:10 ticket_comment.csv line 10 (comment 509): its author, user 300, has no row in user.csv; export the user table from the same sync',
      'ticket_comment.csv:11 ticket_comment.csv line 11 (comment 510): ticket_id 99 refers to no ticket in ticket.csv; export both tables from the same sync',
      'ticket_comment.csv:12 ticket_comment.csv line 12 (comment 511): created "06/01/2026 09:00" is not a timestamp such as 2020-02-19 01:54:52 or 2020-02-19T01:54:52Z: export the tables again without reformatting dates',
      'ticket_comment.csv:13 ticket_comment.csv line 13: the row is not valid UTF-8 text: re-export the file as UTF-8 (or convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8)',
      'ticket_field_history.csv:14 ticket_field_history.csv line 14: ticket_id 77 refers to no ticket in ticket.csv; export both tables from the same sync',
    ]);
    expect(w.load).toMatchObject({ loaded: 2, quarantined: 7 });
  });

  it('fills priority, tags, the organisation (named by the organization table, else its id) and custom fields from the field history', async () => {
    const rows = await w.db.all<{ conversation_id: string; priority: string | null; tags: string[] | null; customer_account: string | null; metadata: string }>(
      'select conversation_id, priority, tags, customer_account, metadata from raw_conversations order by 1',
    );
    expect(rows.map((r) => ({ ...r, metadata: JSON.parse(r.metadata) as unknown }))).toEqual([
      // 360001 is named by ticket_field ("Order number", as a word a dimension can name) and its later value wins; 360005 has no ticket_field row; 360006 was cleared
      {
        conversation_id: '1',
        priority: 'high',
        tags: ['order', 'vip'],
        customer_account: 'Acme Ltd',
        metadata: { platform: 'zendesk', status: 'closed', order_number: 'ORD-77', field_360005: 'eu' },
      },
      { conversation_id: '4', priority: null, tags: null, customer_account: '901', metadata: { platform: 'zendesk', status: 'solved' } },
    ]);
  });

  it('the built summary groups by the account and by a custom field as a configured dimension', async () => {
    const rows = await w.db.all(`select account, order_number, conversations from (${summarySql(['account', 'order_number'], '', ['conversations'])})`);
    expect(rows).toEqual([
      { account: '901', order_number: null, conversations: 1 },
      { account: 'Acme Ltd', order_number: 'ORD-77', conversations: 1 },
    ]);
  });

  it('refuses a ticket table with a renamed column, naming it and what was found', async () => {
    const error = await testWarehouse({ adapter: zendeskTablesAdapter, files: [fixture('zendesk-renamed')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as Error).message).toMatch(/^ticket\.csv \(the Zendesk ticket table\) has no column requester_id; found: id, created_at, requester, status\./);
    const none = await testWarehouse({ adapter: zendeskTablesAdapter, files: [fixture('servicenow-bad.csv')] }).catch((e: unknown) => e);
    expect((none as Error).message).toMatch(/no ticket table \(ticket\.csv, ticket_data\.csv or ticket\.parquet\) found/);
  });
});

describe('zendesk tables without ticket_comment.csv', () => {
  it('say so in one note (shown by parley ingest, kept in the load log) instead of loading silent tickets', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-zd-'));
    const folder = path.join(dir, 'sync');
    cpSync(fixture('zendesk-tables'), folder, { recursive: true });
    rmSync(path.join(folder, 'ticket_comment.csv'));
    const w = await testWarehouse({ adapter: zendeskTablesAdapter, files: [folder] });
    try {
      // ticket.csv has 4 rows (ticket 2 is deleted, so quarantined)
      const note = `${folder} has no ticket_comment table (ticket_comment.csv), so the 4 rows of ticket.csv are loaded as tickets without messages: add the ticket_comment table of the sync and load the folder again`;
      // the note is the ticket table's; the field history (refused rows of its own) has none
      expect(w.load.perFile.map((f) => [path.basename(f.file), f.problem])).toEqual([
        ['ticket.csv', note],
        ['ticket_field_history.csv', null],
      ]);
      expect(await w.db.all('select problem from load_log where problem is not null')).toEqual([{ problem: note }]);
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('zendesk tables: a later full snapshot, deletions and merges', () => {
  const header = 'id,created_at,updated_at,requester_id,status,subject,priority,via_channel,group_id,assignee_id,type,merged_ticket_ids';
  const ticket = (id: string, created: string, status: string, subject: string, merged = '[]') =>
    `${id},${created},2026-01-06 09:00:00,101,${status},${subject},,email,10,200,,${merged}`;
  let dir: string;
  const landing = (name: string, tickets: string[]) => {
    const d = path.join(dir, name);
    cpSync(fixture('zendesk-tables'), d, { recursive: true });
    writeFileSync(path.join(d, 'ticket.csv'), [header, ...tickets].join('\n') + '\n');
    return d;
  };
  const load = async (w: TestWarehouse, folder: string) => {
    const prepared = await zendeskTablesAdapter.prepare(w.db, [folder], {});
    try {
      return await loadFiles(w.db, prepared.inputs, { now: TEST_NOW });
    } finally {
      await prepared.cleanup();
    }
  };
  const ids = async (w: TestWarehouse, table: string) => (await w.db.all<{ id: string }>(`select distinct conversation_id as id from ${table} order by 1`)).map((r) => r.id);
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-zendesk-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('removes a ticket deleted since, one merged since, and one the snapshot no longer holds inside its span; the marts follow', async () => {
    const first = landing('first', [
      ticket('0', '2026-01-01 08:00:00', 'closed', 'Long ago'),
      ticket('1', '2026-01-05 09:00:00', 'closed', 'Order broken'),
      ticket('3', '2026-01-06 08:00:00', 'closed', 'Same order again'),
      ticket('4', '2026-01-06 08:30:00', 'solved', 'Order question'),
      ticket('5', '2026-01-06 08:10:00', 'closed', 'Hello'),
      ticket('6', '2026-01-06 08:20:00', 'closed', 'Refused next time'),
      ticket('4', '2026-01-06 08:30:00', 'solved', 'Order question (later row)'),
    ]);
    const w = await testWarehouse({ adapter: zendeskTablesAdapter, files: [first] });
    expect(await ids(w, 'raw_conversations')).toEqual(['0', '1', '3', '4', '5', '6']);
    // ticket 4 twice: the later row is loaded, the earlier one quarantined as its duplicate
    expect(w.load.duplicates).toBe(1);
    expect(await w.db.one("select subject from raw_conversations where conversation_id = '4'")).toEqual({ subject: 'Order question (later row)' });
    await buildWarehouse(w.db, parseConfig({}), { now: TEST_NOW });

    // the next sync: 1 deleted, 3 merged into 4, 5 gone; 0 was created before this snapshot's first ticket (1, 5 Jan), so it
    // stays, and so does 6: the snapshot holds it, though its row is refused this time (the stored copy is kept)
    const second = landing('second', [
      ticket('1', '2026-01-05 09:00:00', 'deleted', 'Order broken'),
      ticket('3', '2026-01-06 08:00:00', 'closed', 'Same order again'),
      ticket('6', '2026-01-06 08:20:00', 'archived', 'Refused next time'),
      ticket('4', '2026-01-06 08:30:00', 'solved', 'Order question', '[3]'),
    ]);
    const summary = await load(w, second);
    expect(summary).toMatchObject({ removed: 3 });
    expect(await ids(w, 'raw_conversations')).toEqual(['0', '4', '6']);
    expect(await ids(w, 'raw_messages')).toEqual(['4']);
    const built = await buildWarehouse(w.db, parseConfig({}), { now: TEST_NOW });
    expect(built.kind).toBe('full');
    expect(await ids(w, 'conversation_metrics')).toEqual(['0', '4', '6']);
    w.close();
  });
});
