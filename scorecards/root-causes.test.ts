/**
 * Root causes counted per agent, team, month and criterion (qa_root_causes),
 * and shown on the agent's scorecard: written from the reviews by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { gradesFor, scorecardWarehouse } from '../testing/scorecards.js';
import type { TestWarehouse } from '../testing/warehouse.js';
import { saveReview } from './reviews.js';
import { agentScorecard } from './scorecard.js';

let w: TestWarehouse;
const review = (conversation_id: string, causes: Record<string, string[]>, overrides: Record<string, string | number> = {}) =>
  saveReview(
    w.db,
    {
      source: 'canonical',
      conversation_id,
      reviewer_id: 'rev1',
      rubric_id: 'messaging_default',
      grades: gradesFor(overrides).map((g) => (causes[g.criterion] ? { ...g, root_causes: causes[g.criterion] } : g)),
    },
    TEST_NOW,
  );

beforeAll(async () => {
  w = await scorecardWarehouse();
  // a1 (billing): accuracy failed twice for a knowledge gap, once also for a tool error; a2 (billing): once for a tool error
  await review('a1-1', { accuracy: ['knowledge gap'] }, { accuracy: 'fail' });
  await review('a1-2', { accuracy: ['knowledge gap', 'tool error'] }, { accuracy: 'fail' });
  await review('a2-1', { accuracy: ['tool error'] }, { accuracy: 'fail' });
  // a3 (tech): understanding 2 of 4, the history not read
  await review('a3-1', { understanding: ['did not read history'] }, { understanding: 2 });
});
afterAll(() => w.close());

describe('root causes', () => {
  it('are counted by agent, month and criterion, beside the team count, as soon as the reviews are saved', async () => {
    const rows = await w.db.all('select agent_id, team, month, criterion_id, root_cause, reviews, team_reviews from qa_root_causes order by agent_id, criterion_id, root_cause');
    expect(rows).toEqual([
      { agent_id: 'a1', team: 'billing', month: '2026-10', criterion_id: 'accuracy', root_cause: 'knowledge gap', reviews: 2, team_reviews: 2 },
      { agent_id: 'a1', team: 'billing', month: '2026-10', criterion_id: 'accuracy', root_cause: 'tool error', reviews: 1, team_reviews: 2 },
      { agent_id: 'a2', team: 'billing', month: '2026-10', criterion_id: 'accuracy', root_cause: 'tool error', reviews: 1, team_reviews: 2 },
      { agent_id: 'a3', team: 'tech', month: '2026-10', criterion_id: 'understanding', root_cause: 'did not read history', reviews: 1, team_reviews: 1 },
    ]);
  });

  it("are on the agent's scorecard for the month, the most frequent first", async () => {
    const card = await agentScorecard(w.db, 'a1', { month: '2026-10' });
    expect(card.root_causes).toEqual([
      { rubric_id: 'messaging_default', criterion_id: 'accuracy', root_cause: 'knowledge gap', reviews: 2, team_reviews: 2 },
      { rubric_id: 'messaging_default', criterion_id: 'accuracy', root_cause: 'tool error', reviews: 1, team_reviews: 2 },
    ]);
  });
});
