/**
 * Versioned schema migrations. Each file in `warehouse/migrations/` is
 * `NNN-name.sql`; a warehouse records the versions it has in
 * `schema_migrations`, and opening it with a newer Parley applies every
 * missing one in order, each in its own transaction, so an older warehouse
 * is upgraded in place and keeps its data.
 *
 * @example
 *   const applied = await migrate(db); // [] when already current
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { asset } from './assets.js';
import type { Warehouse } from './connection.js';
import { tableExists } from './table-exists.js';

const MIGRATIONS_DIR = asset('warehouse', 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations shipped with this version of Parley, in order. */
export function migrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-.+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: readFileSync(path.join(dir, f), 'utf8'),
    }));
}

export const LATEST_VERSION = Math.max(...migrations().map((m) => m.version));

/** The schema version of a warehouse (0 for a new, empty file). */
export async function schemaVersion(db: Warehouse): Promise<number> {
  if (!(await tableExists(db, 'schema_migrations'))) return 0;
  const row = await db.one<{ v: number | null }>('select max(version) as v from schema_migrations');
  return row?.v ?? 0;
}

/**
 * Applies every migration the warehouse lacks, up to `to` (default: the
 * latest). Returns the versions applied.
 */
export async function migrate(db: Warehouse, to = LATEST_VERSION, now = new Date()): Promise<number[]> {
  await db.run('create table if not exists schema_migrations (version integer not null, name varchar not null, applied_at timestamptz not null)');
  const current = await schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new Error(`the warehouse ${db.path} has schema version ${current}, newer than this Parley knows (${LATEST_VERSION}): upgrade Parley`);
  }
  // every shipped migration the warehouse lacks, not only those above its highest:
  // a warehouse may hold a later version without an earlier one
  const have = new Set((await db.all<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
  const applied: number[] = [];
  for (const m of migrations()) {
    if (have.has(m.version) || m.version > to) continue;
    await db.transaction(async () => {
      await db.run(m.sql);
      await db.run('insert into schema_migrations values ($1, $2, $3::timestamptz)', [m.version, m.name, now.toISOString()]);
    });
    applied.push(m.version);
  }
  return applied;
}
