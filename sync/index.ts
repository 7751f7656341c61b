/**
 * The API syncs Parley has, by platform: what each needs from the
 * environment or the credentials file, and how it is made from a `syncs:`
 * entry of parley.config.yaml. `parley sync PLATFORM` and the `sync` jobs
 * (service/jobs.ts) find a platform here; a new platform is its module
 * (a {@link PlatformSync}, see run.ts) and one entry in {@link PLATFORM_SYNCS}.
 *
 * @example
 *   const factory = PLATFORM_SYNCS['zendesk']!;
 *   const credentials = readCredentials(factory.variables(settings), { env: process.env, file });
 *   await runSync(db, factory.create(settings, credentials, { onWait }), { source: 'zendesk' });
 */
import type { HttpOptions } from './http.js';
import type { PlatformSync } from './run.js';
import { ZENDESK_VARIABLES, zendeskHttp, zendeskSync } from './zendesk.js';
import { INTERCOM_VARIABLES, INTERCOM_VERSION, intercomHttp, intercomSync } from './intercom.js';
import { CHATWOOT_VARIABLES, chatwootHttp, chatwootSync } from './chatwoot.js';

/** A `syncs:` entry as the sync reads it (models/config-sync.ts validates it). */
export interface SyncSettings {
  subdomain?: string | undefined;
  base_url?: string | undefined;
  account_id?: string | undefined;
  start_time?: number | undefined;
  per_page?: number | undefined;
}

/** What the sync tells while it runs (a progress line). */
export interface SyncHooks extends Partial<Pick<HttpOptions, 'fetch' | 'sleep' | 'now' | 'onWait' | 'retries' | 'timeoutMs'>> {
  onRecord?: (fetched: number) => void;
}

export interface SyncFactory {
  /** `Zendesk Support API v2`. */
  label: string;
  /** The environment variables (or credentials-file lines) a sync with `settings` needs. */
  variables(settings: SyncSettings): readonly string[];
  create(settings: SyncSettings, credentials: Record<string, string>, hooks?: SyncHooks): PlatformSync;
}

export const PLATFORM_SYNCS: Partial<Record<string, SyncFactory>> = {
  zendesk: {
    label: 'Zendesk Support API v2',
    variables: (settings) => [...ZENDESK_VARIABLES.required, ...(settings.subdomain || settings.base_url ? [] : ZENDESK_VARIABLES.optional)],
    create(settings, credentials, hooks = {}) {
      const { onRecord, ...http } = hooks;
      return zendeskSync(zendeskHttp(settings, credentials, http), {
        ...(settings.start_time !== undefined ? { startTime: settings.start_time } : {}),
        ...(settings.per_page !== undefined ? { perPage: settings.per_page } : {}),
        ...(onRecord ? { onTicket: onRecord } : {}),
      });
    },
  },
  intercom: {
    label: `Intercom API ${INTERCOM_VERSION}`,
    variables: () => INTERCOM_VARIABLES.required,
    create(settings, credentials, hooks = {}) {
      const { onRecord, ...http } = hooks;
      return intercomSync(intercomHttp(settings, credentials, http), {
        ...(settings.start_time !== undefined ? { since: settings.start_time } : {}),
        ...(settings.per_page !== undefined ? { perPage: settings.per_page } : {}),
        ...(onRecord ? { onConversation: onRecord } : {}),
      });
    },
  },
  chatwoot: {
    label: 'Chatwoot API v1',
    variables: (settings) => [...CHATWOOT_VARIABLES.required, ...(settings.account_id ? [] : CHATWOOT_VARIABLES.optional)],
    create(settings, credentials, hooks = {}) {
      const { onRecord, ...http } = hooks;
      const { http: client, accountId } = chatwootHttp(settings, credentials, http);
      return chatwootSync(client, {
        accountId,
        ...(settings.start_time !== undefined ? { since: settings.start_time } : {}),
        ...(settings.per_page !== undefined ? { perPage: settings.per_page } : {}),
        ...(onRecord ? { onConversation: onRecord } : {}),
      });
    },
  },
};
