/**
 * The demo calendar: how busy each day and hour is, how the intent mix moves
 * through the year, and the planted incidents.
 */
import type { Rng } from './random.js';
import type { IncidentKey, Intent } from './vocabulary.js';
import { INTENTS } from './vocabulary.js';

const DAY = 86_400;

/** A planted incident: a few days on which one intent spikes, with its own words. */
export interface DemoIncident {
  key: IncidentKey;
  title: string;
  /** The intent whose volume spikes. */
  intent: Intent;
  /** Other intents that rise with it, and by how much at the incident's peak. */
  related: ReadonlyArray<{ intent: Intent; factor: number }>;
  /** The incident starts at UTC midnight this many days before the end day. */
  daysBeforeEnd: number;
  /** Volume multiplier of `intent` on each incident day (the length is the duration). */
  dailyMultipliers: readonly number[];
  /** Phrases customers use about it, rare outside the incident. */
  phrases: readonly string[];
}

/**
 * The incidents planted in every demo data set (those that fall inside the
 * data span). Use {@link demoIncidentWindows} for their dates.
 *
 * @example
 * DEMO_INCIDENTS.map((i) => i.intent) // ['delivery_delay', 'payment_failed']
 */
export const DEMO_INCIDENTS: readonly DemoIncident[] = [
  {
    key: 'carrier_problem',
    title: 'Carrier SwiftParcel depot backlog: parcels stuck',
    intent: 'delivery_delay',
    related: [],
    daysBeforeEnd: 200,
    dailyMultipliers: [2.5, 4.5, 5.5, 5, 3],
    phrases: ['parcel stuck', 'SwiftParcel', 'depot', 'carrier'],
  },
  {
    key: 'payment_outage',
    title: 'Payment provider outage: cards declined with error code 502',
    intent: 'payment_failed',
    related: [{ intent: 'billing', factor: 2 }],
    daysBeforeEnd: 80,
    dailyMultipliers: [4, 6, 5.5, 3],
    phrases: ['card declined', 'error code 502'],
  },
];

/** An incident with its dates in a particular data span. */
export interface IncidentWindow extends DemoIncident {
  /** First incident day, 00:00 UTC. */
  start: Date;
  /** Day after the last incident day, 00:00 UTC (exclusive). */
  end: Date;
}

/** The first moment of the data: `months` calendar months before `end`. */
export function dataStart(end: Date, months = 12): Date {
  const start = new Date(end.getTime());
  start.setUTCMonth(start.getUTCMonth() - months);
  return start;
}

/**
 * The planted incidents with their dates for data ending at `end`; incidents
 * that would start before the data do are left out.
 *
 * @example
 * demoIncidentWindows(new Date('2026-07-01T00:00:00Z'))
 * // [{ key: 'carrier_problem', start: 2025-12-13, end: 2025-12-18, … }, { key: 'payment_outage', … }]
 */
export function demoIncidentWindows(end: Date, months = 12): IncidentWindow[] {
  const endDay = Math.floor(end.getTime() / 1000 / DAY) * DAY;
  const first = dataStart(end, months).getTime() / 1000;
  return DEMO_INCIDENTS.map((inc) => {
    const s = endDay - inc.daysBeforeEnd * DAY;
    return { ...inc, start: new Date(s * 1000), end: new Date((s + inc.dailyMultipliers.length * DAY) * 1000) };
  }).filter((w) => w.start.getTime() / 1000 >= first && w.start.getTime() < end.getTime());
}

// Relative volume by UTC hour: a European morning, an American afternoon, quiet nights.
// prettier-ignore
export const HOUR_WEIGHTS: readonly number[] = [
  0.25, 0.18, 0.14, 0.12, 0.14, 0.22, 0.4, 0.65, 0.9, 1.0, 1.0, 0.98,
  0.95, 1.0, 1.05, 1.05, 1.0, 0.92, 0.85, 0.78, 0.7, 0.6, 0.48, 0.35,
];

// Sunday … Saturday (UTC).
const WEEKDAY = [0.55, 1.18, 1.1, 1.05, 1.0, 0.93, 0.6];

// January … December.
const MONTH = [1.05, 0.92, 0.95, 0.93, 0.95, 0.9, 0.88, 0.87, 0.95, 1.0, 1.3, 1.38];

// Intent mix (share of labelled demand) and month multipliers.
const INTENT_BASE: Record<Intent, number> = {
  delivery_delay: 0.16,
  refund: 0.11,
  billing: 0.1,
  account_access: 0.1,
  technical_issue: 0.11,
  product_question: 0.12,
  cancellation: 0.07,
  shipping_address_change: 0.06,
  payment_failed: 0.07,
  subscription_change: 0.06,
};

const INTENT_MONTH: Partial<Record<Intent, Partial<Record<number, number>>>> = {
  delivery_delay: { 0: 1.1, 10: 1.3, 11: 1.6 },
  refund: { 0: 1.7, 1: 1.15, 11: 1.2 },
  product_question: { 10: 1.4, 11: 1.3 },
  shipping_address_change: { 10: 1.2, 11: 1.3 },
  cancellation: { 0: 1.3 },
  subscription_change: { 0: 1.3, 8: 1.15 },
};

/** One UTC calendar day of the data span. */
export interface Day {
  index: number;
  /** 00:00 UTC, epoch seconds. */
  start: number;
  /** Part of the day inside the data span, epoch seconds [from, to). */
  from: number;
  to: number;
  /** Hour weights limited to the part inside the span. */
  hours: Float64Array;
  /** Relative volume. */
  weight: number;
  /** Relative weight per intent (index as in INTENTS), incidents included. */
  intents: Float64Array;
  /** Incident active per intent index on this day, with its multiplier. */
  incidents: Array<{ key: IncidentKey; multiplier: number } | undefined>;
  /** Position of the day in the span, 0–1. */
  frac: number;
  /** Busy factor for response times, 1 = normal. */
  load: number;
  weekend: boolean;
}

function blackFriday(year: number): number {
  const nov1 = Date.UTC(year, 10, 1) / 1000;
  const dow = new Date(nov1 * 1000).getUTCDay();
  const firstThursday = 1 + ((4 - dow + 7) % 7);
  return nov1 + (firstThursday + 21) * DAY; // fourth Thursday + 1 day
}

/**
 * Lays out the days of the span with their volume weights and intent mixes.
 *
 * @example
 * const days = buildDays(start, end, createRng(1));
 * days[0].weight // relative volume of the first day
 */
export function buildDays(startSec: number, endSec: number, incidents: readonly IncidentWindow[], rng: Rng): Day[] {
  const days: Day[] = [];
  const firstDay = Math.floor(startSec / DAY) * DAY;
  const span = Math.max(1, endSec - startSec);
  for (let d = firstDay, index = 0; d < endSec; d += DAY, index++) {
    const from = Math.max(d, startSec);
    const to = Math.min(d + DAY, endSec);
    const date = new Date(d * 1000);
    const month = date.getUTCMonth();
    const dow = date.getUTCDay();
    const frac = Math.min(1, Math.max(0, (from + (to - from) / 2 - startSec) / span));
    const hours = new Float64Array(24);
    let hourSum = 0;
    for (let h = 0; h < 24; h++) {
      const hs = d + h * 3600;
      const overlap = Math.max(0, Math.min(hs + 3600, to) - Math.max(hs, from)) / 3600;
      // weekends start later and stay flatter
      const w = (HOUR_WEIGHTS[h] ?? 0) * (dow === 0 || dow === 6 ? (h < 9 ? 0.7 : 1.05) : 1);
      hours[h] = w * overlap;
      hourSum += hours[h] ?? 0;
    }
    let special = 1;
    const bf = blackFriday(date.getUTCFullYear());
    if (d === bf) special = 1.8;
    else if (d === bf + 3 * DAY) special = 1.5;
    else if (month === 11 && date.getUTCDate() === 25) special = 0.5;
    else if (month === 11 && date.getUTCDate() === 26) special = 0.8;
    else if (month === 0 && date.getUTCDate() === 1) special = 0.6;
    const noise = Math.exp(0.07 * rng.normal());
    const base = (WEEKDAY[dow] ?? 1) * (MONTH[month] ?? 1) * (0.9 + 0.2 * frac) * special * noise;

    const intents = new Float64Array(INTENTS.length);
    const incidentOf: Day['incidents'] = new Array(INTENTS.length).fill(undefined);
    let mixSum = 0;
    let baseSum = 0;
    INTENTS.forEach((intent, i) => {
      let w = INTENT_BASE[intent] * (INTENT_MONTH[intent]?.[month] ?? 1);
      if (intent === 'technical_issue') w *= 1 + 0.6 * Math.max(0, (frac - 0.75) / 0.25); // a buggy release near the end
      baseSum += w;
      for (const inc of incidents) {
        const k = Math.floor((d - inc.start.getTime() / 1000) / DAY);
        const m = inc.dailyMultipliers[k];
        if (m === undefined || k < 0) continue;
        if (inc.intent === intent) {
          w *= m;
          incidentOf[i] = { key: inc.key, multiplier: m };
        }
        for (const rel of inc.related) {
          if (rel.intent !== intent) continue;
          const f = 1 + ((rel.factor - 1) * (m - 1)) / ((Math.max(...inc.dailyMultipliers) || 2) - 1);
          w *= f;
          incidentOf[i] = { key: inc.key, multiplier: f };
        }
      }
      intents[i] = w;
      mixSum += w;
    });
    const incidentBoost = mixSum / baseSum;
    days.push({
      index,
      start: d,
      from,
      to,
      hours,
      weight: base * incidentBoost * (hourSum / 16.7),
      intents,
      incidents: incidentOf,
      frac,
      load: Math.pow(base, 0.8) * (incidentBoost > 1.2 ? 1.6 : 1),
      weekend: dow === 0 || dow === 6,
    });
  }
  return days;
}

/**
 * Splits `total` conversations over the days in proportion to their weights,
 * exactly summing to `total`.
 *
 * @example
 * allocate([1, 1, 2], 8) // [2, 2, 4]
 */
export function allocate(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const out: number[] = [];
  let cum = 0;
  let prev = 0;
  for (const w of weights) {
    cum += (w / sum) * total;
    const r = Math.round(cum);
    out.push(r - prev);
    prev = r;
  }
  return out;
}

/**
 * A moment of `day` drawn from its hour curve, in epoch seconds, not before `after`.
 *
 * @example
 * timeInDay(rng, days[3]) // e.g. the epoch second of 14:23:05 UTC on that day
 */
export function timeInDay(rng: Rng, day: Day, after = -Infinity): number {
  for (let attempt = 0; attempt < 8; attempt++) {
    let sum = 0;
    for (let h = 0; h < 24; h++) sum += day.hours[h] ?? 0;
    let x = rng.next() * sum;
    let h = 0;
    for (; h < 23; h++) {
      x -= day.hours[h] ?? 0;
      if (x < 0) break;
    }
    const hs = Math.max(day.start + h * 3600, day.from);
    const he = Math.min(day.start + (h + 1) * 3600, day.to);
    const t = hs + Math.floor(rng.next() * Math.max(1, he - hs));
    if (t > after) return t;
  }
  return Math.min(day.to - 1, Math.max(day.from, Math.floor(after) + 60));
}
