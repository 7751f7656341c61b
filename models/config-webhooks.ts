/**
 * The `webhooks` section of parley.config.yaml: which platforms may POST
 * events to `parley serve` (service/webhooks.ts), where each one's secret is
 * read from (an environment variable, or a file; never the configuration
 * file itself, so it is never printed with it), the source name the events
 * land under (the same as the platform's export files, so one conversation
 * stays one), and how old a signed timestamp may be.
 *
 * @example
 *   webhooks:
 *     chatwoot: { secret_env: PARLEY_CHATWOOT_WEBHOOK_SECRET }     # the webhook's secret (Chatwoot ≥ 4.x signs with it)
 *     intercom: { secret_file: /etc/parley/intercom-client-secret } # the app's client secret
 *     zendesk: { secret_env: ZENDESK_WEBHOOK_SECRET, source: zendesk-eu, tolerance: 5m }
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const WEBHOOK_PLATFORMS = ['chatwoot', 'intercom', 'zendesk'] as const;
export type WebhookPlatform = (typeof WEBHOOK_PLATFORMS)[number];

/** The environment variable each platform's secret is read from when the config names none. */
export const DEFAULT_SECRET_ENV: Record<WebhookPlatform, string> = {
  chatwoot: 'PARLEY_CHATWOOT_WEBHOOK_SECRET',
  intercom: 'PARLEY_INTERCOM_CLIENT_SECRET',
  zendesk: 'PARLEY_ZENDESK_WEBHOOK_SECRET',
};

const platform = z
  .object({
    secret_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'secret_env names an environment variable, such as PARLEY_ZENDESK_WEBHOOK_SECRET' })
      .optional(),
    secret_file: z.string().min(1).optional(),
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: 'source must be a lowercase name such as "zendesk" or "acme-chat"' })
      .optional(),
    tolerance: z
      .string()
      .regex(/^[1-9]\d*[sm]$/, { error: 'write tolerance as seconds or minutes: 300s or 5m' })
      .default('5m'),
  })
  .strict()
  .refine((p) => !(p.secret_env && p.secret_file), { error: 'give secret_env or secret_file, not both' });

export const webhooksSchema = z
  .object(Object.fromEntries(WEBHOOK_PLATFORMS.map((p) => [p, platform.optional()])) as Record<WebhookPlatform, z.ZodOptional<typeof platform>>)
  .strict();

export type WebhooksConfig = z.infer<typeof webhooksSchema>;

/** One platform's webhook settings, resolved: its secret (undefined: none set, every request is refused). */
export interface WebhookSettings {
  source: string;
  secret: string | undefined;
  /** How old a signed timestamp may be, in seconds (Zendesk, Chatwoot). */
  toleranceS: number;
}

/** Reads each platform's secret from the environment or its file (a relative path starts at `base`, the configuration file's folder). */
export function webhookSettings(config: WebhooksConfig | undefined, env: NodeJS.ProcessEnv = process.env, base = '.'): Record<WebhookPlatform, WebhookSettings> {
  return Object.fromEntries(
    WEBHOOK_PLATFORMS.map((p) => {
      const c = config?.[p];
      const secret = c?.secret_file ? readFileSync(path.resolve(base, c.secret_file), 'utf8').trim() : env[c?.secret_env ?? DEFAULT_SECRET_ENV[p]];
      const tol = c?.tolerance ?? '5m';
      return [p, { source: c?.source ?? p, secret: secret || undefined, toleranceS: Number(tol.slice(0, -1)) * (tol.endsWith('m') ? 60 : 1) }];
    }),
  ) as Record<WebhookPlatform, WebhookSettings>;
}
