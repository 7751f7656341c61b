/**
 * Hand-worked cases for the customer-level mart and the version 2 groupings
 * of spec/metrics.md: customer_metrics, and the summary by priority, segment,
 * account, tag and configured custom dimensions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, conversation, csat, customer, horizon, on, status } from '../testing/fixtures.js';

describe('customer_metrics', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    const sep10 = on('2026-09-10');
    const oct6 = on('2026-10-06');
    const oct8 = on('2026-10-08');
    w = await testWarehouse({
      build: { sla_policies: [{ name: 'all', targets: { first_response: '1h' } }] },
      records: [
        conversation('k1', [customer(sep10('09:00')), agent(sep10('09:10')), status(sep10('10:00'), 'resolved'), csat(sep10('12:00'), 5, [1, 5])], {
          customer: 'k',
          segment: 'smb',
          account: 'Acme',
        }),
        conversation('k2', [customer(oct6('09:00')), agent(oct6('09:10')), status(oct6('10:00'), 'resolved'), csat(oct6('12:00'), 2, [1, 5])], {
          customer: 'k',
          segment: 'enterprise',
          account: 'Acme Corp',
        }),
        // two days after k2's resolution: k2 is re-contacted; never answered, so its first response breaches
        conversation('k3', [customer(oct8('09:00'), 'my invoice is wrong'), customer(oct8('09:01'), 'still wrong')], { customer: 'k', account: 'Acme Corp' }),
        conversation('other', [customer(oct6('09:00')), agent(oct6('09:30')), status(oct6('10:00'), 'resolved')], { customer: 'j' }),
        horizon('2026-11-20T12:00:00Z'),
      ],
    });
  });
  afterAll(() => w.close());

  it('sums a customer up from all their conversations, segment and account from the latest', async () => {
    const k = (await w.db.one("select * from customer_metrics where customer_id = 'k'"))!;
    expect(k.segment).toBeNull(); // k3, the latest, names none
    expect(k.account).toBe('Acme Corp');
    expect(k.conversations).toBe(3);
    expect((k.first_contact_at as Date).toISOString()).toBe('2026-09-10T09:00:00.000Z');
    expect((k.last_contact_at as Date).toISOString()).toBe('2026-10-08T09:00:00.000Z');
    expect(k.active_months).toBe(2);
    expect(k.resolved_conversations).toBe(2);
    expect(k.fcr_rate).toBe(0.5); // k1 yes; k2 re-contacted by k3
    expect(k.recontact_rate).toBe(0.5);
    expect(k.csat_latest).toBe(25); // k2's 2 on 1–5, answered after k1's 5
    // effort: k1 and k2 0; k3 1 − e^(−1/8) of its two messages → 11.8
    expect(k.effort_index_mean).toBeCloseTo(11.8 / 3, 10);
    expect(k.sla_breaches).toBe(1); // k3
    const j = (await w.db.one("select * from customer_metrics where customer_id = 'j'"))!;
    expect([j.conversations, j.sla_breaches, j.csat_latest]).toEqual([1, 0, null]);
  });
});

describe('the summary by priority, segment, account, tag and custom dimensions', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    const at = on('2026-10-06');
    w = await testWarehouse({
      build: { dimensions: ['plan', 'seats'] },
      records: [
        conversation('g1', [customer(at('09:00'))], { priority: 'high', segment: 'smb', account: 'A', tags: ['billing', 'vip'], metadata: { plan: 'pro', seats: 5 } }),
        conversation('g2', [customer(at('09:00'))], { priority: 'high', account: 'A', tags: ['billing', 'billing'], metadata: { plan: 'free' } }),
        conversation('g3', [customer(at('09:00'))], { priority: 'low', segment: 'smb', tags: [], metadata: { seats: 3 } }),
      ],
    });
  });
  afterAll(() => w.close());

  const counts = async (dim: string) => Object.fromEntries((await w.summary([dim as never])).map((r) => [String(r[dim]), r.conversations]));

  it('groups by priority, segment and account', async () => {
    expect(await counts('priority')).toEqual({ high: 2, low: 1 });
    expect(await counts('segment')).toEqual({ smb: 2, null: 1 });
    expect(await counts('account')).toEqual({ A: 2, null: 1 });
  });

  it('counts a conversation once under each of its tags, an untagged one under none', async () => {
    expect(await counts('tag')).toEqual({ billing: 2, vip: 1, null: 1 });
  });

  it('groups by a metadata key as text', async () => {
    expect(await counts('plan')).toEqual({ pro: 1, free: 1, null: 1 });
    expect(await counts('seats')).toEqual({ 5: 1, 3: 1, null: 1 });
  });
});
