/**
 * Rubric versions in the warehouse (`qa_rubrics`). A version never changes:
 * registering a rubric whose content differs from its latest version makes a
 * new version; registering the same content again returns the existing one.
 * Every review and sample is pinned to (rubric_id, version).
 *
 * @example
 *   const { rubric_id, version } = await registerRubric(db, defaultRubric());
 *   const rubric = await getRubric(db, rubric_id, version);
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/connection.js';
import { fromJson, tables } from '../warehouse/tables.js';
import { validateRubric, type Rubric } from './rubric-schema.js';
import { ScorecardError } from './scorecard-error.js';

export interface RubricVersion {
  rubric_id: string;
  version: number;
  name: string;
  created_at: Date;
  /** Reviews pinned to this version. */
  reviews: number;
}

function digestOf(rubric: Rubric): string {
  return createHash('sha256').update(JSON.stringify(rubric)).digest('hex');
}

/** Stores the rubric as a new version unless its latest version has the same content. */
export async function registerRubric(db: Warehouse, rubric: Rubric, now = new Date()): Promise<{ rubric_id: string; version: number; created: boolean }> {
  const valid = validateRubric(rubric, `rubric ${rubric.id}`);
  const digest = digestOf(valid);
  const t = tables(db);
  return db.transaction(async () => {
    const latest = await t.selectFrom('qa_rubrics').select(['version', 'digest']).where('rubric_id', '=', valid.id).orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (latest && latest.digest === digest) return { rubric_id: valid.id, version: latest.version, created: false };
    const version = (latest?.version ?? 0) + 1;
    await t
      .insertInto('qa_rubrics')
      .values({ rubric_id: valid.id, version, name: valid.name, definition: JSON.stringify(valid), digest, created_at: now })
      .execute();
    return { rubric_id: valid.id, version, created: true };
  });
}

/**
 * One rubric version (the latest when `version` is omitted).
 *
 * @example
 *   const r = await getRubric(db, 'messaging_default'); // latest version
 */
export async function getRubric(db: Warehouse, rubricId: string, version?: number): Promise<Rubric & { version: number }> {
  const row = await tables(db)
    .selectFrom('qa_rubrics')
    .select(['definition', 'version'])
    .where('rubric_id', '=', rubricId)
    .$if(version !== undefined, (q) => q.where('version', '=', version!))
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) {
    throw new ScorecardError(
      `no rubric ${rubricId}${version === undefined ? '' : ` version ${version}`} in the warehouse: register it first (parley rubrics add FILE)`,
      'not_found',
    );
  }
  return { ...fromJson<Rubric>(row.definition), version: row.version };
}

/** Every rubric version with how many reviews use it. */
export async function listRubrics(db: Warehouse): Promise<RubricVersion[]> {
  return tables(db)
    .selectFrom('qa_rubrics as r')
    .leftJoin('qa_reviews as v', (join) => join.onRef('v.rubric_id', '=', 'r.rubric_id').onRef('v.rubric_version', '=', 'r.version'))
    .select(['r.rubric_id', 'r.version', 'r.name', 'r.created_at', sql<number>`count(v.review_id)::integer`.as('reviews')])
    .groupBy(['r.rubric_id', 'r.version', 'r.name', 'r.created_at'])
    .orderBy('r.rubric_id')
    .orderBy('r.version')
    .execute();
}
