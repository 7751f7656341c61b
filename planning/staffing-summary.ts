/**
 * Staffing rows summed up for people: per day (peak agents, agent hours,
 * lowest service level) and per concurrency (the effect of holding 2–5
 * conversations at once), as the Planning page and the monthly report show
 * them.
 *
 * @example
 *   summariseDays(plan.rows, ['2026-12-01', …], 48, 0.5); // [{ date, conversations, peakAgents, agentHours, lowestServiceLevel }, …]
 *   concurrencyEffect(plan.rows, 3, 0.5);                  // { concurrency: 3, peakAgents: 13, agentHours: 130.5, occupancy: 0.47 }
 */
import type { StaffingRow } from './plan.js';

export interface StaffingDay {
  date: string;
  conversations: number;
  peakAgents: number;
  /** Σ agents × interval length, hours. */
  agentHours: number;
  /** The lowest service level of an interval with conversations. */
  lowestServiceLevel: number | null;
}

export interface ConcurrencyEffect {
  concurrency: number;
  peakAgents: number;
  agentHours: number;
  /** Occupancy weighted by load: Σ A ÷ Σ s over the intervals with conversations. */
  occupancy: number | null;
}

/** One row per day of `dates` (rows hold `slotsPerDay` intervals a day, in order). */
export function summariseDays(rows: readonly StaffingRow[], dates: readonly string[], slotsPerDay: number, intervalHours: number): StaffingDay[] {
  return dates.map((date, d) => {
    const day = rows.slice(d * slotsPerDay, (d + 1) * slotsPerDay);
    const busy = day.filter((r) => r.conversations > 0);
    return {
      date,
      conversations: day.reduce((s, r) => s + r.conversations, 0),
      peakAgents: Math.max(0, ...day.map((r) => r.agents)),
      agentHours: day.reduce((s, r) => s + r.agents, 0) * intervalHours,
      lowestServiceLevel: busy.length ? Math.min(...busy.map((r) => r.service_level)) : null,
    };
  });
}

export function concurrencyEffect(rows: readonly StaffingRow[], concurrency: number, intervalHours: number): ConcurrencyEffect {
  // occupancy = A ÷ s per interval and A is proportional to the conversations, so the
  // load-weighted mean Σ A ÷ Σ s is Σ conversations ÷ Σ (conversations ÷ occupancy)
  const busy = rows.filter((r) => r.conversations > 0 && r.occupancy > 0);
  const conversations = busy.reduce((s, r) => s + r.conversations, 0);
  const servers = busy.reduce((s, r) => s + r.conversations / r.occupancy, 0);
  return {
    concurrency,
    peakAgents: Math.max(0, ...rows.map((r) => r.agents)),
    agentHours: rows.reduce((s, r) => s + r.agents, 0) * intervalHours,
    occupancy: servers > 0 ? conversations / servers : null,
  };
}
