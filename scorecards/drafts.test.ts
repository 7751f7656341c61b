import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { deleteDraft, getDraft, listDrafts, saveDraft } from './drafts.js';

let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({});
});
afterAll(() => w.close());

describe('review drafts', () => {
  it('keep the ratings and comments given so far, one per reviewer and item, until removed', async () => {
    const T1 = new Date(TEST_NOW.getTime() + 60_000);
    await saveDraft(
      w.db,
      { sample_id: 'smp_1', position: 2, reviewer_id: 'ana', form: { 'rating:clarity': '3', started_at: '123', 'comment:clarity': 'long', then: 'draft' } },
      TEST_NOW,
    );
    // saved again: replaced, not added
    await saveDraft(w.db, { sample_id: 'smp_1', position: 2, reviewer_id: 'ana', form: { 'rating:clarity': '4', 'rating:accuracy': 'pass', comment: '' } }, T1);
    await saveDraft(w.db, { sample_id: 'smp_1', position: 3, reviewer_id: 'ben', form: { 'rating:clarity': '2' } }, TEST_NOW);
    // only ratings and comments are kept; an empty value is not a field
    expect((await getDraft(w.db, 'smp_1', 2, 'ana'))?.form).toEqual({ 'rating:clarity': '4', 'rating:accuracy': 'pass' });
    expect((await listDrafts(w.db, 'ana')).map((d) => [d.position, d.saved_at.toISOString()])).toEqual([[2, T1.toISOString()]]);
    expect(await getDraft(w.db, 'smp_1', 2, 'ben')).toBeUndefined();
    await deleteDraft(w.db, 'smp_1', 2, 'ana');
    expect(await listDrafts(w.db, 'ana')).toEqual([]);
    expect(await listDrafts(w.db, 'ben')).toHaveLength(1);
  });
});
