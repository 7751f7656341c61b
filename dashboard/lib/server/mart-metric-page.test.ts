import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../../warehouse/connection.js';
import { isMartMetric, loadMartMetricPage } from './mart-metric-page.js';
import { medianScore, scoreBins } from './qa-metric-pages.js';

// Small marts written by hand, so every figure below can be worked out on paper.
let db: Warehouse;
beforeAll(async () => {
  // as the server reads: on reader connections (a read on the main one counts as a write, which ends what is kept)
  db = await openWarehouse(':memory:', { readers: 2 });
  await db.run(`
    create table backlog_daily as select day::date as day, channel, team, opened, resolved, backlog from (values
      ('2026-11-01', 'email', 'A', 5, 2, 3),
      ('2026-11-01', 'chat',  'B', 4, 1, 3),
      ('2026-11-02', 'email', 'A', 2, 4, 1),
      ('2026-11-02', 'chat',  'B', 6, 2, 7),
      ('2026-11-03', 'email', 'A', 0, 0, 1)
    ) t(day, channel, team, opened, resolved, backlog)`);
  await db.run(`
    create table agent_concurrency_daily as select agent_id, day::date as day, active_minutes, mean_concurrency, peak_concurrency from (values
      ('a1', '2026-11-01', 60, 2.0, 3),
      ('a1', '2026-11-02', 30, 1.0, 2),
      ('a2', '2026-11-01', 90, 1.5, 2)
    ) t(agent_id, day, active_minutes, mean_concurrency, peak_concurrency)`);
  await db.run(`create table raw_agents as select * from (values ('a1', 'Ada', 'T1', 1), ('a2', 'Bo', 'T2', 1)) t(agent_id, name, team, load_id)`);
  // ten reviews of Ada (T1), one of them auto-failed; one scored and one all-N/A review of Bo (T2)
  const ada = [80, 82, 84, 86, 88, 90, 92, 94, 96, 0].map(
    (s, i) =>
      `('r${i + 1}', 'demo', 'c${i + 1}', 'a1', 'Ada', 'T1', timestamp '2026-10-${String(10 + i).padStart(2, '0')} 09:00', 'email', 'billing', 'q1', ${s}, ${s === 0}, 4, 0, 0)`,
  );
  await db.run(`
    create table qa_reviews_scored as select * from (values
      ${ada.join(',\n')},
      ('r11', 'demo', 'c11', 'a2', 'Bo', 'T2', timestamp '2026-10-25 09:00', 'chat', 'billing', 'q2', 70.0, false, 3, 1, 1),
      ('r12', 'demo', 'c12', 'a2', 'Bo', 'T2', timestamp '2026-10-26 09:00', 'chat', 'billing', 'q2', null, false, 0, 4, 0),
      ('r13', 'demo', 'c13', 'a1', 'Ada', 'T1', timestamp '2026-09-05 09:00', 'email', 'billing', 'q1', 50.0, false, 4, 0, 0)
    ) t(review_id, source, conversation_id, agent_id, agent_name, team, created_at, channel, intent, reviewer_id, qa_score, auto_failed, rated_criteria, na_criteria, disputes)`);
  await db.run(`
    create table qa_internal_quality as select * from (values
      ('month', '2026-09', null, null, null, 4, 90.0),
      ('month', '2026-10', null, null, null, 11, 78.3636)
    ) t("grouping", month, agent, team, channel, reviews, internal_quality_score)`);
  await db.run(`
    create table qa_calibration_agreement as select * from (values
      ('s1', 'r1', 1, 'greeting', 4, 8, 0.8, 0.75),
      ('(reviews)', 'r1', 1, 'tone', 3, 6, null, 1.0)
    ) t(scope, rubric_id, rubric_version, criterion_id, units, ratings, alpha_ordinal, exact_match_share)`);
  await db.run(`create table qa_calibration_sessions as select * from (values ('s1', 'October calibration')) t(session_id, name)`);
  // the days with conversations: October 2026 (the agreement marts keep every rating, so a view of them all reads them as kept)
  await db.run(`create table conversation_metrics as select * from (values (timestamp '2026-10-01 09:00'), (timestamp '2026-10-31 17:00')) t(created_at)`);
  await db.run(`create table qa_autoqa_agreement as select * from (values ('greeting', 'greeting', 10, 8, 0.8)) t(criterion_id, autoqa_check, reviews, agreeing, agreement_share)`);
});
afterAll(() => db.close());

const cells = (rows: Record<string, { text: string }>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.text])));

describe('the mart metric pages', () => {
  it('are the five metrics computed in their own marts', () => {
    expect(['backlog', 'concurrency', 'qa_score', 'internal_quality_score', 'agreement'].every(isMartMetric)).toBe(true);
    expect(isMartMetric('fcr_rate')).toBe(false);
  });

  it('backlog: the end of the last day, summed over channels and teams, and the days it is made of', async () => {
    const page = await loadMartMetricPage(db, 'backlog', { from: '2026-11-01', to: '2026-11-02' });
    // 2 November: email 1 + chat 7
    expect(page.total).toBe('8 open at the end of 2026-11-02');
    expect(cells(page.drill[0]!.rows)).toEqual([
      { day: '2026-11-02', opened: '8', resolved: '6', backlog: '8' },
      { day: '2026-11-01', opened: '9', resolved: '3', backlog: '6' },
    ]);
    expect(page.drill[0]!.rows[0]!['opened']!.href).toBe('/conversations?from=2026-11-02&to=2026-11-02');
    expect(page.charts[0]!.svg).toContain('<title>2026-11-01: 6</title>');
    expect(page.charts[1]!.svg.indexOf('>chat<')).toBeLessThan(page.charts[1]!.svg.indexOf('>email<'));
    const email = await loadMartMetricPage(db, 'backlog', { from: '2026-11-01', to: '2026-11-02', channel: 'email', intent: 'billing' });
    expect(email.total).toBe('1 open at the end of 2026-11-02');
    expect(email.notes).toEqual(['This figure is not kept by intent: that filter is not applied.']);
    // the narrowing filters the bar offers are not kept by the daily mart either: the page says so, and its figure is the unfiltered one
    const narrowed = await loadMartMetricPage(db, 'backlog', { from: '2026-11-01', to: '2026-11-02', status: 'open', sla: 'breached', dims: { plan: 'pro' } });
    expect(narrowed.total).toBe('8 open at the end of 2026-11-02');
    expect(narrowed.notes).toEqual(['This figure is not kept by status or SLA or plan: those filters are not applied.']);
  });

  it('concurrency: the mean over active agent-minutes (each day weighed by its minutes), the peak, and the agents', async () => {
    const page = await loadMartMetricPage(db, 'concurrency', { from: '2026-11-01', to: '2026-11-30' });
    // (2.0 × 60 + 1.0 × 30 + 1.5 × 90) / 180 = 285 / 180 = 1.58 (the unweighted mean of the days would be 1.50)
    expect(page.total).toBe('mean 1.58 over 3h 00m of active agent time, peak 3');
    expect(cells(page.drill[0]!.rows)).toEqual([
      // Ada: (120 + 30) / 90 = 1.67
      { agent: 'Ada', days: '2', active: '1h 30m', mean: '1.67', peak: '3' },
      { agent: 'Bo', days: '1', active: '1h 30m', mean: '1.50', peak: '2' },
    ]);
    expect(page.charts[0]!.svg).toContain('Peak');
    const t2 = await loadMartMetricPage(db, 'concurrency', { from: '2026-11-01', to: '2026-11-30', team: 'T2' });
    expect(t2.total).toBe('mean 1.50 over 1h 30m of active agent time, peak 2');
  });

  it('QA score: the median of the reviews, their distribution in ten-point bins, and every review', async () => {
    const page = await loadMartMetricPage(db, 'qa_score', { from: '2026-10-01', to: '2026-10-31' });
    // eleven scores 0, 70, 80 … 96: the sixth is 86
    expect(page.total).toBe('median 86.0 over 11 reviews (1 auto-failed)');
    expect(page.drill[0]!.rows).toHaveLength(12);
    expect(cells(page.drill[0]!.rows).find((r) => r['conversation'] === 'c12')).toMatchObject({ score: 'all N/A', criteria: '0 / 4' });
    expect(cells(page.drill[0]!.rows).find((r) => r['conversation'] === 'c10')).toMatchObject({ score: '0.0 (auto-fail)' });
    expect(page.charts[0]!.svg).toContain('<title>80–89: 5</title>');
    const few = await loadMartMetricPage(db, 'qa_score', { from: '2026-10-01', to: '2026-10-31', agent: 'a2' });
    expect(few.total).toBe('1 review scored: fewer than 10, so no median is shown');
  });

  it('internal quality score: the mean of the period, months and groups under 10 reviews without a score', async () => {
    const page = await loadMartMetricPage(db, 'internal_quality_score', { from: '2026-10-01', to: '2026-10-31' });
    // (0 + 70 + 80 + 82 + … + 96) / 11 = 862 / 11 = 78.4; the all-N/A review is not in the mean
    expect(page.total).toBe('78.4 over 11 reviews');
    expect(page.drill[0]!.rows).toHaveLength(11);
    // September had 4 reviews: no point
    expect(page.charts[0]!.svg).toContain('<title>2026-10: 78.4</title>');
    expect(page.charts[0]!.svg).not.toContain('2026-09:');
    expect(page.charts[0]!.caption).toBe('1 month has fewer than 10 reviews and shows no score.');
    // T1: 792 / 10 = 79.2; T2 has one review and no bar
    expect(page.charts[1]!.svg).toContain('<title>T1: 79.2</title>');
    expect(page.charts[1]!.svg).not.toContain('T2');
  });

  it('agreement: alpha and exact matches per scope and criterion, and AutoQA against reviewers', async () => {
    const page = await loadMartMetricPage(db, 'agreement', { from: '2026-10-01', to: '2026-10-31' });
    expect(page.total).toBe('α from 0.80 to 0.80 over 2 criteria in 2 scopes');
    expect(cells(page.drill[0]!.rows)).toEqual([
      { scope: 'October calibration', rubric: 'r1 v1', criterion: 'greeting', units: '4', ratings: '8', alpha: '0.80', match: '75%' },
      { scope: 'ordinary reviews', rubric: 'r1 v1', criterion: 'tone', units: '3', ratings: '6', alpha: '–', match: '100%' },
    ]);
    expect(cells(page.drill[1]!.rows)).toEqual([{ criterion: 'greeting', check: 'greeting', reviews: '10', agreeing: '8', share: '80%' }]);
    expect(page.drill[0]!.rows[0]!['scope']!.href).toBe('/qa/calibration/s1');
    // the charts show the scope with the most ratings (8 against 6)
    expect(page.charts[0]!.title).toBe("Krippendorff's α by criterion: October calibration");
    expect(page.charts[0]!.svg).toContain('<title>greeting: 0.80</title>');
    expect(page.charts[1]!.svg).not.toContain('tone');
    expect(page.notes).toEqual(['Every rating so far: the date range holds every conversation and no other filter is set.']);
  });
});

describe('a mart metric page', () => {
  it('is kept until the data change: the same filters again give the page drawn before, a write draws it anew', async () => {
    const f = { from: '2026-11-01', to: '2026-11-03' };
    const page = await loadMartMetricPage(db, 'backlog', f);
    expect(await loadMartMetricPage(db, 'backlog', { ...f })).toBe(page);
    expect(page.total).toBe('1 open at the end of 2026-11-03');
    // a write through the main connection bumps the data generation
    await db.run("update backlog_daily set backlog = 4 where day = '2026-11-03'");
    try {
      const changed = await loadMartMetricPage(db, 'backlog', f);
      expect(changed).not.toBe(page);
      expect(changed.total).toBe('4 open at the end of 2026-11-03');
    } finally {
      await db.run("update backlog_daily set backlog = 1 where day = '2026-11-03'");
    }
  });
});

describe('QA score arithmetic', () => {
  it('takes the middle score, or the mean of the two middle ones', () => {
    expect(medianScore([90, 10, 50])).toBe(50);
    expect(medianScore([10, 20, 30, 40])).toBe(25);
    expect(medianScore([])).toBeNull();
  });

  it('bins scores by ten points, 100 in the last bin', () => {
    const bins = scoreBins([0, 9.9, 10, 95, 100]);
    expect(bins.map((b) => b.n)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(bins[9]!.bin).toBe('90–100');
  });
});
