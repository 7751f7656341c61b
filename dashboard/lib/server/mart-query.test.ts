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
import { agent, assign, conversation, csat, customer, horizon, status, type Item } from '../../../testing/fixtures.js';
import { chartAnnotations, cutMonths, monthExtents, monthly, rangeSummary, summary, summaryBySets, summaryOfPeriods } from './mart-query.js';
import { loadAnnotations } from '../../../models/annotations.js';
import { writeAnnotationTable } from '../../../models/config-annotations.js';
import { filterWhere, previousPeriod, trendRange, type Filters } from './filters.js';
import { CATALOGUE } from '../../../models/catalogue.js';
import { summaryFields, summaryParts, type Dimension } from '../../../models/summary.js';

const reply = (id: string, at: string, options: { channel?: string } = {}) => conversation(id, [customer(at), agent(new Date(Date.parse(at) + 300_000).toISOString())], options);

let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({
    build: { timezone: 'America/New_York' },
    // reads on reader connections, as a server makes them (a read on the main connection ends a data generation)
    readers: 2,
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
    for (const f of [
      range,
      { ...range, channel: 'webchat' },
      { from: '2026-08-01', to: '2026-10-15' },
      { from: '2026-09-02', to: '2026-09-30' },
      // September covered with both ends cut (to the hour at the end); no month covered
      { from: '2026-08-15', to: '2026-10-31' },
      { from: '2026-08-15', to: '2026-10-30', channel: 'email' },
      { from: '2026-09-02', to: '2026-10-03', channel: 'webchat' },
    ]) {
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

describe('the months a range covers whole', () => {
  it("are worked out from each month's New York bounds, read once until the data change, with the spans of the range outside them", async () => {
    const extents = await monthExtents(w.db);
    expect(extents).toEqual([
      { month: '2026-08', start: Date.parse('2026-08-01T04:00:00Z'), end: Date.parse('2026-09-01T04:00:00Z') },
      { month: '2026-09', start: Date.parse('2026-09-01T04:00:00Z'), end: Date.parse('2026-10-01T04:00:00Z') },
      { month: '2026-10', start: Date.parse('2026-10-01T04:00:00Z'), end: Date.parse('2026-11-01T04:00:00Z') },
    ]);
    // the range's first four hours are New York's August, and the 1st to the 15th of October (UTC) October's
    expect(cutMonths(extents, range)).toEqual({
      covered: ['2026-09'],
      spans: [
        { from: '2026-09-01T00:00:00.000Z', to: '2026-09-01T04:00:00.000Z' },
        { from: '2026-10-01T04:00:00.000Z', to: '2026-10-16T00:00:00.000Z' },
      ],
    });
    expect(cutMonths(extents, { from: '2026-09-02', to: '2026-09-30' })).toEqual({ covered: [], spans: [{ from: '2026-09-02T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z' }] });
    // a range that starts at a month's New York midnight has no head: 2026-08-01 is covered from 04:00 UTC only
    expect(cutMonths(extents, { from: '2026-08-02', to: '2026-10-31' }).covered).toEqual(['2026-09']);
    // asking trends of new ranges reads no month bounds again (a query of config_settings per range, before)
    const seen: string[] = [];
    for (const f of [
      { from: '2026-08-03', to: '2026-10-14' },
      { from: '2026-08-04', to: '2026-10-13' },
    ]) {
      await monthly(recordingReads(w.db, seen), f, ['conversations', 'first_response_s_median']);
    }
    expect(seen.filter((sql) => sql.includes('config_settings'))).toEqual([]);
  });
});

describe('a monthly trend under a team filter', () => {
  it("counts the conversations of the filter's team in every month, covered or cut, not the mart's owner-team rows", async () => {
    // owner_team is the team an assign event named; the filter's team falls back to the owner's team in the roster:
    // the two differ for a conversation assigned to an agent alone
    const byAgent = (id: string, at: string) =>
      conversation(id, [
        customer(at),
        assign(new Date(Date.parse(at) + 60_000).toISOString(), { agent_id: 'ana' }),
        agent(new Date(Date.parse(at) + 300_000).toISOString(), 'ana'),
      ]);
    const t = await testWarehouse({
      build: true,
      agents: [{ id: 'ana', name: 'Ana', team: 'billing' }],
      records: [
        byAgent('sep-1', '2026-09-10T14:00:00Z'),
        byAgent('sep-2', '2026-09-20T14:00:00Z'),
        // assigned to the team itself: the owner team's September row in metric_summary holds this one alone
        conversation('sep-team', [customer('2026-09-25T14:00:00Z'), assign('2026-09-25T14:01:00Z', { team: 'billing' }), agent('2026-09-25T14:05:00Z', 'ana')]),
        byAgent('oct-1', '2026-10-05T14:00:00Z'),
        horizon('2026-10-25T12:00:00Z'),
      ],
    });
    try {
      const f: Filters = { from: '2026-09-01', to: '2026-10-15', team: 'billing' };
      expect(counts(await monthly(t.db, f, ['conversations']))).toEqual([
        ['2026-09', 3],
        ['2026-10', 1],
      ]);
      expect(await monthly(t.db, f, ['conversations', 'fcr_rate'])).toEqual(await summary(t.db, ['month'], filterWhere(f), ['conversations', 'fcr_rate']));
    } finally {
      t.close();
    }
  });
});

/**
 * A date range's figures from the per-day mart (metric_daily) against the
 * summary over conversation_metrics, on generated conversations (a fixed
 * seed): five days apart over two months in three channels, intents and
 * teams, response times from a short list (ties), some never answered (nulls),
 * some resolved, some rated; and one conversation alone on 2026-08-15.
 */
describe('a date range from the per-day mart', () => {
  let g: TestWarehouse;
  const fields = CATALOGUE.flatMap((m) => summaryFields(m));
  beforeAll(async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const records = Array.from({ length: 240 }, (_, i) => {
      const start = Date.parse('2026-09-01T00:00:00Z') + Math.floor(random() * 61 * 86_400) * 1000;
      const at = (s: number) => new Date(start + s * 1000).toISOString();
      const who = pick(['a1', 'a2', 'a3', 'a4']);
      const items: Item[] = [customer(at(0)), assign(at(1), { agent_id: who, team: pick(['billing', 'care', 'tech']) })];
      const answered = random() < 0.8;
      const reply = pick([60, 60, 300, 900, 3600, 7200]);
      if (answered) items.push(agent(at(reply), who));
      if (answered && random() < 0.7) items.push(status(at(reply + pick([600, 600, 5400])), 'resolved'));
      if (random() < 0.4) items.push(csat(at(reply + 7000), pick([1, 3, 4, 5])));
      return conversation(`g${i}`, items, { channel: pick(['email', 'webchat', 'sms']), intent: pick(['billing', 'refund', 'login']) });
    });
    g = await testWarehouse({
      records: [...records, conversation('lone', [customer('2026-08-15T10:00:00Z'), agent('2026-08-15T10:05:00Z')]), horizon('2026-11-20T00:00:00Z')],
      build: true,
    });
  });
  afterAll(() => g.close());

  // a mean of values that are not whole numbers, and a ratio of sums of them, may differ in the last bits (the order of a floating-point sum)
  const close = (rows: Record<string, unknown>[]) =>
    rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) && !/_(median|p90)$/.test(k) ? Number(v.toPrecision(12)) : v])),
    );
  const ranges: Filters[] = [
    { from: '2026-09-03', to: '2026-10-17' },
    { from: '2026-09-01', to: '2026-10-31' },
    { from: '2026-10-02', to: '2026-10-02' },
    // one conversation; none at all
    { from: '2026-08-15', to: '2026-08-15' },
    { from: '2026-07-01', to: '2026-07-31' },
  ];
  const first = ranges[0]!;
  const views = [...ranges, { ...first, channel: 'email' }, { ...first, intent: 'refund' }, { ...first, team: 'care' }, { ...first, agent: 'a2' }];

  it('gives every summary field as the summary over conversation_metrics: a period, its breakdowns, the period before, a trend', async () => {
    for (const f of views) {
      for (const dim of [null, 'team', 'agent', 'resolution_type'] as const) {
        expect(close(await rangeSummary(g.db, dim, f, fields)), `${JSON.stringify(f)} by ${dim}`).toEqual(close(await summary(g.db, dim ? [dim] : [], filterWhere(f), fields)));
      }
      const dims: Dimension[] = ['channel', 'intent', 'team', 'agent'];
      const sets = await summaryBySets(g.db, dims, f, fields);
      for (const d of [null, ...dims]) {
        const got = sets.filter((r) => r['dimension'] === (d ?? '')).map(({ dimension: _d, key, ...r }) => ({ key, ...r }));
        const want = (await summary(g.db, d ? [d] : [], filterWhere(f), fields)).map((r) => ({ key: d ? r[d] : null, ...Object.fromEntries(fields.map((x) => [x, r[x]])) }));
        // in the order of their keys, as the summary orders its groups: a page's ties fall the same way on every request
        expect(close(got), `${JSON.stringify(f)} sets ${d}`).toEqual(close(want));
      }
      const [now, before] = await summaryOfPeriods(g.db, f, previousPeriod(f), fields);
      const [n] = await summary(g.db, [], filterWhere(f), fields);
      const [b] = await summary(g.db, [], filterWhere(previousPeriod(f)), fields);
      expect(close([now, before])).toEqual(
        close([
          { period: 'now', ...n },
          { period: 'before', ...b },
        ]),
      );
      if (!f.team && !f.agent) expect(close(await monthly(g.db, trendRange(f), fields))).toEqual(close(await summary(g.db, ['month'], filterWhere(trendRange(f)), fields)));
    }
  });

  it('stores its counts as BIGINT, not the HUGEINT of a sum of integers (costly to read back)', async () => {
    const types = new Map(
      (await g.db.all<{ column_name: string; data_type: string }>("select column_name, data_type from information_schema.columns where table_name = 'metric_daily'")).map((r) => [
        r.column_name,
        r.data_type,
      ]),
    );
    const exact = summaryParts().parts.filter((p) => p.exact);
    expect(exact.length).toBeGreaterThan(40);
    for (const p of exact) expect(types.get(p.column), p.column).toBe('BIGINT');
  });

  it('reads the rates and counts of a range from metric_daily, not from the conversations', async () => {
    const seen: string[] = [];
    const f = { from: '2026-09-03', to: '2026-10-17' };
    const rates = ['conversations', 'fcr_rate', 'fcr_rate_base', 'csat_rate', 'first_response_s_mean'];
    await summaryBySets(recordingReads(g.db, seen), ['channel', 'agent'], f, rates);
    await summaryOfPeriods(recordingReads(g.db, seen), f, previousPeriod(f), rates);
    await rangeSummary(recordingReads(g.db, seen), null, { ...f, agent: 'a1' }, rates);
    expect(seen.some((sql) => sql.includes('metric_daily'))).toBe(true);
    expect(seen.filter((sql) => sql.includes('conversation_metrics'))).toEqual([]);
    // a median is computed over the conversations, and alone (no cost is joined to them)
    seen.length = 0;
    await rangeSummary(recordingReads(g.db, seen), null, f, ['first_response_s_median']);
    expect(seen.filter((sql) => sql.includes('conversation_metrics'))).toHaveLength(1);
    expect(seen.some((sql) => sql.includes('conversation_costs'))).toBe(false);
  });

  it('gives the period before only the fields a change needs, reading metric_daily once for both periods', async () => {
    const seen: string[] = [];
    const f = { from: '2026-09-05', to: '2026-10-18' };
    const prev = previousPeriod(f);
    const asked = ['conversations', 'fcr_rate', 'fcr_rate_base', 'csat_score_mean', 'first_response_s_median', 'first_response_s_p90'];
    const changes = ['conversations', 'fcr_rate', 'first_response_s_median'];
    const [now, before] = await summaryOfPeriods(recordingReads(g.db, seen), f, prev, asked, changes);
    const [n] = await summary(g.db, [], filterWhere(f), asked);
    const [b] = await summary(g.db, [], filterWhere(prev), asked);
    expect(close([now])).toEqual(close([{ period: 'now', ...n }]));
    expect(close([before])).toEqual(close([{ period: 'before', ...Object.fromEntries(asked.map((x) => [x, changes.includes(x) ? b![x] : null])) }]));
    // a scan of metric_daily costs the columns it reads over the whole mart, not the days it keeps: one, split at the period's start
    const daily = seen.filter((sql) => sql.includes('metric_daily'));
    expect(daily).toHaveLength(1);
    // a period before the data's first day has no days in the mart: its row (counts 0, the rest null) as the summary gives it
    const early = { from: '2026-08-10', to: '2026-08-20' };
    const [n2, b2] = await summaryOfPeriods(g.db, early, previousPeriod(early), asked, changes);
    const [wantNow] = await summary(g.db, [], filterWhere(early), asked);
    const [wantBefore] = await summary(g.db, [], filterWhere(previousPeriod(early)), asked);
    expect(close([n2, b2])).toEqual(
      close([
        { period: 'now', ...wantNow },
        { period: 'before', ...Object.fromEntries(asked.map((x) => [x, changes.includes(x) ? wantBefore![x] : null])) },
      ]),
    );
    expect(b2!['conversations']).toBe(0);
  });

  it("computes the medians and p90s of a range's breakdowns in one scan of the conversations, not one per breakdown", async () => {
    const seen: string[] = [];
    const f = { from: '2026-09-04', to: '2026-10-16' };
    const asked = ['conversations', 'first_response_s_median', 'first_response_s_p90', 'first_response_s_mean'];
    const dims: Dimension[] = ['channel', 'intent', 'team', 'agent'];
    const sets = await summaryBySets(recordingReads(g.db, seen), dims, f, asked);
    expect(seen.filter((sql) => sql.includes('conversation_metrics'))).toHaveLength(1);
    expect(seen.filter((sql) => sql.includes('metric_daily'))).toHaveLength(5);
    // each group's quantiles are its own: the agents' medians are those of the summary by agent
    const byAgent = await summary(g.db, ['agent'], filterWhere(f), asked);
    expect(byAgent.length).toBeGreaterThan(1);
    for (const r of byAgent) {
      const got = sets.find((s) => s['dimension'] === 'agent' && s['key'] === r['agent']);
      expect(got, String(r['agent'])).toEqual({ dimension: 'agent', key: r['agent'], ...Object.fromEntries(asked.map((x) => [x, r[x]])) });
    }
  });

  it('gives a duration’s median and p90 asked together (one quantile list) as each asked alone', async () => {
    for (const f of views) {
      for (const dim of [null, 'channel', 'agent'] as const) {
        const dims = dim ? [dim] : [];
        const both = await summary(g.db, dims, filterWhere(f), ['first_response_s_median', 'first_response_s_p90', 'full_resolution_s_p90', 'full_resolution_s_median']);
        const median = await summary(g.db, dims, filterWhere(f), ['first_response_s_median']);
        const p90 = await summary(g.db, dims, filterWhere(f), ['first_response_s_p90']);
        const r90 = await summary(g.db, dims, filterWhere(f), ['full_resolution_s_p90']);
        expect(both.length).toBe(median.length);
        expect(both.map((r) => [r['first_response_s_median'], r['first_response_s_p90'], r['full_resolution_s_p90']])).toEqual(
          median.map((r, i) => [r['first_response_s_median'], p90[i]!['first_response_s_p90'], r90[i]!['full_resolution_s_p90']]),
        );
      }
    }
    expect((await summary(g.db, [], filterWhere(first), ['first_response_s_p90']))[0]!['first_response_s_p90']).toEqual(expect.any(Number));
  });
});

describe('the annotations of a view', () => {
  let aw: TestWarehouse;
  // reads on reader connections, as a server makes them (a read on the main connection ends a data generation)
  beforeAll(async () => (aw = await testWarehouse({ readers: 2 })));
  afterAll(() => aw.close());

  it('are those loadAnnotations gives for its scope, read once until the data change however many ranges are asked', async () => {
    await writeAnnotationTable(aw.db, [
      { date: '2026-03-09', label: 'Release 4.2', kind: 'release' },
      { date: '2026-09-14', label: 'Chat outage', kind: 'outage', channel: 'webchat' },
      { date: '2026-10-01', label: 'New refund policy', kind: 'policy', team: 'Billing' },
    ]);
    const scopes = [
      { from: '2025-11-01', to: '2026-10-15' },
      { from: '2025-10-01', to: '2026-09-20', channel: 'email' },
      { from: '2025-11-01', to: '2026-10-15', channel: 'webchat', team: 'Billing' },
      { from: '2026-09-15', to: '2026-09-30' },
    ];
    const seen: string[] = [];
    for (const scope of scopes) expect(await chartAnnotations(recordingReads(aw.db, seen), scope), JSON.stringify(scope)).toEqual(await loadAnnotations(aw.db, scope));
    expect((await chartAnnotations(aw.db, scopes[2]!)).map((a) => a.label)).toEqual(['Release 4.2', 'Chat outage', 'New refund policy']);
    // one catalog query and one read of the annotations, for the first scope only
    expect(seen.length).toBe(2);
    // a write (a new annotation) is seen by the next request
    await aw.db.run("insert into config_annotations values ('2026-09-20', 'Black Friday', 'other', null, null)");
    expect((await chartAnnotations(aw.db, scopes[3]!)).map((a) => a.label)).toEqual(['Black Friday']);
  });
});
