/**
 * Calibration on the worked example of Krippendorff's "Computing
 * Krippendorff's Alpha-Reliability" (4 reviewers × 12 conversations, N/A as
 * the missing values): the TypeScript results and the SQL mart both give
 * ordinal α = 0.815; grading is blind while the session is open; distances
 * from the benchmark; calibration never enters agent scores.
 */
import { TEST_NOW } from '../testing/clock.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWarehouse } from '../testing/warehouse.js';
import { buildModels } from '../models/build.js';
import { parseConfig } from '../models/config.js';
import { calibrationResults, closeCalibrationSession, createCalibrationSession, listCalibrationSessions, sessionReviews, type CalibrationSession } from './calibration.js';
import { saveReview } from './reviews.js';
import { registerRubric } from './rubric-store.js';
import { validateRubric } from './rubric-schema.js';
import { scorecardWarehouse } from '../testing/scorecards.js';

const _ = null;
// prettier-ignore
const PAPER: Record<string, Array<number | null>> = {
  A: [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  B: [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  C: [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  D: [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
};
const CONVERSATIONS = ['a1', 'a2', 'a3'].flatMap((a) => [1, 2, 3, 4].map((n) => `${a}-${n}`));

let w: TestWarehouse;
let session: CalibrationSession;
beforeAll(async () => {
  w = await scorecardWarehouse({ perAgent: 4 });
  await registerRubric(
    w.db,
    validateRubric({
      id: 'paper',
      name: 'One five-point criterion',
      sections: [{ id: 's', name: 'S', criteria: [{ id: 'c', name: 'C', guidance: 'g', scale: '5-point', weight: 1, na_allowed: true }] }],
    }),
    TEST_NOW,
  );
  session = await createCalibrationSession(
    w.db,
    {
      name: 'paper',
      rubric_id: 'paper',
      facilitator_id: 'F',
      reviewers: ['A', 'B', 'C', 'D'],
      conversations: CONVERSATIONS.map((conversation_id) => ({ source: 'canonical', conversation_id })),
    },
    TEST_NOW,
  );
  for (const [reviewer, values] of Object.entries(PAPER)) {
    for (const [u, value] of values.entries()) {
      await saveReview(
        w.db,
        {
          session_id: session.session_id,
          source: 'canonical',
          conversation_id: CONVERSATIONS[u]!,
          reviewer_id: reviewer,
          grades: [value === null ? { criterion: 'c', na: true } : { criterion: 'c', rating: value }],
        },
        TEST_NOW,
      );
    }
  }
  // the benchmark on the first two conversations: 1 and 2
  for (const [u, value] of [1, 2].entries()) {
    await saveReview(
      w.db,
      {
        session_id: session.session_id,
        source: 'canonical',
        conversation_id: CONVERSATIONS[u]!,
        reviewer_id: 'F',
        grades: [{ criterion: 'c', rating: value }],
      },
      TEST_NOW,
    );
  }
});
afterAll(() => w.close());

describe('calibration', () => {
  it('is blind while open: a reviewer sees only their own grades, the facilitator all', async () => {
    expect(new Set((await sessionReviews(w.db, session.session_id, 'A')).map((r) => r.reviewer_id))).toEqual(new Set(['A']));
    expect((await sessionReviews(w.db, session.session_id, 'F')).length).toBe(50);
    expect((await listCalibrationSessions(w.db, { participant: 'B', open: true })).map((s) => s.session_id)).toEqual([session.session_id]);
    expect(await listCalibrationSessions(w.db, { participant: 'Z' })).toEqual([]);
  });

  it("gives the paper's ordinal alpha, and the share of exact matches", async () => {
    const { criteria } = await calibrationResults(w.db, session.session_id);
    expect(criteria).toHaveLength(1);
    expect(criteria[0]!.alpha_ordinal!).toBeCloseTo(0.815, 3);
    expect(criteria[0]!.units).toBe(11);
    expect(criteria[0]!.ratings).toBe(40);
    // equal pairs over all pairs within units, counted by hand from the matrix:
    // units 1..11 pairs: 3,6,6,6,6,6,6,6,6,3,1 = 55; equal: 3,3,6,6,6,0,6,3,6,3,1 = 43
    expect(criteria[0]!.exact_match_share).toBeCloseTo(43 / 55, 12);
  });

  it('measures each reviewer against the benchmark', async () => {
    const { reviewers } = await calibrationResults(w.db, session.session_id);
    const byId = Object.fromEntries(reviewers.map((r) => [r.reviewer_id, r]));
    // A: 1 vs 1, 2 vs 2 → 0. C: unit 1 N/A, unit 2 3 (50) vs 2 (25) → 25
    expect(byId['A']).toMatchObject({ conversations: 12, criterion_distance: 0, score_distance: 0 });
    expect(byId['C']).toMatchObject({ criterion_distance: 25, score_distance: 25 });
  });

  it('the SQL marts agree with the TypeScript results, and calibration never enters agent scores', async () => {
    await closeCalibrationSession(w.db, { session_id: session.session_id, facilitator_id: 'F' }, TEST_NOW);
    expect((await sessionReviews(w.db, session.session_id, 'A')).length).toBe(50);
    await buildModels(w.db, parseConfig({}), { now: TEST_NOW });
    const row = await w.db.one<{ alpha_ordinal: number; exact_match_share: number; units: number; ratings: number }>(
      'select alpha_ordinal, exact_match_share, units, ratings from qa_calibration_agreement where scope = $1 and criterion_id = $2',
      [session.session_id, 'c'],
    );
    const { criteria, reviewers } = await calibrationResults(w.db, session.session_id);
    expect(row!.alpha_ordinal).toBeCloseTo(criteria[0]!.alpha_ordinal!, 12);
    expect(row!.alpha_ordinal).toBeCloseTo(0.815, 3);
    expect(row!.exact_match_share).toBeCloseTo(43 / 55, 12);
    expect([row!.units, row!.ratings]).toEqual([11, 40]);
    const distances = await w.db.all<{ reviewer_id: string; criterion_distance: number; score_distance: number }>(
      'select reviewer_id, criterion_distance, score_distance from qa_calibration_reviewers order by reviewer_id',
    );
    expect(distances).toEqual(reviewers.map((r) => ({ reviewer_id: r.reviewer_id, criterion_distance: r.criterion_distance, score_distance: r.score_distance })));
    expect((await w.db.one<{ n: number }>('select count(*) as n from qa_reviews_scored'))!.n).toBe(0);
    expect((await w.db.one<{ n: number }>('select sum(reviews) as n from qa_agent_scorecards'))!.n).toBe(0);
  });

  it('refuses grades after the session closed and from people outside it', async () => {
    await expect(
      saveReview(w.db, { session_id: session.session_id, source: 'canonical', conversation_id: 'a1-1', reviewer_id: 'A', grades: [{ criterion: 'c', rating: 1 }] }, TEST_NOW),
    ).rejects.toThrow(`calibration session ${session.session_id} is closed`);
    const open = await createCalibrationSession(
      w.db,
      {
        name: 'x',
        rubric_id: 'paper',
        facilitator_id: 'F',
        reviewers: ['A', 'B'],
        conversations: [{ source: 'canonical', conversation_id: 'a1-1' }],
      },
      TEST_NOW,
    );
    await expect(
      saveReview(w.db, { session_id: open.session_id, source: 'canonical', conversation_id: 'a1-1', reviewer_id: 'Z', grades: [{ criterion: 'c', rating: 1 }] }, TEST_NOW),
    ).rejects.toThrow('Z is not a reviewer of calibration session');
  });
});
