/**
 * Hand-worked cases for who is waiting (spec/metrics.md version 2):
 * agent_work_s, customer_wait_s and pending_s through pending, snoozed, a
 * reopen by message and a second close, and when they are null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, conversation, customer, horizon, on, status } from '../testing/fixtures.js';

const tue = on('2026-10-06');

describe('agent work, customer waiting and pending time', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      build: true,
      records: [
        conversation('through-states', [
          customer(tue('09:00')), // open from created_at (09:00)
          agent(tue('09:20')),
          status(tue('09:20'), 'pending'), // open 09:00–09:20: 20m
          status(tue('10:00'), 'snoozed'), // pending 09:20–10:00: 40m
          customer(tue('10:30')), // while snoozed: stays snoozed
          status(tue('11:00'), 'open'), // snoozed 10:00–11:00: 60m
          status(tue('11:30'), 'resolved'), // open 11:00–11:30: 30m
          customer(tue('12:00')), // reopens: resolved 11:30–12:00 counts nowhere
          status(tue('12:45'), 'closed'), // open 12:00–12:45: 45m; the last resolution
          status(tue('13:00'), 'closed'), // already resolved: changes nothing
        ]),
        conversation('still-pending', [customer(tue('09:00')), agent(tue('09:05')), status(tue('09:05'), 'pending')]),
        conversation('reopened-open', [customer(tue('09:00')), agent(tue('09:05')), status(tue('09:30'), 'resolved'), customer(tue('10:00'))]),
        // no status events: resolved by inference, but its state never left open
        conversation('inferred', [customer(tue('09:00')), agent(tue('09:10'))]),
        conversation('created-earlier', [customer(tue('09:00')), status(tue('09:30'), 'resolved')], { created_at: tue('08:00') }),
        horizon('2026-10-20T12:00:00Z'),
      ],
    });
  });
  afterAll(() => w.close());

  it('counts open, snoozed and pending spans from created_at to the last resolution', async () => {
    const row = await w.metrics('through-states');
    expect(row.agent_work_s).toBe((20 + 30 + 45) * 60);
    expect(row.customer_wait_s).toBe((20 + 30 + 45 + 60) * 60);
    expect(row.pending_s).toBe(40 * 60);
    expect(row.full_resolution_s).toBe(3 * 3600 + 45 * 60); // the same last resolution, 12:45
  });

  it('is null unless the latest state is resolved', async () => {
    for (const id of ['still-pending', 'reopened-open', 'inferred']) {
      const row = await w.metrics(id);
      expect([row.agent_work_s, row.customer_wait_s, row.pending_s], id).toEqual([null, null, null]);
    }
    expect((await w.metrics('inferred')).resolved).toBe(true);
  });

  it('starts at created_at, before the first message', async () => {
    const row = await w.metrics('created-earlier');
    expect([row.agent_work_s, row.customer_wait_s, row.pending_s]).toEqual([5400, 5400, 0]);
  });
});
