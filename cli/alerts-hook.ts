/**
 * The alert rules evaluated after a command changed what they read: `parley
 * build` (the marts) and `parley insights build` (the emerging topics). The
 * jobs of `parley serve` run these commands (service/jobs.ts), so a build or
 * insights job evaluates them too. It returns the line that says what fired
 * (for the command to print after its own, '' when nothing did); a channel
 * that failed is a warning on stderr, never a failed command.
 *
 * @example
 *   const line = await evaluateAlerts(db, config, io);
 */
import { alertSummary, runAlerts } from '../alerts/run.js';
import type { ParleyConfig } from '../models/config.js';
import type { Warehouse } from '../warehouse/connection.js';
import type { Io } from './command.js';

export async function evaluateAlerts(db: Warehouse, config: ParleyConfig, io: Io): Promise<string> {
  if (!config.alerts) return '';
  try {
    const r = await runAlerts(db, config, { ...(io.now ? { now: io.now } : {}), env: io.env });
    for (const p of r.problems) io.err.write(`warning: ${p}\n`);
    return alertSummary(r);
  } catch (error) {
    io.err.write(`warning: alerts: the rules could not be evaluated: ${(error as Error).message.split('\n')[0]}\n`);
    return '';
  }
}
