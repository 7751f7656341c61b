/**
 * Test harness for scorecards: an in-memory warehouse with hand-written
 * conversations of three agents (models built, the default rubric
 * registered), through the real loader and models.
 *
 * @example
 *   const w = await scorecardWarehouse({ perAgent: 6 });
 *   await saveReview(w.db, { ... }, TEST_NOW);
 *   w.close();
 */
import { TEST_NOW } from './clock.js';
import { addAccount } from '../accounts/accounts.js';
import type { Warehouse } from '../warehouse/connection.js';
import { registerRubric } from '../scorecards/rubric-store.js';
import { defaultRubric } from '../scorecards/rubrics.js';
import { agent, assign, conversation, csat, customer, escalate, horizon, status, type Item } from './fixtures.js';
import { testWarehouse, type TestWarehouse } from './warehouse.js';

export const AGENTS = [
  { agent_id: 'a1', name: 'Ada', team: 'billing' },
  { agent_id: 'a2', name: 'Ben', team: 'billing' },
  { agent_id: 'a3', name: 'Cy', team: 'tech' },
];

export interface FixtureOptions {
  /** conversations per agent in October 2026 (default 6) */
  perAgent?: number;
  /** every n-th conversation is escalated (risk signal) */
  escalateEvery?: number;
  /** extra conversations */
  extra?: object[];
  /** reviewer accounts to add, so samples may be assigned to them (default r1, r2) */
  reviewers?: readonly string[];
  /** reader connections, as the server has them (reads then leave the data generation, and so the dashboard's caches, as they are) */
  readers?: number;
}

/** Accounts with the role reviewer: samples are assigned only to accounts that grade. */
export async function addReviewers(db: Warehouse, names: readonly string[]): Promise<void> {
  for (const username of names) await addAccount(db, { username, password: 'a reviewer password', role: 'reviewer' }, TEST_NOW);
}

/** Conversation `<agent>-<n>`: day n of October, a greeting, an answer, resolved. */
export function fixtureConversations(options: FixtureOptions = {}): object[] {
  const out: object[] = [];
  const perAgent = options.perAgent ?? 6;
  for (const a of AGENTS) {
    for (let n = 1; n <= perAgent; n++) {
      const day = `2026-10-${String(1 + ((n - 1) % 28)).padStart(2, '0')}`;
      const at = (hhmm: string) => `${day}T${hhmm}:00Z`;
      const items: Item[] = [
        customer(at('09:00'), 'my invoice shows the wrong amount'),
        assign(at('09:01'), { agent_id: a.agent_id, team: a.team }),
        agent(at('09:05'), a.agent_id, { body: `Hi there, thanks for reaching out! I'm sorry about the invoice. I fixed the amount.` }),
        agent(at('09:06'), a.agent_id, { body: 'Is there anything else I can help you with?' }),
      ];
      if (options.escalateEvery && n % options.escalateEvery === 0) items.push(escalate(at('09:07')));
      items.push(status(at('09:10'), 'resolved'), csat(at('09:20'), 5, [1, 5]));
      out.push(conversation(`${a.agent_id}-${n}`, items, { intent: 'billing' }));
    }
  }
  return [...out, ...(options.extra ?? []), horizon('2026-12-31T00:00:00Z')];
}

/** The fixture warehouse with the default rubric registered. */
export async function scorecardWarehouse(options: FixtureOptions = {}): Promise<TestWarehouse> {
  const w = await testWarehouse({
    records: fixtureConversations(options),
    agents: AGENTS.map(({ agent_id, ...rest }) => ({ id: agent_id, ...rest })),
    // a fixed load time, so the horizon conversation is never "in the future"
    now: new Date('2027-01-15T00:00:00Z'),
    build: true,
    ...(options.readers ? { readers: options.readers } : {}),
  });
  await registerRubric(w.db, defaultRubric(), TEST_NOW);
  await addReviewers(w.db, options.reviewers ?? ['r1', 'r2']);
  return w;
}

/** A full set of grades on the default rubric (all top marks unless overridden). */
export function gradesFor(overrides: Record<string, string | number | 'n/a'> = {}) {
  const top: Record<string, string | number> = {
    understanding: 4,
    accuracy: 'pass',
    process: 'pass',
    clarity: 4,
    tone_empathy: 5,
    proactive_guidance: 'Done',
    closure: 'pass',
  };
  return Object.entries({ ...top, ...overrides }).map(([criterion, rating]) => (rating === 'n/a' ? { criterion, na: true } : { criterion, rating }));
}
