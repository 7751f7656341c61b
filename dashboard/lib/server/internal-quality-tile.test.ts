import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../../warehouse/connection.js';
import { internalQualityTile } from './internal-quality-tile.js';

let db: Warehouse;
beforeAll(async () => {
  db = await openWarehouse(':memory:');
  await db.run(`
    create table qa_internal_quality as
    select * from (values
      ('month', '2026-07', null, null, 79.0, 4),
      ('month', '2026-08', null, null, 80.0, 12),
      ('month', '2026-09', null, null, 82.5, 10),
      ('month', '2026-10', null, null, 88.4, 3)
    ) t("grouping", month, team, channel, internal_quality_score, reviews)`);
});
afterAll(() => db.close());

describe('the internal quality score tile', () => {
  it('shows the last reviewed month against the month before, in points, naming that month', async () => {
    const tile = await internalQualityTile(db, { from: '2026-09-01', to: '2026-09-30' });
    expect(tile).toMatchObject({
      label: 'Internal quality score',
      value: '82.5',
      second: '2026-09, 10 reviews',
      change: '+2.5 pts',
      comparedWith: '2026-08',
      tone: 'better',
    });
    expect(tile!.caveat).toBeUndefined();
  });

  it('shows no score from fewer than 10 reviews, and says so', async () => {
    const tile = await internalQualityTile(db, { from: '2026-10-01', to: '2026-10-31' });
    expect(tile).toMatchObject({ value: '–', second: '2026-10, 3 reviews', change: null, tone: null, caveat: '3 reviews: fewer than 10 reviews hide a score.' });
    // nor is a month of 4 reviews a baseline for August's change
    const august = await internalQualityTile(db, { from: '2026-08-01', to: '2026-08-31' });
    expect(august).toMatchObject({ value: '80.0', change: null });
  });
});
