/**
 * Reports in the dashboard are rendered once per notebook, data generation
 * and parameter values: the next reader of the same month gets the kept
 * report without a query, another month or a change of the data renders anew.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingReads, testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { agent, conversation, customer, horizon, on, status } from '../../../testing/fixtures.js';
import { TEST_NOW } from '../../../testing/clock.js';
import { renderReport, reportList } from './reports.js';

let w: TestWarehouse;
beforeAll(async () => {
  const oct = on('2026-10-06');
  const sep = on('2026-09-08');
  w = await testWarehouse({
    build: true,
    // as the server reads: on reader connections (a read on the main one counts as a write, which ends what is kept)
    readers: 2,
    records: [
      conversation('sep-1', [customer(sep('09:00')), agent(sep('09:05')), status(sep('10:00'), 'resolved')], { intent: 'billing' }),
      conversation('oct-1', [customer(oct('09:00')), agent(oct('09:05')), status(oct('10:00'), 'resolved')], { intent: 'billing' }),
      conversation('oct-2', [customer(oct('11:00')), agent(oct('11:30'))], { intent: 'delivery' }),
      horizon('2026-11-20T12:00:00Z'),
    ],
  });
});
afterAll(() => w.close());

describe('reports in the dashboard', () => {
  it('renders a month once per data generation and keeps it for the next reader', async () => {
    const first: string[] = [];
    const october = await renderReport(recordingReads(w.db, first), 'monthly-report', { month: '2026-10' }, TEST_NOW);
    expect(october?.title).toBeTruthy();
    expect(october?.errors).toEqual([]);
    // rendering reads the marts: many queries (the summary, the month's tables, the charts' months)
    expect(first.length).toBeGreaterThan(10);

    // the same month again: the kept report, read by no query (a given month needs no default, so not even the check that the marts exist)
    const again: string[] = [];
    const kept = await renderReport(recordingReads(w.db, again), 'monthly-report', { month: '2026-10' }, TEST_NOW);
    expect(kept).toEqual(october);
    expect(again).toEqual([]);

    // another month is rendered anew, and so is the same month once the data changed (a write bumps the generation)
    const september: string[] = [];
    expect((await renderReport(recordingReads(w.db, september), 'monthly-report', { month: '2026-09' }, TEST_NOW))?.html).not.toEqual(october?.html);
    // (fewer queries than the first month's: the queries both months ask, such as the trend's, are the loaders' kept rows)
    expect(september.length).toBeGreaterThan(0);
    await w.db.run("insert into warehouse_meta values ('reports-test', 'changed')");
    const changed: string[] = [];
    expect(await renderReport(recordingReads(w.db, changed), 'monthly-report', { month: '2026-10' }, TEST_NOW)).toEqual(october);
    expect(changed.length).toBeGreaterThan(10);
  });

  it('keeps the list of reports and their choices until the data change', async () => {
    const first: string[] = [];
    const list = await reportList(recordingReads(w.db, first));
    expect(list.find((r) => r.id === 'monthly-report')?.params.find((p) => p.name === 'month')?.choices).toEqual(expect.arrayContaining(['2026-10', '2026-09']));
    expect(first.length).toBeGreaterThan(0);
    const again: string[] = [];
    expect(await reportList(recordingReads(w.db, again))).toEqual(list);
    expect(again).toEqual([]);
  });
});
