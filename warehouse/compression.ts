/**
 * DuckDB's FSST string compression, turned off for a bulk write. Choosing
 * FSST for every string column of a table costs the writer a large share of
 * the write: ingest's raw tables
 * (about a fifth of a first load) and the build's marts (README, benchmarks).
 * Compression is lossless: nothing read changes, only the file's size.
 */
import type { Warehouse } from './connection.js';
import { sqlString } from './sql-literal.js';

/**
 * Adds FSST to DuckDB's `disabled_compression_methods` and returns how to
 * set it back to what it was. The setting is the database's (DuckDB has no
 * per-session one): set it for the write and its commit, and restore it
 * after, also when the write fails.
 *
 * @example
 *   const restore = await withoutCompression(db);
 *   try { await write(); } finally { await restore(); }
 */
export async function withoutCompression(db: Warehouse): Promise<() => Promise<void>> {
  const before = (await db.one<{ v: string }>("select current_setting('disabled_compression_methods') as v"))?.v ?? '';
  const disabled = before.split(',').filter((m) => m.trim());
  if (disabled.some((m) => m.trim().toLowerCase() === 'fsst')) return async () => undefined;
  await db.run(`set disabled_compression_methods = ${sqlString([...disabled, 'fsst'].join(','))}`);
  return () => db.run(`set disabled_compression_methods = ${sqlString(before)}`);
}
