/**
 * The `live` section of parley.config.yaml: how many conversations an agent
 * may hold active at once before the live page (/live) shows them overloaded,
 * with a limit per team where it differs.
 *
 * @example
 *   live:
 *     concurrency: 3               # default 3
 *     teams: { Billing: 5 }        # agents of the Billing team may hold 5
 */
import { z } from 'zod';

const limit = z
  .number({ error: 'a concurrency limit is a whole number of conversations' })
  .int({ error: 'a concurrency limit is a whole number of conversations' })
  .positive({ error: 'a concurrency limit is at least 1' });

export const liveSchema = z
  .object({
    concurrency: limit.default(3),
    teams: z.record(z.string(), limit).default({}),
  })
  .strict();

export type LiveConfig = z.infer<typeof liveSchema>;
export const DEFAULT_LIVE: LiveConfig = { concurrency: 3, teams: {} };
