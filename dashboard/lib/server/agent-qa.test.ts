/**
 * Writes show at once: a review saved while the server runs is on the agent's
 * scorecard ("Quality by month") and the internal quality tile on the next
 * page load, with no build in between, although both were already read (and
 * cached) before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveReview } from '../../../scorecards/reviews.js';
import { gradesFor, scorecardWarehouse } from '../../../testing/scorecards.js';
import type { TestWarehouse } from '../../../testing/warehouse.js';
import { loadAgentQa } from './agent-qa.js';
import { agentInfo } from './agent-scorecard.js';
import { internalQualityTile } from './internal-quality-tile.js';

let w: TestWarehouse;
const T0 = new Date('2026-11-02T10:00:00Z');
const OCTOBER = { from: '2026-10-01', to: '2026-10-31' };
beforeAll(async () => {
  w = await scorecardWarehouse();
});
afterAll(() => w.close());

describe('a saved review', () => {
  it('shows on the agent scorecard and the quality tile on the next load, without a build', async () => {
    const ada = (await agentInfo(w.db, 'a1'))!;
    const before = await loadAgentQa(w.db, ada, OCTOBER);
    expect(before.months.find((m) => m.month === '2026-10')).toMatchObject({ reviews: 0, quality: '–' });
    expect((await internalQualityTile(w.db, OCTOBER))?.value).toBe('–');

    await saveReview(w.db, { source: 'canonical', conversation_id: 'a1-1', reviewer_id: 'rev1', rubric_id: 'messaging_default', grades: gradesFor({}) }, T0);

    const after = await loadAgentQa(w.db, ada, OCTOBER);
    expect(after.months.find((m) => m.month === '2026-10')).toMatchObject({ reviews: 1, quality: '100.0' });
    expect(after.reviews).toHaveLength(1);
    // the tile sees the review at once; one review is too few for a score (models/caveats.ts)
    expect(await internalQualityTile(w.db, OCTOBER)).toMatchObject({ value: '–', second: '2026-10, 1 review', caveat: '1 review: fewer than 10 reviews hide a score.' });
  });
});
