/**
 * Hand-worked cases for the SLA metrics of spec/metrics.md (version 2,
 * "Service-level agreements"): the policy that applies, each target met,
 * breached and open, bot replies that stop no clock, a turn closed by a
 * resolution, business-hours due moments on the next business day, the
 * rates over a group, and the reply-level mart. Expected values come from the
 * timestamps and targets below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, assign, bot, conversation, customer, horizon, on, status } from '../testing/fixtures.js';
import type { ConfigInput } from './config.js';

const tue = on('2026-10-06'); // a Tuesday; the default schedule is UTC, Monday to Friday 09:00–17:00
const iso = (s: string) => new Date(s).toISOString();
const time = (v: unknown) => (v === null ? null : (v as Date).toISOString());

const config: ConfigInput = {
  sla_policies: [
    { name: 'vip billing', when: { segment: 'vip', team: 'Billing' }, targets: { resolution: '1h' } },
    { name: 'urgent chat', when: { channel: ['webchat', 'whatsapp'], priority: 'urgent' }, targets: { first_response: '2m', next_response: '5m', resolution: '4h' } },
    { name: 'email', when: { channel: 'email' }, hours: 'business', targets: { first_response: '4h', resolution: '24h' } },
    { name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '10m', next_response: '10m' } },
  ],
};

describe('SLA targets per conversation', () => {
  let w: TestWarehouse;
  const urgent = { priority: 'urgent' } as const;
  beforeAll(async () => {
    w = await testWarehouse({
      build: config,
      records: [
        conversation('urgent-met', [customer(tue('09:00')), agent(tue('09:02')), customer(tue('09:10')), agent(tue('09:15')), status(tue('10:00'), 'resolved')], urgent),
        conversation(
          'urgent-breached',
          [
            customer(tue('09:00')),
            bot(tue('09:01')), // not a human reply: the clock runs on
            agent(tue('09:03')),
            customer(tue('09:10')),
            agent(tue('09:16')),
            customer(tue('09:20')),
            agent(tue('09:21')),
            status(tue('14:00'), 'resolved'),
          ],
          { ...urgent, channel: 'whatsapp' },
        ),
        conversation('never-answered', [customer(tue('09:00'))], urgent),
        conversation('urgent-open', [customer('2026-10-20T11:59:00Z')], urgent),
        conversation('closed-by-resolution', [
          customer(tue('09:00')),
          agent(tue('09:05')),
          customer(tue('09:10')),
          status(tue('09:12'), 'resolved'),
          // reopens, but follows a customer message, not an agent's: the same turn as 09:10 (spec "customer turn")
          customer(tue('09:30')),
        ]),
        conversation('reopened-late', [
          customer(tue('09:00')),
          agent(tue('09:05')),
          status(tue('09:06'), 'resolved'),
          customer(tue('09:30')), // reopens, and follows the agent's reply: a new turn
          agent(tue('09:45')),
        ]),
        conversation('no-policy', [customer(tue('09:00')), agent(tue('09:05'))], { channel: 'sms' }),
        conversation(
          'email-next-day',
          [customer(tue('15:00')), agent('2026-10-07T10:30:00Z'), status('2026-10-12T10:00:00Z', 'resolved')],
          { channel: 'email', priority: 'urgent' }, // urgent, but the urgent policy is for chat
        ),
        conversation(
          'email-pending',
          [customer(tue('09:00')), agent(tue('09:30')), status(tue('09:31'), 'pending'), customer('2026-10-08T09:00:00Z'), status('2026-10-09T10:00:00Z', 'resolved')],
          { channel: 'email' },
        ),
        conversation('vip-billing', [customer(tue('09:00')), assign(tue('09:01'), { agent_id: 'a1', team: 'Billing' }), agent(tue('09:05')), status(tue('09:50'), 'resolved')], {
          ...urgent,
          channel: 'whatsapp',
          segment: 'vip',
        }),
        conversation('vip-support', [customer(tue('09:00')), assign(tue('09:00'), { team: 'Support' }), agent(tue('09:01')), status(tue('09:30'), 'resolved')], {
          ...urgent,
          segment: 'vip',
        }),
        conversation('outbound', [agent(tue('09:00')), status(tue('09:30'), 'resolved')], urgent),
        horizon('2026-10-20T12:00:00Z'),
      ],
    });
  });
  afterAll(() => w.close());

  it('meets every target when each clock stops within it (elapsed equal to the target is met)', async () => {
    const row = await w.metrics('urgent-met');
    expect(row.sla_policy).toBe('urgent chat');
    expect(row.sla_first_response_met).toBe(true); // 09:00 → 09:02: 2m, target 2m
    expect(time(row.sla_first_response_due_at)).toBe(iso(tue('09:02')));
    expect(row.sla_next_response_turns).toBe(1); // 09:10 → 09:15: 5m, target 5m
    expect(row.sla_next_response_breaches).toBe(0);
    expect(row.sla_next_response_met).toBe(true);
    expect(row.sla_resolution_met).toBe(true); // 09:00 → 10:00, target 4h
    expect(time(row.sla_resolution_due_at)).toBe(iso(tue('13:00')));
    expect(row.sla_breached).toBe(false);
    expect(row.sla_first_breach_at).toBeNull();
  });

  it('breaches a target stopped late; a bot reply does not stop the first-response clock', async () => {
    const row = await w.metrics('urgent-breached');
    expect(row.sla_policy).toBe('urgent chat'); // whatsapp is in the list
    expect(row.sla_first_response_met).toBe(false); // the bot at 09:01 does not count; agent 09:03: 3m > 2m
    expect(row.sla_next_response_turns).toBe(2); // 09:10 → 09:16 (6m > 5m), 09:20 → 09:21 (1m)
    expect(row.sla_next_response_breaches).toBe(1);
    expect(row.sla_next_response_met).toBe(false);
    expect(row.sla_resolution_met).toBe(false); // 5h > 4h
    expect(row.sla_breached).toBe(true);
    expect(time(row.sla_first_breach_at)).toBe(iso(tue('09:02'))); // the first response's due moment
  });

  it('breaches a clock that never stopped once its due moment is at or before the horizon', async () => {
    const row = await w.metrics('never-answered');
    expect(row.sla_first_response_met).toBe(false);
    expect(row.sla_resolution_met).toBe(false);
    expect(row.sla_next_response_turns).toBe(0); // no human reply: no turn after it
    expect(row.sla_next_response_met).toBeNull();
    expect(row.sla_breached).toBe(true);
    expect(time(row.sla_first_breach_at)).toBe(iso(tue('09:02')));
  });

  it('leaves open a clock that never stopped and falls due after the horizon', async () => {
    const row = await w.metrics('urgent-open');
    expect(row.sla_first_response_met).toBeNull(); // due 12:01, the horizon is 12:00
    expect(time(row.sla_first_response_due_at)).toBe(iso('2026-10-20T12:01:00Z'));
    expect(row.sla_resolution_met).toBeNull();
    expect(time(row.sla_resolution_due_at)).toBe(iso('2026-10-20T15:59:00Z'));
    expect(row.sla_breached).toBeNull();
    expect(row.sla_first_breach_at).toBeNull();
  });

  it('does not measure a turn closed by a resolution, and a reopening message starts a turn that is', async () => {
    const closed = await w.metrics('closed-by-resolution');
    expect(closed.sla_policy).toBe('chat');
    expect(closed.sla_first_response_met).toBe(true); // 5m ≤ 10m
    expect(closed.sla_next_response_turns).toBe(0); // the turn of 09:10 was closed by the resolution at 09:12
    expect(closed.sla_next_response_met).toBeNull();
    expect(closed.sla_resolution_met).toBeNull(); // the policy has no resolution target
    expect(closed.sla_resolution_due_at).toBeNull();
    expect(closed.sla_breached).toBe(false); // first response met, no next-response turn to measure
    const reopened = await w.metrics('reopened-late');
    expect(reopened.sla_next_response_turns).toBe(1); // 09:30 → 09:45: 15m > 10m
    expect(reopened.sla_next_response_breaches).toBe(1);
    expect(reopened.sla_breached).toBe(true);
    expect(time(reopened.sla_first_breach_at)).toBe(iso(tue('09:40')));
  });

  it('leaves every sla_* column null when no policy matches', async () => {
    const row = await w.metrics('no-policy');
    for (const column of Object.keys(row).filter((k) => k.startsWith('sla_'))) expect(row[column], column).toBeNull();
  });

  it('on business hours, a due moment falls on the next business day and elapsed time skips nights and the weekend', async () => {
    const row = await w.metrics('email-next-day');
    expect(row.sla_policy).toBe('email');
    // Tue 15:00–17:00 (2h) + Wed 09:00–10:30 (1.5h) = 3.5h ≤ 4h; due after Tue's 2h and Wed's first 2h
    expect(row.sla_first_response_met).toBe(true);
    expect(time(row.sla_first_response_due_at)).toBe(iso('2026-10-07T11:00:00Z'));
    // 24h: Tue 2h, Wed 8h, Thu 8h, then 6h of Friday → Fri 15:00; resolved Mon 10:00 after 27h
    expect(time(row.sla_resolution_due_at)).toBe(iso('2026-10-09T15:00:00Z'));
    expect(row.sla_resolution_met).toBe(false);
    expect(time(row.sla_first_breach_at)).toBe(iso('2026-10-09T15:00:00Z'));
  });

  it('does not pause a clock while pending, and a due moment can be the end of a business day', async () => {
    const row = await w.metrics('email-pending');
    // Tue, Wed, Thu 8h each = 24h at Thu 17:00; resolved Fri 10:00 after 25h (pending Tue 09:31 → Thu 09:00 counts)
    expect(time(row.sla_resolution_due_at)).toBe(iso('2026-10-08T17:00:00Z'));
    expect(row.sla_resolution_met).toBe(false);
  });

  it('takes the first policy whose every when key matches, the team being the owner team', async () => {
    const billing = await w.metrics('vip-billing');
    expect(billing.sla_policy).toBe('vip billing');
    expect(billing.sla_first_response_met).toBeNull(); // no such target
    expect(billing.sla_first_response_due_at).toBeNull();
    expect(billing.sla_resolution_met).toBe(true); // 50m ≤ 1h
    expect(billing.sla_breached).toBe(false);
    const support = await w.metrics('vip-support');
    expect(support.sla_policy).toBe('urgent chat'); // vip, but not Billing
    expect(support.sla_breached).toBe(false);
  });

  it('gives a conversation without a customer message no first- or next-response target', async () => {
    const row = await w.metrics('outbound');
    expect(row.sla_policy).toBe('urgent chat');
    expect(row.sla_first_response_met).toBeNull();
    expect(row.sla_first_response_due_at).toBeNull();
    expect(row.sla_next_response_turns).toBeNull();
    expect(row.sla_resolution_met).toBe(true); // created_at 09:00 → 09:30
    expect(row.sla_breached).toBe(false);
  });
});

describe('SLA rates over a group, and replies credited to the agent who replied', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    // 20 urgent chats: the first reply after k minutes (met for k ≤ 2); a second turn answered in 3m by everyone;
    // for odd k a third turn, answered in 10m by a1 (k ≤ 10: breached) and in 4m by a2 (k > 10: met); resolved at 12:00 (3h: met)
    const records = Array.from({ length: 20 }, (_, i) => {
      const k = i + 1;
      const who = k <= 10 ? 'a1' : 'a2';
      const third = k % 2 ? [customer(tue('11:00')), agent(who === 'a1' ? tue('11:10') : tue('11:04'), who)] : [];
      return conversation(
        `r${k}`,
        [customer(tue('09:00')), agent(tue(`09:${String(k).padStart(2, '0')}`), who), customer(tue('10:00')), agent(tue('10:03'), who), ...third, status(tue('12:00'), 'resolved')],
        { priority: 'urgent' },
      );
    });
    w = await testWarehouse({
      build: config,
      records: [
        ...records,
        conversation('transfer', [
          customer(tue('09:00')),
          assign(tue('09:01'), { agent_id: 'a1', team: 'Billing' }),
          agent(tue('09:05'), 'a1'),
          customer(tue('09:10')),
          assign(tue('09:12'), { agent_id: 'a2', team: 'Tier2' }),
          agent(tue('09:20'), 'a2'),
          customer(tue('09:30')), // never answered
        ]),
        horizon('2026-10-20T12:00:00Z'),
      ],
    });
  });
  afterAll(() => w.close());

  it('rates attainment per conversation, and next responses per turn', async () => {
    const row = (await w.summary(['sla_policy'])).find((r) => r.sla_policy === 'urgent chat')!;
    expect(row.conversations).toBe(20);
    expect(row.sla_first_response_rate_base).toBe(20);
    expect(row.sla_first_response_rate).toBeCloseTo(2 / 20, 10); // k = 1, 2
    // turns: 20 second turns (met) + 10 third turns, 5 of them a1's late ones
    expect(row.sla_next_response_turns).toBe(30);
    expect(row.sla_next_response_breaches).toBe(5);
    expect(row.sla_next_response_rate_base).toBe(30);
    expect(row.sla_next_response_rate).toBeCloseTo(25 / 30, 10); // by turns; by conversations it would be 15/20
    expect(row.sla_resolution_rate).toBe(1);
    expect(row.sla_achievement_rate).toBeCloseTo(1 / 20, 10); // only k = 2 meets everything (k = 1 has a late third turn)
  });

  it('credits each turn to the agent who replied and the team in force at the reply', async () => {
    const rows = await w.db.all("select * from reply_metrics where conversation_id = 'transfer' order by turn");
    expect(rows.map((r) => [r.turn, r.reply_agent, r.reply_team, r.reply_time_s, r.business_reply_time_s, r.first_turn, r.sla_met])).toEqual([
      [1, 'a1', 'Billing', 300, 300, true, true], // first response 5m ≤ 10m
      [2, 'a2', 'Tier2', 600, 600, false, true], // after the transfer; 10m ≤ 10m
      [3, null, null, null, null, false, false], // unanswered, due 09:40, long before the horizon
    ]);
    expect(time(rows[0]!.turn_started_at)).toBe(iso(tue('09:00')));
    expect(time(rows[1]!.replied_at)).toBe(iso(tue('09:20')));
    const conv = await w.metrics('transfer');
    expect(conv.sla_policy).toBe('chat');
    expect([conv.sla_next_response_turns, conv.sla_next_response_breaches]).toEqual([2, 1]);
  });

  it('summarises reply times and next-response attainment by reply agent', async () => {
    const rows = await w.summary(['reply_agent' as never]);
    const a1 = rows.find((r) => r.reply_agent === 'a1')!;
    const a2 = rows.find((r) => r.reply_agent === 'a2')!;
    // a1: first replies of 1..10 min, ten second turns of 3 min, five third turns of 10 min, and the
    // transfer's first reply of 5 min → 26 replies; sorted, the 13th is 3 min and the 14th 4 min;
    // the mean is (3300 + 1800 + 3000 + 300) / 26 s
    expect(a1.reply_time_s_median).toBe(210);
    expect(a1.reply_time_s_mean).toBeCloseTo(8400 / 26, 10);
    // next-response turns: a1 10 + 5 (5 late), a2 10 + 5 plus the transfer's second turn (all in time)
    expect([a1.sla_next_response_rate_base, a1.sla_next_response_rate]).toEqual([15, 10 / 15]);
    expect([a2.sla_next_response_rate_base, a2.sla_next_response_rate]).toEqual([16, 1]);
  });
});
