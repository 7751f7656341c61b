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
import type { Warehouse } from '../warehouse/connection.js';
import { validateRubric, type Rubric } from './rubric-schema.js';
import { fromJson, ScorecardError } from './store.js';

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
  return db.transaction(async () => {
    const latest = await db.one<{ version: number; digest: string }>(
      'select version, digest from qa_rubrics where rubric_id = $1 order by version desc limit 1',
      [valid.id],
    );
    if (latest && latest.digest === digest) return { rubric_id: valid.id, version: latest.version, created: false };
    const version = (latest?.version ?? 0) + 1;
    await db.run('insert into qa_rubrics values ($1, $2, $3, $4, $5, $6)', [valid.id, version, valid.name, JSON.stringify(valid), digest, now]);
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
  const row = await db.one<{ definition: unknown; version: number }>(
    version === undefined
      ? 'select definition, version from qa_rubrics where rubric_id = $1 order by version desc limit 1'
      : 'select definition, version from qa_rubrics where rubric_id = $1 and version = $2',
    version === undefined ? [rubricId] : [rubricId, version],
  );
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
  return db.all<RubricVersion & Record<string, unknown>>(
    `select r.rubric_id, r.version, r.name, r.created_at, count(v.review_id)::integer as reviews
     from qa_rubrics r
     left join qa_reviews v on v.rubric_id = r.rubric_id and v.rubric_version = r.version
     group by all
     order by r.rubric_id, r.version`,
  );
}
