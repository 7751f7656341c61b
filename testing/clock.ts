/**
 * The tests' clock. Production code takes `now` as a parameter (default: the
 * real clock); tests pass this fixed moment, so no result depends on the day
 * the tests run (`npm run test:dates` runs them with the clock moved).
 *
 * @example
 *   await saveReview(db, body, TEST_NOW);
 */
export const TEST_NOW = new Date('2026-12-01T12:00:00Z');
