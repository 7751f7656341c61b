/**
 * Disputes change scores only through the supervisor's answer, and every
 * change is in the audit trail; coaching links agents, reviews and metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWarehouse } from '../testing/warehouse.js';
import { acknowledgeCoaching, addCoaching, listCoaching } from './coaching.js';
import { auditTrail, fileDispute, listDisputes, resolveDispute } from './disputes.js';
import { getReview, saveReview, type Review } from './reviews.js';
import { gradesFor, scorecardWarehouse } from '../testing/scorecards.js';

let w: TestWarehouse;
const T0 = new Date('2026-11-02T10:00:00Z');
const T1 = new Date('2026-11-03T12:00:00Z');
beforeAll(async () => {
  w = await scorecardWarehouse();
});
afterAll(() => w.close());

const review = (conversationId: string, overrides: Record<string, string | number> = {}): Promise<Review> =>
  saveReview(w.db, { source: 'canonical', conversation_id: conversationId, reviewer_id: 'rev1', rubric_id: 'messaging_default', grades: gradesFor(overrides) }, T0);

describe('disputes', () => {
  it('accepted: the disputed criteria are regraded, the score recomputed, and each change audited', async () => {
    const r = await review('a1-1', { accuracy: 'fail', clarity: 2 });
    expect(r.qa_score).toBe(0);
    const d = await fileDispute(w.db, { review_id: r.review_id, agent_id: 'a1', criteria: ['accuracy', 'clarity'], reason: 'The policy changed on 1 Oct.' }, T0);
    expect(d.status).toBe('open');
    const { dispute, review: after } = await resolveDispute(
      w.db,
      {
        dispute_id: d.dispute_id,
        supervisor_id: 'sup',
        decision: 'accepted',
        changes: [
          { criterion: 'accuracy', rating: 'pass' },
          { criterion: 'clarity', rating: 4 },
        ],
        note: 'Policy v2.',
      },
      T1,
    );
    expect(dispute).toMatchObject({ status: 'accepted', resolved_by: 'sup', resolution_note: 'Policy v2.' });
    expect(after.qa_score).toBe(100);
    expect(after.auto_failed).toBe(false);
    const trail = await auditTrail(w.db, r.review_id);
    expect(trail.map((t) => [t.field, t.criterion_id, t.before_value, t.after_value, t.changed_by, t.changed_at.toISOString()])).toEqual([
      ['criterion', 'accuracy', { rating: 'fail', na: false, score: 0 }, { rating: 'pass', na: false, score: 100 }, 'sup', T1.toISOString()],
      ['criterion', 'clarity', { rating: '2', na: false, score: (1 / 3) * 100 }, { rating: '4', na: false, score: 100 }, 'sup', T1.toISOString()],
      ['qa_score', null, { qa_score: 0, auto_failed: true }, { qa_score: 100, auto_failed: false }, 'sup', T1.toISOString()],
    ]);
  });

  it('partly accepted changes some criteria; rejected changes none', async () => {
    const r = await review('a1-2', { tone_empathy: 1, closure: 'fail' });
    const d = await fileDispute(w.db, { review_id: r.review_id, agent_id: 'a1', criteria: ['tone_empathy', 'closure'], reason: 'I did confirm.' }, T0);
    await expect(
      resolveDispute(w.db, { dispute_id: d.dispute_id, supervisor_id: 'sup', decision: 'accepted', changes: [{ criterion: 'closure', rating: 'pass' }] }, T1),
    ).rejects.toThrow('to accept is to regrade every disputed criterion: choose a new rating for Tone and empathy, or choose partly accept to change only some');
    const { review: after } = await resolveDispute(
      w.db,
      { dispute_id: d.dispute_id, supervisor_id: 'sup', decision: 'partly_accepted', changes: [{ criterion: 'closure', rating: 'pass' }] },
      T1,
    );
    // tone 1/5 → 0 × 10; everything else 100: 90 ÷ 100
    expect(after.qa_score).toBe(90);
    expect((await auditTrail(w.db, r.review_id)).map((t) => t.criterion_id)).toEqual(['closure', null]);

    const r2 = await review('a1-3', { clarity: 1 });
    const d2 = await fileDispute(w.db, { review_id: r2.review_id, agent_id: 'a1', criteria: ['clarity'], reason: 'Clear enough.' }, T0);
    await expect(
      resolveDispute(w.db, { dispute_id: d2.dispute_id, supervisor_id: 'sup', decision: 'rejected', changes: [{ criterion: 'clarity', rating: 4 }] }, T1),
    ).rejects.toThrow('to reject is to keep every grade: leave Clarity as they are, or choose accept or partly accept');
    await resolveDispute(w.db, { dispute_id: d2.dispute_id, supervisor_id: 'sup', decision: 'rejected', note: 'Steps were out of order.' }, T1);
    expect((await getReview(w.db, r2.review_id)).qa_score).toBe(r2.qa_score);
    expect(await auditTrail(w.db, r2.review_id)).toEqual([]);
    await expect(
      resolveDispute(w.db, { dispute_id: d2.dispute_id, supervisor_id: 'sup', decision: 'accepted', changes: [{ criterion: 'clarity', rating: 4 }] }, T1),
    ).rejects.toThrow(/was already answered \(rejected\) by sup/);
  });

  it('refuses disputes of another agent, of unknown criteria, a second open one, and changes outside the dispute', async () => {
    const r = await review('a2-1', { clarity: 2 });
    await expect(fileDispute(w.db, { review_id: r.review_id, agent_id: 'a1', criteria: ['clarity'], reason: 'x' }, T0)).rejects.toThrow('is of agent a2, not a1');
    await expect(fileDispute(w.db, { review_id: r.review_id, agent_id: 'a2', criteria: ['speed'], reason: 'x' }, T0)).rejects.toThrow('has no criterion "speed"');
    await expect(fileDispute(w.db, { review_id: r.review_id, agent_id: 'a2', criteria: ['clarity'], reason: ' ' }, T0)).rejects.toThrow(
      'dispute reason: say why the grade is wrong',
    );
    const d = await fileDispute(w.db, { review_id: r.review_id, agent_id: 'a2', criteria: ['clarity'], reason: 'x' }, T0);
    await expect(fileDispute(w.db, { review_id: r.review_id, agent_id: 'a2', criteria: ['clarity'], reason: 'y' }, T0)).rejects.toThrow('already has an open dispute');
    await expect(
      resolveDispute(w.db, { dispute_id: d.dispute_id, supervisor_id: 'sup', decision: 'partly_accepted', changes: [{ criterion: 'accuracy', rating: 'fail' }] }, T1),
    ).rejects.toThrow('this dispute is about Clarity: Accuracy was not disputed and cannot change here');
    await expect(
      resolveDispute(w.db, { dispute_id: d.dispute_id, supervisor_id: 'sup', decision: 'accepted', changes: [{ criterion: 'clarity', rating: 9 }] }, T1),
    ).rejects.toThrow('criterion "clarity": 9 is not on its 4-point scale');
    await expect(resolveDispute(w.db, { dispute_id: d.dispute_id, supervisor_id: 'a2', decision: 'rejected' }, T1)).rejects.toThrow('cannot answer it');
    expect((await listDisputes(w.db, { status: 'open' })).map((x) => x.dispute_id)).toEqual([d.dispute_id]);
    // the review's own author cannot decide its dispute, even as a supervisor
    await expect(resolveDispute(w.db, { dispute_id: d.dispute_id, supervisor_id: 'rev1', decision: 'rejected' }, T1)).rejects.toThrow(
      'rev1 wrote the review under dispute and cannot decide it: another supervisor or an admin must',
    );
  });

  it('show in the dispute-outcome mart at once, without a build', async () => {
    const rows = await w.db.all('select team, disputes, open, accepted, partly_accepted, rejected, upheld_rate from qa_dispute_outcomes order by team');
    expect(rows).toEqual([{ team: 'billing', disputes: 4, open: 1, accepted: 1, partly_accepted: 1, rejected: 1, upheld_rate: 2 / 3 }]);
    const scored = await w.db.one<{ qa_score: number; disputes: number; last_dispute_status: string }>(
      "select qa_score, disputes, last_dispute_status from qa_reviews_scored where conversation_id = 'a1-1'",
    );
    expect(scored).toEqual({ qa_score: 100, disputes: 1, last_dispute_status: 'accepted' });
  });

  it('allows one more dispute after a regrade, and none after a rejection or past the limit', async () => {
    const r = await review('a3-1', { clarity: 1, tone_empathy: 1 });
    const d1 = await fileDispute(w.db, { review_id: r.review_id, agent_id: 'a3', criteria: ['clarity'], reason: 'Clear enough.' }, T0);
    await resolveDispute(w.db, { dispute_id: d1.dispute_id, supervisor_id: 'sup', decision: 'accepted', changes: [{ criterion: 'clarity', rating: 3 }] }, T1);
    // regraded: one more is allowed
    const d2 = await fileDispute(w.db, { review_id: r.review_id, agent_id: 'a3', criteria: ['tone_empathy'], reason: 'I apologised twice.' }, T1);
    await resolveDispute(w.db, { dispute_id: d2.dispute_id, supervisor_id: 'sup', decision: 'accepted', changes: [{ criterion: 'tone_empathy', rating: 4 }] }, T1);
    await expect(fileDispute(w.db, { review_id: r.review_id, agent_id: 'a3', criteria: ['clarity'], reason: 'Again.' }, T1)).rejects.toThrow(
      `review ${r.review_id} was disputed 2 times, the most its rubric allows (2): the grades stand`,
    );

    const q = await review('a3-2', { clarity: 1 });
    const e1 = await fileDispute(w.db, { review_id: q.review_id, agent_id: 'a3', criteria: ['clarity'], reason: 'Clear enough.' }, T0);
    await resolveDispute(w.db, { dispute_id: e1.dispute_id, supervisor_id: 'sup', decision: 'rejected' }, T1);
    await expect(fileDispute(w.db, { review_id: q.review_id, agent_id: 'a3', criteria: ['clarity'], reason: 'Please look again.' }, T1)).rejects.toThrow(
      `review ${q.review_id}: the dispute before was rejected, so the grades stand; a review is disputed again only after a regrade`,
    );
  });
});

describe('coaching', () => {
  it('links an agent, reviews and metrics; the agent acknowledges it', async () => {
    const r = await review('a3-1', { closure: 'fail' });
    const note = await addCoaching(
      w.db,
      { agent_id: 'a3', author_id: 'sup', body: 'Confirm before closing.', review_ids: [r.review_id], metrics: ['reopen_rate', 'qa_score'] },
      T0,
    );
    expect(note).toMatchObject({ kind: 'note', review_ids: [r.review_id], metrics: ['reopen_rate', 'qa_score'], acknowledged_at: null });
    const session = await addCoaching(w.db, { agent_id: 'a3', author_id: 'sup', kind: 'session', body: '1:1 on closing', session_at: '2026-11-05T15:00:00Z' }, T1);
    expect((await listCoaching(w.db, { agent_id: 'a3', unacknowledged: true })).map((c) => c.coaching_id)).toEqual([session.coaching_id, note.coaching_id]);
    await expect(acknowledgeCoaching(w.db, { coaching_id: note.coaching_id, agent_id: 'a1' }, T1)).rejects.toThrow('only that agent acknowledges it');
    const ack = await acknowledgeCoaching(w.db, { coaching_id: note.coaching_id, agent_id: 'a3' }, T1);
    expect(ack.acknowledged_at).toEqual(T1);
    expect((await listCoaching(w.db, { agent_id: 'a3', unacknowledged: true })).map((c) => c.coaching_id)).toEqual([session.coaching_id]);
  });

  it('refuses a note for an agent that is neither in the roster nor in any conversation, in one line, and saves nothing', async () => {
    const before = await listCoaching(w.db, { agent_id: 'a9' });
    await expect(addCoaching(w.db, { agent_id: 'a9', author_id: 'sup', body: 'Confirm before closing.' }, T0)).rejects.toThrow(
      /^coaching agent_id: there is no agent a9 \(not in the roster, agents\.jsonl, nor in any loaded conversation\)$/,
    );
    expect(before).toEqual([]);
    expect(await listCoaching(w.db, { agent_id: 'a9' })).toEqual([]);
  });

  it('refuses unknown metrics and reviews of another agent', async () => {
    await expect(addCoaching(w.db, { agent_id: 'a3', author_id: 'sup', body: 'x', metrics: ['happiness'] }, T0)).rejects.toThrow('"happiness" is not a metric of the catalogue');
    const r = await review('a2-2');
    await expect(addCoaching(w.db, { agent_id: 'a3', author_id: 'sup', body: 'x', review_ids: [r.review_id] }, T0)).rejects.toThrow(`review ${r.review_id} is of a2, not a3`);
  });
});
