/**
 * What a dashboard form action answers: done with a message, or refused with
 * one (a ScorecardError's or an AccountError's line).
 *
 * @example
 *   return attempt(async () => { await addCoaching(db, input); return 'Coaching note saved.'; });
 */
import { ScorecardError } from '../../../scorecards/index.js';
import { AccountError } from '../../../accounts/index.js';

export type Outcome = { ok: true; message: string } | { ok: false; message: string };

/** Runs `fn`; a ScorecardError or AccountError becomes a refusal, anything else is thrown on. */
export async function attempt(fn: () => Promise<string>): Promise<Outcome> {
  try {
    return { ok: true, message: await fn() };
  } catch (error) {
    if (error instanceof ScorecardError || error instanceof AccountError) return { ok: false, message: error.message };
    throw error;
  }
}
