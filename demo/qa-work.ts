/**
 * A few weeks of QA work over the demo data, so that every QA page has content
 * on first look: weekly review samples graded by three reviewers (comments and
 * root causes per criterion, lower grades where the conversation's metrics and
 * AutoQA are bad), two calibration sessions (one closed, with a benchmark),
 * disputes in every state (decided by a supervisor who wrote none of the
 * reviews), coaching notes (some acknowledged) and reviewers' intent
 * corrections. Everything goes through the scorecards and insights APIs, at
 * times before `now`, drawn from a seeded random generator: the same data,
 * seed and `now` give the same grades, disputes and notes.
 *
 * @example
 *   const summary = await seedDemoQaWork(db, { now, rubricId: 'messaging_default' });
 *   summary.reviews; // 52
 */
import type { Warehouse } from '../warehouse/connection.js';
import { refreshQaMartsInTransaction } from '../models/build.js';
import { recordIntentCorrection } from '../insights/corrections.js';
import {
  acknowledgeCoaching,
  addCoaching,
  closeCalibrationSession,
  createCalibrationSession,
  createSample,
  criteriaOf,
  fileDispute,
  getRubric,
  resolveDispute,
  scaleRatings,
  type Criterion,
  type DisputeStatus,
  type Grade,
  type Review,
} from '../scorecards/index.js';
import { saveReviewInTransaction } from '../scorecards/reviews.js';
import { createRng, type Rng } from './random.js';

/** The demo's reviewers: who grades the weekly samples and calibrates; the supervisor facilitates and decides disputes. */
export const DEMO_REVIEWERS = ['reviewer', 'ana', 'ben'] as const;
export const DEMO_SUPERVISOR = 'supervisor';
/** The agent of the demo's agent account (their scorecard shows reviews, disputes and coaching). */
export const DEMO_AGENT = 'agt_001';

const DAY = 86_400_000;
const WEEKS = 4;
const PER_WEEK = 12;

export interface QaWorkSummary {
  samples: number;
  reviews: number;
  calibration_sessions: number;
  calibration_reviews: number;
  disputes: Record<DisputeStatus, number>;
  coaching: number;
  acknowledged: number;
  intent_corrections: number;
}

/** What a reviewer sees of a conversation before grading: its metrics and AutoQA checks (null: not applicable). */
interface Evidence {
  source: string;
  conversation_id: string;
  csat_score: number | null;
  reopens: number | null;
  unanswered_turns: number | null;
  fcr: boolean | null;
  greeting: boolean | null;
  closing_confirmation: boolean | null;
  empathy: boolean | null;
  no_unanswered_turns: boolean | null;
  no_long_silence: boolean | null;
  reply_length: boolean | null;
  readability: boolean | null;
}

/** A reviewer's habit: ana is a little lenient, ben a little strict; `noise` is how often a grade moves one step by chance. */
const BIAS: Record<string, { shift: number; often: number; noise: number }> = {
  reviewer: { shift: 0, often: 0, noise: 0.12 },
  ana: { shift: 1, often: 0.3, noise: 0.12 },
  ben: { shift: -1, often: 0.35, noise: 0.12 },
  [DEMO_SUPERVISOR]: { shift: 0, often: 0, noise: 0.04 },
};

/** Comments a reviewer writes on a criterion graded below the top, by root cause. */
const COMMENTS: Record<string, string> = {
  'did not read history': 'Asked for the order number the customer had already given in the first message.',
  'no clarifying question': 'The first message could mean two things; one question would have saved a round trip.',
  'misread request': 'Answered the refund question, but the customer asked about an exchange.',
  'knowledge gap': 'The returns window quoted (14 days) is the old one; it is 30 days since the policy update.',
  'outdated article': 'Linked the retired help article; the new one has different steps.',
  'wrong account checked': 'Looked up the customer’s old account, so the order status given was wrong.',
  'tool error': 'The refund tool showed a stale amount and the agent passed it on without checking.',
  'no identity check': 'Changed the delivery address before verifying the account holder.',
  'policy exception without approval': 'Gave a goodwill credit above the agent limit without a lead’s approval.',
  'wrong escalation path': 'Sent to billing when this was a technical fault for tier 2.',
  'missing tags': 'No reason tag on the conversation, so it is missing from the weekly report.',
  'too long': 'Three questions answered in one long paragraph; numbered steps would read faster.',
  jargon: 'Used internal terms (“RMA”, “L2”) the customer would not know.',
  'steps out of order': 'Asked the customer to restart before telling them to save their work.',
  'no acknowledgement': 'The customer said this was the third time; the reply did not acknowledge it.',
  scripted: 'Polite, but the same template sentence twice; it read as scripted.',
  curt: 'One-line replies to an upset customer; warmer words would have helped.',
  'no next steps': 'Did not say what happens next or when the customer would hear back.',
  'no timeframe given': 'Promised a follow-up without saying when.',
  'no self-service pointer': 'This is answered in the help centre; a link would help next time.',
  'closed without confirmation': 'Closed the conversation without asking whether the issue was solved.',
  'left customer waiting': 'The customer’s last question went unanswered before the conversation closed.',
};

const PRAISE: Record<string, string> = {
  understanding: 'Picked up the real problem from a vague first message.',
  clarity: 'Clear numbered steps, easy to follow.',
  tone_empathy: 'Warm and personal without sounding scripted.',
  proactive_guidance: 'Said what happens next and when.',
};

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

/**
 * One reviewer's grades of one conversation: start from the top and take
 * points off where the evidence says so (a reopen or a poor CSAT costs
 * understanding and tone; a failed AutoQA check costs the criterion it
 * measures), then the reviewer's habit and a little chance.
 */
export function gradeConversation(criteria: readonly Criterion[], e: Evidence, reviewer: string, rng: Rng): { grades: Grade[]; comment: string } {
  const bias = BIAS[reviewer] ?? BIAS['reviewer']!;
  // csat_score is 0–100 (a 1–5 answer scaled): 0 or 25 is a dissatisfied customer
  const poorCsat = e.csat_score !== null && e.csat_score <= 25;
  const reopened = (e.reopens ?? 0) > 0;
  const habit = () => (rng.chance(bias.often) ? bias.shift : 0) + (rng.chance(bias.noise) ? (rng.chance(0.5) ? 1 : -1) : 0);
  const grades: Grade[] = [];
  const notes: string[] = [];
  for (const c of criteria) {
    const ratings = scaleRatings(c.scale);
    const causes = c.root_causes ?? [];
    const below = (cause: string | undefined, rating: string | number): Grade => {
      const g: Grade = { criterion: c.id, rating };
      if (cause) {
        g.root_causes = [cause];
        g.comment = COMMENTS[cause] ?? `See ${cause}.`;
        notes.push(c.name.toLowerCase());
      }
      return g;
    };
    if (c.scale === 'pass/fail') {
      let fail: string | undefined;
      if (c.id === 'accuracy' && ((reopened && poorCsat && rng.chance(0.5)) || rng.chance(0.02))) fail = pick(rng, causes);
      if (c.id === 'process') {
        if (c.na_allowed && rng.chance(0.35)) {
          grades.push({ criterion: c.id, na: true });
          continue;
        }
        if (rng.chance(0.04)) fail = pick(rng, causes);
      }
      if (c.id === 'closure' || c.autoqa === 'closing_confirmation') {
        if (e.no_unanswered_turns === false && causes.includes('left customer waiting') && rng.chance(0.4)) fail = 'left customer waiting';
        else if (e.closing_confirmation === false && rng.chance(bias.shift < 0 ? 0.45 : 0.3))
          fail = causes.includes('closed without confirmation') ? 'closed without confirmation' : pick(rng, causes);
      }
      grades.push(fail ? below(fail, 'fail') : { criterion: c.id, rating: 'pass' });
      continue;
    }
    if (c.na_allowed && e.fcr === true && rng.chance(0.15)) {
      grades.push({ criterion: c.id, na: true });
      continue;
    }
    // a point or option scale: ratings[top] is the best
    const top = ratings.length - 1;
    let level = top;
    let cause: string | undefined;
    const lose = (steps: number, why: string | undefined) => {
      level -= steps;
      if (why && causes.includes(why)) cause ??= why;
    };
    if (c.id === 'understanding') {
      if (reopened) lose(1, pick(rng, causes));
      if (poorCsat) lose(1, 'misread request');
    }
    if (c.autoqa === 'readability' && e.readability === false) lose(2, 'too long');
    if (c.autoqa === 'readability' && e.reply_length === false) lose(1, rng.chance(0.5) ? 'jargon' : 'steps out of order');
    if (c.autoqa === 'empathy') {
      if (e.empathy === false) lose(1, 'no acknowledgement');
      if (e.greeting === false && rng.chance(0.5)) lose(1, 'curt');
      if (poorCsat) lose(1, 'scripted');
    }
    if (c.id === 'proactive_guidance') {
      if (e.no_long_silence === false && rng.chance(0.6)) lose(1, 'no timeframe given');
      if (reopened) lose(1, 'no next steps');
    }
    level = clamp(level + habit(), 0, top);
    if (level < top) cause ??= causes.length ? pick(rng, causes) : undefined;
    const rating = ratings[level]!;
    if (level < top) grades.push(below(cause, rating));
    else {
      const g: Grade = { criterion: c.id, rating };
      if (PRAISE[c.id] && rng.chance(0.15)) g.comment = PRAISE[c.id];
      grades.push(g);
    }
  }
  const comment = notes.length
    ? `Worth a look: ${notes.slice(0, 3).join(', ')}.`
    : pick(rng, ['Solid conversation, nothing to fix.', 'Good work: correct, clear and friendly.', 'Textbook handling.']);
  return { grades, comment };
}

async function evidenceOf(db: Warehouse, keys: ReadonlyArray<{ source: string; conversation_id: string }>): Promise<Map<string, Evidence>> {
  if (!keys.length) return new Map();
  const rows = await db.all<Evidence & Record<string, unknown>>(
    `select m.source, m.conversation_id, m.csat_score, m.reopens, m.unanswered_turns, m.fcr,
            a.greeting, a.closing_confirmation, a.empathy, a.no_unanswered_turns, a.no_long_silence, a.reply_length, a.readability
     from conversation_metrics m
     left join qa_autoqa a using (source, conversation_id)
     join (select unnest(cast($1 as json)::struct(source varchar, conversation_id varchar)[], recursive := true)) k using (source, conversation_id)`,
    [JSON.stringify(keys.map((k) => ({ source: k.source, conversation_id: k.conversation_id })))],
  );
  return new Map(
    rows.map((r) => [
      `${r.source}/${r.conversation_id}`,
      { ...r, csat_score: r.csat_score === null ? null : Number(r.csat_score), reopens: r.reopens === null ? null : Number(r.reopens) },
    ]),
  );
}

const dateOf = (d: Date) => d.toISOString().slice(0, 10);
/** A moment `days` after `from` (fractional), never later than an hour before `now`. */
const after = (from: Date, days: number, now: Date) => new Date(Math.min(from.getTime() + days * DAY, now.getTime() - 3_600_000));

/** Seeds the QA work described above; the rubric, the demo accounts (with {@link DEMO_REVIEWERS}) and the models must be there. */
export async function seedDemoQaWork(db: Warehouse, options: { now: Date; rubricId: string; seed?: number }): Promise<QaWorkSummary> {
  const { now, rubricId } = options;
  const rng = createRng(options.seed ?? 42);
  const rubric = await getRubric(db, rubricId);
  const criteria = criteriaOf(rubric);
  const definitions = new Map(criteria.map((c) => [c.id, c]));

  // 1. weekly samples (and a small one of the demo agent's conversations), each graded a few days after it was drawn
  const plans: Array<{ name: string; from: Date; to: Date; agents?: string[]; size: number }> = [];
  for (let w = WEEKS; w >= 1; w--) {
    const to = new Date(now.getTime() - w * 7 * DAY);
    plans.push({ name: `Weekly QA, week of ${dateOf(new Date(to.getTime() - 7 * DAY))}`, from: new Date(to.getTime() - 7 * DAY), to, size: PER_WEEK });
  }
  plans.push({ name: `Follow-up: ${DEMO_AGENT}`, from: new Date(now.getTime() - (WEEKS + 1) * 7 * DAY), to: new Date(now.getTime() - 7 * DAY), agents: [DEMO_AGENT], size: 4 });
  const drawn: Array<{ created: Date; sample_id: string; items: Array<{ source: string; conversation_id: string; reviewer_id: string | null }> }> = [];
  for (const [i, p] of plans.entries()) {
    const created = new Date(p.to.getTime() + 9 * 3_600_000);
    const report = await createSample(
      db,
      {
        name: p.name,
        // the cycle of the demo's open sample (seed.ts): no conversation is in two of the demo's samples
        cycle: dateOf(now).slice(0, 7),
        seed: 1000 + i,
        rubric_id: rubricId,
        method: 'random',
        size: p.size,
        filter: { match: 'all', from: dateOf(p.from), to: dateOf(new Date(p.to.getTime() - DAY)), ...(p.agents ? { agents: p.agents } : {}) },
        reviewers: [...DEMO_REVIEWERS],
        created_by: DEMO_SUPERVISOR,
      },
      created,
    );
    drawn.push({ created, sample_id: report.sample.sample_id, items: report.sample.items });
  }

  const evidence = await evidenceOf(
    db,
    drawn.flatMap((d) => d.items),
  );
  const reviews: Review[] = [];
  const calibration: { sessions: number; reviews: number } = { sessions: 0, reviews: 0 };
  // calibration conversations: graded in samples, so each has its evidence; the closed session's from the oldest week, the open one's from the newest
  const calibrationPlans = [
    {
      name: 'Calibration: clarity and tone',
      items: drawn[0]!.items.slice(0, 3),
      created: after(drawn[0]!.created, 2, now),
      graders: [...DEMO_REVIEWERS],
      benchmark: true,
      close: 3,
    },
    {
      name: 'Calibration: this week',
      items: drawn[WEEKS - 1]!.items.slice(-3),
      created: after(drawn[WEEKS - 1]!.created, 1, now),
      graders: ['reviewer', 'ana'],
      benchmark: false,
      close: 0,
    },
  ];
  const sessions: Array<{ session_id: string; close: number; created: Date }> = [];
  for (const plan of calibrationPlans) {
    const s = await createCalibrationSession(
      db,
      {
        name: plan.name,
        rubric_id: rubricId,
        facilitator_id: DEMO_SUPERVISOR,
        reviewers: [...DEMO_REVIEWERS],
        conversations: plan.items.map((i) => ({ source: i.source, conversation_id: i.conversation_id })),
      },
      plan.created,
    );
    sessions.push({ session_id: s.session_id, close: plan.close, created: plan.created });
  }

  await db.transaction(async () => {
    for (const d of drawn) {
      for (const item of d.items) {
        const e = evidence.get(`${item.source}/${item.conversation_id}`);
        if (!item.reviewer_id || !e) continue;
        const { grades, comment } = gradeConversation(criteria, e, item.reviewer_id, rng);
        const at = after(d.created, 0.2 + rng.next() * 4, now);
        reviews.push(
          await saveReviewInTransaction(
            db,
            {
              sample_id: d.sample_id,
              source: item.source,
              conversation_id: item.conversation_id,
              reviewer_id: item.reviewer_id,
              grades,
              comment,
              time_spent_s: Math.round(rng.lognormal(240, 0.35)),
            },
            at,
          ),
        );
      }
    }
    for (const [i, plan] of calibrationPlans.entries()) {
      const session = sessions[i]!;
      const graders = plan.benchmark ? [...plan.graders, DEMO_SUPERVISOR] : plan.graders;
      for (const grader of graders) {
        for (const item of plan.items) {
          const e = evidence.get(`${item.source}/${item.conversation_id}`);
          if (!e) continue;
          const { grades, comment } = gradeConversation(criteria, e, grader, rng);
          await saveReviewInTransaction(
            db,
            {
              session_id: session.session_id,
              source: item.source,
              conversation_id: item.conversation_id,
              reviewer_id: grader,
              grades,
              comment,
              time_spent_s: Math.round(rng.lognormal(300, 0.3)),
            },
            after(session.created, 0.1 + rng.next() * 2, now),
          );
          calibration.reviews++;
        }
      }
    }
    await refreshQaMartsInTransaction(db);
  });
  for (const s of sessions) {
    calibration.sessions++;
    if (s.close) await closeCalibrationSession(db, { session_id: s.session_id, facilitator_id: DEMO_SUPERVISOR }, after(s.created, s.close, now));
  }

  // 2. disputes: the agents of the lowest-scored reviews dispute what was graded below the top
  const below = (r: Review) => r.criteria.filter((c) => !c.na && c.score !== null && c.score < 100);
  const disputable = reviews
    .filter((r) => r.agent_id && below(r).length > 0)
    .sort((a, b) => (a.agent_id === DEMO_AGENT ? 0 : 1) - (b.agent_id === DEMO_AGENT ? 0 : 1) || (a.qa_score ?? 0) - (b.qa_score ?? 0) || a.review_id.localeCompare(b.review_id));
  const outcomes: DisputeStatus[] = ['partly_accepted', 'open', 'accepted', 'rejected', 'open', 'accepted', 'rejected'];
  const disputes: Record<DisputeStatus, number> = { open: 0, accepted: 0, partly_accepted: 0, rejected: 0 };
  const upOne = (criterion: string, rating: string | null): string => {
    const ratings = scaleRatings(definitions.get(criterion)!.scale);
    if (rating === 'fail') return 'pass';
    const i = ratings.indexOf(rating ?? '');
    return ratings[Math.min(i + 1, ratings.length - 1)]!;
  };
  // the demo agent disputes two reviews (so their scorecard shows an open and an answered dispute), every other agent at most one
  const perAgent = new Map<string, number>();
  const chosen: Review[] = [];
  for (const r of disputable) {
    const n = perAgent.get(r.agent_id!) ?? 0;
    if (n >= (r.agent_id === DEMO_AGENT ? 2 : 1) || chosen.length === outcomes.length) continue;
    perAgent.set(r.agent_id!, n + 1);
    chosen.push(r);
  }
  for (const [i, review] of chosen.entries()) {
    const outcome = outcomes[i]!;
    const named = below(review).slice(0, outcome === 'partly_accepted' ? 2 : 1);
    if (outcome === 'partly_accepted' && named.length < 2) named.push(...review.criteria.filter((c) => !c.na && !named.includes(c)).slice(0, 1));
    const filedAt = after(review.created_at, 1 + rng.next(), now);
    const dispute = await fileDispute(
      db,
      {
        review_id: review.review_id,
        agent_id: review.agent_id!,
        criteria: named.map((c) => c.criterion),
        reason: pick(rng, [
          'The customer confirmed in the previous message that it was solved, so I closed it.',
          'I followed the macro we were told to use that week.',
          'The customer was verified earlier in the same conversation, by the bot.',
          'The long reply was the customer’s own request: they asked for every step at once.',
        ]),
      },
      filedAt,
    );
    disputes[outcome]++;
    if (outcome === 'open') continue;
    const changes =
      outcome === 'rejected' ? [] : named.slice(0, outcome === 'accepted' ? named.length : 1).map((c) => ({ criterion: c.criterion, rating: upOne(c.criterion, c.rating) }));
    await resolveDispute(
      db,
      {
        dispute_id: dispute.dispute_id,
        supervisor_id: DEMO_SUPERVISOR,
        decision: outcome,
        changes,
        note: {
          accepted: 'Agreed: the transcript shows it; regraded.',
          partly_accepted: 'Fair on the first point, regraded; the second grade stands.',
          rejected: 'The grade stands: the guidance asks for this in every conversation.',
        }[outcome],
      },
      after(filedAt, 1 + rng.next(), now),
    );
  }

  // 3. coaching: a note for the agents of the lowest-scored reviews, linked to them; most are acknowledged
  const worstByAgent = new Map<string, Review>();
  for (const r of [...reviews].sort((a, b) => (a.qa_score ?? 0) - (b.qa_score ?? 0) || a.review_id.localeCompare(b.review_id))) {
    if (r.agent_id && !worstByAgent.has(r.agent_id)) worstByAgent.set(r.agent_id, r);
  }
  const coached = [...worstByAgent.values()].sort((a, b) => (a.agent_id === DEMO_AGENT ? -1 : b.agent_id === DEMO_AGENT ? 1 : 0)).slice(0, 5);
  let coaching = 0;
  let acknowledged = 0;
  for (const [i, r] of coached.entries()) {
    const weak = below(r)[0];
    const at = after(r.created_at, 1.5, now);
    const note = await addCoaching(
      db,
      {
        agent_id: r.agent_id!,
        author_id: DEMO_SUPERVISOR,
        kind: i % 2 ? 'session' : 'note',
        body: weak
          ? `From your review of ${r.conversation_id}: ${definitions.get(weak.criterion)?.name ?? weak.criterion} — ${weak.comment ?? 'see the reviewer’s grade'} Let us go through two examples this week.`
          : `Your review of ${r.conversation_id} was good; keep checking with the customer before you close.`,
        review_ids: [r.review_id],
        metrics: ['qa_score', i % 2 ? 'reopen_rate' : 'fcr_rate'],
        ...(i % 2 ? { session_at: after(at, 2, now) } : {}),
      },
      at,
    );
    coaching++;
    if (i % 3 !== 2) {
      await acknowledgeCoaching(db, { coaching_id: note.coaching_id, agent_id: r.agent_id! }, after(at, 0.5, now));
      acknowledged++;
    }
  }
  // and a session the demo agent has yet to acknowledge, so the agent account has one to acknowledge
  if (worstByAgent.has(DEMO_AGENT)) {
    await addCoaching(
      db,
      {
        agent_id: DEMO_AGENT,
        author_id: DEMO_SUPERVISOR,
        kind: 'session',
        body: 'One-to-one on closing conversations: ask whether anything else is needed before you close, and say what happens next.',
        metrics: ['qa_score', 'reopen_rate'],
        session_at: new Date(now.getTime() + 2 * DAY),
      },
      new Date(now.getTime() - 6 * 3_600_000),
    );
    coaching++;
  }

  // 4. intent corrections: ana and ben set the intent of conversations they reviewed that the platform left unlabelled
  // (the demo reviewer's own list on the Intents page starts empty)
  const unlabelled = await db.all<{ source: string; conversation_id: string; intent: string }>(
    `select c.source, c.conversation_id, json_extract_string(c.metadata, '$.true_intent') as intent
     from raw_conversations c
     join (select unnest(cast($1 as json)::struct(source varchar, conversation_id varchar)[], recursive := true)) k using (source, conversation_id)
     where json_extract_string(c.metadata, '$.true_intent') is not null
     order by c.conversation_id
     limit 8`,
    [JSON.stringify(reviews.filter((r) => r.reviewer_id !== 'reviewer').map((r) => ({ source: r.source, conversation_id: r.conversation_id })))],
  );
  const byKey = new Map(reviews.filter((r) => r.reviewer_id !== 'reviewer').map((r) => [`${r.source}/${r.conversation_id}`, r]));
  for (const u of unlabelled) {
    const r = byKey.get(`${u.source}/${u.conversation_id}`)!;
    await recordIntentCorrection(db, {
      source: u.source,
      conversationId: u.conversation_id,
      intent: u.intent,
      correctedBy: r.reviewer_id,
      note: 'set while grading',
      at: r.created_at,
    });
  }

  return {
    samples: drawn.length,
    reviews: reviews.length,
    calibration_sessions: calibration.sessions,
    calibration_reviews: calibration.reviews,
    disputes,
    coaching,
    acknowledged,
    intent_corrections: unlabelled.length,
  };
}
