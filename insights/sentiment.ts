/**
 * Sentiment of a customer message: natural's AFINN-165 analyser (word
 * valences −5…+5, negations flip what follows), i.e. the sum of the valences
 * divided by the number of words. A message is `negative` below
 * −{@link SENTIMENT_THRESHOLD}, `positive` above it, else `neutral`.
 *
 * A conversation's trajectory compares how it ended with how it started: the
 * score of its last customer message against its first (`improved` /
 * `worsened` when they differ by more than {@link TRAJECTORY_MARGIN}, else
 * `flat`; `single` with one customer message). It is computed in SQL
 * (insights/sql.ts, insight_sentiment_conversations) from the message scores.
 */
import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { maskPii, tokenize } from './text.js';

export const SENTIMENT_THRESHOLD = 0.05;
export const TRAJECTORY_MARGIN = 0.1;

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

const analyzer = new SentimentAnalyzer('English', undefined, 'afinn');

/**
 * The sentiment score of one message (0 for a text without words).
 *
 * @example
 *   sentimentScore('This is ridiculous, I have been waiting for ages.') // -0.333…
 *   sentimentScore('Perfect, thank you!') // 2.333…
 */
export function sentimentScore(text: string, { masked = false }: { masked?: boolean } = {}): number {
  const words = tokenize(masked ? text : maskPii(text));
  if (words.length === 0) return 0;
  const score = analyzer.getSentiment(words);
  return Number.isFinite(score) ? score : 0;
}

/**
 * The label of a score.
 *
 * @example
 *   sentimentLabel(-0.33) // 'negative'
 */
export function sentimentLabel(score: number): SentimentLabel {
  return score < -SENTIMENT_THRESHOLD ? 'negative' : score > SENTIMENT_THRESHOLD ? 'positive' : 'neutral';
}
