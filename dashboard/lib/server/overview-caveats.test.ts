import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mostlyInferredOctober } from '../../../testing/records.js';
import { testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { loadOverview } from './overview.js';

// 18 conversations with no status events (resolved by inference at the agent's reply: the data
// run on to 20 October, past the 24-hour window) and 2 resolved by a status event: 18 of 20 inferred.
let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({ records: mostlyInferredOctober(), build: true });
});
afterAll(() => w?.close());

describe('the overview tiles', () => {
  it('say so where a figure rests on inferred resolutions, and only on figures built on resolutions', async () => {
    const { tiles } = await loadOverview(w.db, { from: '2026-10-01', to: '2026-10-31' });
    const caveat = (metric: string) => tiles.find((t) => t.metric === metric)?.caveat;
    expect(caveat('fcr_rate')).toBe('90.0% of resolutions inferred (no status events): re-opens unseen, FCR reads high');
    expect(caveat('reopen_rate')).toBe('90.0% of resolutions inferred (no status events): re-opens unseen, FCR reads high');
    expect(caveat('full_resolution_s')).toBe('90.0% of resolutions inferred (no status events)');
    expect(caveat('conversations')).toBeUndefined();
    expect(caveat('first_response_s')).toBeUndefined();
    expect(caveat('csat_rate')).toBeUndefined();
  });
});
