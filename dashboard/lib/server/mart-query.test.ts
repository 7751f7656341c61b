/**
 * monthly() over a hand-made warehouse in America/New_York (UTC−4 until
 * 1 November): a trend that ends inside a month reads the months its range
 * covers whole from metric_summary and aggregates only the others from
 * conversation_metrics, with the same rows as aggregating everything.
 * The month of each conversation is its New York month, worked out by hand:
 *
 * | conversation | created (UTC)     | New York          | month   |
 * | ------------ | ----------------- | ----------------- | ------- |
 * | aug          | 2026-08-20 14:00  | 08-20 10:00       | 2026-08 |
 * | sliver       | 2026-09-01 02:00  | 08-31 22:00       | 2026-08 |
 * | sep-a        | 2026-09-10 14:00  | 09-10 10:00       | 2026-09 |
 * | sep-email    | 2026-09-15 14:00  | 09-15 10:00       | 2026-09 |
 * | sep-b        | 2026-09-30 23:00  | 09-30 19:00       | 2026-09 |
 * | oct-early    | 2026-10-01 02:00  | 09-30 22:00       | 2026-09 |
 * | oct-a        | 2026-10-05 14:00  | 10-05 10:00       | 2026-10 |
 * | oct-late     | 2026-10-20 14:00  | 10-20 10:00       | 2026-10 |
 *
 * The range 2026-09-01 … 2026-10-15 (UTC days, as the filters compare
 * created_at) holds sliver (a sliver of New York's August), all of New
 * York's September (09-01 04:00 UTC to 10-01 04:00 UTC) and October up to
 * the 15th: August 1, September 4 (3 on webchat), October 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingReads, testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { agent, conversation, customer, horizon } from '../../../testing/fixtures.js';
import { monthly, summary } from './mart-query.js';
import { filterWhere, type Filters } from './filters.js';

const reply = (id: string, at: string, options: { channel?: string } = {}) => conversation(id, [customer(at), agent(new Date(Date.parse(at) + 300_000).toISOString())], options);

let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({
    build: { timezone: 'America/New_York' },
    records: [
      reply('aug', '2026-08-20T14:00:00Z'),
      reply('sliver', '2026-09-01T02:00:00Z'),
      reply('sep-a', '2026-09-10T14:00:00Z'),
      reply('sep-email', '2026-09-15T14:00:00Z', { channel: 'email' }),
      reply('sep-b', '2026-09-30T23:00:00Z'),
      reply('oct-early', '2026-10-01T02:00:00Z'),
      reply('oct-a', '2026-10-05T14:00:00Z'),
      reply('oct-late', '2026-10-20T14:00:00Z'),
      horizon('2026-10-25T12:00:00Z'),
    ],
  });
});
afterAll(() => w.close());

const range: Filters = { from: '2026-09-01', to: '2026-10-15' };
const counts = (rows: Record<string, unknown>[]) => rows.map((r) => [r['month'], Number(r['conversations'])]);

describe('monthly summary rows', () => {
  it('gives a range ending inside a month the rows of aggregating its conversations, reading the months it covers whole from metric_summary', async () => {
    expect(counts(await monthly(w.db, range, ['conversations']))).toEqual([
      ['2026-08', 1],
      ['2026-09', 4],
      ['2026-10', 1],
    ]);
    expect(counts(await monthly(w.db, { ...range, channel: 'webchat' }, ['conversations']))).toEqual([
      ['2026-08', 1],
      ['2026-09', 3],
      ['2026-10', 1],
    ]);
    // the same as the summary over conversation_metrics, every field a trend shows
    const fields = ['conversations', 'first_response_s_median', 'first_response_s_p90', 'fcr_rate', 'fcr_rate_base'];
    for (const f of [range, { ...range, channel: 'webchat' }, { from: '2026-08-01', to: '2026-10-15' }, { from: '2026-09-02', to: '2026-09-30' }]) {
      expect(await monthly(w.db, f, fields)).toEqual(await summary(w.db, ['month'], filterWhere(f), fields));
    }

    // the covered months come from metric_summary, the cut ones from conversation_metrics: the mart's September row says 40 (it was built saying 4): the trend shows the mart's figure for
    // the month it covers whole, and counts the conversations of the cut months (August's sliver, October to the 15th)
    await w.db.run(`update metric_summary set conversations = 40 where "grouping" = 'month' and month = '2026-09'`);
    const seen: string[] = [];
    expect(counts(await monthly(recordingReads(w.db, seen), range, ['conversations']))).toEqual([
      ['2026-08', 1],
      ['2026-09', 40],
      ['2026-10', 1],
    ]);
    expect(seen.some((sql) => sql.includes('metric_summary'))).toBe(true);
  });
});
