/**
 * AutoQA checks on hand-written conversations (qa_autoqa mart), its score,
 * and its agreement with human reviews on the same criteria.
 */
import { TEST_NOW } from '../testing/clock.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agent, assign, conversation, customer, on, status } from '../testing/fixtures.js';
import type { TestWarehouse } from '../testing/warehouse.js';
import { buildModels } from '../models/build.js';
import { parseConfig } from '../models/config.js';
import { saveReview } from './reviews.js';
import { gradesFor, scorecardWarehouse } from '../testing/scorecards.js';

const at = on('2026-11-10');
const LONG = 'please open the billing page then choose the invoice then click the small arrow then pick the month then press export and wait for the file to arrive';
const extra = [
  // every check passes
  conversation('good', [
    customer(at('10:00'), 'I was charged twice'),
    assign(at('10:00'), { agent_id: 'a1' }),
    agent(at('10:05'), 'a1', { body: 'Hello Sam, thanks for reaching out. I am sorry about the double charge.' }),
    agent(at('10:06'), 'a1', { body: 'I refunded the second charge. It will show in three days.' }),
    customer(at('10:10'), 'great thanks'),
    agent(at('10:11'), 'a1', { body: 'Is there anything else I can help you with?' }),
    status(at('10:20'), 'resolved'),
  ]),
  // no greeting, no empathy, no closing, a 2-hour silence, one-word replies… and an unanswered last turn
  conversation('bad', [
    customer(at('10:00'), 'my export is broken'),
    assign(at('10:00'), { agent_id: 'a1' }),
    agent(at('12:00'), 'a1', { body: 'ok' }),
    customer(at('12:05'), 'still broken'),
    agent(at('12:10'), 'a1', { body: LONG }),
    customer(at('12:30'), 'hello?'),
  ]),
  // words are runs of characters other than space, tab, line feed, form feed and carriage return
  // (a vertical tab is none of those): 7, 2 and 1 words, one sentence each
  conversation('spacing', [
    customer(at('10:00'), 'my export is broken'),
    agent(at('10:05'), 'a1', { body: 'Line one\nline two\ttab\r\nthree  four ' }),
    agent(at('10:06'), 'a1', { body: 'a\fb' }),
    agent(at('10:07'), 'a1', { body: 'x\vy' }),
  ]),
  // sentences are the pieces between runs of . ! ? that hold a letter or digit: 4, none (counted as 1) and 1;
  // words 5, 1 and 2
  conversation('punctuation', [
    customer(at('10:00'), 'my export is broken'),
    agent(at('10:05'), 'a1', { body: 'Done!! Really?! ... ok. 42' }),
    agent(at('10:06'), 'a1', { body: '?!' }),
    agent(at('10:07'), 'a1', { body: '...and then' }),
  ]),
];

let w: TestWarehouse;
beforeAll(async () => {
  w = await scorecardWarehouse({ perAgent: 1, extra });
});
afterAll(() => w.close());

const checks = (id: string) =>
  w.db.one(
    `select greeting, closing_confirmation, empathy, no_unanswered_turns, no_long_silence, reply_length, readability, autoqa_checks, autoqa_score
     from qa_autoqa where conversation_id = $1`,
    [id],
  );

describe('AutoQA', () => {
  it('passes a conversation that greets, empathises, answers promptly and confirms closure', async () => {
    expect(await checks('good')).toEqual({
      greeting: true,
      closing_confirmation: true,
      empathy: true,
      no_unanswered_turns: true,
      no_long_silence: true,
      reply_length: true,
      readability: true,
      autoqa_checks: 7,
      autoqa_score: 100,
    });
  });

  it('fails each check a careless conversation breaks', async () => {
    // replies: 'ok' (1 word) and LONG (29 words, one sentence): mean 15 words → length passes;
    // words per sentence (1 + 29) ÷ 2 = 15 → readability passes; 1 of 7 … see below
    const row = (await checks('bad'))!;
    expect(row).toMatchObject({ greeting: false, closing_confirmation: false, empathy: false, no_unanswered_turns: false, no_long_silence: false, autoqa_checks: 7 });
    expect(row['autoqa_score']).toBeCloseTo((100 * [row['reply_length'], row['readability']].filter(Boolean).length) / 7, 10);
    const words = await w.db.one<{ mean_reply_words: number; longest_wait_s: number }>("select mean_reply_words, longest_wait_s from qa_autoqa where conversation_id = 'bad'");
    expect(words).toEqual({ mean_reply_words: (1 + LONG.split(' ').length) / 2, longest_wait_s: 7200 });
  });

  it('counts words split on every kind of white space the reply holds', async () => {
    const row = await w.db.one("select mean_reply_words, words_per_sentence from qa_autoqa where conversation_id = 'spacing'");
    expect(row).toEqual({ mean_reply_words: 10 / 3, words_per_sentence: 10 / 3 });
  });

  it('counts sentences between runs of . ! ?, only those that hold a letter or digit, at least one a reply', async () => {
    const row = await w.db.one("select mean_reply_words, words_per_sentence from qa_autoqa where conversation_id = 'punctuation'");
    expect(row).toEqual({ mean_reply_words: 8 / 3, words_per_sentence: 8 / 6 });
  });

  it('marks checks not applicable when a conversation has no human reply', async () => {
    const row = await w.db.one<{ greeting: boolean | null; autoqa_score: number | null }>("select greeting, autoqa_score from qa_autoqa where conversation_id = 'horizon'");
    expect(row!.greeting).toBeNull();
    // its one customer turn was never answered: no_unanswered_turns fails, and a turn
    // still waiting is not a silence (no_long_silence passes): 1 of 2 applicable checks
    expect(row!.autoqa_score).toBe(50);
  });

  it('reports its agreement with human reviews on the same criteria, and never changes them', async () => {
    // good: reviewer agrees on empathy and closure; bad: reviewer passes closure (AutoQA fails it)
    const good = await saveReview(w.db, { source: 'canonical', conversation_id: 'good', reviewer_id: 'r', rubric_id: 'messaging_default', grades: gradesFor() }, TEST_NOW);
    await saveReview(w.db, { source: 'canonical', conversation_id: 'bad', reviewer_id: 'r', rubric_id: 'messaging_default', grades: gradesFor({ tone_empathy: 1 }) }, TEST_NOW);
    await buildModels(w.db, parseConfig({}), { now: TEST_NOW });
    const rows = await w.db.all('select criterion_id, autoqa_check, reviews, agreeing, agreement_share, autoqa_fail_human_pass from qa_autoqa_agreement order by criterion_id');
    expect(rows).toEqual([
      { criterion_id: 'clarity', autoqa_check: 'readability', reviews: 2, agreeing: 2, agreement_share: 1, autoqa_fail_human_pass: 0 },
      { criterion_id: 'closure', autoqa_check: 'closing_confirmation', reviews: 2, agreeing: 1, agreement_share: 0.5, autoqa_fail_human_pass: 1 },
      { criterion_id: 'tone_empathy', autoqa_check: 'empathy', reviews: 2, agreeing: 2, agreement_share: 1, autoqa_fail_human_pass: 0 },
    ]);
    expect((await w.db.one<{ qa_score: number }>('select qa_score from qa_reviews where review_id = $1', [good.review_id]))!.qa_score).toBe(100);
  });
});
