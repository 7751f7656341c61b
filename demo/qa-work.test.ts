/**
 * The demo's QA work: `parley demo` (what `npm start` runs) leaves a warehouse
 * in which every QA state exists — reviews by several reviewers with comments
 * and root causes, one closed calibration session with a benchmark and one
 * open, disputes in each status decided by someone who did not write the
 * review, coaching notes acknowledged and pending, intent corrections, and
 * built insights. And a reviewer grades by the evidence: what a bad
 * conversation loses, criterion by criterion.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../testing/cli.js';
import { TEST_NOW } from '../testing/clock.js';
import { openWarehouse, type Warehouse } from '../warehouse/connection.js';
import { criteriaOf, defaultRubric } from '../scorecards/index.js';
import { gradeConversation } from './qa-work.js';
import type { Rng } from './random.js';

/** A generator whose every draw is 0.99: no chance event happens, picks take the last element. */
const never: Rng = { next: () => 0.99, int: (_min, max) => max, chance: () => false, pick: (xs) => xs[xs.length - 1]!, normal: () => 0, lognormal: (m) => m };

const GOOD = {
  source: 'demo',
  conversation_id: 'c1',
  csat_score: 100,
  reopens: 0,
  unanswered_turns: 0,
  fcr: false,
  greeting: true,
  closing_confirmation: true,
  empathy: true,
  no_unanswered_turns: true,
  no_long_silence: true,
  reply_length: true,
  readability: true,
};

describe('gradeConversation', () => {
  const criteria = criteriaOf(defaultRubric());
  const ratings = (grades: ReturnType<typeof gradeConversation>['grades']) => Object.fromEntries(grades.map((g) => [g.criterion, g.na ? 'n/a' : g.rating]));

  it('gives the top of every scale to a conversation whose metrics and AutoQA are good', () => {
    const { grades } = gradeConversation(criteria, GOOD, 'reviewer', never);
    expect(ratings(grades)).toEqual({ understanding: '4', accuracy: 'pass', process: 'pass', clarity: '4', tone_empathy: '5', proactive_guidance: 'Done', closure: 'pass' });
    expect(grades.flatMap((g) => g.root_causes ?? [])).toEqual([]);
  });

  it('takes points off where the evidence is bad, with a root cause and a comment', () => {
    // reopened, a dissatisfied customer (25 of 100), run-on sentences, no empathy phrase
    const bad = { ...GOOD, csat_score: 25, reopens: 1, readability: false, empathy: false };
    const { grades, comment } = gradeConversation(criteria, bad, 'reviewer', never);
    // understanding 4 − 1 (reopened) − 1 (dissatisfied); clarity 4 − 2 (readability); tone 5 − 1 (no empathy) − 1 (dissatisfied);
    // proactive guidance Done − 1 (reopened) = Partly
    expect(ratings(grades)).toEqual({ understanding: '2', accuracy: 'pass', process: 'pass', clarity: '2', tone_empathy: '3', proactive_guidance: 'Partly', closure: 'pass' });
    const byId = new Map(grades.map((g) => [g.criterion, g]));
    expect(byId.get('clarity')!.root_causes).toEqual(['too long']);
    expect(byId.get('tone_empathy')!.root_causes).toEqual(['no acknowledgement']);
    expect(byId.get('proactive_guidance')!.root_causes).toEqual(['no next steps']);
    expect(byId.get('clarity')!.comment).toMatch(/one long paragraph/);
    expect(comment).toBe('Worth a look: understanding of the problem, clarity, tone and empathy.');
  });
});

describe('parley demo seeds QA work', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-demo-qa-'));
  const file = path.join(dir, 'demo.duckdb');
  let db: Warehouse;
  let err = '';
  const count = async (sql: string) => Number((await db.one<{ n: number }>(sql))!.n);

  beforeAll(async () => {
    const run = await parley('demo', '--conversations', '3000', '--no-serve', '--db', file);
    expect(run.code, run.err).toBe(0);
    err = run.err;
    db = await openWarehouse(file);
  }, 120_000);
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has reviews by three reviewers, with comments and root causes, all before now', async () => {
    const rows = await db.all<{ reviewer_id: string; n: number }>("select reviewer_id, count(*) as n from qa_reviews where kind = 'review' group by 1 order by 1");
    expect(rows.map((r) => r.reviewer_id)).toEqual(['ana', 'ben', 'reviewer']);
    // four weekly samples of 12 and four of the demo agent's conversations
    expect(rows.reduce((a, r) => a + Number(r.n), 0)).toBe(52);
    expect(await count('select count(*) as n from qa_review_criteria where comment is not null')).toBeGreaterThan(20);
    expect(await count('select count(*) as n from qa_review_criteria where len(root_causes) > 0')).toBeGreaterThan(20);
    expect(await count(`select count(*) as n from qa_reviews where created_at >= '${TEST_NOW.toISOString()}'`)).toBe(0);
    expect(await count("select count(*) as n from qa_reviews where kind = 'review' and agent_id = 'agt_001'")).toBeGreaterThanOrEqual(4);
    expect(err).toMatch(/seeded QA work: 52 reviews/);
    // one cycle for every demo sample, the open queue's included: no conversation is reviewed twice
    expect(await count('select count(*) as n from (select source, conversation_id from qa_sample_items group by all having count(*) > 1)')).toBe(0);
    expect(await count("select count(*) as n from (select source, conversation_id from qa_reviews where kind = 'review' group by all having count(*) > 1)")).toBe(0);
  });

  it('has one closed calibration session with a benchmark and one open', async () => {
    const sessions = await db.all<{ closed: boolean; calibration: number; benchmark: number }>(
      `select s.closed_at is not null as closed,
              count(*) filter (where r.kind = 'calibration') as calibration, count(*) filter (where r.kind = 'benchmark') as benchmark
       from qa_calibration_sessions s left join qa_reviews r using (session_id) group by s.session_id, s.closed_at order by closed`,
    );
    // open: two of three reviewers graded its three conversations, no benchmark yet; closed: three reviewers and the benchmark
    expect(sessions.map((s) => [s.closed, Number(s.calibration), Number(s.benchmark)])).toEqual([
      [false, 6, 0],
      [true, 9, 3],
    ]);
  });

  it('has disputes in every state, each answer by a supervisor who did not write the review', async () => {
    const rows = await db.all<{ status: string; n: number }>('select status, count(*) as n from qa_disputes group by 1 order by 1');
    expect(rows.map((r) => [r.status, Number(r.n)])).toEqual([
      ['accepted', 2],
      ['open', 2],
      ['partly_accepted', 1],
      ['rejected', 2],
    ]);
    expect(
      await count(
        "select count(*) as n from qa_disputes d join qa_reviews r using (review_id) where d.status <> 'open' and (d.resolved_by = r.reviewer_id or d.resolved_by is null)",
      ),
    ).toBe(0);
    expect(await count("select count(*) as n from qa_disputes where agent_id = 'agt_001'")).toBe(2);
    // accepted and partly accepted disputes changed grades, with an audit trail
    expect(await count("select count(distinct a.dispute_id) as n from qa_audit a join qa_disputes d using (dispute_id) where d.status in ('accepted', 'partly_accepted')")).toBe(3);
  });

  it('has coaching notes, four of six acknowledged, and intent corrections; insights are built', async () => {
    // one note or session for each of the five agents with the lowest-scored reviews (the third left
    // unacknowledged), and a session the demo agent has yet to acknowledge
    expect(await count('select count(*) as n from qa_coaching')).toBe(6);
    expect(await count('select count(*) as n from qa_coaching where acknowledged_at is not null')).toBe(4);
    const mine = await db.all<{ acknowledged: boolean }>("select acknowledged_at is not null as acknowledged from qa_coaching where agent_id = 'agt_001' order by 1");
    expect(mine.map((r) => r.acknowledged)).toEqual([false, true]);
    expect(await count('select count(*) as n from insight_intent_corrections')).toBeGreaterThan(0);
    expect(await count('select count(*) as n from insight_topic_months')).toBeGreaterThan(0);
  });
});
