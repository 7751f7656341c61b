/**
 * What the scorecard commands (rubrics, sample, scorecard) share: the
 * scorecards module, loaded when one of them runs so that the other
 * commands start fast, and its refusals as one-line command errors.
 */
import { CommandError } from './command.js';
import type * as Scorecards from '../scorecards/index.js';
import type { Warehouse } from '../warehouse/connection.js';

let module: typeof Scorecards | undefined;
/** The scorecards module, loaded when a scorecard command runs so that the others start fast. */
export async function scorecards(): Promise<typeof Scorecards> {
  return (module ??= await import('../scorecards/index.js'));
}

/** Runs scorecard work, turning its refusals into one-line command errors. */
export async function refusals<T>(fn: () => Promise<T>): Promise<T> {
  const { ScorecardError, RubricError } = await scorecards();
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ScorecardError || error instanceof RubricError) throw new CommandError(error.message);
    throw error;
  }
}

/** The default rubric is registered on first use (unchanged content keeps its version). */
export async function ensureDefaultRubric(db: Warehouse, now = new Date()): Promise<void> {
  const { registerRubric, defaultRubric } = await scorecards();
  await registerRubric(db, defaultRubric(), now);
}
