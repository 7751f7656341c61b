/**
 * Delivery settings of parley.config.yaml: the SMTP server reports are sent
 * through (`mail:`), and what a notebook job adds to send its report
 * (`mail_to:`, and `day:` for a job that runs once a month).
 *
 * The user name and password are never in the file: `user_env` and
 * `password_env` name the environment variables that hold them.
 *
 * @example
 *   # parley.config.yaml
 *   mail:
 *     host: smtp.example.com
 *     port: 587                      # default: 465 with tls: tls, 587 with starttls, 25 with none
 *     tls: starttls                  # tls (TLS from the start), starttls (required upgrade) or none
 *     user_env: PARLEY_SMTP_USER     # the variables holding the credentials (both or neither)
 *     password_env: PARLEY_SMTP_PASSWORD
 *     from: "Parley reports <reports@example.com>"
 *   jobs:
 *     monthly-report:
 *       kind: notebook
 *       notebook: monthly-report
 *       day: 1                       # once a month, on the 1st …
 *       at: "08:00"                  # … at 08:00 (the job's timezone, default UTC)
 *       timezone: Europe/Berlin
 *       mail_to: [head-of-support@example.com, ops@example.com]
 */
import { z } from 'zod';

const envName = (what: string) => z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: `${what} names an environment variable (letters, digits and _), not the value itself` });

/** One address: something@somewhere, or `Name <something@somewhere>`. */
export const ADDRESS = /^(?:[^<>@\s][^<>]*\s<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s,]+@[^<>@\s,]+\.[^<>@\s,]+)$/;

const address = z.string().trim().regex(ADDRESS, { error: 'write an e-mail address, such as ana@example.com' });

/** `mail:` — the SMTP server (mail/send.ts MailSettings). */
export const mailConfig = z
  .object({
    host: z.string({ error: 'mail needs host: the SMTP server, such as smtp.example.com' }).min(1),
    port: z.number({ error: 'port is a number, such as 587' }).int().min(1).max(65535).optional(),
    tls: z.enum(['tls', 'starttls', 'none'], { error: 'tls is tls (TLS from the start, port 465), starttls (upgrade, port 587) or none' }).default('starttls'),
    user_env: envName('user_env').optional(),
    password_env: envName('password_env').optional(),
    from: address,
  })
  .strict()
  .superRefine((m, ctx) => {
    if ((m.user_env === undefined) !== (m.password_env === undefined))
      ctx.addIssue({ code: 'custom', path: [m.user_env === undefined ? 'user_env' : 'password_env'], message: 'give both user_env and password_env, or neither (no sign-in)' });
  })
  .transform((m) => ({ ...m, port: m.port ?? { tls: 465, starttls: 587, none: 25 }[m.tls] }));

export type MailConfig = z.infer<typeof mailConfig>;

/** `mail_to:` — a list, or one string of addresses separated by commas. */
export const mailTo = z
  .union([z.string(), z.array(z.string())], { error: 'mail_to is a list of addresses, such as [ana@example.com, ben@example.com]' })
  .transform((v) => splitAddresses(v))
  .pipe(z.array(address).min(1, { error: 'mail_to needs at least one address' }));

/** `day:` — the day of the month a job runs on (1–28, so every month has it). */
export const monthDay = z
  .number({ error: 'day is the day of the month, 1 to 28' })
  .int({ error: 'day is a whole day of the month, 1 to 28' })
  .min(1, { error: 'day is the day of the month, 1 to 28' })
  .max(28, { error: 'day may be at most 28, so that every month has it' });

/** `"a@x, b@y"` or `["a@x", "b@y"]` → `["a@x", "b@y"]`. */
export function splitAddresses(v: string | readonly string[]): string[] {
  return (typeof v === 'string' ? [v] : v)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
