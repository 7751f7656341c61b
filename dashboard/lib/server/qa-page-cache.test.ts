/**
 * The disputes inbox and a calibration session are kept until the data
 * change (cache.ts), as the server reads them: a page load between writes
 * reads nothing, and a dispute filed or a grade saved shows on the next load.
 * The warehouse has reader connections, as the server's has: there a read
 * leaves the data generation as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalibrationSession, fileDispute, saveReview } from '../../../scorecards/index.js';
import { TEST_NOW } from '../../../testing/clock.js';
import { gradesFor, scorecardWarehouse } from '../../../testing/scorecards.js';
import type { TestWarehouse } from '../../../testing/warehouse.js';
import type { Account } from '../../../accounts/index.js';
import { calibrationSession } from './calibration.js';
import { disputesInbox } from './disputes.js';

let w: TestWarehouse;
beforeAll(async () => {
  w = await scorecardWarehouse({ readers: 2 });
});
afterAll(() => w.close());

const account = (username: string, role: Account['role'], agentId?: string) => ({ username, role, ...(agentId ? { agentId } : {}) }) as Account;

describe('kept until the data change', () => {
  it('the disputes inbox: read once between writes; a dispute filed shows on the next load', async () => {
    const supervisor = account('sup', 'supervisor');
    const review = await saveReview(
      w.db,
      { source: 'canonical', conversation_id: 'a1-2', reviewer_id: 'r1', rubric_id: 'messaging_default', grades: gradesFor({ clarity: 1 }) },
      TEST_NOW,
    );
    const before = await disputesInbox(w.db, supervisor);
    expect(before).toEqual([]);
    expect(await disputesInbox(w.db, supervisor)).toBe(before);
    await fileDispute(w.db, { review_id: review.review_id, agent_id: 'a1', criteria: ['clarity'], reason: 'The answer was in steps.' }, TEST_NOW);
    const after = await disputesInbox(w.db, supervisor);
    expect(after.map((d) => [d.status, d.review.conversationId, d.criteria.map((c) => c.rating)])).toEqual([['open', 'a1-2', ['1']]]);
    // each person's view is their own: the agent sees their dispute, another agent none
    expect((await disputesInbox(w.db, account('ada', 'agent', 'a1'))).length).toBe(1);
    expect(await disputesInbox(w.db, account('ben', 'agent', 'a2'))).toEqual([]);
  });

  it("a calibration session: read once between writes; a reviewer's grade shows on the next load", async () => {
    const session = await createCalibrationSession(
      w.db,
      { name: 'Cached', rubric_id: 'messaging_default', facilitator_id: 'sup', reviewers: ['r1', 'r2'], conversations: [{ source: 'canonical', conversation_id: 'a2-3' }] },
      TEST_NOW,
    );
    const r1 = account('r1', 'reviewer');
    const before = await calibrationSession(w.db, session.session_id, r1);
    expect(before.conversations[0]).toMatchObject({ gradedByMe: false, mine: null });
    expect(await calibrationSession(w.db, session.session_id, r1)).toBe(before);
    await saveReview(w.db, { session_id: session.session_id, source: 'canonical', conversation_id: 'a2-3', reviewer_id: 'r1', grades: gradesFor() }, TEST_NOW);
    expect((await calibrationSession(w.db, session.session_id, r1)).conversations[0]).toMatchObject({ gradedByMe: true, mine: 100 });
    // r2 sees their own view (blind: not r1's grade)
    expect((await calibrationSession(w.db, session.session_id, account('r2', 'reviewer'))).conversations[0]).toMatchObject({ gradedByMe: false, reviews: [] });
  });
});
