/**
 * The warehouse's configuration file (`parley.config.yaml`, zod-validated):
 * the time zone that months and business hours are read in, the weekly
 * business schedule and holidays (for business_first_response_s).
 *
 * @example
 *   # parley.config.yaml
 *   timezone: Europe/Berlin
 *   business_hours:
 *     mon: ["09:00-17:00"]
 *     tue: ["09:00-12:30", "13:30-17:00"]
 *   holidays: ["2026-12-25", "2026-12-26"]
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';

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

export const configSchema = z
  .object({
    timezone: timezone.default('UTC'),
    business_hours: z
      .object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(span).optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<z.ZodArray<typeof span>>>)
      .strict()
      .default({ mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] }),
    holidays: z.array(z.iso.date({ error: 'write holidays as YYYY-MM-DD' })).default([]),
  })
  .strict();

export type ParleyConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Validates a configuration object; throws one readable line per problem. */
export function parseConfig(input: unknown, where = 'configuration'): ParleyConfig {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${where}: ${i.path.join('.') || '(top)'}: ${i.message}`);
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

/** Writes the configuration into the tables the models read. */
export async function writeConfigTables(db: Warehouse, config: ParleyConfig): Promise<void> {
  await db.run('create or replace table config_settings (timezone varchar not null)');
  await db.run('insert into config_settings values ($1)', [config.timezone]);
  await db.run('create or replace table config_business_hours (iso_weekday integer, opens_minute integer, closes_minute integer)');
  for (const [i, day] of WEEKDAYS.entries()) {
    for (const s of config.business_hours[day] ?? []) {
      await db.run('insert into config_business_hours values ($1, $2, $3)', [i + 1, toMinutes(s.slice(0, 5)), toMinutes(s.slice(6))]);
    }
  }
  await db.run('create or replace table config_holidays (day date)');
  for (const h of config.holidays) await db.run('insert into config_holidays values ($1::date)', [h]);
}
