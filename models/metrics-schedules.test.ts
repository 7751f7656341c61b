/**
 * Hand-worked cases for schedules per team (spec/metrics.md version 2,
 * "Schedules"): the owner team, the schedule it picks, and business time on
 * that schedule across a weekend, a holiday, another time zone and a
 * daylight-saving change, for first responses, reply times and resolutions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, assign, conversation, customer, horizon, status } from '../testing/fixtures.js';

const weekdays = (span: string) => ({ mon: [span], tue: [span], wed: [span], thu: [span], fri: [span] });

describe('business time on the conversation’s schedule', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      build: {
        // the default schedule: UTC, Monday to Friday 09:00–17:00, Thursday 8 October off
        holidays: ['2026-10-08'],
        schedules: {
          apac: { timezone: 'Asia/Singapore', business_hours: weekdays('09:00-18:00'), holidays: ['2026-10-20'] },
          ny: { timezone: 'America/New_York', business_hours: weekdays('09:00-17:00') },
          // three openings a day (UTC): 08:00–10:00, 11:00–13:00, 14:00–16:00
          split: { timezone: 'UTC', business_hours: { mon: ['08:00-10:00', '11:00-13:00', '14:00-16:00'], tue: ['08:00-10:00', '11:00-13:00', '14:00-16:00'] } },
        },
        team_schedules: { 'Tier 1 APAC': 'apac', NY: 'ny', Split: 'split' },
        sla_policies: [{ name: 'ny', when: { team: 'NY' }, hours: 'business', targets: { first_response: '2h' } }],
      },
      records: [
        conversation('weekend', [
          customer('2026-10-09T16:00:00Z'), // Friday
          agent('2026-10-12T10:00:00Z'), // Monday
          customer('2026-10-12T11:00:00Z'),
          agent('2026-10-12T11:30:00Z'),
        ]),
        conversation('holiday', [customer('2026-10-07T16:30:00Z'), agent('2026-10-09T09:30:00Z')]),
        conversation('apac', [
          customer('2026-10-06T00:00:00Z'), // 08:00 in Singapore
          assign('2026-10-06T00:01:00Z', { team: 'Tier 1 APAC' }),
          agent('2026-10-06T02:00:00Z'), // 10:00 in Singapore
        ]),
        conversation('apac-holiday', [
          customer('2026-10-19T09:00:00Z'), // Monday 17:00 in Singapore
          assign('2026-10-19T09:01:00Z', { team: 'Tier 1 APAC' }),
          agent('2026-10-21T02:00:00Z'), // Wednesday 10:00; Tuesday 20 October is Singapore's holiday
        ]),
        conversation('dst', [
          customer('2026-10-30T20:00:00Z'), // Friday 16:00 EDT (UTC−4)
          assign('2026-10-30T20:01:00Z', { team: 'NY' }),
          agent('2026-11-02T15:00:00Z'), // Monday 10:00 EST (UTC−5): New York left daylight saving on 1 November
        ]),
        conversation('resolution', [
          customer('2026-10-09T16:00:00Z'), // Friday
          agent('2026-10-09T16:30:00Z'),
          status('2026-10-12T10:00:00Z', 'resolved'), // Monday
          customer('2026-10-12T11:00:00Z'), // reopens
          status('2026-10-13T12:00:00Z', 'resolved'), // Tuesday
        ]),
        conversation('owner-at-resolution', [
          assign('2026-10-06T11:00:00Z', { team: 'NY' }),
          customer('2026-10-06T12:00:00Z'), // 08:00 in New York
          agent('2026-10-06T14:00:00Z'), // 10:00 in New York
          status('2026-10-06T15:00:00Z', 'resolved'),
          assign('2026-10-06T16:00:00Z', { team: 'Tier 1 APAC' }), // after the first resolution
        ]),
        conversation('owner-unresolved', [customer('2026-10-06T09:00:00Z'), assign('2026-10-06T09:01:00Z', { team: 'NY' }), assign('2026-10-06T09:02:00Z', { team: 'Billing' })]),
        conversation('owner-agent-only', [customer('2026-10-06T09:00:00Z'), assign('2026-10-06T09:01:00Z', { agent_id: 'a1' }), agent('2026-10-06T09:30:00Z', 'a1')]),
        conversation('three-openings', [
          customer('2026-10-12T09:00:00Z'), // Monday, in the first opening
          assign('2026-10-12T09:01:00Z', { team: 'Split' }),
          agent('2026-10-12T14:30:00Z'), // in the third
          customer('2026-10-12T15:30:00Z'),
          agent('2026-10-13T08:30:00Z'), // Tuesday, in the first
          status('2026-10-13T12:30:00Z', 'resolved'), // in the second
        ]),
        horizon('2026-11-20T12:00:00Z'),
      ],
    });
  });
  afterAll(() => w.close());

  it('skips the weekend, for the first response and for each turn of the reply time', async () => {
    const row = await w.metrics('weekend');
    expect(row.first_response_s).toBe(66 * 3600);
    expect(row.business_first_response_s).toBe(7200); // Fri 16:00–17:00 + Mon 09:00–10:00
    expect(row.reply_time_s).toBe((66 * 3600 + 1800) / 2);
    expect(row.business_reply_time_s).toBe((7200 + 1800) / 2);
  });

  it('skips a holiday of the schedule', async () => {
    const row = await w.metrics('holiday');
    expect(row.business_first_response_s).toBe(3600); // Wed 16:30–17:00 + Thu off + Fri 09:00–09:30
  });

  it('measures a team on another time zone on its own schedule, holidays included', async () => {
    const apac = await w.metrics('apac');
    expect(apac.owner_team).toBe('Tier 1 APAC');
    expect(apac.business_first_response_s).toBe(3600); // 09:00–10:00 Singapore; the default schedule would give 0
    const holiday = await w.metrics('apac-holiday');
    expect(holiday.business_first_response_s).toBe(7200); // Mon 17:00–18:00 + Tue off + Wed 09:00–10:00 (Singapore)
  });

  it('follows a daylight-saving change, for business time and for a due moment', async () => {
    const row = await w.metrics('dst');
    // Fri 16:00–17:00 EDT, then Mon 09:00 EST = 14:00 UTC to 15:00 UTC: 2h (a fixed UTC−4 would give 3h)
    expect(row.business_first_response_s).toBe(7200);
    expect(row.sla_policy).toBe('ny');
    expect((row.sla_first_response_due_at as Date).toISOString()).toBe('2026-11-02T15:00:00.000Z');
    expect(row.sla_first_response_met).toBe(true); // 2h ≤ 2h
  });

  it('measures first and full resolution in business time', async () => {
    const row = await w.metrics('resolution');
    expect(row.first_resolution_s).toBe(66 * 3600);
    expect(row.business_first_resolution_s).toBe(7200); // Fri 16:00–17:00 + Mon 09:00–10:00
    expect(row.business_full_resolution_s).toBe(12 * 3600); // Fri 1h + Mon 8h + Tue 09:00–12:00
  });

  it('adds up a day of three openings, the gaps between them left out', async () => {
    const row = await w.metrics('three-openings');
    expect(row.owner_team).toBe('Split');
    expect(row.business_first_response_s).toBe(12600); // Mon 09:00–10:00 + 11:00–13:00 + 14:00–14:30
    expect(row.business_reply_time_s).toBe((12600 + 3600) / 2); // then Mon 15:30–16:00 + Tue 08:00–08:30
    expect(row.business_first_resolution_s).toBe(5 * 3600 + 3 * 3600 + 1800); // Mon 5h + Tue 08:00–10:00 + 11:00–12:30
  });

  it('takes the owner team at the first resolution, else at the last event, and picks its schedule', async () => {
    const resolved = await w.metrics('owner-at-resolution');
    expect(resolved.owner_team).toBe('NY');
    expect(resolved.business_first_response_s).toBe(3600); // New York 09:00–10:00; Singapore would give 0, the default 2h
    expect((await w.metrics('owner-unresolved')).owner_team).toBe('Billing');
    const agentOnly = await w.metrics('owner-agent-only');
    expect(agentOnly.owner_team).toBeNull();
    expect(agentOnly.business_first_response_s).toBe(1800); // the default schedule
  });

  it('groups the summary’s team by the owner team', async () => {
    const rows = await w.summary(['team']);
    expect(rows.find((r) => r.team === 'NY')?.conversations).toBe(2); // dst, owner-at-resolution
    expect(rows.find((r) => r.team === 'Tier 1 APAC')?.conversations).toBe(2); // apac, apac-holiday
  });
});
