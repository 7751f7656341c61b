/**
 * The `syncs` of parley.config.yaml: where each API sync (`parley sync
 * PLATFORM`, and jobs of kind `sync`) finds its account. One entry per
 * source (the `source` of the synced conversations); credentials are never
 * here, only the file that holds them (`credentials_file:`, NAME=value
 * lines, relative to the configuration file) — or the environment.
 *
 * @example
 *   # parley.config.yaml
 *   syncs:
 *     zendesk:                         # the source name (default platform: the same)
 *       subdomain: acme                # https://acme.zendesk.com (or base_url:)
 *       credentials_file: secrets/zendesk.env
 *       start_time: "2025-01-01"       # the first sync starts here (default: everything)
 *   jobs:
 *     zendesk: { kind: sync, platform: zendesk, every: 15m, build: true }
 */
import { z } from 'zod';

/** The platforms an API sync may name (sync/index.ts has those built). */
export const SYNC_PLATFORMS = ['zendesk', 'intercom', 'chatwoot'] as const;
export type SyncPlatform = (typeof SYNC_PLATFORMS)[number];

export const syncPlatform = z.enum(SYNC_PLATFORMS, { error: `platform must be one of ${SYNC_PLATFORMS.join(', ')}` });

/** `"2025-01-01"`, an ISO time, or Unix seconds → Unix seconds. */
const startTime = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const at = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v) ? Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v) : NaN;
  if (Number.isNaN(at)) {
    ctx.addIssue({ code: 'custom', message: 'write start_time as a date ("2025-01-01"), an ISO time, or Unix seconds' });
    return z.NEVER;
  }
  return Math.floor(at / 1000);
});

const sync = z
  .object({
    /** Default: the entry's name, when that is a platform's. */
    platform: syncPlatform.optional(),
    /** Zendesk: the acme of acme.zendesk.com. */
    subdomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/i, { error: 'subdomain is only the acme of acme.zendesk.com' })
      .optional(),
    /** The API's base address instead (a regional Intercom host, a Chatwoot server, a proxy). */
    base_url: z.url({ error: 'base_url must be an address such as https://acme.zendesk.com' }).optional(),
    /** Chatwoot: the account id of the URLs. */
    account_id: z.union([z.string(), z.number()]).transform(String).optional(),
    credentials_file: z.string().min(1).optional(),
    start_time: startTime.optional(),
    /** Records per page to ask for (default: the platform's own). */
    per_page: z.number().int().positive().optional(),
  })
  .strict();

export type SyncConfig = z.infer<typeof sync>;

export const syncsSchema = z
  .record(z.string(), sync)
  .superRefine((syncs, ctx) => {
    for (const [name, s] of Object.entries(syncs)) {
      if (!/^[a-z0-9][a-z0-9_.-]*$/.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: 'name a sync by its source: lowercase, such as "zendesk" or "acme-support"' });
      if (!s.platform && !(SYNC_PLATFORMS as readonly string[]).includes(name)) {
        ctx.addIssue({ code: 'custom', path: [name, 'platform'], message: `say which platform this sync reads: platform: ${SYNC_PLATFORMS.join(' | ')}` });
      }
    }
  })
  .default({});

/** The platform of a sync entry. */
export function platformOf(name: string, s: SyncConfig): SyncPlatform {
  return s.platform ?? (name as SyncPlatform);
}

/**
 * The sync entry for `platform` (and `source`, when given): the one entry of
 * that platform, or the entry named `source`; none (environment only) when
 * the configuration has none. Throws one line when it cannot tell.
 */
export function findSync(syncs: Record<string, SyncConfig>, platform: SyncPlatform, source?: string): { source: string; settings: SyncConfig } {
  if (source !== undefined) {
    const s = syncs[source];
    if (s && platformOf(source, s) !== platform) throw new Error(`syncs.${source} reads ${platformOf(source, s)}, not ${platform}`);
    return { source, settings: s ?? {} };
  }
  const mine = Object.entries(syncs).filter(([name, s]) => platformOf(name, s) === platform);
  if (mine.length > 1) throw new Error(`parley.config.yaml has ${mine.length} ${platform} syncs (${mine.map(([n]) => n).join(', ')}): name one with --source`);
  const [found] = mine;
  return found ? { source: found[0], settings: found[1] } : { source: platform, settings: {} };
}
