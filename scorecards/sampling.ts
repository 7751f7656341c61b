/**
 * Review samples: drawn in SQL (sampling-sql.ts), frozen when created,
 * assigned to reviewers round-robin with caps, and read back as each
 * reviewer's queue.
 *
 * @example
 *   const sample = await createSample(db, {
 *     name: 'October QA', cycle: '2026-10', seed: 42, rubric_id: 'messaging_default',
 *     filter: { from: '2026-10-01', to: '2026-10-31' }, backup: { from: '2026-09-01', to: '2026-10-31' },
 *     per_agent: 5, method: 'risk', reviewers: ['ana', 'ben'], reviewer_cap: 60,
 *   });
 *   const queue = await listQueue(db, { reviewer_id: 'ana' });
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { fromJson, tables, type QaSampleItems } from '../warehouse/tables.js';
import { getRubric } from './rubric-store.js';
import { parseSampleSpec, sampleSql, type SampleSpec, type SampleSpecInput } from './sampling-sql.js';
import { newId } from './ids.js';
import { ScorecardError } from './scorecard-error.js';

/** One conversation of a sample: its row of qa_sample_items. */
export type SampleItem = Omit<QaSampleItems, 'sample_id'>;

export interface Sample {
  sample_id: string;
  name: string;
  kind: 'review' | 'calibration';
  cycle: string;
  seed: string;
  rubric_id: string;
  rubric_version: number;
  spec: SampleSpec;
  created_by: string | null;
  created_at: Date;
  items: SampleItem[];
}

export interface SampleReport {
  sample: Sample;
  /** Agents whose quota the main and backup filters together could not fill: agent → conversations found. */
  short: Record<string, number>;
  /** Items left without a reviewer because every reviewer reached the cap. */
  unassigned: number;
}

/**
 * Round-robin assignment with caps: item i goes to the next reviewer in turn
 * who is under the cap and is not the conversation's own agent.
 *
 * @example
 *   assignReviewers([{ agent_id: 'a' }, { agent_id: 'b' }, { agent_id: 'c' }], ['x', 'y'], 1);
 *   // ['x', 'y', null]
 */
export function assignReviewers(items: ReadonlyArray<{ agent_id: string | null }>, reviewers: readonly string[], cap = Infinity): Array<string | null> {
  const load = new Map(reviewers.map((r) => [r, 0]));
  let turn = 0;
  return items.map((item) => {
    for (let tried = 0; tried < reviewers.length; tried++) {
      const r = reviewers[(turn + tried) % reviewers.length]!;
      if (load.get(r)! < cap && r !== item.agent_id) {
        load.set(r, load.get(r)! + 1);
        turn = (turn + tried + 1) % reviewers.length;
        return r;
      }
    }
    return null;
  });
}

/** Draws the sample rows for a spec without storing anything (a preview). */
export async function drawSample(db: Warehouse, spec: SampleSpec): Promise<Array<Omit<SampleItem, 'position' | 'reviewer_id'>>> {
  if (!(await tableExists(db, 'conversation_metrics', 'qa_autoqa'))) throw new ScorecardError(`the warehouse ${db.path} has no models yet: run \`parley build\` first`);
  const rubric = await getRubric(db, spec.rubric_id, spec.rubric_version);
  const query = sampleSql(spec, rubric.for ?? 'human_agents');
  return db.all(query.sql, query.params);
}

/** The roles whose accounts grade (the dashboard's `grade` permission). */
export const REVIEWER_ROLES = ['reviewer', 'supervisor', 'admin'] as const;

/** Refuses, in one line naming them, reviewers who are not active accounts that grade. */
export async function checkReviewers(db: Warehouse, reviewers: readonly string[]): Promise<void> {
  const rows = await tables(db)
    .selectFrom('accounts')
    .select(['username', 'role', 'disabled_at'])
    .where('username', 'in', [...reviewers])
    .execute();
  const found = new Map(rows.map((r) => [r.username, r]));
  const problems = reviewers.flatMap((name) => {
    const a = found.get(name);
    if (!a) return [`${name} (no such account)`];
    if (a.disabled_at) return [`${name} (disabled)`];
    if (!(REVIEWER_ROLES as readonly string[]).includes(a.role)) return [`${name} (a ${a.role}, who cannot grade)`];
    return [];
  });
  if (problems.length)
    throw new ScorecardError(
      `cannot assign reviews to ${problems.join(', ')}: reviewers must be active accounts with the role ${REVIEWER_ROLES.join(', ')} (see parley user list; add one with parley user add NAME --role reviewer)`,
    );
}

/**
 * Draws, assigns and stores a sample in one transaction. The sample is frozen:
 * nothing in the API changes its items afterwards. Its rubric version is pinned
 * (the latest when the spec names none).
 */
export async function createSample(db: Warehouse, input: SampleSpecInput, now = new Date()): Promise<SampleReport> {
  const spec = parseSampleSpec(input);
  const t = tables(db);
  return db.transaction(async () => {
    await checkReviewers(db, spec.reviewers);
    const rubric = await getRubric(db, spec.rubric_id, spec.rubric_version);
    const rows = await drawSample(db, spec);
    const reviewers = assignReviewers(rows, spec.reviewers, spec.reviewer_cap);
    const sampleId = newId('smp');
    const head = {
      sample_id: sampleId,
      name: spec.name,
      kind: spec.kind,
      cycle: spec.cycle,
      seed: spec.seed,
      rubric_id: spec.rubric_id,
      rubric_version: rubric.version,
      created_by: spec.created_by ?? null,
      created_at: now,
    };
    await t
      .insertInto('qa_samples')
      .values({ ...head, spec: JSON.stringify(spec) })
      .execute();
    const items: SampleItem[] = rows.map((r, i) => ({ ...r, position: i + 1, reviewer_id: reviewers[i] ?? null }));
    if (items.length) {
      // one statement for every item: the items travel as one JSON parameter
      await t
        .insertInto('qa_sample_items')
        .columns(['sample_id', 'position', 'source', 'conversation_id', 'agent_id', 'reviewer_id', 'tier', 'risk_weight'])
        .expression(
          sql`select ${sampleId}, t.position, t.source, t.conversation_id, t.agent_id, t.reviewer_id, t.tier, t.risk_weight
           from (
             select unnest(
               cast(${JSON.stringify(items)} as json)::struct(position integer, source varchar, conversation_id varchar, agent_id varchar, reviewer_id varchar, tier integer, risk_weight double)[],
               recursive := true
             )
           ) as t`,
        )
        .execute();
    }
    const short: Record<string, number> = {};
    if (spec.per_agent !== undefined) {
      const perAgent = new Map<string, number>();
      for (const r of rows) if (r.agent_id) perAgent.set(r.agent_id, (perAgent.get(r.agent_id) ?? 0) + 1);
      for (const [agent, n] of perAgent) if (n < spec.per_agent) short[agent] = n;
    }
    const sample: Sample = { ...head, spec, items };
    return { sample, short, unassigned: items.filter((i) => i.reviewer_id === null).length };
  });
}

/**
 * A stored sample with its items.
 *
 * @example
 *   const s = await getSample(db, 'smp_…'); s.items.length;
 */
export async function getSample(db: Warehouse, sampleId: string): Promise<Sample> {
  const t = tables(db);
  const row = await t.selectFrom('qa_samples').selectAll().where('sample_id', '=', sampleId).executeTakeFirst();
  if (!row) throw new ScorecardError(`no sample ${sampleId}: check the id (parley sample list)`, 'not_found');
  const items = await t
    .selectFrom('qa_sample_items')
    .select(['position', 'source', 'conversation_id', 'agent_id', 'reviewer_id', 'tier', 'risk_weight'])
    .where('sample_id', '=', sampleId)
    .orderBy('position')
    .execute();
  return { ...row, kind: row.kind as Sample['kind'], spec: fromJson<SampleSpec>(row.spec), items };
}

export interface SampleSummary {
  sample_id: string;
  name: string;
  kind: string;
  cycle: string;
  rubric_id: string;
  rubric_version: number;
  created_at: Date;
  items: number;
  reviewed: number;
}

/** Every sample, newest first, with its progress. */
export async function listSamples(db: Warehouse): Promise<SampleSummary[]> {
  return tables(db)
    .selectFrom('qa_samples as s')
    .select(['s.sample_id', 's.name', 's.kind', 's.cycle', 's.rubric_id', 's.rubric_version', 's.created_at'])
    .select(sql<number>`(select count(*) from qa_sample_items i where i.sample_id = s.sample_id)::integer`.as('items'))
    .select(sql<number>`(select count(*) from qa_reviews r where r.sample_id = s.sample_id and r.kind = 'review')::integer`.as('reviewed'))
    .orderBy('s.created_at', 'desc')
    .orderBy('s.sample_id')
    .execute();
}

export const queueFilterSchema = z.strictObject({
  reviewer_id: z.string().min(1),
  sample_id: z.string().min(1).optional(),
  /** Include items already reviewed (default: only those still to grade). */
  include_done: z.boolean().default(false),
});
export type QueueFilter = z.input<typeof queueFilterSchema>;

export interface QueueItem extends SampleItem {
  sample_id: string;
  sample_name: string;
  rubric_id: string;
  rubric_version: number;
  created_at: Date | null;
  channel: string | null;
  intent: string | null;
  review_id: string | null;
}

/**
 * A reviewer's queue: sample items assigned to them (or to nobody) that
 * still need a review, oldest sample first.
 *
 * @example
 *   const todo = await listQueue(db, { reviewer_id: 'ana' });
 */
export async function listQueue(db: Warehouse, filter: QueueFilter): Promise<QueueItem[]> {
  const f = queueFilterSchema.parse(filter);
  const metrics = (await tableExists(db, 'conversation_metrics'))
    ? 'left join conversation_metrics m on m.source = i.source and m.conversation_id = i.conversation_id'
    : 'left join (select null::varchar as source, null::varchar as conversation_id, null::timestamptz as created_at, null::varchar as channel, null::varchar as intent) m on false';
  return db.all<QueueItem & Record<string, unknown>>(
    `select i.sample_id, s.name as sample_name, s.rubric_id, s.rubric_version, i.position, i.source, i.conversation_id, i.agent_id,
       i.reviewer_id, i.tier, i.risk_weight, m.created_at, m.channel, m.intent, r.review_id
     from qa_sample_items i
     join qa_samples s on s.sample_id = i.sample_id
     ${metrics}
     left join qa_reviews r on r.sample_id = i.sample_id and r.source = i.source and r.conversation_id = i.conversation_id and r.kind = 'review'
     where (i.reviewer_id = $1 or i.reviewer_id is null)
       and ($2::varchar is null or i.sample_id = $2)
       and ($3 or r.review_id is null)
     order by s.created_at, i.sample_id, i.position`,
    [f.reviewer_id, f.sample_id ?? null, f.include_done],
  );
}

/**
 * How many reviews give a margin of error of ±`margin` qa_score points at
 * the given confidence (default 95%): n₀ = (z·σ ÷ margin)², with the
 * finite-population correction when `population` (conversations handled) is
 * given. σ defaults to 15 points when no past reviews tell otherwise.
 *
 * @example
 *   sampleSize({ margin: 5 });                   // 35  (1.96 × 15 ÷ 5 = 5.88, squared 34.6)
 *   sampleSize({ margin: 5, population: 120 });  // 28
 */
export function sampleSize(options: { margin: number; sd?: number; population?: number; confidence?: 0.9 | 0.95 | 0.99 }): number {
  const z = { 0.9: 1.6449, 0.95: 1.96, 0.99: 2.5758 }[options.confidence ?? 0.95];
  const sd = options.sd ?? 15;
  if (!(options.margin > 0)) throw new ScorecardError('the margin of error must be a positive number of qa_score points');
  if (!(sd >= 0)) throw new ScorecardError('the standard deviation must be zero or more');
  const n0 = ((z * sd) / options.margin) ** 2;
  const n = options.population ? n0 / (1 + (n0 - 1) / options.population) : n0;
  return Math.max(1, Math.ceil(n - 1e-9));
}

/**
 * The standard deviation of qa_score over an agent's or team's past reviews
 * (null with fewer than two), to feed {@link sampleSize}.
 *
 * @example
 *   const sd = await qaScoreSpread(db, { agent_id: 'agent-07' });
 */
export async function qaScoreSpread(db: Warehouse, group: { agent_id?: string; team?: string }): Promise<{ sd: number | null; reviews: number }> {
  const row = await db.one<{ sd: number | null; reviews: number }>(
    `select stddev_samp(r.qa_score) as sd, count(r.qa_score)::integer as reviews
     from qa_reviews r
     left join raw_agents g on g.agent_id = r.agent_id
     where r.kind = 'review'
       and ($1::varchar is null or r.agent_id = $1)
       and ($2::varchar is null or g.team = $2)`,
    [group.agent_id ?? null, group.team ?? null],
  );
  return { sd: row?.sd ?? null, reviews: row?.reviews ?? 0 };
}
