/**
 * The account page over account Acme: five conversations of three customers
 * (one of whom has since moved to Beta), beside Beta's, which must not show.
 * Figures worked out by hand from spec/metrics.md (v1 fcr, recontact_7d,
 * reopens, csat_score, csat_rate; v2 "Customer-level mart" and SLA) and the
 * catalogue's effort formula, not read from the SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { agent, conversation, csat, customer, horizon, on, status } from '../../../testing/fixtures.js';
import { listCsv, listQuery } from './conversation-list.js';
import { loadCustomerAccount } from './customer-account.js';

const q0 = listQuery.parse({});
let w: TestWarehouse;
let source: string;
beforeAll(async () => {
  const acme = (id: string) => ({ customer: id, account: 'Acme' });
  const oct = on('2026-10-06');
  w = await testWarehouse({
    build: { sla_policies: [{ name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '10m', resolution: '4h' } }] },
    records: [
      // cust-1, a1: replied in 5m, resolved in 1h (SLA met), CSAT 5 of 1–5 → 100, satisfied; re-contacted by a2 within 7 days: not FCR
      conversation('a1', [customer(oct('09:00')), agent(oct('09:05')), status(oct('10:00'), 'resolved'), csat(oct('10:05'), 5, [1, 5])], acme('cust-1')),
      // cust-1, a2: replied after 30m (first response breached), resolved, reopened by a message, resolved again: one reopen, not FCR;
      // CSAT 2 → 25, not satisfied; effort raw = 3 × 1 reopen = 3 → 100 × (1 − e^−3/8) = 31.27 → 31.3
      conversation(
        'a2',
        [
          customer(on('2026-10-09')('09:00')),
          agent(on('2026-10-09')('09:30')),
          status(on('2026-10-09')('10:00'), 'resolved'),
          customer(on('2026-10-09')('11:00'), 'it broke again'),
          agent(on('2026-10-09')('11:05')),
          status(on('2026-10-09')('11:30'), 'resolved'),
          csat(on('2026-10-09')('11:35'), 2, [1, 5]),
        ],
        acme('cust-1'),
      ),
      // cust-2, a3: an e-mail (no SLA policy) never answered: open, effort 0 (one customer message)
      conversation('a3', [customer(on('2026-11-02')('09:00'))], { ...acme('cust-2'), channel: 'email' }),
      // cust-2, a4: replied in 2m, resolved in 20m (SLA met), CSAT 4 of 1–5 → 75, satisfied (top two points); FCR
      conversation(
        'a4',
        [customer(on('2026-11-03')('09:00')), agent(on('2026-11-03')('09:02')), status(on('2026-11-03')('09:20'), 'resolved'), csat(on('2026-11-03')('09:25'), 4, [1, 5])],
        acme('cust-2'),
      ),
      // cust-4, c1 in Acme: replied in 3m, resolved in 30m (SLA met), FCR (c2 comes 3 weeks later)
      conversation('c1', [customer(on('2026-10-20')('09:00')), agent(on('2026-10-20')('09:03')), status(on('2026-10-20')('09:30'), 'resolved')], acme('cust-4')),
      // cust-4 has moved to Beta since: c2 is Beta's
      conversation('c2', [customer(on('2026-11-10')('09:00')), agent(on('2026-11-10')('09:04')), status(on('2026-11-10')('09:30'), 'resolved')], {
        customer: 'cust-4',
        account: 'Beta',
      }),
      // cust-3 is Beta's only
      conversation('b1', [customer(on('2026-10-07')('09:00')), agent(on('2026-10-07')('09:01')), status(on('2026-10-07')('09:10'), 'resolved')], {
        customer: 'cust-3',
        account: 'Beta',
      }),
      horizon('2026-11-30T12:00:00Z'),
    ],
  });
  source = (await w.metrics('a1'))['source'] as string;
});
afterAll(() => w.close());

describe('the account page', () => {
  it("shows the figures of the account's conversations", async () => {
    const a = await loadCustomerAccount(w.db, source, 'Acme', q0);
    expect(a).not.toBeNull();
    expect(Object.fromEntries(a!.facts.map((f) => [f.label, f.value]))).toEqual({
      // cust-1, cust-2 and cust-4 (for c1)
      Customers: '3',
      // a1, a2, a3, a4, c1; not c2 (Beta's)
      Conversations: '5',
      'First contact': '2026-10-06',
      'Last contact': '2026-11-03',
      // October (a1, a2, c1) and November (a3, a4)
      'Active months': '2',
      // a1, a2, a4, c1; a3 is open
      Resolved: '4',
      // a4 and c1 of the four resolved (every 7-day window closed by the horizon)
      FCR: '50.0%',
      // a1 of the four
      'Repeat contacts (7 days)': '25.0%',
      'Re-opens': '1',
      // a1 and a4 of three answers
      'CSAT (satisfied)': '66.7%',
      // (100 + 25 + 75) / 3
      'CSAT (mean)': '66.7',
      'CSAT answers': '3',
      // (0 + 31.3 + 0 + 0 + 0) / 5 = 6.26
      'Effort (mean)': '6.3',
      // a1, a4, c1 met, a2 breached; a3 has no policy
      'SLA met': '3 of 4',
      'SLA breaches': '1',
    });
  });

  it('lists its customers with their own figures, and says who has moved to another account', async () => {
    const a = await loadCustomerAccount(w.db, source, 'Acme', q0);
    expect(a!.customerCount).toBe(3);
    expect(a!.customers.map((c) => [c.customer_id, c.moved_to, c.conversations, c.resolved, c.fcr, c.repeat_contacts, c.csat_latest, c.effort, c.sla_breaches])).toEqual([
      // two conversations each, by id; cust-1: a2's CSAT is the latest, effort (0 + 31.3) / 2 = 15.65 → 15.7
      ['cust-1', null, 2, 2, '0.0%', '50.0%', '25.0', '15.7', 1],
      ['cust-2', null, 2, 1, '100.0%', '0.0%', '75.0', '0.0', 0],
      // cust-4's figures are over both of their conversations, c2 (Beta's) too
      ['cust-4', 'Beta', 2, 2, '100.0%', '0.0%', '–', '0.0', 0],
    ]);
  });

  it("lists the account's conversations only, newest first", async () => {
    const a = await loadCustomerAccount(w.db, source, 'Acme', q0);
    expect(a!.total).toBe(5);
    expect(a!.rows.map((r) => [r.conversation_id, r.customer_id, r.status, r.sla])).toEqual([
      ['a4', 'cust-2', 'resolved', 'met'],
      ['a3', 'cust-2', 'open', '–'],
      ['c1', 'cust-4', 'resolved', 'met'],
      ['a2', 'cust-1', 'resolved', 'breached'],
      ['a1', 'cust-1', 'resolved', 'met'],
    ]);
    const csv = await listCsv(w.db, { from: '1970-01-01', to: '9999-12-31' }, q0, { subjects: true, account: { source, account: 'Acme' } });
    expect(
      csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[1]),
    ).toEqual(['a4', 'a3', 'c1', 'a2', 'a1']);
  });

  it('is null for an account no conversation names', async () => {
    expect(await loadCustomerAccount(w.db, source, 'Nobody Ltd', q0)).toBeNull();
    expect(await loadCustomerAccount(w.db, 'elsewhere', 'Acme', q0)).toBeNull();
  });
});
