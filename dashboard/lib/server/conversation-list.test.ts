/**
 * The conversation list over a hand-made warehouse: five conversations in
 * October 2026 with tags, priorities, accounts, a custom dimension (`plan`),
 * CSAT answers on a 1–5 scale, one chat SLA policy (first response 10m,
 * resolution 4h, webchat only) and a roster naming the agents. Every expected
 * row is worked out from the records below and spec/metrics.md, not read
 * from the SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { agent, conversation, csat, customer, horizon, on, status } from '../../../testing/fixtures.js';
import { listConversations, listCsv, listQuery, type ListQuery } from './conversation-list.js';
import { filterOptions, readFilters, type Filters } from './filters.js';

const tue = on('2026-10-06');
const wed = on('2026-10-07');
const thu = on('2026-10-08');
const october: Filters = { from: '2026-10-01', to: '2026-10-31' };
const q0: ListQuery = listQuery.parse({});

let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({
    build: {
      sla_policies: [{ name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '10m', resolution: '4h' } }],
      dimensions: ['plan'],
    },
    agents: [
      { id: 'a1', name: 'Ada Lovelace', team: 'tier1' },
      { id: 'a2', name: 'Bo Diddley', team: 'tier2' },
    ],
    records: [
      // replied in 5m, resolved in 1h: both targets met; CSAT 5 of 1–5 → 100, satisfied
      {
        ...conversation('c-fast', [customer(tue('09:00'), 'my invoice is wrong'), agent(tue('09:05'), 'a1'), status(tue('10:00'), 'resolved'), csat(tue('10:05'), 5, [1, 5])], {
          tags: ['billing', 'vip'],
          priority: 'high',
          account: 'Acme',
          metadata: { plan: 'pro' },
        }),
        subject: 'Invoice wrong',
      },
      // replied after 30m (due 09:10), resolved after 6h (due 13:00): breached; CSAT 1 → 0, dissatisfied
      {
        ...conversation(
          'c-slow',
          [customer(tue('09:00'), '=HYPERLINK("http://x") give me my money'), agent(tue('09:30'), 'a2'), status(tue('15:00'), 'resolved'), csat(tue('15:05'), 1, [1, 5])],
          { tags: ['billing'], priority: 'low', account: 'Acme', metadata: { plan: 'free' } },
        ),
        subject: 'Refund please',
      },
      // replied in 2m, resolved in 30m: met; CSAT 4 → 75, satisfied (top two points)
      {
        ...conversation('c-mid', [customer(wed('09:00'), 'cannot log in'), agent(wed('09:02'), 'a1'), status(wed('09:30'), 'resolved'), csat(wed('09:35'), 4, [1, 5])], {
          tags: ['vip'],
          priority: 'high',
          account: 'Globex',
          metadata: { plan: 'pro' },
        }),
        subject: 'Login trouble',
      },
      // e-mail (no SLA policy), replied after 1h, left pending; its subject looks like a formula
      {
        ...conversation('c-open', [customer(thu('09:00'), 'where is my PARCEL?'), agent(thu('10:00'), 'a1'), status(thu('10:01'), 'pending')], {
          channel: 'email',
          priority: 'urgent',
          account: 'Globex',
        }),
        subject: '=cmd|calc',
      },
      // the horizon: a voice call with no reply, open
      horizon('2026-10-20T12:00:00Z'),
    ],
  });
});
afterAll(() => w.close());

const ids = async (f: Partial<Filters>, q: Partial<ListQuery> = {}) =>
  (await listConversations(w.db, { ...october, ...f }, { ...q0, ...q }, { subjects: true })).rows.map((r) => r.conversation_id);

describe('the conversation list', () => {
  it('shows agent names, the customer, status and the metric columns', async () => {
    const list = await listConversations(w.db, october, q0, { subjects: true });
    expect(list.total).toBe(5);
    // newest first; c-fast and c-slow began at the same minute: by id
    expect(list.rows.map((r) => r.conversation_id)).toEqual(['horizon', 'c-open', 'c-mid', 'c-fast', 'c-slow']);
    const fast = list.rows.find((r) => r.conversation_id === 'c-fast');
    expect(fast).toMatchObject({
      agent_name: 'Ada Lovelace',
      owner_agent: 'a1',
      customer_id: 'cust-c-fast',
      account: 'Acme',
      status: 'resolved',
      subject: 'Invoice wrong',
      first_response: '5m 00s',
      resolution: '1h 00m',
      fcr: 'yes',
      csat: '100.0',
      sla_policy: 'chat',
      sla: 'met',
    });
    const slow = list.rows.find((r) => r.conversation_id === 'c-slow');
    expect(slow).toMatchObject({ agent_name: 'Bo Diddley', first_response: '30m 00s', resolution: '6h 00m', csat: '0.0', sla: 'breached' });
    const open = list.rows.find((r) => r.conversation_id === 'c-open');
    // pending, not resolved: no resolution time, not FCR; no policy for e-mail
    expect(open).toMatchObject({ status: 'pending', first_response: '1h 00m', resolution: '–', fcr: 'no', csat: '–', sla_policy: null, sla: '–' });
    expect(list.rows.find((r) => r.conversation_id === 'horizon')).toMatchObject({ status: 'open', agent_name: null, first_response: '–' });
  });

  it('filters by status, CSAT, SLA and SLA policy', async () => {
    expect(await ids({ status: 'resolved' })).toEqual(['c-mid', 'c-fast', 'c-slow']);
    expect(await ids({ status: 'pending' })).toEqual(['c-open']);
    expect(await ids({ status: 'open' })).toEqual(['horizon']);
    expect(await ids({ csat: 'satisfied' })).toEqual(['c-mid', 'c-fast']);
    expect(await ids({ csat: 'dissatisfied' })).toEqual(['c-slow']);
    expect(await ids({ csat: 'answered' })).toEqual(['c-mid', 'c-fast', 'c-slow']);
    expect(await ids({ csat_score: 75 })).toEqual(['c-mid']);
    expect(await ids({ sla: 'breached' })).toEqual(['c-slow']);
    expect(await ids({ sla: 'met' })).toEqual(['c-mid', 'c-fast']);
    expect(await ids({ sla_policy: 'chat' })).toEqual(['c-mid', 'c-fast', 'c-slow']);
  });

  it('filters by tag, priority, account and a configured custom dimension, and combines filters with and', async () => {
    expect(await ids({ tag: 'vip' })).toEqual(['c-mid', 'c-fast']);
    expect(await ids({ tag: 'billing' })).toEqual(['c-fast', 'c-slow']);
    expect(await ids({ priority: 'high' })).toEqual(['c-mid', 'c-fast']);
    expect(await ids({ account: 'Globex' })).toEqual(['c-open', 'c-mid']);
    expect(await ids({ dims: { plan: 'pro' } })).toEqual(['c-mid', 'c-fast']);
    expect(await ids({ tag: 'billing', status: 'resolved', csat: 'dissatisfied' })).toEqual(['c-slow']);
    expect(await ids({ tag: 'vip', account: 'Acme', dims: { plan: 'free' } })).toEqual([]);
  });

  it('searches subjects and message bodies, ignoring case, with the text taken literally', async () => {
    // "invoice": c-fast's subject and body
    expect(await ids({ q: 'invoice' })).toEqual(['c-fast']);
    // "parcel": only in c-open's message body
    expect(await ids({ q: 'parcel' })).toEqual(['c-open']);
    // "REFUND": only in c-slow's subject
    expect(await ids({ q: 'REFUND' })).toEqual(['c-slow']);
    // "%" is a character, not a wildcard: no body or subject holds "in%"
    expect(await ids({ q: 'in%' })).toEqual([]);
    // search and filters together: "my" is in c-fast, c-slow and c-open; only c-open is pending
    expect(await ids({ q: 'my', status: 'pending' })).toEqual(['c-open']);
    // without the right to read conversations the search is not applied (it would reveal their text)
    const blind = await listConversations(w.db, { ...october, q: 'parcel' }, q0, { subjects: false });
    expect(blind.total).toBe(5);
    expect(blind.rows.every((r) => r.subject === null)).toBe(true);
  });

  it('sorts by a metric column, nulls last, and pages', async () => {
    // first response: c-mid 2m, c-fast 5m, c-slow 30m, c-open 1h; the horizon has none
    expect(await ids({}, { sort: 'first_response_s', dir: 'asc' })).toEqual(['c-mid', 'c-fast', 'c-slow', 'c-open', 'horizon']);
    // CSAT: 100, 75, 0, then the two without an answer, newest first
    expect(await ids({}, { sort: 'csat_score', dir: 'desc' })).toEqual(['c-fast', 'c-mid', 'c-slow', 'horizon', 'c-open']);
    // page 2 of 50 is empty
    expect(await ids({}, { page: 1 })).toEqual([]);
  });

  it('reads the new filters from the URL, custom dimensions under dim.<name>, and offers their values', async () => {
    const f = await readFilters(
      w.db,
      new URL('http://x/conversations?from=2026-10-01&to=2026-10-31&tag=vip&status=resolved&csat=satisfied&sla=met&dim.plan=pro&dim.region=eu&q=%20log%20&csat_score=bad'),
    );
    // region is not configured: ignored; a bad score is dropped; the search text trimmed
    expect(f).toEqual({ from: '2026-10-01', to: '2026-10-31', tag: 'vip', status: 'resolved', csat: 'satisfied', sla: 'met', q: 'log', dims: { plan: 'pro' } });
    expect(await ids(f)).toEqual(['c-mid']);
    const options = await filterOptions(w.db);
    expect(options).toMatchObject({
      tags: ['billing', 'vip'],
      priorities: ['high', 'low', 'urgent'],
      accounts: ['Acme', 'Globex'],
      sla_policies: ['chat'],
      csat_scores: [0, 75, 100],
      dims: [{ name: 'plan', values: ['free', 'pro'] }],
    });
  });
});

describe('the CSV download', () => {
  it('holds every page of the list, a formula-like subject made inert', async () => {
    const csv = await listCsv(w.db, { ...october, account: 'Globex' }, q0, { subjects: true });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'source,conversation_id,created_at_utc,status,channel,intent,priority,team,agent_id,agent,customer_id,account,subject,first_response,resolution,fcr,csat,sla_policy,sla',
    );
    const source = (await w.metrics('c-open'))['source'] as string;
    // c-open's subject "=cmd|calc" would run as a formula in a spreadsheet: it gets a leading quote
    expect(lines[1]).toBe(`${source},c-open,2026-10-08 09:00,pending,email,,urgent,tier1,a1,Ada Lovelace,cust-c-open,Globex,'=cmd|calc,1h 00m,–,no,–,,–`);
    expect(lines[2]).toBe(`${source},c-mid,2026-10-07 09:00,resolved,webchat,,high,tier1,a1,Ada Lovelace,cust-c-mid,Globex,Login trouble,2m 00s,30m 00s,yes,75.0,chat,met`);
    expect(lines.slice(3)).toEqual(['']);
  });

  it('leaves the subject out for a viewer who may not read conversations', async () => {
    const csv = await listCsv(w.db, { ...october, status: 'pending' }, q0, { subjects: false });
    expect(csv.split('\r\n')[0]).not.toContain('subject');
    expect(csv).not.toContain('cmd');
  });
});
