/**
 * The thresholds of the AutoQA checks: the SQL model `marts/qa_autoqa.sql`
 * reads them as `{{autoqa_…}}` constants (MODEL_CONSTANTS), scorecards/
 * re-exports them beside the checks they belong to.
 *
 * @example
 *   AUTOQA_LIMITS.longSilenceSeconds; // 3600
 */
export const AUTOQA_LIMITS = {
  /** a wait for an agent reply longer than this (seconds) is a long silence */
  longSilenceSeconds: 3600,
  replyWordsMin: 5,
  replyWordsMax: 120,
  wordsPerSentenceMax: 20,
} as const;
