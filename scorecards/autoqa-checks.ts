/**
 * The AutoQA checks, by name. Each is computed for every conversation by the
 * SQL model `models/marts/qa_autoqa.sql`; a rubric criterion may name the
 * check that measures the same thing (`autoqa: greeting`), so that AutoQA's
 * agreement with human reviews can be reported per criterion.
 *
 * @example
 *   AUTOQA_CHECKS.includes('greeting'); // true
 */
export const AUTOQA_CHECKS = ['greeting', 'closing_confirmation', 'empathy', 'no_unanswered_turns', 'no_long_silence', 'reply_length', 'readability'] as const;

export type AutoQaCheck = (typeof AUTOQA_CHECKS)[number];

/** What each check passes on, in words (shown in docs and the dashboard). */
export const AUTOQA_CHECK_DESCRIPTIONS: Record<AutoQaCheck, string> = {
  greeting: 'the first human reply greets the customer (hi, hello, good morning, thanks for reaching out, welcome …)',
  closing_confirmation: 'a human reply after the last customer message asks whether anything else is needed or the issue is solved',
  empathy: 'at least one human reply uses an empathy phrase (sorry, apologise, I understand, frustrating, thanks for your patience …)',
  no_unanswered_turns: 'every customer turn got a reply (unanswered_turns = 0)',
  no_long_silence: 'no customer turn waited longer than the long-silence limit for the next public agent reply',
  reply_length: 'the human replies average between the minimum and maximum word counts',
  readability: 'the human replies average at most the maximum words per sentence',
};

/** Thresholds of the checks (the constants of qa_autoqa.sql, kept in models/ where the model reads them). */
export { AUTOQA_LIMITS } from '../models/autoqa-limits.js';
