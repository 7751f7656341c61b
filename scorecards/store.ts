/**
 * Small helpers shared by the scorecard stores: ids, clocks, arrays as
 * parameters, and the one error type the API throws for refused requests.
 *
 * @example
 *   const id = newId('rev'); // 'rev_5f0c…'
 */
import { randomUUID } from 'node:crypto';

/** A request the scorecards refuse (unknown id, wrong state, bad grade): one line saying what to do. */
export class ScorecardError extends Error {
  constructor(
    message: string,
    /** 'not_found' | 'conflict' | 'invalid' — for the dashboard's HTTP status. */
    readonly kind: 'not_found' | 'conflict' | 'invalid' = 'invalid',
  ) {
    super(message);
    this.name = 'ScorecardError';
  }
}

/** A fresh id with a readable prefix. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** A varchar[] parameter: pass JSON, cast in SQL with `cast($n as json)::varchar[]`. */
export function textArray(values: readonly string[]): string {
  return JSON.stringify(values);
}

/** A JSON column as the warehouse returns it (text) → value. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
