/**
 * The warehouse's configuration file (`parley.config.yaml`, zod-validated):
 * the time zone that months and business hours are read in, the weekly
 * business schedule and holidays (the default schedule), named schedules and
 * the team each applies to, SLA policies and custom dimensions (metrics v2,
 * spec/metrics.md), the work `parley serve` does on its own (`jobs`, run by
 * service/scheduler.ts) and where the Data page puts uploaded exports (`uploads`).
 *
 * @example
 *   # parley.config.yaml
 *   timezone: Europe/Berlin
 *   business_hours:
 *     mon: ["09:00-17:00"]
 *     tue: ["09:00-12:30", "13:30-17:00"]
 *   holidays: ["2026-12-25", "2026-12-26"]
 *   schedules:
 *     apac: { timezone: Asia/Singapore, business_hours: { mon: ["09:00-18:00"], fri: ["09:00-18:00"] }, holidays: ["2026-10-20"] }
 *   team_schedules: { "Tier 1 APAC": apac }
 *   sla_policies:                    # the first that matches applies
 *     - { name: urgent chat, when: { channel: [webchat, whatsapp], priority: urgent }, targets: { first_response: 2m, next_response: 5m, resolution: 4h } }
 *     - { name: email, when: { channel: email }, hours: business, targets: { first_response: 4h, resolution: 24h } }
 *   dimensions: [plan, region]       # metadata keys to group by
 *   jobs:
 *     incoming:                      # load the new files that appear in a folder
 *       kind: load
 *       folder: exports/incoming
 *       every: 15m
 *       build: true                  # and rebuild after a load that loaded something
 *     nightly-insights: { kind: insights, at: "02:30", timezone: Europe/Berlin }
 *     monthly-report: { kind: notebook, notebook: monthly-report, out: reports/monthly.html, at: "06:00" }
 *   uploads: { folder: uploads, max_size: 200MB }
 *   retention: { message_bodies: 24m }   # blank message text older than 24 months on each build

 *   costs:                           # cost_per_resolution (models/marts/conversation_costs.sql)
 *     agent_cost_per_hour: 38        # what an hour of an agent costs, loaded
 *     platform_fees_per_month: 4000  # fees not tied to a channel, spread over the month's conversations
 *     cost_per_automated_conversation: 0.4
 *     channels:                      # optional, per channel: replaces the two rates, adds the channel's own fees
 *       whatsapp: { platform_fees_per_month: 900, cost_per_automated_conversation: 0.6 }
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { sqlString } from '../warehouse/sql-literal.js';
import { syncPlatform, syncsSchema } from './config-sync.js';
import { targetsSchema } from './config-targets.js';
import { alertsSchema } from './config-alerts.js';
import { writeTargetsTable } from './targets.js';
import { mailConfig, mailTo, monthDay } from './config-delivery.js';
import { webhooksSchema } from './config-webhooks.js';
import { liveSchema } from './config-live.js';
import { annotationsConfig, writeAnnotationTable } from './config-annotations.js';

export const DEFAULT_CONFIG_FILE = 'parley.config.yaml';
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const span = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { error: 'write a span as "09:00-17:00" (24-hour clock, end may be 24:00)' })
  .refine((s) => toMinutes(s.slice(0, 5)) < toMinutes(s.slice(6)), { error: 'a span must end after it starts' });

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'is not an IANA time zone (for example "UTC" or "Europe/Berlin")' },
);

/** `every: 15m` / `1h` / `1d`: at most a day (with `at`, runs from `at` on, through the day). */
const every = z
  .string()
  .regex(/^[1-9]\d*[mhd]$/, { error: 'write every as a whole number and a unit: 15m, 1h or 1d' })
  .refine((s) => !/^[1-9]\d*[mhd]$/.test(s) || everyMinutes(s) <= 24 * 60, { error: 'every may be at most 1d (24h): for less often, use at: "HH:MM" (daily)' });

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'write at as "HH:MM" on the 24-hour clock, in quotes (for example at: "02:00")' });

export const JOB_KINDS = ['load', 'build', 'insights', 'notebook', 'sync'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** The fields each kind of job takes besides its schedule (and which it requires). */
const KIND_FIELDS: Record<JobKind, { required: readonly string[]; optional: readonly string[] }> = {
  load: { required: ['folder'], optional: ['format', 'source', 'build'] },
  build: { required: [], optional: [] },
  insights: { required: [], optional: [] },
  notebook: { required: ['notebook'], optional: ['out', 'params', 'mail_to'] },
  sync: { required: ['platform'], optional: ['source', 'build'] },
};
const FIELD_HINTS: Record<string, string> = {
  folder: 'the folder to watch for new export files',
  notebook: 'a notebook file or the name of a shipped one (parley notebook list)',
  out: 'the HTML file to write',
  platform: 'the platform to sync from (zendesk, intercom, chatwoot; its account under syncs:)',
  mail_to: 'the addresses to mail the report to',
};

const job = z
  .object({
    kind: z.enum(JOB_KINDS, { error: `kind must be one of ${JOB_KINDS.join(', ')}` }),
    every: every.optional(),
    at: clock.optional(),
    day: monthDay.optional(),
    timezone: timezone.optional(),
    folder: z.string().min(1).optional(),
    format: z
      .enum(['auto', 'canonical', 'zendesk', 'intercom', 'chatwoot', 'twcs', 'servicenow'], {
        error: 'format must be auto, canonical, zendesk, intercom, chatwoot, twcs or servicenow',
      })
      .optional(),
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: 'source must be a lowercase name such as "zendesk" or "acme-chat"' })
      .optional(),
    build: z.boolean({ error: 'build is true or false (rebuild the models after a load that loaded something)' }).optional(),
    notebook: z.string().min(1).optional(),
    out: z.string().min(1).optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).optional(),
    platform: syncPlatform.optional(),
    mail_to: mailTo.optional(),
  })
  .strict()
  .superRefine((j, ctx) => {
    if (j.every === undefined && j.at === undefined) ctx.addIssue({ code: 'custom', path: ['every'], message: 'give every: (15m, 1h, 1d), at: "HH:MM", or both' });
    const fields = KIND_FIELDS[j.kind];
    for (const f of fields.required) {
      if (j[f as keyof typeof j] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: `a ${j.kind} job needs ${f}: ${FIELD_HINTS[f]}` });
    }
    if (j.kind === 'notebook' && j.out === undefined && j.mail_to === undefined)
      ctx.addIssue({ code: 'custom', path: ['out'], message: 'a notebook job needs out: (the HTML file to write), mail_to: (the addresses to mail it to), or both' });
    if (j.day !== undefined && j.every !== undefined)
      ctx.addIssue({ code: 'custom', path: ['every'], message: 'a job with day: runs once that day of the month, at at: "HH:MM": leave every out' });
    for (const f of ['folder', 'format', 'source', 'build', 'notebook', 'out', 'params', 'mail_to', 'platform']) {
      if (j[f as keyof typeof j] !== undefined && !fields.required.includes(f) && !fields.optional.includes(f)) {
        ctx.addIssue({ code: 'custom', path: [f], message: `a ${j.kind} job does not take ${f}` });
      }
    }
  });

export type JobConfig = z.infer<typeof job>;

const SIZE = /^\d+(\.\d+)?\s*(KB|MB|GB)$/i;
const size = z.string().regex(SIZE, { error: 'write max_size as a size such as 200MB or 1GB' });

/** `200MB` → 200000000 (the largest upload the Data page takes). */
export function sizeBytes(s: string): number {
  return Math.round(parseFloat(s) * { kb: 1e3, mb: 1e6, gb: 1e9 }[s.replace(/[\d.\s]/g, '').toLowerCase() as 'kb' | 'mb' | 'gb']);
}

/** A retention period: `90d`, `12w`, `24m` (months) or `2y`. */
const period = z.string().regex(/^[1-9]\d*[dwmy]$/, { error: 'write a retention period as a whole number and a unit: 90d, 12w, 24m (months) or 2y' });

const money = (what: string) => z.number({ error: `${what} is a number (an amount in your currency, no symbol)` }).nonnegative({ error: `${what} cannot be negative` });

/** The rates of one channel in `costs.channels`: each replaces the default for that channel; its fees are its own. */
const channelCosts = z
  .object({
    agent_cost_per_hour: money('agent_cost_per_hour').optional(),
    platform_fees_per_month: money('platform_fees_per_month').optional(),
    cost_per_automated_conversation: money('cost_per_automated_conversation').optional(),
  })
  .strict();

/** `costs`: what support costs, for cost_per_resolution (catalogue). Absent: the metric is null. */
const costs = z
  .object({
    agent_cost_per_hour: money('agent_cost_per_hour'),
    platform_fees_per_month: money('platform_fees_per_month').default(0),
    cost_per_automated_conversation: money('cost_per_automated_conversation').default(0),
    channels: z.record(z.string().regex(/^[a-z0-9_]+$/, { error: 'name a channel as conversations do: a lowercase word such as whatsapp' }), channelCosts).default({}),
  })
  .strict();

export type CostsConfig = z.infer<typeof costs>;

/** The weekly business hours of a schedule: spans per weekday, none of which overlap on a day. */
const businessHours = z
  .object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(span).optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<z.ZodArray<typeof span>>>)
  .strict()
  .superRefine((week, ctx) => {
    for (const day of WEEKDAYS) {
      const spans = (week[day] ?? []).map((s, i) => ({ s, i, from: toMinutes(s.slice(0, 5)), to: toMinutes(s.slice(6)) })).sort((a, b) => a.from - b.from);
      for (let k = 1; k < spans.length; k++) {
        if (spans[k]!.from < spans[k - 1]!.to)
          ctx.addIssue({ code: 'custom', path: [day, spans[k]!.i], message: `"${spans[k]!.s}" overlaps "${spans[k - 1]!.s}": merge them into one span or move one` });
      }
    }
  });
const DEFAULT_BUSINESS_HOURS = { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] };
const holidays = z.array(z.iso.date({ error: 'write holidays as YYYY-MM-DD' }));

/** A named schedule (spec "Schedules"): the v1 keys, with the v1 defaults. */
const schedule = z
  .object({
    timezone: timezone.default('UTC'),
    business_hours: businessHours.default(DEFAULT_BUSINESS_HOURS),
    holidays: holidays.default([]),
  })
  .strict();

/** The name the models give the schedule of the v1 keys; not a name for one of `schedules`. */
export const DEFAULT_SCHEDULE = 'default';

/** The keys an SLA policy's `when` may name (spec "Service-level agreements"). */
export const SLA_WHEN_KEYS = ['channel', 'priority', 'team', 'intent', 'source', 'segment'] as const;

export const SLA_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
const whenValue = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'write a value or a list of values, such as email or [webchat, whatsapp]' });
const target = z.string().regex(/^\d+[smhd]$/, { error: 'write a target as a whole number and a unit (s, m, h or d): 2m, 4h' });

const slaPolicy = z
  .object({
    name: z.string({ error: 'give the policy a name' }).min(1, { error: 'give the policy a name' }),
    when: z
      .record(z.string(), whenValue)
      .superRefine((when, ctx) => {
        for (const key of Object.keys(when)) {
          if (!(SLA_WHEN_KEYS as readonly string[]).includes(key))
            ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is not a key of when: use ${SLA_WHEN_KEYS.join(', ')}` });
        }
      })
      .default({}),
    hours: z.enum(['calendar', 'business'], { error: "hours is calendar (the default) or business (the conversation's schedule)" }).default('calendar'),
    targets: z
      .object({ first_response: target.optional(), next_response: target.optional(), resolution: target.optional() })
      .strict()
      .refine((t) => Object.values(t).some((v) => v !== undefined), {
        error: 'give at least one target: first_response, next_response or resolution (for example first_response: 4h)',
        // a misspelt target is the one problem to name
        when: (payload) => payload.issues.length === 0,
      }),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.hours !== 'business') return;
    for (const t of SLA_TARGETS) {
      const v = p.targets[t];
      if (v?.endsWith('d'))
        ctx.addIssue({
          code: 'custom',
          path: ['targets', t],
          message: `policy "${p.name}" counts business hours: ${t}: ${v} in days is refused; say it in business hours (for example ${Number(v.slice(0, -1)) * 8}h), not "working days"`,
        });
    }
  });

export type SlaPolicyConfig = z.infer<typeof slaPolicy>;

/** A custom dimension: a key of the conversation's metadata, usable as a `--by` name. */
const dimension = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: 'name a dimension by its metadata key in letters, digits and _ (for example plan)' });

export const configSchema = z
  .object({
    timezone: timezone.default('UTC'),
    business_hours: businessHours.default(DEFAULT_BUSINESS_HOURS),
    holidays: holidays.default([]),
    schedules: z
      .record(z.string(), schedule)
      .superRefine((schedules, ctx) => {
        if (DEFAULT_SCHEDULE in schedules)
          ctx.addIssue({
            code: 'custom',
            path: [DEFAULT_SCHEDULE],
            message: `"${DEFAULT_SCHEDULE}" is the schedule of the top-level timezone, business_hours and holidays: give this one another name`,
          });
      })
      .default({}),
    team_schedules: z.record(z.string(), z.string({ error: 'write the name of a schedule under schedules' })).default({}),
    sla_policies: z.array(slaPolicy).default([]),
    dimensions: z.array(dimension).default([]),
    jobs: z
      .record(z.string(), job)
      .superRefine((jobs, ctx) => {
        for (const name of Object.keys(jobs)) {
          if (!/^[a-z0-9][a-z0-9_-]*$/.test(name))
            ctx.addIssue({ code: 'custom', path: [name], message: 'name a job in lowercase letters, digits, - and _ (for example nightly-build)' });
          if (name === 'upload') ctx.addIssue({ code: 'custom', path: [name], message: 'the job name "upload" is taken by uploads from the Data page: pick another' });
        }
      })
      .default({}),
    uploads: z
      .object({
        /** Where the Data page saves uploaded exports (default: uploads/ beside the warehouse). */
        folder: z.string().min(1).optional(),
        /** The largest upload (default 200MB). */
        max_size: size.default('200MB'),
      })
      .strict()
      .default({ max_size: '200MB' }),
    /**
     * How long raw text is kept (models/retention.ts): on each build, message
     * bodies, survey comments and quarantined raw records older than this are
     * blanked; timings, authors, events and scores stay.
     */
    retention: z
      .object({
        message_bodies: period.optional(),
      })
      .strict()
      .optional(),

    costs: costs.optional(),
    syncs: syncsSchema,
    targets: targetsSchema,
    alerts: alertsSchema,
    mail: mailConfig.optional(),
    webhooks: webhooksSchema.optional(),
    live: liveSchema.optional(),
    annotations: annotationsConfig,
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [name, j] of Object.entries(c.jobs)) {
      if (j.mail_to !== undefined && c.mail === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['jobs', name, 'mail_to'],
          message: 'mailing a report needs the SMTP server: add mail: with host and from (README "Delivering reports")',
        });
    }
    const names = Object.keys(c.schedules);
    for (const [team, name] of Object.entries(c.team_schedules)) {
      if (!names.includes(name))
        ctx.addIssue({
          code: 'custom',
          path: ['team_schedules', team],
          message: `"${name}" is not a schedule: ${names.length ? `name one of ${names.join(', ')}` : 'there are none'}, or add it under schedules`,
        });
    }
    const seen = new Set<string>();
    c.sla_policies.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['sla_policies', i, 'name'], message: `"${p.name}" names an earlier policy too: give each policy its own name` });
      seen.add(p.name);
    });
    const builtIn = ['month', 'channel', 'intent', 'team', 'agent', 'source', 'priority', 'segment', 'account', 'sla_policy', 'tag', 'reply_agent'];
    c.dimensions.forEach((d, i) => {
      if (builtIn.includes(d)) ctx.addIssue({ code: 'custom', path: ['dimensions', i], message: `"${d}" is a grouping already: a custom dimension needs another name` });
    });
  });

export type ParleyConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** `15m` → 15, `1h` → 60, `1d` → 1440. */
export function everyMinutes(every: string): number {
  return Number(every.slice(0, -1)) * { m: 1, h: 60, d: 1440 }[every.slice(-1) as 'm' | 'h' | 'd'];
}

export function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Validates a configuration object; throws one readable line per problem. */
export function parseConfig(input: unknown, where = 'configuration'): ParleyConfig {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const message = i.code === 'unrecognized_keys' ? `${i.keys.map((k) => `"${k}"`).join(', ')} is not a setting here: check the spelling` : i.message;
    return `${where}: ${i.path.join('.') || '(top)'}: ${message}`;
  });
  throw new Error(problems.join('\n'));
}

/** Reads `file` (default ./parley.config.yaml when it exists, else the defaults). */
export function loadConfig(file?: string): ParleyConfig {
  const path = file ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(path)) {
    if (file) throw new Error(`the configuration file ${file} does not exist`);
    return parseConfig({});
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseConfig(doc, path);
}

/** `2m` → 120, `4h` → 14400, `1d` → 86400 (an SLA target in seconds). */
export function targetSeconds(target: string): number {
  return Number(target.slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86400 }[target.slice(-1) as 's' | 'm' | 'h' | 'd'];
}

const sqlList = (v: string | string[] | undefined) => (v === undefined ? 'null::varchar[]' : `[${(Array.isArray(v) ? v : [v]).map(sqlString).join(', ')}]::varchar[]`);
const insertRows = async (db: Warehouse, table: string, rows: string[]) => {
  if (rows.length) await db.run(`insert into ${table} values ${rows.join(', ')}`);
};

/**
 * Writes the configuration into the tables the models read: config_settings
 * (the default schedule's time zone, for months), config_schedules,
 * config_business_hours and config_holidays (per schedule, the default one
 * named {@link DEFAULT_SCHEDULE}), config_team_schedules and
 * config_sla_policies (targets in seconds, `when` as lists, null for a key not named),
 * config_dimensions (the custom dimensions' names).
 */
export async function writeConfigTables(db: Warehouse, config: ParleyConfig): Promise<void> {
  await db.run('create or replace table config_settings (timezone varchar not null)');
  await db.run('insert into config_settings values ($1)', [config.timezone]);
  const schedules = { [DEFAULT_SCHEDULE]: { timezone: config.timezone, business_hours: config.business_hours, holidays: config.holidays }, ...config.schedules };
  await db.run('create or replace table config_schedules (schedule varchar not null, timezone varchar not null)');
  await db.run('create or replace table config_business_hours (schedule varchar not null, iso_weekday integer, opens_minute integer, closes_minute integer)');
  await db.run('create or replace table config_holidays (schedule varchar not null, day date)');
  const hours: string[] = [];
  const days: string[] = [];
  for (const [name, s] of Object.entries(schedules)) {
    for (const [i, day] of WEEKDAYS.entries()) {
      for (const span of s.business_hours[day] ?? []) hours.push(`(${sqlString(name)}, ${i + 1}, ${toMinutes(span.slice(0, 5))}, ${toMinutes(span.slice(6))})`);
    }
    for (const h of s.holidays) days.push(`(${sqlString(name)}, ${sqlString(h)}::date)`);
  }
  await insertRows(
    db,
    'config_schedules',
    Object.entries(schedules).map(([name, s]) => `(${sqlString(name)}, ${sqlString(s.timezone)})`),
  );
  await insertRows(db, 'config_business_hours', hours);
  await insertRows(db, 'config_holidays', days);
  await db.run('create or replace table config_team_schedules (team varchar not null, schedule varchar not null)');
  await insertRows(
    db,
    'config_team_schedules',
    Object.entries(config.team_schedules).map(([team, name]) => `(${sqlString(team)}, ${sqlString(name)})`),
  );
  await db.run(
    `create or replace table config_sla_policies (
       ord integer not null, name varchar not null, business_hours boolean not null,
       first_response_s bigint, next_response_s bigint, resolution_s bigint,
       channels varchar[], priorities varchar[], teams varchar[], intents varchar[], sources varchar[], segments varchar[])`,
  );
  const seconds = (t: string | undefined) => (t === undefined ? 'null' : String(targetSeconds(t)));
  await insertRows(
    db,
    'config_sla_policies',
    config.sla_policies.map((p, i) => {
      const w = p.when as Partial<Record<(typeof SLA_WHEN_KEYS)[number], string | string[]>>;
      return `(${i + 1}, ${sqlString(p.name)}, ${p.hours === 'business'}, ${seconds(p.targets.first_response)}, ${seconds(p.targets.next_response)}, ${seconds(p.targets.resolution)}, ${SLA_WHEN_KEYS.map((k) => sqlList(w[k])).join(', ')})`;
    }),
  );
  await writeCostTable(db, config.costs);
  // the custom dimensions, for the dashboard's filters (one row per configured name)
  await db.run('create or replace table config_dimensions (name varchar not null)');
  await insertRows(
    db,
    'config_dimensions',
    config.dimensions.map(sqlString).map((n) => `(${n})`),
  );
  await writeTargetsTable(db, config.targets);
  await writeAnnotationTable(db, config.annotations);
}

/**
 * `config_costs`: one row per channel named in `costs.channels` and one with
 * channel null for the defaults (no rows without `costs`). A channel's rate
 * is null where it takes the default; its platform fee is its own (0 when none).
 */
async function writeCostTable(db: Warehouse, costs: CostsConfig | undefined): Promise<void> {
  await db.run('create or replace table config_costs (channel varchar, agent_cost_per_hour double, platform_fees_per_month double, cost_per_automated_conversation double)');
  if (!costs) return;
  await db.run('insert into config_costs values (null, $1, $2, $3)', [costs.agent_cost_per_hour, costs.platform_fees_per_month, costs.cost_per_automated_conversation]);
  for (const [channel, c] of Object.entries(costs.channels)) {
    await db.run('insert into config_costs values ($1, $2, $3, $4)', [
      channel,
      c.agent_cost_per_hour ?? null,
      c.platform_fees_per_month ?? 0,
      c.cost_per_automated_conversation ?? null,
    ]);
  }
}
