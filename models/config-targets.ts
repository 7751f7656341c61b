/**
 * `targets` of parley.config.yaml: what a metric should reach, overall or for
 * one channel, team or month. The value is in the metric's own unit — a rate
 * as a share (0.8) or a percentage ("80%"), a duration as "4h" or "15m", a
 * score, count or amount as a number — and whether a figure meets it follows
 * the metric's direction in the catalogue (models/catalogue.ts
 * `higherIsBetter`), so only metrics with a direction take a target.
 *
 * @example
 *   # parley.config.yaml
 *   targets:
 *     - { metric: fcr_rate, value: 80% }
 *     - { metric: first_response_s, value: 4h, channel: email }
 *     - { metric: csat_rate, value: 0.9, team: Tier 1, month: 2026-12 }
 */
import { z } from 'zod';
import { CATALOGUE, type Metric } from './catalogue.js';

const byName = new Map(CATALOGUE.map((m) => [m.name, m]));

/** The metrics a target may name: those of the monthly summary with a better direction. */
export const TARGET_METRICS: readonly string[] = CATALOGUE.filter((m) => m.summary && m.higherIsBetter !== null).map((m) => m.name);

const DURATION = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$/;
const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

/** `4h` → 14400, `1h30m` → 5400, `90s` → 90; undefined for anything else. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || !text.trim() || m.slice(1).every((p) => p === undefined)) return undefined;
  const [d, h, min, s] = m.slice(1).map((p) => Number(p ?? 0)) as [number, number, number, number];
  return d * 86400 + h * 3600 + min * 60 + s;
}

/** The value of a target in the metric's stored unit (a rate as 0–1, a duration in seconds), or a problem in words. */
export function targetValue(m: Metric, value: string | number): number | string {
  if (m.unit === 'seconds') {
    const s = typeof value === 'string' ? durationSeconds(value) : undefined;
    return s ?? `${m.name} is a duration: write the target as "4h", "15m" or "1h30m"`;
  }
  if (m.unit === 'rate') {
    const v = typeof value === 'number' ? value : PERCENT.test(value.trim()) ? Number(PERCENT.exec(value.trim())![1]) / 100 : NaN;
    if (!Number.isFinite(v) || v < 0 || v > 1) return `${m.name} is a rate: write the target as a percentage ("80%") or a share between 0 and 1 (0.8)`;
    return v;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${m.name} is a ${m.unit}: write the target as a number`;
  return value;
}

const target = z
  .object({
    metric: z.string({ error: 'name the metric of the target (for example metric: fcr_rate)' }),
    value: z.union([z.number(), z.string()], { error: 'give the target value: a number, a percentage ("80%") or a duration ("4h")' }),
    channel: z.string().min(1).optional(),
    team: z.string().min(1).optional(),
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'write month as YYYY-MM (for example "2026-12")' })
      .optional(),
  })
  .strict()
  .transform((t, ctx) => {
    const m = byName.get(t.metric);
    if (!m) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: `"${t.metric}" is not a metric of the catalogue: see docs/metrics.md (for example fcr_rate)` });
      return z.NEVER;
    }
    if (!TARGET_METRICS.includes(m.name)) {
      const why = m.higherIsBetter === null ? 'neither a higher nor a lower value is better' : 'it is not in the monthly summary';
      ctx.addIssue({
        code: 'custom',
        path: ['metric'],
        message: `${m.name} takes no target: ${why}; name a metric such as fcr_rate, csat_rate or first_response_s (docs/metrics.md)`,
      });
      return z.NEVER;
    }
    const value = targetValue(m, t.value);
    if (typeof value === 'string') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: value });
      return z.NEVER;
    }
    return { metric: m.name, value, written: String(t.value), channel: t.channel, team: t.team, month: t.month };
  });

export type TargetConfig = z.output<typeof target>;

/** The `targets:` key (one line in models/config.ts's schema). */
export const targetsSchema = z.array(target).default([]);
