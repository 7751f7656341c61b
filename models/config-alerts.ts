/**
 * `alerts` of parley.config.yaml: rules evaluated after each build and each
 * job (alerts/), and where a fired alert is sent besides the Alerts page.
 *
 *   threshold      the metric of the latest complete month is above or below a value
 *   target_missed  the metric missed its target (`targets`) `periods` complete months running
 *   emerging_topic insights found a topic or term rising in a month (insight_emerging)
 *   sla_breaches   more than `above` conversations first breached their SLA in one hour
 *
 * @example
 *   # parley.config.yaml
 *   alerts:
 *     webhook_env: PARLEY_ALERT_WEBHOOK     # a Slack incoming-webhook URL (or webhook: https://…)
 *     email: [head-of-support@example.com]  # through the SMTP server of mail: (mail/send.ts)
 *     dashboard_url: https://parley.example.com  # the links' address (else they are paths)
 *     rules:
 *       fcr-low: { kind: threshold, metric: fcr_rate, below: 75% }
 *       fcr-target: { kind: target_missed, metric: fcr_rate }
 *       new-topics: { kind: emerging_topic }
 *       breach-storm: { kind: sla_breaches, above: 20 }
 */
import { z } from 'zod';
import { CATALOGUE } from './catalogue.js';
import { TARGET_METRICS, targetValue } from './config-targets.js';
import { mailTo } from './config-delivery.js';

export const ALERT_KINDS = ['threshold', 'target_missed', 'emerging_topic', 'sla_breaches'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const byName = new Map(CATALOGUE.map((m) => [m.name, m]));
const KIND_FIELDS: Record<AlertKind, { required: readonly string[]; optional: readonly string[] }> = {
  threshold: { required: ['metric'], optional: ['above', 'below', 'channel', 'team'] },
  target_missed: { required: ['metric'], optional: ['periods', 'channel', 'team'] },
  emerging_topic: { required: [], optional: [] },
  sla_breaches: { required: ['above'], optional: [] },
};
const FIELDS = ['metric', 'above', 'below', 'periods', 'channel', 'team'] as const;

const rule = z
  .object({
    kind: z.enum(ALERT_KINDS, { error: `kind must be one of ${ALERT_KINDS.join(', ')}` }),
    metric: z.string().optional(),
    above: z.union([z.number(), z.string()]).optional(),
    below: z.union([z.number(), z.string()]).optional(),
    periods: z
      .number()
      .int({ error: 'periods is a whole number of months (2 or more)' })
      .min(2, { error: 'periods is 2 or more (one missed month is the target itself)' })
      .optional(),
    channel: z.string().min(1).optional(),
    team: z.string().min(1).optional(),
  })
  .strict()
  .transform((r, ctx) => {
    const fields = KIND_FIELDS[r.kind];
    for (const f of fields.required) if (r[f as keyof typeof r] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: `a ${r.kind} rule needs ${f}` });
    for (const f of FIELDS) {
      if (r[f] !== undefined && !fields.required.includes(f) && !fields.optional.includes(f))
        ctx.addIssue({ code: 'custom', path: [f], message: `a ${r.kind} rule does not take ${f}` });
    }
    const m = r.metric === undefined ? undefined : byName.get(r.metric);
    if (r.metric !== undefined && (!m || !TARGET_METRICS.includes(m.name))) {
      ctx.addIssue({
        code: 'custom',
        path: ['metric'],
        message: `"${r.metric}" is not a metric of the monthly summary with a direction: see docs/metrics.md (for example fcr_rate)`,
      });
      return z.NEVER;
    }
    let above: number | undefined;
    let below: number | undefined;
    if (r.kind === 'threshold' && m) {
      if ((r.above === undefined) === (r.below === undefined))
        ctx.addIssue({ code: 'custom', path: ['above'], message: 'a threshold rule takes one of above: or below: (the value that fires it)' });
      for (const [key, v] of [
        ['above', r.above],
        ['below', r.below],
      ] as const) {
        if (v === undefined) continue;
        const value = targetValue(m, v);
        if (typeof value === 'string') ctx.addIssue({ code: 'custom', path: [key], message: value.replace('the target', key) });
        else if (key === 'above') above = value;
        else below = value;
      }
    }
    if (r.kind === 'sla_breaches') {
      if (typeof r.above !== 'number' || !Number.isInteger(r.above) || r.above < 0)
        ctx.addIssue({ code: 'custom', path: ['above'], message: 'above is a whole number of breaches in one hour (for example above: 20)' });
      else above = r.above;
    }
    return {
      kind: r.kind,
      metric: m?.name,
      above,
      below,
      periods: r.kind === 'target_missed' ? (r.periods ?? 2) : undefined,
      channel: r.channel,
      team: r.team,
    };
  });

export type AlertRule = z.output<typeof rule>;

/** The `alerts:` key (one line in models/config.ts's schema). */
export const alertsSchema = z
  .object({
    /** A Slack-compatible incoming-webhook URL. */
    webhook: z.url({ protocol: /^https?$/, error: 'webhook is an http(s) URL (a Slack incoming webhook)' }).optional(),
    /** The environment variable holding the webhook URL (keeps the secret out of the file). */
    webhook_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'webhook_env names an environment variable, such as PARLEY_ALERT_WEBHOOK' })
      .optional(),
    /** Who gets the alert e-mail, through the SMTP server of `mail:` (mail/send.ts). */
    email: mailTo.optional(),
    /** Where the dashboard is reached, for the links of the webhook and the e-mail (https://parley.example.com). */
    dashboard_url: z.url({ protocol: /^https?$/, error: 'dashboard_url is the http(s) address of the dashboard, such as https://parley.example.com' }).optional(),
    rules: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'name a rule in lowercase letters, digits, - and _ (for example fcr-low)' }), rule).default({}),
  })
  .strict()
  .refine((a) => !(a.webhook && a.webhook_env), { error: 'give webhook or webhook_env, not both' })
  .optional();

export type AlertsConfig = NonNullable<z.output<typeof alertsSchema>>;
