/**
 * Grading at speed, server side: where save-and-next goes, the rubric view's
 * level descriptions and AutoQA checks, and a reviewer's completed reviews.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../../../testing/clock.js';
import { gradesFor, scorecardWarehouse } from '../../../testing/scorecards.js';
import type { TestWarehouse } from '../../../testing/warehouse.js';
import { createSample, saveReview } from '../../../scorecards/index.js';
import { loadItem, nextInQueue, nextItemPath, reviewerDone, reviewerDrafts, reviewerQueue, rubricView, samplesOverview, savedByReviewer } from './qa-workspace.js';

describe('save-and-next', () => {
  const queue = [
    { sample_id: 'a', position: 1 },
    { sample_id: 'a', position: 4 },
    { sample_id: 'b', position: 2 },
  ];
  it('opens the next later item of the same sample', () => {
    expect(nextInQueue(queue, { sample_id: 'a', position: 2 })).toEqual({ sample_id: 'a', position: 4 });
    expect(nextInQueue(queue, { sample_id: 'a', position: 1 })).toEqual({ sample_id: 'a', position: 4 });
  });
  it('else the first item of the queue that is not the one just graded, else nothing', () => {
    expect(nextInQueue(queue, { sample_id: 'a', position: 4 })).toEqual({ sample_id: 'a', position: 1 });
    expect(nextInQueue(queue, { sample_id: 'b', position: 2 })).toEqual({ sample_id: 'a', position: 1 });
    expect(nextInQueue([{ sample_id: 'a', position: 3 }], { sample_id: 'a', position: 3 })).toBeNull();
  });
});

describe('on a warehouse', () => {
  let w: TestWarehouse;
  let sampleId: string;
  let conversations: string[];
  beforeAll(async () => {
    // reader connections as the server has them, so that its caches hold between writes
    w = await scorecardWarehouse({ perAgent: 2, reviewers: ['r1', 'r2'], readers: 2 });
    const { sample } = await createSample(
      w.db,
      { name: 'Speed', cycle: '2026-10', seed: 7, rubric_id: 'messaging_default', size: 3, filter: { match: 'all', agents: ['a1', 'a2'] }, reviewers: ['r1'], created_by: 'r1' },
      TEST_NOW,
    );
    sampleId = sample.sample_id;
    conversations = sample.items.map((i) => i.conversation_id);
  });
  afterAll(() => w.close());

  it('describes each rating with the rubric level and names the AutoQA check of a criterion', async () => {
    const { criteria } = await rubricView(w.db, 'messaging_default', 1);
    const clarity = criteria.find((c) => c.id === 'clarity')!;
    expect(clarity.ratings).toEqual(['1', '2', '3', '4']);
    expect(clarity.levels[0]).toBe('Hard to follow: the customer could not act on it');
    expect(clarity.levels[3]).toBe('Short, plain and easy to act on');
    expect(clarity.autoqa).toBe('readability');
    const accuracy = criteria.find((c) => c.id === 'accuracy')!;
    expect(accuracy.ratings).toEqual(['pass', 'fail']);
    expect(accuracy.levels).toEqual(['Everything said was correct and complete', 'Wrong or incomplete information was given']);
    expect(accuracy.autoqa).toBeNull();
  });

  it('shows the AutoQA findings of the conversation: the fixture greets, shows empathy and asks if anything else is needed', async () => {
    const item = (await loadItem(w.db, sampleId, 1))!;
    expect(item.autoqa['greeting']?.passed).toBe(true);
    expect(item.autoqa['empathy']?.passed).toBe(true);
    expect(item.autoqa['closing_confirmation']?.passed).toBe(true);
  });

  it('goes from item 2 to 3, from 3 back to 1, and to the queue page when all three are graded', async () => {
    const grade = (n: number) =>
      saveReview(w.db, { sample_id: sampleId, source: 'canonical', conversation_id: conversations[n - 1]!, reviewer_id: 'r1', grades: gradesFor({ clarity: n }) }, TEST_NOW);
    expect(await nextItemPath(w.db, 'r1', { sample_id: sampleId, position: 2 })).toBe(`/qa/${sampleId}/3`);
    const second = await grade(2);
    const third = await grade(3);
    expect(await nextItemPath(w.db, 'r1', { sample_id: sampleId, position: 3 })).toBe(`/qa/${sampleId}/1`);
    await grade(1);
    expect(await nextItemPath(w.db, 'r1', { sample_id: sampleId, position: 1 })).toBe('/qa?queue=done');

    // the done list: every review with its score and the item it opens. Clarity (weight 15 of 100) at n of 4 points:
    // score = 100 − 15 × (4 − n) / 3, so n = 1 → 85.0, 2 → 90.0, 3 → 95.0
    const done = await reviewerDone(w.db, 'r1');
    expect(done.map((d) => [d.sample, d.qaScore, d.href]).sort()).toEqual([
      ['Speed #1', 85, `/qa/${sampleId}/1`],
      ['Speed #2', 90, `/qa/${sampleId}/2`],
      ['Speed #3', 95, `/qa/${sampleId}/3`],
    ]);
    expect(await reviewerDone(w.db, 'r2')).toEqual([]);

    // the notice after save-and-next names the reviewer's own review only
    expect(await savedByReviewer(w.db, 'r1', second.review_id)).toMatchObject({ conversationId: conversations[1], qaScore: 90 });
    expect(await savedByReviewer(w.db, 'r2', third.review_id)).toBeNull();
    expect(await savedByReviewer(w.db, 'r1', 'rev_nope')).toBeNull();
  });

  it('keeps the queue page until the data change: a load in between reads nothing, a new sample shows on the next', async () => {
    const queue = await reviewerQueue(w.db, 'r1');
    const overview = await samplesOverview(w.db);
    // every item of "Speed" is graded (above): an empty queue
    expect(queue).toEqual([]);
    expect(await reviewerQueue(w.db, 'r1')).toBe(queue);
    expect(await reviewerDone(w.db, 'r1')).toBe(await reviewerDone(w.db, 'r1'));
    expect(await reviewerDrafts(w.db, 'r1')).toBe(await reviewerDrafts(w.db, 'r1'));
    expect(await samplesOverview(w.db)).toBe(overview);
    await createSample(
      w.db,
      { name: 'Later', cycle: '2026-10', seed: 8, rubric_id: 'messaging_default', size: 1, filter: { match: 'all', agents: ['a3'] }, reviewers: ['r1'], created_by: 'r1' },
      TEST_NOW,
    );
    expect((await reviewerQueue(w.db, 'r1')).map((i) => i.sampleName)).toEqual(['Later']);
    expect((await samplesOverview(w.db)).samples.map((s) => s.name).sort()).toEqual(['Later', 'Speed']);
  });
});
