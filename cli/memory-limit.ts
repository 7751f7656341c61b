/**
 * `--memory-limit SIZE` of the commands that run big DuckDB work (`parley build`):
 * the size checked, then DuckDB's `memory_limit` set and its `temp_directory`
 * pointed beside the warehouse, so work beyond the limit spills to disk.
 *
 * @example
 *   await applyMemoryLimit(db, memoryLimitOption(this, values['memory-limit']));
 */
import path from 'node:path';
import type { Warehouse } from '../warehouse/connection.js';
import { sqlString } from '../warehouse/sql-literal.js';
import { UsageError, type Command } from './command.js';

/** The size as DuckDB takes it (2GB, 512MB, 1.5GiB), or undefined when the flag was not given. */
export function memoryLimitOption(command: Command, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const size = String(value).trim();
  if (!/^\d+(\.\d+)?\s*(MB|GB|TB|MiB|GiB|TiB)$/i.test(size)) {
    throw new UsageError(`--memory-limit takes a size such as 2GB or 512MB (got "${size}")`, command.name);
  }
  return size;
}

/** Sets DuckDB's memory_limit and, for a warehouse file, its temp_directory (FILE.tmp, beside it). */
export async function applyMemoryLimit(db: Warehouse, size: string): Promise<void> {
  await db.run(`set memory_limit = '${size}'`);
  if (db.path !== ':memory:') await db.run(`set temp_directory = ${sqlString(`${path.resolve(db.path)}.tmp`)}`);
}
