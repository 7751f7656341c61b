import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../../../testing/clock.js';
import { gradesFor, scorecardWarehouse } from '../../../testing/scorecards.js';
import type { TestWarehouse } from '../../../testing/warehouse.js';
import { saveReview } from '../../../scorecards/index.js';
import { reviewerStats } from './reviewer-stats.js';

let w: TestWarehouse;
const review = (conversation_id: string, reviewer_id: string, overrides: Record<string, string | number>, time_spent_s: number) =>
  saveReview(w.db, { source: 'canonical', conversation_id, reviewer_id, rubric_id: 'messaging_default', grades: gradesFor(overrides), time_spent_s }, TEST_NOW);

beforeAll(async () => {
  w = await scorecardWarehouse();
  // all saved at TEST_NOW (December 2026: 31 days, 31/7 weeks)
  await review('a1-1', 'ana', {}, 120); // 100
  await review('a1-2', 'ana', { accuracy: 'fail' }, 300); // 0: a critical failure
  await review('a2-1', 'ben', { closure: 'fail' }, 200); // 95: closure weighs 5 of 100
});
afterAll(() => w.close());

describe('reviewer statistics', () => {
  it('give reviews per week, the mean score against every reviewer, and the median time per review', async () => {
    const s = await reviewerStats(w.db);
    expect(s.month).toBe('2026-12');
    expect(s.rows.map((r) => [r.reviewer, r.reviews, r.perWeek, r.meanScore, r.allMean, r.medianSeconds, r.disputed, r.calibrationDistance])).toEqual([
      // ana: (100 + 0) / 2 = 50; all: (100 + 0 + 95) / 3 = 65; 2 reviews / (31/7) weeks = 0.45 → 0.5
      ['ana', 2, 0.5, 50, 65, 210, 0, null],
      ['ben', 1, 0.2, 95, 65, 200, 0, null],
    ]);
  });
});
