/**
 * The agent scorecard's QA section and the agreement page under every
 * filter (issue 14): a view the kept marts cannot answer is computed with
 * the marts' own SQL over its reviews (models/mart-over.ts). The fixture
 * warehouse (testing/scorecards.ts: a1, a2 in team billing; October 2026)
 * gets four VIP conversations, and seven reviews whose figures are worked
 * out by hand below (default rubric: all top marks score 100; clarity 1 is
 * that criterion failed with score 0 and weight 15, so the review scores 85).
 *
 * | conversation | owner | tag | day   | reviews (reviewer: score)  |
 * | a1-1         | a1    |     | 10-01 | r1: 100, r2: 85 (clarity 1) |
 * | v1           | a1    | vip | 10-10 | r1: 100, r2: 100            |
 * | v2           | a1    | vip | 10-11 | r1: 85 (clarity 1)          |
 * | v4           | a2    | vip | 10-13 | r1: 85 (clarity 1)          |
 * | a2-1         | a2    |     | 10-01 | r1: 100                     |
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { martOver } from '../../../models/mart-over.js';
import { saveReview } from '../../../scorecards/reviews.js';
import { TEST_NOW } from '../../../testing/clock.js';
import { agent, assign, conversation, customer, status } from '../../../testing/fixtures.js';
import { gradesFor, scorecardWarehouse } from '../../../testing/scorecards.js';
import type { TestWarehouse } from '../../../testing/warehouse.js';
import { loadAgentQa } from './agent-qa.js';
import { agentInfo } from './agent-scorecard.js';
import type { Filters } from './filters.js';
import { loadAgreementPage } from './qa-metric-pages.js';

const vip = (id: string, owner: string, day: string) =>
  conversation(
    id,
    [
      customer(`${day}T09:00:00Z`, 'my invoice shows the wrong amount'),
      assign(`${day}T09:01:00Z`, { agent_id: owner, team: 'billing' }),
      agent(`${day}T09:05:00Z`, owner, { body: 'Hi there, thanks for reaching out! I fixed the amount.' }),
      agent(`${day}T09:06:00Z`, owner, { body: 'Is there anything else I can help you with?' }),
      status(`${day}T09:10:00Z`, 'resolved'),
    ],
    { intent: 'billing', tags: ['vip'] },
  );

let w: TestWarehouse;
beforeAll(async () => {
  w = await scorecardWarehouse({ extra: [vip('v1', 'a1', '2026-10-10'), vip('v2', 'a1', '2026-10-11'), vip('v3', 'a1', '2026-10-12'), vip('v4', 'a2', '2026-10-13')] });
  const review = (conversation_id: string, reviewer_id: string, grades = gradesFor()) =>
    saveReview(w.db, { source: 'canonical', conversation_id, reviewer_id, rubric_id: 'messaging_default', grades }, TEST_NOW);
  await review('a1-1', 'r1');
  await review('a1-1', 'r2', gradesFor({ clarity: 1 }));
  await review('v1', 'r1');
  await review('v1', 'r2');
  await review('v2', 'r1', gradesFor({ clarity: 1 }));
  await review('v4', 'r1', gradesFor({ clarity: 1 }));
  await review('a2-1', 'r1');
});
afterAll(() => w.close());

// the fixture's conversations run from 2026-10-01 to the horizon on 2026-12-31
const all: Filters = { from: '2026-10-01', to: '2026-12-31' };
const cells = (rows: Record<string, { text: string }>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.text])));

describe('a mart over narrowed inputs', () => {
  it('is the mart itself, bit for bit, when nothing is narrowed', async () => {
    const cases: [string, Record<string, { alias: string; where: string }>][] = [
      ['qa_calibration_agreement', { qa_reviews: { alias: 'q', where: 'true' } }],
      ['qa_autoqa_agreement', { qa_reviews_scored: { alias: 'r', where: 'true' } }],
      ['qa_agent_scorecards', { conversation_metrics: { alias: 'cm', where: 'true' }, qa_reviews_scored: { alias: 'r', where: 'true' } }],
      ['qa_agent_criteria', { qa_criterion_scores: { alias: 'k', where: 'true' } }],
      ['qa_root_causes', { qa_criterion_scores: { alias: 'k', where: 'true' } }],
    ];
    for (const [mart, inputs] of cases) {
      const sql = martOver(mart, inputs);
      const [kept] = await w.db.all<{ n: number }>(`select count(*) as n from ${mart}`);
      const [extra] = await w.db.all<{ n: number }>(`select count(*) as n from ((select * from (${sql})) except all (select * from ${mart}))`);
      const [missing] = await w.db.all<{ n: number }>(`select count(*) as n from ((select * from ${mart}) except all (select * from (${sql})))`);
      expect([mart, Number(extra!.n), Number(missing!.n)]).toEqual([mart, 0, 0]);
      if (mart !== 'qa_root_causes') expect(Number(kept!.n)).toBeGreaterThan(0);
    }
  });

  it('refuses a table the mart does not read', () => {
    expect(() => martOver('qa_autoqa_agreement', { raw_agents: { alias: 'a', where: 'true' } })).toThrow(/does not read raw_agents/);
  });
});

describe("the agent scorecard's QA section", () => {
  it('without filters: the marts of the months in the range, every review', async () => {
    const qa = await loadAgentQa(w.db, (await agentInfo(w.db, 'a1'))!, all);
    // a1: 100, 85, 100, 100, 85 → 94.0; billing: those and a2's 85, 100 → 655 / 7 = 93.57
    expect(qa.months.find((m) => m.month === '2026-10')).toMatchObject({ reviews: 5, quality: '94.0', teamQuality: '93.6' });
    expect(qa.months.map((m) => m.month)).toEqual(['2026-10', '2026-11', '2026-12'].filter((m) => qa.months.some((x) => x.month === m)));
    // clarity: 100, 0, 100, 100, 0 → 60.0, failed twice; billing adds 0 and 100 → 400 / 7 = 57.1
    expect(qa.criteria.find((c) => c.criterion === 'clarity')).toEqual({ criterion: 'clarity', rated: 5, failed: 2, score: '60.0', team: '57.1' });
    expect(qa.reviews).toHaveLength(5);
    expect(qa.applies).toBe("months 2026-10 to 2026-12, the date range's (by the conversation's month).");
    expect(qa.reviewsApply).toBe('The latest reviews of conversations of any day.');
  });

  it('under a tag: the months, criteria and reviews of the VIP conversations only, beside the team on the same ones', async () => {
    const qa = await loadAgentQa(w.db, (await agentInfo(w.db, 'a1'))!, { ...all, tag: 'vip', team: 'tech', agent: 'a3' });
    // a1 on VIP: 100, 100, 85 → 95.0; billing on VIP adds a2's 85 → 370 / 4 = 92.5 (the team and agent filters are the scorecard's own)
    expect(qa.months.find((m) => m.month === '2026-10')).toMatchObject({ reviews: 3, quality: '95.0', teamQuality: '92.5' });
    // clarity: 100, 100, 0 → 66.7, failed once; billing adds v4's 0 → 200 / 4 = 50.0
    expect(qa.criteria.find((c) => c.criterion === 'clarity')).toEqual({ criterion: 'clarity', rated: 3, failed: 1, score: '66.7', team: '50.0' });
    expect(qa.reviews.map((r) => r.conversationId).sort()).toEqual(['v1', 'v1', 'v2']);
    expect(qa.applies).toBe("months 2026-10 to 2026-12, the date range's (by the conversation's month); tag vip.");
    expect(qa.reviewsApply).toBe('The latest reviews of conversations of any day, tag vip.');
  });

  it("under a date range: only its months; the latest reviews whatever their conversation's day", async () => {
    const ada = (await agentInfo(w.db, 'a1'))!;
    // the months are whole (the mart's): October with all five reviews, though the range starts on the 5th
    const october = await loadAgentQa(w.db, ada, { from: '2026-10-05', to: '2026-10-31' });
    expect(october.months.map((m) => [m.month, m.reviews])).toEqual([['2026-10', 5]]);
    // November on: a1 has neither conversations nor reviews there, but a review saved today of an
    // October conversation is still the agent's to read and dispute
    const later = await loadAgentQa(w.db, ada, { from: '2026-11-01', to: '2026-12-31' });
    expect(later.months).toEqual([]);
    expect(later.criteria).toEqual([]);
    expect(later.reviews.map((r) => r.conversationId).sort()).toEqual(['a1-1', 'a1-1', 'v1', 'v1', 'v2']);
  });
});

describe('the agreement page', () => {
  const clarity = (rows: Record<string, string>[]) => rows.find((r) => r['scope'] === 'ordinary reviews' && r['criterion'] === 'clarity');

  it('over every rating: the marts as kept', async () => {
    const page = await loadAgreementPage(w.db, all);
    // clarity in a1-1: 4 and 1; in v1: 4 and 4. One match in two pairs; α = 1 − 3 · 8 / 24 = 0
    expect(clarity(cells(page.drill[0]!.rows))).toMatchObject({ units: '2', ratings: '4', alpha: '0.00', match: '50%' });
    // closure is rated in all seven reviews
    expect(cells(page.drill[1]!.rows).find((r) => r['criterion'] === 'closure')).toMatchObject({ reviews: '7' });
    expect(page.notes).toEqual(['Every rating so far: the date range holds every conversation and no other filter is set.']);
  });

  it('under a tag: the ratings of the VIP conversations only', async () => {
    const page = await loadAgreementPage(w.db, { ...all, tag: 'vip' });
    // v1 alone is rated twice: 4 and 4, every pair a match, no α (no disagreement to expect)
    expect(clarity(cells(page.drill[0]!.rows))).toMatchObject({ units: '1', ratings: '2', alpha: '–', match: '100%' });
    // closure in the reviews of v1 (two), v2 and v4
    expect(cells(page.drill[1]!.rows).find((r) => r['criterion'] === 'closure')).toMatchObject({ reviews: '4' });
    expect(page.notes[0]).toBe(
      "The ratings of conversations from 2026-10-01 to 2026-12-31, tag vip (team and agent: the reviewed agent's), computed from the reviews with the agreement marts' definitions.",
    );
  });

  it('under a date range, an agent and a team: only the ratings of those conversations', async () => {
    // from 10-05 a1-1 (10-01) is out: v1 is the only conversation rated twice
    expect(clarity(cells((await loadAgreementPage(w.db, { ...all, from: '2026-10-05' })).drill[0]!.rows))).toMatchObject({ units: '1', match: '100%' });
    // a2's reviews: v4 and a2-1, one each, so no conversation is rated twice; closure rated twice
    const a2 = await loadAgreementPage(w.db, { ...all, agent: 'a2' });
    expect(a2.drill[0]!.rows).toEqual([]);
    expect(cells(a2.drill[1]!.rows).find((r) => r['criterion'] === 'closure')).toMatchObject({ reviews: '2' });
    expect((await loadAgreementPage(w.db, { ...all, team: 'tech' })).drill[1]!.rows).toEqual([]);
  });
});
