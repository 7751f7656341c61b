/**
 * The demo's customer outcomes (`outcomes.jsonl`): whether a customer churned,
 * renewed or expanded, drawn from how their conversations went so that the
 * retention mart has something true to find. A resolved conversation that went
 * badly (reopened, transferred, slow, poorly rated: `troubled`) makes a churn
 * within the next 5–85 days likelier than one that went well; a customer churns
 * at most once. Every customer seen and not churned renews in the last 60 days
 * of the data, some expanding. Its own random stream (from the seed), so the
 * conversations are the same with or without it.
 *
 * @example
 *   const outcomes = demoOutcomes(7, 'demo', endSec);
 *   outcomes.seen('cus_000012', firstResolution, troubled); // after each conversation
 *   outcomes.jsonl(); // '{"customer_id":"cus_000012","source":"demo","event":"churned","at":"…"}\n…'
 */
import { createRng, hash32 } from './random.js';

/** Chance that a resolved conversation is followed by its customer's churn within 90 days. */
export const CHURN_AFTER = { smooth: 0.03, troubled: 0.11 } as const;
const DAY = 86_400;

export interface DemoOutcomes {
  /** Records a conversation of `customerId` first resolved at `firstResolution` (epoch s; null: not resolved). */
  seen(customerId: string, firstResolution: number | null, troubled: boolean): void;
  /** The outcomes as JSON Lines, in time order. */
  jsonl(): string;
}

export function demoOutcomes(seed: number, source: string, endSec: number): DemoOutcomes {
  const rng = createRng(hash32(seed, 0x0c7c0e));
  const churnedAt = new Map<string, number>();
  const troubles = new Map<string, number>();
  return {
    seen(customerId, firstResolution, troubled) {
      if (!troubles.has(customerId)) troubles.set(customerId, 0);
      if (troubled) troubles.set(customerId, troubles.get(customerId)! + 1);
      if (firstResolution === null || churnedAt.has(customerId)) return;
      if (!rng.chance(troubled ? CHURN_AFTER.troubled : CHURN_AFTER.smooth)) return;
      const at = firstResolution + Math.round((5 + 80 * rng.next()) * DAY);
      if (at <= endSec) churnedAt.set(customerId, at);
    },
    jsonl() {
      const rows: { customer_id: string; event: string; at: number }[] = [];
      for (const [customerId, bad] of troubles) {
        const churned = churnedAt.get(customerId);
        if (churned !== undefined) {
          rows.push({ customer_id: customerId, event: 'churned', at: churned });
          continue;
        }
        const renewed = endSec - Math.round(60 * rng.next() * DAY);
        rows.push({ customer_id: customerId, event: 'renewed', at: renewed });
        if (rng.chance(bad === 0 ? 0.2 : 0.08)) rows.push({ customer_id: customerId, event: 'expanded', at: renewed });
      }
      rows.sort((a, b) => a.at - b.at || (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0) || (a.event < b.event ? -1 : 1));
      return (
        rows.map((r) => JSON.stringify({ customer_id: r.customer_id, source, event: r.event, at: new Date(r.at * 1000).toISOString() })).join('\n') + (rows.length ? '\n' : '')
      );
    },
  };
}
