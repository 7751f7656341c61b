/**
 * The SLA page's loader over a hand-made warehouse: one calendar-hours chat
 * policy (first response 10m, resolution 4h). Expected figures are worked
 * out from the timestamps below and spec/metrics.md "Service-level
 * agreements", not read from the SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { agent, conversation, customer, horizon, on, status } from '../../../testing/fixtures.js';
import { loadSla } from './sla.js';
import type { Filters } from './filters.js';

const tue = on('2026-10-06');
const wed = on('2026-10-07');
const last = on('2026-10-20');
const filters: Filters = { from: '2026-10-01', to: '2026-10-20' };

let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({
    build: { sla_policies: [{ name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '10m', resolution: '4h' } }] },
    records: [
      // ten conversations meet both targets: reply after 5m, resolved after 1h
      ...Array.from({ length: 10 }, (_, i) => conversation(`met-${i}`, [customer(tue('09:00')), agent(tue('09:05')), status(tue('10:00'), 'resolved')])),
      // first reply after 30m: first response breached at its due moment 09:10; resolved in 1h (met)
      conversation('late-reply', [customer(tue('09:00')), agent(tue('09:30')), status(tue('10:00'), 'resolved')]),
      // resolved after 6h: resolution breached at 13:00 the next day, the latest breach
      conversation('late-resolution', [customer(wed('09:00')), agent(wed('09:05')), status(wed('15:00'), 'resolved')]),
      // no reply yet: first response due 12:05, after the horizon (12:00): open, 5 minutes to breach
      conversation('open-unanswered', [customer(last('11:55'))]),
      // answered, not resolved: resolution due 13:00, open, 1 hour to breach
      conversation('open-unresolved', [customer(last('09:00')), agent(last('09:05'))]),
      // no policy matches sms: in no rate, in no list
      conversation('no-policy', [customer(tue('09:00')), agent(tue('11:00'))], { channel: 'sms' }),
      horizon('2026-10-20T12:00:00Z'),
    ],
  });
});
afterAll(() => w.close());

describe('the SLA page', () => {
  it('shows attainment over the conversations whose targets are settled', async () => {
    const page = await loadSla(w.db, filters);
    expect(page.configured).toBe(true);
    // achievement: 10 met of 12 settled (the two open ones are left out)
    // first response: 12 met of 13 (late-reply breached; open-unresolved was answered in 5m)
    // resolution: 11 met of 12 (late-resolution breached; both open ones are open)
    expect(page.total).toMatchObject({
      settled: 12,
      rates: { sla_achievement_rate: '83.3%', sla_first_response_rate: '92.3%', sla_resolution_rate: '91.7%', sla_next_response_rate: '–' },
    });
    const byChannel = page.tables.find((t) => t.dimension === 'channel');
    expect(byChannel?.rows.map((r) => [r.key, r.settled, r.rates.sla_achievement_rate])).toEqual([['webchat', 12, '83.3%']]);
    const byPolicy = page.tables.find((t) => t.dimension === 'sla_policy');
    expect(byPolicy?.rows.map((r) => r.key)).toEqual(['chat']);
    expect(page.chart).toContain('<svg');
  });

  it('lists breaches newest first with the targets breached', async () => {
    const page = await loadSla(w.db, filters);
    expect(page.breachCount).toBe(2);
    expect(page.breaches.map((b) => [b.conversationId, b.at, b.targets])).toEqual([
      ['late-resolution', '2026-10-07 13:00', ['resolution']],
      ['late-reply', '2026-10-06 09:10', ['first response']],
    ]);
  });

  it('lists what is still open, the soonest due first, with its time to breach from the horizon', async () => {
    const page = await loadSla(w.db, filters);
    expect(page.horizon).toBe('2026-10-20 12:00');
    expect(page.openCount).toBe(2);
    expect(page.open.map((o) => [o.conversationId, o.target, o.at, o.timeToBreach])).toEqual([
      ['open-unanswered', 'first response', '2026-10-20 12:05', '5m 00s'],
      ['open-unresolved', 'resolution', '2026-10-20 13:00', '1h 00m'],
    ]);
  });

  it('keeps to the filters', async () => {
    const page = await loadSla(w.db, { from: '2026-10-07', to: '2026-10-07' });
    expect(page.breaches.map((b) => b.conversationId)).toEqual(['late-resolution']);
    expect(page.open).toEqual([]);
    const sms = await loadSla(w.db, { ...filters, channel: 'sms' });
    expect(sms.configured).toBe(false);
    expect(sms.breaches).toEqual([]);
  });
});
