/**
 * The Zendesk Support API sync (API v2): the cursor-based incremental
 * ticket export and, per ticket, its audits with the users they name.
 *
 * - `GET /api/v2/incremental/tickets/cursor.json?start_time=T` for the
 *   first page (T: Unix seconds, `start_time` of the sync, default 0), then
 *   `?cursor=C` with the page's `after_cursor`, until `end_of_stream` is
 *   true; `include=organizations` sideloads the tickets' organizations. The
 *   stored cursor is the last page's `after_cursor`, so the next run asks
 *   for the tickets changed since.
 * - `GET /api/v2/tickets/{id}/audits.json?include=users` per ticket (paged:
 *   `next_page`, or `meta.has_more` with `links.next`): the audits give
 *   comments, status, assignee and group changes and satisfaction ratings;
 *   the sideloaded users give roles and names.
 *
 * Each ticket becomes one record of the shape `ingest/adapters/zendesk-api.ts`
 * reads (the ticket, its `audits`, `users` and `organizations`), and the
 * page goes through that adapter (sync/run.ts). A deleted ticket (status
 * `deleted`; Zendesk has no audits for it any more) is passed on without
 * audits, and a merged one (tag `closed_by_merge`) as it is: the adapter
 * quarantines both and removes a stored copy. A ticket whose audits answer
 * 404 (deleted while the sync ran) is passed on without them, and the
 * adapter quarantines it saying so.
 *
 * @example
 *   const http = zendeskHttp({ subdomain: 'acme' }, { ZENDESK_EMAIL: 'ops@acme.example', ZENDESK_TOKEN: '…' });
 *   await runSync(db, zendeskSync(http, { startTime: 0 }), { source: 'zendesk' });
 */
import { HttpClient, SyncError, arrayOf, describeShape, isObject, type HttpOptions } from './http.js';
import type { PlatformSync, SyncPage } from './run.js';

export const ZENDESK_EXPORT = '/api/v2/incremental/tickets/cursor.json';

/** The environment variables of the Zendesk sync: always, and the subdomain when the configuration names no account. */
export const ZENDESK_VARIABLES = { required: ['ZENDESK_EMAIL', 'ZENDESK_TOKEN'], optional: ['ZENDESK_SUBDOMAIN'] } as const;

export interface ZendeskAccount {
  /** `acme` for https://acme.zendesk.com (configuration, else ZENDESK_SUBDOMAIN). */
  subdomain?: string | undefined;
  /** Or the whole base address (a proxy, a test server). */
  base_url?: string | undefined;
}

/** The HTTP client of a Zendesk account: basic authentication with an API token (`email/token:TOKEN`). */
export function zendeskHttp(account: ZendeskAccount, credentials: Record<string, string>, deps: Partial<HttpOptions> = {}): HttpClient {
  const subdomain = account.subdomain ?? credentials['ZENDESK_SUBDOMAIN'];
  const base = account.base_url ?? (subdomain ? `https://${subdomain}.zendesk.com` : undefined);
  if (!base) {
    throw new SyncError(
      'credentials',
      'ZENDESK_SUBDOMAIN is not set: export it (the acme of acme.zendesk.com), or give subdomain: or base_url: under the sync in parley.config.yaml',
    );
  }
  if (subdomain !== undefined && !account.base_url && !/^[a-z0-9][a-z0-9-]*$/i.test(subdomain)) {
    throw new SyncError('config', `the Zendesk subdomain "${subdomain}" is not one: give only the acme of acme.zendesk.com`);
  }
  const email = credentials['ZENDESK_EMAIL']!;
  const token = credentials['ZENDESK_TOKEN']!;
  return new HttpClient({
    base,
    platform: 'Zendesk',
    headers: { authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}` },
    secrets: [token],
    authHint: 'set ZENDESK_TOKEN to an active API token (Admin Center → Apps and integrations → Zendesk API) and ZENDESK_EMAIL to the agent it belongs to',
    notFoundHint: account.base_url
      ? 'check base_url of the sync in parley.config.yaml'
      : 'check the subdomain (ZENDESK_SUBDOMAIN or subdomain: of the sync): the acme of acme.zendesk.com',
    ...deps,
  });
}

export interface ZendeskSyncOptions {
  /** Where a first sync starts, Unix seconds (default 0: all tickets). */
  startTime?: number;
  /** Tickets per export page (Zendesk: up to 1000; default: Zendesk's own). */
  perPage?: number;
  /** Told of each ticket fetched with its audits (a progress line). */
  onTicket?: (fetched: number) => void;
}

/** The Zendesk sync for {@link runSync}: see the module comment. */
export function zendeskSync(http: HttpClient, options: ZendeskSyncOptions = {}): PlatformSync {
  return {
    platform: 'zendesk',
    label: 'Zendesk',
    format: 'zendesk',
    async *pages(from) {
      let cursor = from?.cursor ?? null;
      let fetched = 0;
      for (;;) {
        const query = { ...(cursor ? { cursor } : { start_time: options.startTime ?? 0 }), include: 'organizations', per_page: options.perPage };
        const where = cursor ? `the page after cursor ${cursor}` : `the first page (start_time=${options.startTime ?? 0})`;
        const body = await http.getJson(ZENDESK_EXPORT, query);
        const what = `GET ${ZENDESK_EXPORT}`;
        const tickets = arrayOf(body, 'tickets', what) as Record<string, unknown>[];
        const page = body as Record<string, unknown>;
        if (typeof page['end_of_stream'] !== 'boolean') {
          throw new SyncError('shape', `the response to ${what} has no \`end_of_stream\` boolean: the API answered ${describeShape(body)}`);
        }
        const next = typeof page['after_cursor'] === 'string' && page['after_cursor'] !== '' ? page['after_cursor'] : null;
        const organizations = Array.isArray(page['organizations']) ? (page['organizations'] as Record<string, unknown>[]) : [];
        const records: Record<string, unknown>[] = [];
        for (const ticket of tickets) {
          if (!isObject(ticket) || ticket['id'] === undefined) throw new SyncError('shape', `the response to ${what} holds a ticket without an id: ${describeShape(ticket)}`);
          records.push(await withAudits(http, ticket, organizations));
          options.onTicket?.(++fetched);
        }
        const marks = tickets.map(mark).filter((m): m is number => m !== null);
        const result: SyncPage = {
          records,
          cursor: next ?? cursor,
          position: marks.length ? Math.max(...marks) : null,
          earliest: marks.length ? Math.min(...marks) : null,
          where,
        };
        if (!page['end_of_stream'] && (next === null || next === cursor)) {
          throw new SyncError(
            'order',
            `the Zendesk API's pages are out of order: ${where} says end_of_stream false but ${next === null ? 'hands out no after_cursor' : 'hands back the same after_cursor'}; nothing of it was loaded — run the sync again later`,
          );
        }
        yield result;
        if (page['end_of_stream']) return;
        cursor = next;
      }
    },
  };
}

/** The ticket as the adapter reads it: with its audits (every page), the users they sideload and its organization. */
async function withAudits(http: HttpClient, ticket: Record<string, unknown>, organizations: Record<string, unknown>[]): Promise<Record<string, unknown>> {
  const organization = organizations.filter((o) => ticket['organization_id'] != null && String(o['id']) === String(ticket['organization_id']));
  if (String(ticket['status']).toLowerCase() === 'deleted') return { ...ticket, audits: [], users: [], organizations: organization };
  const audits: unknown[] = [];
  const users = new Map<string, unknown>();
  let url: string | null = `/api/v2/tickets/${encodeURIComponent(String(ticket['id']))}/audits.json`;
  let query: Record<string, string> = { include: 'users' };
  while (url) {
    const what = `GET /api/v2/tickets/${String(ticket['id'])}/audits.json`;
    const body = await http.getJsonIfFound(url, query);
    if (body === undefined) break;
    audits.push(...arrayOf(body, 'audits', what));
    const page = body as Record<string, unknown>;
    for (const u of Array.isArray(page['users']) ? (page['users'] as Record<string, unknown>[]) : []) users.set(String(u['id']), u);
    const meta = isObject(page['meta']) ? page['meta'] : undefined;
    const links = isObject(page['links']) ? page['links'] : undefined;
    const next = typeof page['next_page'] === 'string' ? page['next_page'] : meta?.['has_more'] === true && typeof links?.['next'] === 'string' ? links['next'] : null;
    if (next === url) throw new SyncError('order', `${what} hands back the same next page (${next}): stopping rather than loop`);
    url = next;
    query = {};
  }
  return { ...ticket, audits, users: [...users.values()], organizations: organization };
}

/** A ticket's place in the export, Unix seconds: `generated_timestamp`, else `updated_at`. */
function mark(ticket: Record<string, unknown>): number | null {
  if (typeof ticket['generated_timestamp'] === 'number') return ticket['generated_timestamp'];
  const at = typeof ticket['updated_at'] === 'string' ? Date.parse(ticket['updated_at']) : NaN;
  return Number.isNaN(at) ? null : Math.floor(at / 1000);
}
