/**
 * Ids of the rows the scorecards write: a readable prefix and 16 hex digits.
 *
 * @example
 *   const id = newId('rev'); // 'rev_5f0c…'
 */
import { randomUUID } from 'node:crypto';

/** A fresh id with a readable prefix. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}
