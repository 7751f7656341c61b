/**
 * Sampling on a built warehouse: quotas, the backup filter, no conversation
 * twice in a cycle, reproducible seeds, risk weights (a statistical test),
 * round-robin assignment with caps, and the sample-size helper.
 */
import { TEST_NOW } from '../testing/clock.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWarehouse } from '../testing/warehouse.js';
import { parseSampleSpec } from './sampling-sql.js';
import { assignReviewers, createSample, drawSample, getSample, listQueue, listSamples, sampleSize } from './sampling.js';
import { saveReview } from './reviews.js';
import { gradesFor, scorecardWarehouse } from '../testing/scorecards.js';
import { agent, assign, bot, conversation, customer, status } from '../testing/fixtures.js';
import { addAccount } from '../accounts/accounts.js';
import { registerRubric } from './rubric-store.js';
import { defaultRubric } from './rubrics.js';

let w: TestWarehouse;
// 6 conversations per agent; a?-3 and a?-6 are escalated
beforeAll(async () => {
  w = await scorecardWarehouse({ perAgent: 6, escalateEvery: 3, reviewers: ['r1', 'r2', 'q1', 'q2'] });
});
afterAll(() => w.close());

const base = { name: 's', rubric_id: 'messaging_default', reviewers: ['r1', 'r2'] };
const count = (items: Array<{ agent_id: string | null }>) => Object.fromEntries(['a1', 'a2', 'a3'].map((a) => [a, items.filter((i) => i.agent_id === a).length]));

describe('per-agent quotas', () => {
  it('fill each agent from the main filter when it can', async () => {
    const { sample, short } = await createSample(w.db, { ...base, cycle: 'q1', seed: 1, per_agent: 2, filter: { conditions: ['escalated'] } }, TEST_NOW);
    expect(count(sample.items)).toEqual({ a1: 2, a2: 2, a3: 2 });
    expect(sample.items.every((i) => i.tier === 1 && /-(3|6)$/.test(i.conversation_id))).toBe(true);
    expect(short).toEqual({});
  });

  it('use the backup filter only for what the main filter cannot fill', async () => {
    const { sample, short } = await createSample(w.db, { ...base, cycle: 'q2', seed: 1, per_agent: 4, filter: { conditions: ['escalated'] }, backup: {} }, TEST_NOW);
    expect(count(sample.items)).toEqual({ a1: 4, a2: 4, a3: 4 });
    for (const a of ['a1', 'a2', 'a3']) {
      const mine = sample.items.filter((i) => i.agent_id === a);
      expect(mine.map((i) => i.tier).sort()).toEqual([1, 1, 2, 2]);
      expect(mine.filter((i) => i.tier === 1).every((i) => /-(3|6)$/.test(i.conversation_id))).toBe(true);
    }
    expect(short).toEqual({});
  });

  it('report agents whose quota cannot be filled', async () => {
    const { short } = await createSample(w.db, { ...base, cycle: 'q3', seed: 1, per_agent: 8, filter: { conditions: ['escalated'] }, backup: {} }, TEST_NOW);
    expect(short).toEqual({ a1: 6, a2: 6, a3: 6 });
  });
});

describe('one cycle', () => {
  it('never holds the same conversation twice', async () => {
    const first = await createSample(w.db, { ...base, cycle: 'c1', seed: 1, per_agent: 3 }, TEST_NOW);
    const second = await createSample(w.db, { ...base, cycle: 'c1', seed: 1, per_agent: 3 }, TEST_NOW);
    const third = await createSample(w.db, { ...base, cycle: 'c1', seed: 1, per_agent: 3 }, TEST_NOW);
    const ids = [...first.sample.items, ...second.sample.items].map((i) => i.conversation_id);
    expect(ids.length).toBe(18);
    expect(new Set(ids).size).toBe(18);
    expect(third.sample.items).toEqual([]);
    expect(third.short).toEqual({});
    // another cycle may sample them again
    const other = await createSample(w.db, { ...base, cycle: 'c2', seed: 1, per_agent: 3 }, TEST_NOW);
    expect(other.sample.items.length).toBe(9);
  });
});

describe('seeds', () => {
  it('the same seed gives the same sample; another seed another one', async () => {
    const spec = (seed: number) => parseSampleSpec({ ...base, cycle: 'seeds', seed, size: 6 });
    const a = await drawSample(w.db, spec(7));
    const b = await drawSample(w.db, spec(7));
    const c = await drawSample(w.db, spec(8));
    expect(a).toEqual(b);
    expect(a.length).toBe(6);
    expect(c.map((r) => r.conversation_id)).not.toEqual(a.map((r) => r.conversation_id));
  });

  it('a created sample is frozen: reading it back gives the items drawn', async () => {
    const { sample } = await createSample(w.db, { ...base, cycle: 'frozen', seed: 3, size: 4 }, TEST_NOW);
    const again = await getSample(w.db, sample.sample_id);
    expect(again.items).toEqual(sample.items);
    expect(again.spec.seed).toBe('3');
    expect((await listSamples(w.db)).find((s) => s.sample_id === sample.sample_id)).toMatchObject({ items: 4, reviewed: 0 });
  });
});

describe('risk-weighted sampling', () => {
  it('draws conversations in proportion to their risk weight (300 seeded draws)', async () => {
    // 6 of 18 conversations are escalated: weight 1 + 2 = 3; the others 1.
    const all = await drawSample(w.db, parseSampleSpec({ ...base, cycle: 'risk', seed: 0, size: 100 }));
    const weights = new Map(all.map((r) => [r.conversation_id, r.risk_weight]));
    expect([...weights.values()].filter((x) => x === 3).length).toBe(6);
    expect([...weights.values()].filter((x) => x === 1).length).toBe(12);
    const draws = 300;
    let risky = 0;
    for (let seed = 1; seed <= draws; seed++) {
      const [pick] = await drawSample(w.db, parseSampleSpec({ ...base, cycle: 'risk', seed, size: 1, method: 'risk' }));
      if (weights.get(pick!.conversation_id) === 3) risky++;
    }
    // P(escalated) = 6·3 ÷ (6·3 + 12·1) = 0.6 (random sampling: 6 ÷ 18 = 0.33);
    // binomial sd = √(300 · 0.6 · 0.4) = 8.5: within 4 sd of 180, far from random's 100
    expect(Math.abs(risky - 180)).toBeLessThan(4 * 8.5);
  });
});

describe('assignment', () => {
  it('is round-robin, skips the reviewer who is the agent, and respects caps', () => {
    const items = [{ agent_id: 'a' }, { agent_id: 'b' }, { agent_id: 'x' }, { agent_id: 'c' }, { agent_id: 'd' }];
    expect(assignReviewers(items, ['x', 'y'])).toEqual(['x', 'y', 'y', 'x', 'y']);
    expect(assignReviewers(items, ['x', 'y'], 2)).toEqual(['x', 'y', 'y', 'x', null]);
  });

  it("fills each reviewer's queue with what they still have to grade", async () => {
    const { sample, unassigned } = await createSample(w.db, { ...base, reviewers: ['q1', 'q2'], reviewer_cap: 2, cycle: 'queue', seed: 5, size: 5 }, TEST_NOW);
    expect(unassigned).toBe(1);
    const q1 = await listQueue(w.db, { reviewer_id: 'q1', sample_id: sample.sample_id });
    expect(q1.map((i) => i.position)).toEqual([1, 3, 5]); // two assigned + the unassigned one
    await saveReview(w.db, { sample_id: sample.sample_id, source: q1[0]!.source, conversation_id: q1[0]!.conversation_id, reviewer_id: 'q1', grades: gradesFor() }, TEST_NOW);
    expect((await listQueue(w.db, { reviewer_id: 'q1', sample_id: sample.sample_id })).map((i) => i.position)).toEqual([3, 5]);
    expect(q1[0]).toMatchObject({ channel: 'webchat', intent: 'billing', rubric_id: 'messaging_default' });
  });
});

describe('sampleSize', () => {
  it('gives the reviews for a margin of error at 95% confidence', () => {
    // (1.96 × 15 ÷ 5)² = 34.57 → 35
    expect(sampleSize({ margin: 5 })).toBe(35);
    // finite population of 120: 34.57 ÷ (1 + 33.57 ÷ 120) = 27.01 → 28
    expect(sampleSize({ margin: 5, population: 120 })).toBe(28);
    // (1.96 × 20 ÷ 10)² = 15.37 → 16
    expect(sampleSize({ margin: 10, sd: 20 })).toBe(16);
    expect(() => sampleSize({ margin: 0 })).toThrow('the margin of error must be a positive number');
  });
});

describe('what a rubric may grade, and who may grade', () => {
  let v: TestWarehouse;
  const day = (n: number, hhmm: string) => `2026-11-0${n}T${hhmm}:00Z`;
  beforeAll(async () => {
    const extra = [
      // answered by the bot alone
      ...[1, 2, 3].map((n) => conversation(`bot-${n}`, [customer(day(n, '10:00'), 'where is my parcel'), bot(day(n, '10:01')), status(day(n, '10:02'), 'resolved')])),
      // the bot first, then a person
      conversation('handoff-1', [
        customer(day(4, '10:00')),
        bot(day(4, '10:01')),
        assign(day(4, '10:02'), { agent_id: 'a1' }),
        agent(day(4, '10:05'), 'a1'),
        status(day(4, '10:06'), 'resolved'),
      ]),
    ];
    v = await scorecardWarehouse({ perAgent: 2, extra, reviewers: ['r1'] });
    await addAccount(v.db, { username: 'pat', password: 'a product password', role: 'product' }, TEST_NOW);
    await registerRubric(v.db, { ...defaultRubric(), id: 'bot_answers', name: 'Bot answers', for: 'bots' }, TEST_NOW);
  });
  afterAll(() => v.close());

  it('never samples a conversation without a human reply for a human-agent rubric', async () => {
    const { sample } = await createSample(v.db, { ...base, reviewers: ['r1'], cycle: 'aud1', seed: 1, size: 100 }, TEST_NOW);
    const ids = sample.items.map((i) => i.conversation_id).sort();
    // 2 per agent, and the handoff a person answered; not the bot-only three, nor the horizon (a customer message alone)
    expect(ids).toEqual(['a1-1', 'a1-2', 'a2-1', 'a2-2', 'a3-1', 'a3-2', 'handoff-1']);
  });

  it('samples only what the bot answered for a bot rubric', async () => {
    const { sample } = await createSample(v.db, { ...base, rubric_id: 'bot_answers', reviewers: ['r1'], cycle: 'aud2', seed: 1, size: 100 }, TEST_NOW);
    expect(sample.items.map((i) => i.conversation_id).sort()).toEqual(['bot-1', 'bot-2', 'bot-3', 'handoff-1']);
  });

  it('refuses reviewers who are not accounts that grade, naming each', async () => {
    const e = await createSample(v.db, { ...base, reviewers: ['r1', 'nobody', 'pat'], cycle: 'aud3', seed: 1, size: 5 }, TEST_NOW).catch((x: unknown) => x);
    expect((e as Error).message).toBe(
      'cannot assign reviews to nobody (no such account), pat (a product, who cannot grade): reviewers must be active accounts with the role reviewer, supervisor, admin (see parley user list; add one with parley user add NAME --role reviewer)',
    );
    expect((await listSamples(v.db)).map((s) => s.cycle)).not.toContain('aud3');
  });
});
