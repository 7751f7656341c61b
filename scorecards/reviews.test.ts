/**
 * Reviews end to end on a built warehouse: saving, refusing bad or repeated
 * grades, and the qa marts building with and without reviews.
 */
import { TEST_NOW } from '../testing/clock.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWarehouse } from '../testing/warehouse.js';
import { buildModels } from '../models/build.js';
import { MIN_GROUP_SIZE } from '../models/catalogue.js';
import { parseConfig } from '../models/config.js';
import { getReview, listReviews, reviewsQuery, saveReview } from './reviews.js';
import { getRubric, listRubrics, registerRubric } from './rubric-store.js';
import { defaultRubric } from './rubrics.js';
import { createSample } from './sampling.js';
import { gradesFor, scorecardWarehouse } from '../testing/scorecards.js';

let w: TestWarehouse;
beforeAll(async () => {
  w = await scorecardWarehouse({ reviewers: ['rev1', 'r-a', 'r-b'] });
});
afterAll(() => w.close());

describe('the qa marts', () => {
  it('build on a warehouse with no review at all', async () => {
    const tables = await w.db.all<{ table_name: string; n: number }>(
      "select table_name from information_schema.tables where table_name like 'qa\\_%' escape '\\' and table_type = 'BASE TABLE' order by 1",
    );
    const names = tables.map((t) => t.table_name);
    for (const mart of [
      'qa_autoqa',
      'qa_reviews_scored',
      'qa_criterion_scores',
      'qa_internal_quality',
      'qa_agent_scorecards',
      'qa_agent_criteria',
      'qa_reviewer_stats',
      'qa_dispute_outcomes',
      'qa_calibration_agreement',
      'qa_calibration_reviewers',
      'qa_autoqa_agreement',
      'qa_root_causes',
    ]) {
      expect(names).toContain(mart);
    }
    expect((await w.db.one<{ n: number }>('select count(*) as n from qa_reviews_scored'))!.n).toBe(0);
    // every agent-month with conversations has a scorecard row, without a quality score yet
    const rows = await w.db.all('select agent_id, month, reviews, internal_quality_score, conversations from qa_agent_scorecards order by agent_id');
    expect(rows).toEqual([
      { agent_id: 'a1', month: '2026-10', reviews: 0, internal_quality_score: null, conversations: 6 },
      { agent_id: 'a2', month: '2026-10', reviews: 0, internal_quality_score: null, conversations: 6 },
      { agent_id: 'a3', month: '2026-10', reviews: 0, internal_quality_score: null, conversations: 6 },
    ]);
  });
});

describe('rubric versions', () => {
  it('registering the same rubric again keeps its version; a changed rubric gets a new one and the old stays', async () => {
    const again = await registerRubric(w.db, defaultRubric(), TEST_NOW);
    expect(again).toEqual({ rubric_id: 'messaging_default', version: 1, created: false });
    const edited = defaultRubric();
    edited.sections[0]!.criteria[0]!.weight = 30;
    const v2 = await registerRubric(w.db, edited, TEST_NOW);
    expect(v2).toEqual({ rubric_id: 'messaging_default', version: 2, created: true });
    expect((await getRubric(w.db, 'messaging_default', 1)).sections[0]!.criteria[0]!.weight).toBe(20);
    expect((await getRubric(w.db, 'messaging_default')).version).toBe(2);
    expect((await listRubrics(w.db)).map((r) => r.version)).toEqual([1, 2]);
  });
});

describe('saving reviews', () => {
  it('pins the review to the sample rubric version and scores it', async () => {
    const { sample } = await createSample(
      w.db,
      {
        name: 'pin',
        cycle: 'pin',
        seed: 1,
        rubric_id: 'messaging_default',
        rubric_version: 1,
        size: 2,
        reviewers: ['rev1'],
      },
      TEST_NOW,
    );
    const item = sample.items[0]!;
    const review = await saveReview(
      w.db,
      {
        sample_id: sample.sample_id,
        source: item.source,
        conversation_id: item.conversation_id,
        reviewer_id: 'rev1',
        grades: gradesFor({ understanding: 3, closure: 'fail', process: 'n/a', proactive_guidance: 'Partly', tone_empathy: 4 }),
        time_spent_s: 180,
        comment: 'ok',
      },
      TEST_NOW,
    );
    expect(review.rubric_version).toBe(1);
    expect(review.qa_score!.toFixed(2)).toBe('77.45'); // SCORING.md's worked example
    expect(review.agent_id).toBe(item.agent_id);
    const stored = await getReview(w.db, review.review_id);
    expect(stored.criteria.map((c) => [c.criterion, c.rating])).toEqual([
      ['understanding', '3'],
      ['accuracy', 'pass'],
      ['process', null],
      ['clarity', '4'],
      ['tone_empathy', '4'],
      ['proactive_guidance', 'Partly'],
      ['closure', 'fail'],
    ]);
    // a second review of the same frozen sample item is refused, not overwritten
    await expect(
      saveReview(w.db, { sample_id: sample.sample_id, source: item.source, conversation_id: item.conversation_id, reviewer_id: 'rev1', grades: gradesFor() }, TEST_NOW),
    ).rejects.toThrow(/already reviewed \(rev_\w+ by rev1 at .*\): a submitted review is not overwritten; its grades change only through a dispute/);
    expect((await listReviews(w.db, { sample_id: sample.sample_id })).length).toBe(1);
    expect((await getReview(w.db, review.review_id)).qa_score!.toFixed(2)).toBe('77.45');
  });

  it('refuses a grade for an unknown criterion or outside its scale, and stores nothing', async () => {
    const before = (await listReviews(w.db)).length;
    const grading = (grades: ReturnType<typeof gradesFor>) =>
      saveReview(w.db, { source: 'canonical', conversation_id: 'a1-2', reviewer_id: 'rev1', rubric_id: 'messaging_default', rubric_version: 1, grades }, TEST_NOW);
    await expect(grading([...gradesFor(), { criterion: 'speed', rating: 3 }])).rejects.toThrow('review of canonical/a1-2: criterion "speed" is not in rubric messaging_default');
    await expect(grading(gradesFor({ tone_empathy: 6 }))).rejects.toThrow('criterion "tone_empathy": 6 is not on its 5-point scale (use 1, 2, 3, 4, 5)');
    await expect(
      saveReview(w.db, { source: 'canonical', conversation_id: 'nope', reviewer_id: 'rev1', rubric_id: 'messaging_default', grades: gradesFor() }, TEST_NOW),
    ).rejects.toThrow('no conversation canonical/nope in the warehouse');
    expect((await listReviews(w.db)).length).toBe(before);
  });

  it('refuses a conversation that is not in the sample, and an item assigned to another reviewer', async () => {
    const { sample } = await createSample(w.db, { name: 'x', cycle: 'x', seed: 2, rubric_id: 'messaging_default', size: 2, reviewers: ['r-a', 'r-b'] }, TEST_NOW);
    const [first, second] = sample.items;
    await expect(
      saveReview(w.db, { sample_id: sample.sample_id, source: first!.source, conversation_id: first!.conversation_id, reviewer_id: 'r-b', grades: gradesFor() }, TEST_NOW),
    ).rejects.toThrow(`is assigned to r-a, not r-b`);
    const outside = ['a1-1', 'a1-2', 'a1-3', 'a1-4'].find((id) => id !== first!.conversation_id && id !== second!.conversation_id)!;
    await expect(
      saveReview(w.db, { sample_id: sample.sample_id, source: 'canonical', conversation_id: outside, reviewer_id: 'r-a', grades: gradesFor() }, TEST_NOW),
    ).rejects.toThrow(`conversation canonical/${outside} is not in sample ${sample.sample_id}: samples are frozen`);
  });

  it('feeds the marts: reviews scored, internal quality score, criterion averages without auto-fail zeroing', async () => {
    const ids = ['a3-1', 'a3-2'];
    await saveReview(
      w.db,
      { source: 'canonical', conversation_id: ids[0]!, reviewer_id: 'rev2', rubric_id: 'messaging_default', rubric_version: 1, grades: gradesFor() },
      TEST_NOW,
    );
    // accuracy fails (critical): qa_score 0, but tone keeps its 100
    await saveReview(
      w.db,
      {
        source: 'canonical',
        conversation_id: ids[1]!,
        reviewer_id: 'rev2',
        rubric_id: 'messaging_default',
        rubric_version: 1,
        grades: gradesFor({ accuracy: 'fail' }),
      },
      TEST_NOW,
    );
    await buildModels(w.db, parseConfig({}), { now: TEST_NOW });
    const card = await w.db.one('select reviews, internal_quality_score, auto_fail_rate, team from qa_agent_scorecards where agent_id = $1', ['a3']);
    expect(card).toEqual({ reviews: 2, internal_quality_score: 50, auto_fail_rate: 0.5, team: 'tech' });
    const tone = await w.db.one('select criterion_score, rated, failed from qa_agent_criteria where agent_id = $1 and criterion_id = $2', ['a3', 'tone_empathy']);
    expect(tone).toEqual({ criterion_score: 100, rated: 2, failed: 0 });
    const accuracy = await w.db.one('select criterion_score, failed from qa_agent_criteria where agent_id = $1 and criterion_id = $2', ['a3', 'accuracy']);
    expect(accuracy).toEqual({ criterion_score: 50, failed: 1 });
    const iqs = await w.db.one(`select reviews, internal_quality_score from qa_internal_quality where "grouping" = 'month,team' and team = 'tech'`);
    expect(iqs).toEqual({ reviews: 2, internal_quality_score: 50 });
  });

  it("puts the agent's and the team's operational figures beside the QA score, as metric_summary computes them", async () => {
    const card = await w.db.one<Record<string, number | null>>(
      "select fcr_rate, first_response_s_median, team_fcr_rate, team_reopen_rate, team_csat_rate, team_first_response_s_median from qa_agent_scorecards where agent_id = 'a1'",
    );
    const agent = await w.db.one<Record<string, number | null>>("select fcr_rate, first_response_s_median from metric_summary where grouping = 'month,agent' and agent = 'a1'");
    const team = await w.db.one<Record<string, number | null>>(
      "select fcr_rate, reopen_rate, csat_rate, first_response_s_median from metric_summary where grouping = 'month,team' and team = 'billing'",
    );
    // 6 conversations of a1: below the minimum group size, so no rate or median, like the summary
    expect(MIN_GROUP_SIZE).toBe(10);
    expect(card!['fcr_rate']).toBeNull();
    expect(agent!['fcr_rate']).toBeNull();
    expect(card!['first_response_s_median']).toBeNull();
    expect(agent!['first_response_s_median']).toBeNull();
    // the billing team (a1 + a2: 12 conversations) has rates
    expect(card!['team_fcr_rate']).toBe(team!['fcr_rate']);
    expect(card!['team_reopen_rate']).toBe(team!['reopen_rate']);
    expect(card!['team_csat_rate']).toBe(team!['csat_rate']);
    expect(card!['team_fcr_rate']).toBe(1);
    expect(card!['team_first_response_s_median']).toBe(team!['first_response_s_median']);
    expect(card!['team_first_response_s_median']).toBe(300);
  });

  it('counts reviews, time spent and scores per reviewer', async () => {
    const rows = await w.db.all("select reviewer_id, reviews, mean_qa_score, time_spent_s_total from qa_reviewer_stats where reviewer_id in ('rev1', 'rev2') order by reviewer_id");
    expect(rows).toEqual([
      { reviewer_id: 'rev1', reviews: 1, mean_qa_score: expect.closeTo(77.45, 2), time_spent_s_total: 180 },
      { reviewer_id: 'rev2', reviews: 2, mean_qa_score: 50, time_spent_s_total: null },
    ]);
  });
});

describe('agreement between ordinary reviews', () => {
  it('conversations graded by two reviewers count in the (reviews) scope of qa_calibration_agreement', async () => {
    const base = { source: 'canonical', conversation_id: 'a2-5', rubric_id: 'messaging_default', rubric_version: 1 } as const;
    await saveReview(w.db, { ...base, reviewer_id: 'x1', grades: gradesFor({ clarity: 3 }) }, TEST_NOW);
    await saveReview(w.db, { ...base, reviewer_id: 'x2', grades: gradesFor({ clarity: 4 }) }, TEST_NOW);
    await buildModels(w.db, parseConfig({}), { now: TEST_NOW });
    const rows = await w.db.all(
      "select criterion_id, units, ratings, alpha_ordinal, exact_match_share from qa_calibration_agreement where scope = '(reviews)' and criterion_id in ('clarity', 'accuracy') order by criterion_id",
    );
    // clarity: one unit (3, 4): o_34 = o_43 = 1, n = 2, δ² = (2 − 1)² = 1 → α = 1 − 1 · 2 ÷ 2 = 0; no pair equal
    // accuracy: both pass → nothing to disagree about: α undefined, every pair equal
    expect(rows).toEqual([
      { criterion_id: 'accuracy', units: 1, ratings: 2, alpha_ordinal: null, exact_match_share: 1 },
      { criterion_id: 'clarity', units: 1, ratings: 2, alpha_ordinal: 0, exact_match_share: 0 },
    ]);
  });
});

describe('the review list query', () => {
  it('has one = condition per field given, and runs', async () => {
    const all = reviewsQuery(w.db).compile();
    expect(all.sql).toBe('select * from "qa_reviews" order by "created_at" desc, "review_id" limit $1');
    expect(all.parameters).toEqual([500]);
    const some = reviewsQuery(w.db, { agent_id: 'a1', kind: 'review', conversation_id: 'a1-2', limit: 3 }).compile();
    expect(some.sql).toBe('select * from "qa_reviews" where "agent_id" = $1 and "kind" = $2 and "conversation_id" = $3 order by "created_at" desc, "review_id" limit $4');
    expect(some.parameters).toEqual(['a1', 'review', 'a1-2', 3]);
    const rows = await reviewsQuery(w.db, { agent_id: 'a1', kind: 'review' }).execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.agent_id === 'a1' && r.kind === 'review')).toBe(true);
    expect((await listReviews(w.db, { agent_id: 'a1', kind: 'review' })).map((r) => r.review_id)).toEqual(rows.map((r) => r.review_id));
  });
});
