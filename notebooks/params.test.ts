/**
 * The report's default month: the latest complete month, by the clock passed
 * in and in the configured time zone — never the second-newest month blindly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agent, conversation, customer, horizon } from '../testing/fixtures.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { latestCompleteMonth } from './params.js';

// conversations on 15 October, 15 and 30 November (late evening UTC), 20 December 2026
const records = [
  conversation('oct', [customer('2026-10-15T10:00:00Z'), agent('2026-10-15T10:05:00Z')]),
  conversation('nov', [customer('2026-11-15T10:00:00Z'), agent('2026-11-15T10:05:00Z')]),
  conversation('nov-end', [customer('2026-11-30T20:00:00Z'), agent('2026-11-30T20:05:00Z')]),
  conversation('dec', [customer('2026-12-20T10:00:00Z'), agent('2026-12-20T10:05:00Z')]),
  horizon('2026-12-31T00:00:00Z'),
];

describe('the latest complete month', () => {
  let utc: TestWarehouse;
  let la: TestWarehouse;
  beforeAll(async () => {
    utc = await testWarehouse({ records, build: true, now: new Date('2027-01-15T00:00:00Z') });
    la = await testWarehouse({ records, build: { timezone: 'America/Los_Angeles' }, now: new Date('2027-01-15T00:00:00Z') });
  });
  afterAll(() => {
    utc.close();
    la.close();
  });

  it('is November on 1 December, October on 30 November, December on 1 January', async () => {
    expect(await latestCompleteMonth(utc.db, new Date('2026-12-01T08:00:00Z'))).toBe('2026-11');
    expect(await latestCompleteMonth(utc.db, new Date('2026-11-30T18:00:00Z'))).toBe('2026-10');
    expect(await latestCompleteMonth(utc.db, new Date('2027-01-01T08:00:00Z'))).toBe('2026-12');
  });

  it('is read in the configured time zone: at 05:00 UTC on 1 December it is still 30 November in Los Angeles', async () => {
    expect(await latestCompleteMonth(la.db, new Date('2026-12-01T05:00:00Z'))).toBe('2026-10');
    expect(await latestCompleteMonth(la.db, new Date('2026-12-01T09:00:00Z'))).toBe('2026-11');
  });

  it('is the newest month when no month with data has ended yet', async () => {
    expect(await latestCompleteMonth(utc.db, new Date('2026-10-20T00:00:00Z'))).toBe('2026-10');
  });
});
