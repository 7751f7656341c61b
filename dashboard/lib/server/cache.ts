/**
 * Query results the dashboard keeps in memory, in a bounded LRU cache keyed
 * by the warehouse's data generation (`db.generation()`): the server process
 * owns the warehouse file and every write goes through its main connection —
 * a build, a load or an insights build handed over by the CLI, a saved
 * review — which bumps the generation when it ends. The next request then
 * misses and reads the committed data, and the old entries are dropped.
 *
 * @example
 *   const rows = await cachedAll(db, 'select * from qa_autoqa where conversation_id = $1', [id]);
 */
import type { Params, Row, Warehouse } from '../../../warehouse/connection.js';

const MAX_ENTRIES = 2_000;
const cache = new Map<string, Promise<unknown>>();
let cachedGeneration = '';

/**
 * The value of `fn` for `key`, computed once per data generation (LRU): the
 * first request after a build, a load or any write computes it again.
 */
export function memo<T>(db: Warehouse, key: string, fn: () => Promise<T>): Promise<T> {
  const generation = `${db.path}\u0000${db.generation()}`;
  if (generation !== cachedGeneration) {
    cache.clear();
    cachedGeneration = generation;
  }
  const full = `${generation}\u0000${key}`;
  const hit = cache.get(full);
  if (hit) {
    cache.delete(full);
    cache.set(full, hit);
    return hit as Promise<T>;
  }
  const pending = fn();
  cache.set(full, pending);
  pending.catch(() => cache.delete(full));
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return pending;
}

/** A read, cached until the data change (LRU). */
export function cachedAll<T extends Row = Row>(db: Warehouse, sql: string, params: Params = []): Promise<T[]> {
  return memo(db, `sql\u0000${sql}\u0000${JSON.stringify(params)}`, () => db.all<T>(sql, params));
}
