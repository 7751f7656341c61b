/**
 * What `parley demo` seeds into a warehouse it filled with generated data
 * itself: the accounts, one per role, all with the password the README
 * states, and the QA to start from (the default rubric and a review sample).
 *
 * @example
 *   await seedDemoAccounts(db); // ['admin', 'supervisor', ...]
 *   await seedDemoQa(db, now);
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';
import { accountNames, addAccount, type Role } from '../accounts/index.js';
import { defaultRubric, registerRubric, createSample } from '../scorecards/index.js';
import { buildInsights } from '../insights/build.js';
import { seedDemoQaWork, type QaWorkSummary } from './qa-work.js';

export const DEMO_PASSWORD = 'parley-demo';

/** The agent account sees the scorecard of the first demo agent (Amara Okafor, Tier 1 EMEA). */
export const DEMO_ACCOUNTS: readonly { username: string; role: Role; agentId?: string }[] = [
  { username: 'admin', role: 'admin' },
  { username: 'supervisor', role: 'supervisor' },
  { username: 'reviewer', role: 'reviewer' },
  { username: 'leadership', role: 'leadership' },
  { username: 'product', role: 'product' },
  { username: 'agent', role: 'agent', agentId: 'agt_001' },
  // two more reviewers, so that the seeded QA work (demo/qa-work.ts) has several reviewers to compare and calibrate
  { username: 'ana', role: 'reviewer' },
  { username: 'ben', role: 'reviewer' },
];

/** Creates the demo accounts that do not exist yet, marked as demo accounts (accounts/demo-accounts.ts disables them when real data arrive). */
export async function seedDemoAccounts(db: Warehouse, now = new Date()): Promise<string[]> {
  const existing = new Set(await accountNames(db));
  const made: string[] = [];
  for (const a of DEMO_ACCOUNTS) {
    if (existing.has(a.username)) continue;
    await addAccount(db, { username: a.username, password: DEMO_PASSWORD, role: a.role, agentId: a.agentId ?? null, demo: true }, now);
    made.push(a.username);
  }
  return made;
}

/** True when the warehouse holds a QA sample (a demo made before its QA existed holds none). */
export async function hasSamples(db: Warehouse): Promise<boolean> {
  return (await tables(db).selectFrom('qa_samples').select('sample_id').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * The demo's QA: the default rubric registered, a review sample of 20
 * recent conversations in the queues of the demo reviewer and supervisor,
 * the weeks of QA work before it (demo/qa-work.ts: reviews, calibrations,
 * disputes, coaching, intent corrections), and the insights built over it all
 * (the Pain points page). Resolves to what was seeded and the seconds each part took.
 */
export async function seedDemoQa(db: Warehouse, now = new Date()): Promise<{ work: QaWorkSummary; workSeconds: number; insightsSeconds: number }> {
  const { rubric_id } = await registerRubric(db, defaultRubric(), now);
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
  await createSample(
    db,
    {
      name: 'Demo weekly review',
      cycle: to.slice(0, 7),
      seed: 42,
      rubric_id,
      method: 'random',
      size: 20,
      filter: { match: 'all', from, to },
      reviewers: ['reviewer', 'supervisor'],
      created_by: 'supervisor',
    },
    now,
  );
  let t = performance.now();
  const work = await seedDemoQaWork(db, { now, rubricId: rubric_id });
  const workSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await buildInsights(db, { now });
  return { work, workSeconds, insightsSeconds: (performance.now() - t) / 1000 };
}
