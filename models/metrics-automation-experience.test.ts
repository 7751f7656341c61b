/**
 * Hand-worked cases for the automation and customer-experience metrics of
 * spec/metrics.md: had_automated_reply, contained, handoff_from_bot,
 * csat_score, csat_satisfied, ces_score, customer_messages_to_resolution,
 * re_explanations, channel_switches and effort_index (catalogue formula:
 * round(100 × (1 − e^(−raw / 8)), 1), raw = 1 × max(messages − 1, 0)
 * + 3 × re_explanations + 2 × channel_switches + 2 × transfers + 3 × reopens).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, assign, bot, ces, conversation, csat, customer, escalate, horizon, note, on, status, type Item } from '../testing/fixtures.js';

const at = on('2026-10-06');
const later = '2026-10-30T00:00:00Z';

describe('automation: contained and handoff_from_bot', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        conversation('contained', [customer(at('09:00')), bot(at('09:01')), status(at('09:05'), 'resolved')]),
        conversation('handoff', [customer(at('09:00')), bot(at('09:01')), agent(at('09:05')), status(at('09:10'), 'resolved')]),
        conversation('bot-reopened', [
          customer(at('09:00')),
          bot(at('09:01')),
          status(at('09:02'), 'resolved'),
          customer(at('09:10')),
          bot(at('09:11')),
          status(at('09:12'), 'resolved'),
        ]),
        conversation('bot-inferred', [customer(at('09:00')), bot(at('09:01'))]),
        conversation('bot-after-human', [customer(at('09:00')), agent(at('09:01')), bot(at('09:05')), status(at('09:10'), 'resolved')]),
        conversation('bot-with-note', [customer(at('09:00')), bot(at('09:01')), note(at('09:02')), status(at('09:05'), 'resolved')]),
        conversation('internal-bot', [customer(at('09:00')), bot(at('09:01'), { internal: true }), agent(at('09:05')), status(at('09:10'), 'resolved')]),
        conversation('bot-unresolved', [customer(at('09:00')), bot(at('09:01')), customer(at('09:02'))]),
        horizon(later),
      ],
      build: true,
    });
  });
  afterAll(() => w.close());

  it('counts a resolved conversation answered only by a bot as contained', async () => {
    expect(await w.metrics('contained')).toMatchObject({ had_automated_reply: true, contained: true, handoff_from_bot: false });
  });

  it('counts a bot reply followed by a human reply as a handoff, not contained', async () => {
    expect(await w.metrics('handoff')).toMatchObject({ had_automated_reply: true, contained: false, handoff_from_bot: true });
  });

  it('is not contained when the conversation was reopened', async () => {
    expect(await w.metrics('bot-reopened')).toMatchObject({ reopens: 1, contained: false });
  });

  it('counts an inferred resolution as resolved for containment', async () => {
    expect(await w.metrics('bot-inferred')).toMatchObject({ inferred_resolution: true, contained: true });
  });

  it('is no handoff when the human replied before the bot', async () => {
    expect(await w.metrics('bot-after-human')).toMatchObject({ handoff_from_bot: false, contained: false });
  });

  it('ignores internal notes for containment and handoff', async () => {
    expect(await w.metrics('bot-with-note')).toMatchObject({ contained: true, handoff_from_bot: false });
    expect(await w.metrics('internal-bot')).toMatchObject({ had_automated_reply: false, handoff_from_bot: false, first_response_any_s: 300 });
  });

  it('is not contained while unresolved', async () => {
    expect(await w.metrics('bot-unresolved')).toMatchObject({ had_automated_reply: true, resolved: false, contained: false });
  });
});

describe('surveys: csat and ces', () => {
  const surveyed = (id: string, surveys: Item[]) => conversation(id, [customer(at('09:00')), agent(at('09:05')), status(at('09:10'), 'resolved'), ...surveys]);
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        surveyed('csat-4', [csat(at('10:00'), 4)]),
        surveyed('csat-3', [csat(at('10:00'), 3)]),
        surveyed('csat-9-of-10', [csat(at('10:00'), 9, [0, 10])]),
        surveyed('csat-8-of-10', [csat(at('10:00'), 8, [0, 10])]),
        surveyed('csat-latest', [csat(at('11:00'), 2), csat(at('10:00'), 5)]), // written out of time order
        surveyed('csat-same-time', [csat(at('10:00'), 5), csat(at('10:00'), 1)]),
        surveyed('both-kinds', [csat(at('10:00'), 5), ces(at('10:00'), 4), { at: at('10:00'), kind: 'nps', score: 0 }]),
        surveyed('ces-latest', [ces(at('10:00'), 1), ces(at('10:30'), 7)]),
        surveyed('ces-1-to-5', [ces(at('10:00'), 2, [1, 5])]),
        surveyed('no-survey', []),
      ],
      build: true,
    });
  });
  afterAll(() => w.close());

  it('rescales csat over the default 1–5 scale, and 4 is in the top two points', async () => {
    expect(await w.metrics('csat-4')).toMatchObject({ csat_score: 75, csat_satisfied: true }); // (4 − 1) / (5 − 1)
    expect(await w.metrics('csat-3')).toMatchObject({ csat_score: 50, csat_satisfied: false });
  });

  it('rescales csat over a custom 0–10 scale, whose top two points are 9 and 10', async () => {
    expect(await w.metrics('csat-9-of-10')).toMatchObject({ csat_score: 90, csat_satisfied: true });
    expect(await w.metrics('csat-8-of-10')).toMatchObject({ csat_score: 80, csat_satisfied: false });
  });

  it('keeps the latest csat answer by time, not by position', async () => {
    expect(await w.metrics('csat-latest')).toMatchObject({ csat_score: 25, csat_satisfied: false }); // the 11:00 answer, 2
  });

  it('keeps the later answer in the array when two share a timestamp', async () => {
    expect(await w.metrics('csat-same-time')).toMatchObject({ csat_score: 0, csat_satisfied: false });
  });

  it('rescales ces with 100 as effortless and ignores nps', async () => {
    expect(await w.metrics('both-kinds')).toMatchObject({ csat_score: 100, csat_satisfied: true, ces_score: 50 }); // ces (4 − 1) / (7 − 1)
    expect((await w.metrics('ces-latest')).ces_score).toBe(100);
    expect((await w.metrics('ces-1-to-5')).ces_score).toBe(25); // (2 − 1) / (5 − 1)
  });

  it('leaves scores null without a survey', async () => {
    expect(await w.metrics('no-survey')).toMatchObject({ csat_score: null, csat_satisfied: null, ces_score: null });
  });
});

describe('effort: messages to resolution, re-explanations, channel switches, effort_index', () => {
  const invoice = 'My invoice shows a double charge for October';
  // words (≥ 2 letters): my invoice shows double charge for october = 7
  const handedOver = (id: string, first: string, repeat: string) =>
    conversation(id, [
      customer(at('09:00'), first),
      assign(at('09:01'), { agent_id: 'a1' }),
      assign(at('09:02'), { agent_id: 'a2' }),
      customer(at('09:10'), repeat),
      agent(at('09:15'), 'a2'),
      status(at('09:20'), 'resolved'),
    ]);
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        conversation('one-message', [customer(at('09:00')), agent(at('09:05')), status(at('09:10'), 'resolved')]),
        conversation('channels', [
          customer(at('09:00')), // webchat, the conversation's channel
          agent(at('09:05'), 'a1', { channel: 'email' }), // switch 1
          customer(at('09:10')), // stays on email
          customer(at('09:15'), 'hello', { channel: 'email' }),
          agent(at('09:20'), 'a1', { channel: 'webchat' }), // switch 2
          status(at('09:30'), 'resolved'),
        ]),
        conversation('first-elsewhere', [customer(at('09:00'), 'hello', { channel: 'whatsapp' }), agent(at('09:05'))], { channel: 'email' }),
        conversation('re-explained', [
          customer(at('09:00'), invoice),
          assign(at('09:01'), { agent_id: 'a1' }),
          agent(at('09:02'), 'a1'),
          customer(at('09:03'), invoice), // a repeat, but before the transfer
          assign(at('09:05'), { agent_id: 'a2' }), // transfer
          customer(at('09:10'), `${invoice} please`), // 7 shared of 8 words
          agent(at('09:15'), 'a2'),
          status(at('09:20'), 'resolved'),
        ]),
        conversation('escalated-repeat', [
          customer(at('09:00'), 'The app crashes when I open settings'),
          escalate(at('09:05')),
          customer(at('09:10'), 'the app crashes when i open settings'),
          agent(at('09:15')),
          status(at('09:20'), 'resolved'),
        ]),
        conversation('routed-repeat', [
          customer(at('09:00'), invoice),
          assign(at('09:01'), { team: 'Billing' }),
          assign(at('09:02'), { agent_id: 'a1' }), // routing, not a transfer
          customer(at('09:10'), invoice),
          agent(at('09:15')),
          status(at('09:20'), 'resolved'),
        ]),
        handedOver('at-threshold', 'card payment failed', 'card payment failed again today'), // 3 / 5 = 0.6
        handedOver('below-threshold', 'card payment failed', 'card payment failed again today twice'), // 3 / 6 = 0.5
        handedOver('too-short', 'hi there', 'hi there'), // 2 words
        handedOver('different', invoice, 'thanks that fixed everything'),
        conversation('effortful', [
          customer(at('09:00')),
          customer(at('09:01')),
          assign(at('09:02'), { agent_id: 'a1' }),
          assign(at('09:03'), { agent_id: 'a2' }), // transfer
          customer(at('09:04'), 'hello', { channel: 'email' }), // switch
          status(at('09:10'), 'resolved'),
          customer(at('09:20')), // reopen
          status(at('09:30'), 'resolved'),
        ]),
        conversation('unresolved', [customer(at('09:00')), customer(at('09:05'))]),
        horizon(later),
      ],
      build: true,
    });
  });
  afterAll(() => w.close());

  it('scores a conversation settled in one customer message 0', async () => {
    expect(await w.metrics('one-message')).toMatchObject({ customer_messages_to_resolution: 1, channel_switches: 0, effort_index: 0 });
  });

  it('counts channel switches with messages without channel staying on the previous one', async () => {
    const row = await w.metrics('channels');
    expect(row).toMatchObject({ channel_switches: 2, customer_messages_to_resolution: 3 });
    expect(row.effort_index).toBe(52.8); // raw = 2 + 2×2 = 6; 100 × (1 − e^−0.75) = 52.76
  });

  it('counts a first message on another channel than the conversation as a switch', async () => {
    expect((await w.metrics('first-elsewhere')).channel_switches).toBe(1);
  });

  it('counts a repeat after a transfer as a re-explanation, but not one before it', async () => {
    const row = await w.metrics('re-explained');
    expect(row).toMatchObject({ re_explanations: 1, transfers: 1, customer_messages_to_resolution: 3 });
    expect(row.effort_index).toBe(58.3); // raw = 2 + 3×1 + 2×1 = 7; 100 × (1 − e^−0.875) = 58.31
  });

  it('counts a repeat after an escalation', async () => {
    expect((await w.metrics('escalated-repeat')).re_explanations).toBe(1);
  });

  it('does not count a repeat after routing', async () => {
    expect((await w.metrics('routed-repeat')).re_explanations).toBe(0);
  });

  it('applies the catalogue similarity threshold (≥ 0.6) and minimum of 3 words', async () => {
    expect((await w.metrics('at-threshold')).re_explanations).toBe(1);
    expect((await w.metrics('below-threshold')).re_explanations).toBe(0);
    expect((await w.metrics('too-short')).re_explanations).toBe(0);
    expect((await w.metrics('different')).re_explanations).toBe(0);
  });

  it('combines every signal in effort_index', async () => {
    const row = await w.metrics('effortful');
    expect(row).toMatchObject({ customer_messages_to_resolution: 3, re_explanations: 0, channel_switches: 1, transfers: 1, reopens: 1 });
    expect(row.effort_index).toBe(67.5); // raw = 2 + 0 + 2 + 2 + 3 = 9; 100 × (1 − e^−1.125) = 67.53
  });

  it('gives an unresolved conversation without a survey an effort_index from all its messages', async () => {
    const row = await w.metrics('unresolved');
    expect(row).toMatchObject({ resolved: false, customer_messages_to_resolution: 2, csat_score: null });
    expect(row.effort_index).toBe(11.8); // raw = 1; 100 × (1 − e^−0.125) = 11.75
  });
});
