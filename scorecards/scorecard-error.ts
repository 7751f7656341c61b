/**
 * The one error type the scorecards API throws for refused requests.
 *
 * @example
 *   throw new ScorecardError(`no review ${id}`, 'not_found');
 */

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
