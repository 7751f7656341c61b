/**
 * The customer page over one customer's three conversations (and another
 * customer's, which must not show): figures worked out by hand from
 * spec/metrics.md (v1 fcr, recontact_7d, reopens; v2 "Customer-level mart"
 * and SLA), not read from the SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { agent, conversation, csat, customer, horizon, on, status } from '../../../testing/fixtures.js';
import { listQuery } from './conversation-list.js';
import { loadCustomer } from './customer.js';

const q0 = listQuery.parse({});
let w: TestWarehouse;
let source: string;
beforeAll(async () => {
  const who = { customer: 'cust-1', account: 'Acme' };
  w = await testWarehouse({
    build: { sla_policies: [{ name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '10m', resolution: '4h' } }] },
    records: [
      // k1: replied in 5m, resolved in 1h (SLA met); CSAT 5 of 1–5 → 100. k2 starts within 7 days of its resolution: a re-contact, so not FCR
      conversation(
        'k1',
        [customer(on('2026-10-06')('09:00')), agent(on('2026-10-06')('09:05')), status(on('2026-10-06')('10:00'), 'resolved'), csat(on('2026-10-06')('10:05'), 5, [1, 5])],
        who,
      ),
      // k2: replied after 30m (first response breached), resolved, reopened by a message, resolved again: one reopen, not FCR; CSAT 2 → 25, the latest answer
      conversation(
        'k2',
        [
          customer(on('2026-10-09')('09:00')),
          agent(on('2026-10-09')('09:30')),
          status(on('2026-10-09')('10:00'), 'resolved'),
          customer(on('2026-10-09')('11:00'), 'it broke again'),
          agent(on('2026-10-09')('11:05')),
          status(on('2026-10-09')('11:30'), 'resolved'),
          csat(on('2026-10-09')('11:35'), 2, [1, 5]),
        ],
        who,
      ),
      // k3: e-mail (no SLA policy), in November, pending
      conversation('k3', [customer(on('2026-11-02')('09:00')), agent(on('2026-11-02')('09:10')), status(on('2026-11-02')('09:11'), 'pending')], { ...who, channel: 'email' }),
      horizon('2026-11-30T12:00:00Z'),
    ],
  });
  source = (await w.metrics('k1'))['source'] as string;
});
afterAll(() => w.close());

describe('the customer page', () => {
  it("shows the customer's figures", async () => {
    const c = await loadCustomer(w.db, source, 'cust-1', q0);
    expect(c).not.toBeNull();
    expect(c!.account).toBe('Acme');
    const facts = Object.fromEntries(c!.facts.map((f) => [f.label, f.value]));
    expect(facts).toMatchObject({
      Conversations: '3',
      'First contact': '2026-10-06',
      'Last contact': '2026-11-02',
      // October and November
      'Active months': '2',
      // k1 and k2; k3 is pending
      Resolved: '2',
      // k1 re-contacted, k2 reopened: 0 of 2
      FCR: '0.0%',
      // k1 of k1 and k2
      'Repeat contacts (7 days)': '50.0%',
      'Re-opens': '1',
      // k2's answer is the latest
      'Latest CSAT': '25.0',
      'CSAT answers': '2',
      // k1 met, k2 breached, k3 has no policy
      'SLA met': '1 of 2',
      'SLA breaches': '1',
    });
  });

  it('lists their conversations only, newest first, with the metric columns', async () => {
    const c = await loadCustomer(w.db, source, 'cust-1', q0);
    expect(c!.total).toBe(3);
    expect(c!.rows.map((r) => [r.conversation_id, r.status, r.fcr, r.csat, r.sla])).toEqual([
      ['k3', 'pending', 'no', '–', '–'],
      ['k2', 'resolved', 'no', '25.0', 'breached'],
      ['k1', 'resolved', 'no', '100.0', 'met'],
    ]);
  });

  it('is null for a customer without conversations', async () => {
    expect(await loadCustomer(w.db, source, 'nobody', q0)).toBeNull();
  });
});
