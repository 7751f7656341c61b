/**
 * The dashboard's drill-down conditions: pin the SQL they generate, then run
 * it on a small conversation_metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../../warehouse/connection.js';
import { testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { agent, conversation, customer, horizon, on, status } from '../../../testing/fixtures.js';
import { appliedFilters } from '../filter-words.js';
import { filterOptions, filterQuery, filterWhere, filterWords, narrowed, numbered, partialMonth } from './filters.js';

let db: Warehouse;
beforeAll(async () => {
  db = await openWarehouse(':memory:');
  await db.run(`create table conversation_metrics as
    select * from (values
      ('c1', timestamptz '2026-10-01 09:00:00+00', '2026-10', 'webchat', 'billing', 'tier1', 'a1', 300),
      ('c2', timestamptz '2026-10-31 23:59:00+00', '2026-10', 'webchat', 'billing', 'tier1', 'a2', 900),
      ('c3', timestamptz '2026-11-01 00:00:00+00', '2026-11', 'email', 'billing', 'tier1', 'a1', 60)
    ) as t(conversation_id, created_at, month, channel, intent, team, owner_agent, first_response_s)`);
});
afterAll(() => db.close());

describe('partialMonth', () => {
  it('is the month of the range end unless the range ends on its last day', () => {
    expect(partialMonth({ to: '2026-12-01' })).toEqual({ month: '2026-12', through: '2026-12-01' });
    expect(partialMonth({ to: '2026-11-29' })).toEqual({ month: '2026-11', through: '2026-11-29' });
    expect(partialMonth({ to: '2026-11-30' })).toBeUndefined();
    expect(partialMonth({ to: '2026-12-31' })).toBeUndefined();
    expect(partialMonth({ to: '2028-02-28' })).toEqual({ month: '2028-02', through: '2028-02-28' });
    expect(partialMonth({ to: '2028-02-29' })).toBeUndefined();
  });
});

describe('filterWhere', () => {
  it('writes the date range and every filter given as numbered conditions, and they select the right rows', async () => {
    const w = filterWhere({ from: '2026-10-01', to: '2026-10-31', channel: 'webchat', team: 'tier1', agent: 'a1' });
    expect(w.sql).toBe('created_at >= $1::date and created_at < $2::date + 1 and channel = $3 and team = $4 and owner_agent = $5');
    expect(w.params).toEqual(['2026-10-01', '2026-10-31', 'webchat', 'tier1', 'a1']);
    expect(await db.all(`select conversation_id from conversation_metrics where ${w.sql} order by 1`, w.params)).toEqual([{ conversation_id: 'c1' }]);
  });

  it('numbers after a start, with a prefix and without dates; more conditions follow it', async () => {
    const base = filterWhere({ from: '2026-01-01', to: '2026-12-31', month: '2026-10', intent: 'billing' }, { dates: false, prefix: 'cm', start: 2 });
    expect(base.sql).toBe('cm.month = $2 and cm.intent = $3');
    const more = numbered([['cm.first_response_s >= ?', 600]], base.params.length + 2);
    expect(more.sql).toBe('cm.first_response_s >= $4');
    expect(numbered([])).toEqual({ sql: 'true', params: [] });
    const rows = await db.all(`select cm.conversation_id from conversation_metrics cm where cm.channel = $1 and ${base.sql} and ${more.sql}`, [
      'webchat',
      ...base.params,
      ...more.params,
    ]);
    expect(rows).toEqual([{ conversation_id: 'c2' }]);
  });
});

describe('the narrowing filters', () => {
  beforeAll(async () => {
    await db.run(`create table narrow as
      select * from (values
        ('n1', ['billing', 'vip'], 'high', 'Acme', '{"plan": "pro"}'::json, 'resolved', 100.0, true, false, 'chat'),
        ('n2', ['billing'], 'low', 'Acme', '{"plan": "free"}'::json, 'open', 0.0, false, true, 'chat'),
        ('n3', []::varchar[], null, 'Globex', '{}'::json, 'pending', null, null, null, null)
      ) as t(conversation_id, tags, priority, customer_account, metadata, status, csat_score, csat_satisfied, sla_breached, sla_policy)`);
  });
  const pick = async (f: Parameters<typeof filterWhere>[0]) => {
    const w = filterWhere(f, { dates: false, prefix: 'x' });
    return (await db.all<{ conversation_id: string }>(`select conversation_id from narrow x where ${w.sql} order by 1`, w.params)).map((r) => r.conversation_id);
  };
  const any = { from: '2026-01-01', to: '2026-12-31' };

  it('writes each as a parameter and selects the right rows', async () => {
    const w = filterWhere({ ...any, tag: 'vip', priority: 'high', account: 'Acme', dims: { plan: 'pro' } }, { dates: false });
    expect(w.sql).toBe("list_contains(tags, $1) and priority = $2 and customer_account = $3 and json_extract_string(metadata, '$.plan') = $4");
    expect(w.params).toEqual(['vip', 'high', 'Acme', 'pro']);
    expect(await pick({ ...any, tag: 'billing' })).toEqual(['n1', 'n2']);
    expect(await pick({ ...any, account: 'Globex' })).toEqual(['n3']);
    expect(await pick({ ...any, dims: { plan: 'free' } })).toEqual(['n2']);
    expect(await pick({ ...any, status: 'pending' })).toEqual(['n3']);
    expect(await pick({ ...any, csat: 'dissatisfied' })).toEqual(['n2']);
    expect(await pick({ ...any, csat: 'answered' })).toEqual(['n1', 'n2']);
    expect(await pick({ ...any, csat_score: 100 })).toEqual(['n1']);
    expect(await pick({ ...any, sla: 'met' })).toEqual(['n1']);
    expect(await pick({ ...any, sla_policy: 'chat', tag: 'vip' })).toEqual(['n1']);
    // a dimension name that is not a plain name never reaches the SQL
    expect(filterWhere({ ...any, dims: { "x') or true --": 'a' } }, { dates: false }).sql).toBe('true');
  });

  it('keeps them in links, and says when the monthly mart cannot answer', () => {
    expect(filterQuery({ ...any, tag: 'vip', csat_score: 0, dims: { plan: 'pro' } })).toBe('?from=2026-01-01&to=2026-12-31&tag=vip&csat_score=0&dim.plan=pro');
    expect(narrowed({ ...any, channel: 'email' })).toBe(false);
    expect(narrowed({ ...any, tag: 'vip' })).toBe(true);
    expect(narrowed({ ...any, dims: { plan: 'pro' } })).toBe(true);
  });
});

describe('filterOptions', () => {
  let w: TestWarehouse;
  const day = on('2026-10-06');
  beforeAll(async () => {
    w = await testWarehouse({
      build: {
        // "urgent" comes first in the configuration and matches no conversation
        sla_policies: [
          { name: 'urgent', when: { priority: 'urgent' }, targets: { first_response: '5m' } },
          { name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '10m' } },
        ],
      },
      records: [
        conversation('r1', [customer(day('09:00')), agent(day('09:05')), status(day('10:00'), 'resolved')]),
        conversation('p1', [customer(day('11:00')), agent(day('11:05')), status(day('11:30'), 'pending')]),
        horizon('2026-10-20T12:00:00Z'),
      ],
    });
  });
  afterAll(() => w.close());

  it('offers the statuses that occur, in their order, and the configured SLA policies in the configuration order', async () => {
    const o = await filterOptions(w.db);
    // the horizon conversation has a customer message and no reply: open
    expect(o.statuses).toEqual(['open', 'pending', 'resolved']);
    expect(o.sla_policies).toEqual(['urgent', 'chat']);
  });
});

describe('filterWords', () => {
  it('names each filter of the view but the dates, month and search, as the filter bar lists them', () => {
    const f = { from: '2026-10-01', to: '2026-10-31', month: '2026-10', q: 'x', status: 'open', csat_score: 0, sla: 'met', sla_policy: 'chat', dims: { plan: 'pro' } } as const;
    expect(filterWords(f)).toEqual(['status open', 'CSAT score 0', 'SLA met', 'SLA policy chat', 'plan pro']);
    expect(appliedFilters(f).map((a) => a.key)).toEqual(['status', 'csat_score', 'sla', 'sla_policy', 'dim.plan']);
  });
});
