/**
 * Agents needed per interval (issue 16, item 2), exactly: λ = forecast
 * conversations in the interval ÷ its length in seconds; A = λ·h; N agents at
 * concurrency c are s = N·c servers; SL = 1 − C(s, A)·e^(−(s − A)·t/h) (s > A);
 * N is the smallest whole number with SL ≥ the target share; the row's agents
 * are ⌈N ÷ (1 − shrinkage)⌉, its service level and occupancy (A ÷ s) those of
 * the N agents before shrinkage. With `agents` given, the row shows what that
 * many agents (on conversations, shrinkage already out) reach instead.
 *
 * @example
 *   staffInterval(100, { intervalS: 1800, handleS: 180, concurrency: 1, targetShare: 0.8, targetS: 20, shrinkage: 0 });
 *   // { agents: 13, service_level: 0.8…, occupancy: 0.769… }  (A = 10 Erlangs)
 */
import { serviceLevel } from './erlang.js';

export interface StaffingOptions {
  /** The interval's length, seconds. */
  intervalS: number;
  /** h: mean handle time of a conversation, seconds. */
  handleS: number;
  /** c: conversations an agent holds at once. */
  concurrency: number;
  /** The share to answer within `targetS` (0.8 for 80/120). */
  targetShare: number;
  /** t, seconds (120 for 80/120). */
  targetS: number;
  /** The share of paid time not spent on conversations (breaks, training), 0 ≤ shrinkage < 1. */
  shrinkage: number;
  /** Simulate this many agents instead of finding the number needed. */
  agents?: number;
}

export interface StaffingFigures {
  agents: number;
  service_level: number;
  occupancy: number;
}

/** The staffing figures of one interval with `conversations` forecast in it. */
export function staffInterval(conversations: number, o: StaffingOptions): StaffingFigures {
  const load = (conversations / o.intervalS) * o.handleS;
  const at = (n: number) => {
    const servers = n * o.concurrency;
    return {
      service_level: serviceLevel({ servers, load, targetS: o.targetS, handleS: o.handleS }),
      occupancy: load === 0 ? 0 : servers === 0 ? 1 : Math.min(1, load / servers),
    };
  };
  if (o.agents !== undefined) return { agents: o.agents, ...at(o.agents) };
  if (load === 0) return { agents: 0, service_level: 1, occupancy: 0 };
  // the first N with more servers than load, then up one agent at a time
  let n = Math.floor(load / o.concurrency) + 1;
  while (at(n).service_level < o.targetShare) n++;
  return { agents: Math.ceil(n / (1 - o.shrinkage) - 1e-9), ...at(n) };
}

/** Parses `--target 80/120` into a share and seconds. */
export function parseTarget(text: string): { share: number; seconds: number } | undefined {
  const m = /^(\d+(?:\.\d+)?)%?\/(\d+(?:\.\d+)?)s?$/.exec(text.trim());
  if (!m) return undefined;
  const share = Number(m[1]) / 100;
  const seconds = Number(m[2]);
  return share > 0 && share < 1 && seconds >= 0 ? { share, seconds } : undefined;
}

/** Parses a duration such as `30m`, `1h`, `28d`, `900s` into seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
