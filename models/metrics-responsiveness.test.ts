/**
 * Hand-worked cases for the responsiveness metrics of spec/metrics.md:
 * first_response_s, first_response_any_s, reply_time_s, unanswered_turns,
 * business_first_response_s. Expected values come from the timestamps below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, bot, conversation, customer, note, on, system } from '../testing/fixtures.js';

const at = on('2026-10-06'); // a Tuesday

describe('first responses, reply time and unanswered turns', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        conversation('internal-and-bot', [customer(at('09:00')), note(at('09:01')), bot(at('09:02')), agent(at('09:10'))]),
        conversation('bot-only', [customer(at('09:00')), bot(at('09:01'))]),
        conversation('outbound', [agent(at('09:00')), agent(at('09:30'))]),
        conversation('outbound-then-customer', [agent(at('09:00')), customer(at('10:00')), agent(at('10:30'))]),
        conversation('system-notice', [customer(at('09:00')), system(at('09:01')), customer(at('09:05')), agent(at('09:30'))]),
        conversation('note-only', [customer(at('09:00')), note(at('09:05')), customer(at('09:10'))]),
        conversation('offsets', [customer('2026-10-06T11:00:00+02:00'), agent('2026-10-06T09:15:00Z'), customer('2026-10-06T09:20:00Z'), agent('2026-10-06T05:30:00-04:00')]),
        conversation('turns', [
          customer(at('09:00')),
          customer(at('09:01')), // same turn as 09:00
          agent(at('09:05')),
          customer(at('10:00')),
          note(at('10:01')), // does not end the turn
          bot(at('10:02')),
          customer(at('10:03')), // follows a bot reply: a new turn
          agent(at('10:20')),
          customer(at('11:00')), // never answered
        ]),
      ],
      build: true,
    });
  });
  afterAll(() => w.close());

  it('does not count internal notes as replies, and counts bot replies only for first_response_any_s', async () => {
    const row = await w.metrics('internal-and-bot');
    expect(row.first_response_s).toBe(600); // 09:00 → agent 09:10
    expect(row.first_response_any_s).toBe(120); // 09:00 → bot 09:02; the 09:01 note is internal
  });

  it('leaves first_response_s null when only a bot replied', async () => {
    const row = await w.metrics('bot-only');
    expect(row.first_response_s).toBeNull();
    expect(row.first_response_any_s).toBe(60);
    expect(row.reply_time_s).toBeNull();
    expect(row.unanswered_turns).toBe(0); // a bot reply answers the turn
    expect(row.business_first_response_s).toBeNull();
  });

  it('leaves response times null for an outbound conversation', async () => {
    const row = await w.metrics('outbound');
    expect(row.customer_messages).toBe(0);
    expect(row.first_response_s).toBeNull();
    expect(row.first_response_any_s).toBeNull();
    expect(row.reply_time_s).toBeNull();
    expect(row.unanswered_turns).toBe(0);
  });

  it('measures the first response from the first customer message, not from an earlier agent message', async () => {
    const row = await w.metrics('outbound-then-customer');
    expect(row.first_response_s).toBe(1800); // customer 10:00 → agent 10:30
    expect(row.first_response_any_s).toBe(1800);
  });

  it('never counts a system notice as a reply or a turn break', async () => {
    const row = await w.metrics('system-notice');
    expect(row.first_response_any_s).toBe(1800); // 09:00 → 09:30; the 09:01 notice is not a reply
    expect(row.reply_time_s).toBe(1800); // one turn: 09:05 does not start another
    expect(row.unanswered_turns).toBe(0);
  });

  it('counts a turn answered only by an internal note as unanswered, and the note does not split the turn', async () => {
    const row = await w.metrics('note-only');
    expect(row.unanswered_turns).toBe(1);
    expect(row.first_response_s).toBeNull();
    expect(row.first_response_any_s).toBeNull();
    expect(row.customer_messages).toBe(2);
  });

  it('computes durations across timestamps written with different offsets', async () => {
    const row = await w.metrics('offsets');
    expect(row.first_response_s).toBe(900); // 11:00+02:00 = 09:00Z → 09:15Z
    expect(row.reply_time_s).toBe(750); // turns 900 s and 09:20Z → 05:30-04:00 = 09:30Z, 600 s: (900 + 600) / 2
  });

  it('takes reply_time_s as the mean over answered turns, to the next human reply', async () => {
    const row = await w.metrics('turns');
    // turns: 09:00 → 09:05 = 300; 10:00 → 10:20 = 1200 (the bot is not an agent); 10:03 → 10:20 = 1020; 11:00 unanswered
    expect(row.reply_time_s).toBe(840); // (300 + 1200 + 1020) / 3
    expect(row.unanswered_turns).toBe(1);
    expect(row.first_response_s).toBe(300);
    expect(row.customer_messages).toBe(5);
  });
});

describe('business_first_response_s in Europe/Berlin', () => {
  // Mon–Fri 09:00–17:00 local, Wednesday split for lunch; Monday 2026-10-05 is a holiday.
  // Berlin is UTC+2 until Sunday 2026-10-25 03:00, UTC+1 after.
  const config = {
    timezone: 'Europe/Berlin',
    business_hours: {
      mon: ['09:00-17:00'],
      tue: ['09:00-17:00'],
      wed: ['09:00-12:00', '13:00-17:00'],
      thu: ['09:00-17:00'],
      fri: ['09:00-17:00'],
    },
    holidays: ['2026-10-05'],
  };
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        conversation('inside', [customer('2026-10-06T09:00:00+02:00'), agent('2026-10-06T08:00:00Z')]),
        conversation('weekend', [customer('2026-10-10T08:00:00Z'), agent('2026-10-12T07:30:00Z')]),
        conversation('weekend-only', [customer('2026-10-10T08:00:00Z'), agent('2026-10-10T10:00:00Z')]),
        conversation('holiday', [customer('2026-10-02T14:00:00Z'), agent('2026-10-06T07:15:00Z')]),
        conversation('over-closing', [customer('2026-10-08T14:30:00Z'), agent('2026-10-09T07:10:00Z')]),
        conversation('split-day', [customer('2026-10-07T09:30:00Z'), agent('2026-10-07T11:30:00Z')]),
        conversation('dst-week', [customer('2026-10-23T14:00:00Z'), agent('2026-10-26T08:30:00Z')]),
        conversation('no-reply', [customer('2026-10-06T08:00:00Z'), bot('2026-10-06T08:01:00Z')]),
      ],
      build: config,
    });
  });
  afterAll(() => w.close());

  it('counts the whole wait when it lies inside business hours', async () => {
    const row = await w.metrics('inside');
    expect(row.first_response_s).toBe(3600);
    expect(row.business_first_response_s).toBe(3600); // 09:00 → 10:00 local, Tuesday
  });

  it('skips the weekend', async () => {
    const row = await w.metrics('weekend');
    expect(row.first_response_s).toBe(171000); // Sat 08:00Z → Mon 07:30Z = 47.5 h
    expect(row.business_first_response_s).toBe(1800); // Mon 09:00 → 09:30 local
  });

  it('is zero when the whole wait lies outside business hours', async () => {
    expect((await w.metrics('weekend-only')).business_first_response_s).toBe(0);
  });

  it('skips a configured holiday', async () => {
    // Fri 16:00 → 17:00 local (3600), Sat, Sun, Mon 5 Oct holiday, Tue 09:00 → 09:15 local (900)
    expect((await w.metrics('holiday')).business_first_response_s).toBe(4500);
  });

  it('stops the clock at closing time and restarts it at opening', async () => {
    // Thu 16:30 → 17:00 local (1800), Fri 09:00 → 09:10 local (600)
    expect((await w.metrics('over-closing')).business_first_response_s).toBe(2400);
  });

  it('leaves out the break of a split day', async () => {
    const row = await w.metrics('split-day');
    expect(row.first_response_s).toBe(7200); // Wed 11:30 → 13:30 local
    expect(row.business_first_response_s).toBe(3600); // 11:30–12:00 and 13:00–13:30
  });

  it('reads opening times in local time across the daylight-saving change', async () => {
    // Fri 23 Oct 16:00 CEST → 17:00 (3600); Mon 26 Oct opens 09:00 CET = 08:00Z → 08:30Z (1800)
    expect((await w.metrics('dst-week')).business_first_response_s).toBe(5400);
  });

  it('is null when no human replied', async () => {
    expect((await w.metrics('no-reply')).business_first_response_s).toBeNull();
  });
});
