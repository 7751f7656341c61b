/**
 * The Intercom REST API sync (`Intercom-Version: 2.11`): the conversations
 * updated since the last sync, each fetched whole, and the admins and teams
 * for names.
 *
 * - `POST /conversations/search` with the query `updated_at > SINCE`
 *   (Intercom's `>` is "greater or equal") and `pagination: { per_page,
 *   starting_after }`, following `pages.next.starting_after` until it is
 *   null. SINCE is 0 on a first sync (or `since`), else the latest
 *   `updated_at` the previous complete run saw.
 * - `GET /conversations/{id}` for each conversation the search lists: the
 *   conversation with its `conversation_parts` (up to 500, Intercom's
 *   limit), the shape `ingest/adapters/intercom-api.ts` reads, and the page
 *   goes through that adapter (sync/run.ts). A conversation the search lists
 *   whose GET answers 404 was deleted meanwhile: it is passed on as
 *   Intercom's deleted-conversation object (`{ id, object: 'conversation',
 *   deleted: true }`), which the adapter quarantines, removing a stored copy.
 * - `GET /admins` and `GET /teams` once a run, before its first page: the
 *   roster (`agents`, loaded with the first page: id, name, email and the
 *   name of the admin's first team) that gives scorecards their names.
 *
 * The stored cursor is `{"since":S,"after":C,"max":M}`: the run's lower
 * bound, the `starting_after` of the next search page (null once a run is
 * complete) and the latest `updated_at` seen so far; a run resumed after a
 * failure asks for the page after C with the same S, and a complete run's
 * successor searches from M.
 *
 * @example
 *   const http = intercomHttp({}, { INTERCOM_TOKEN: '…' });
 *   await runSync(db, intercomSync(http), { source: 'intercom' });
 */
import { HttpClient, SyncError, arrayOf, describeShape, isObject, type HttpOptions } from './http.js';
import type { PlatformSync, SyncPage } from './run.js';

export const INTERCOM_VERSION = '2.11';
export const INTERCOM_SEARCH = '/conversations/search';

/** The environment variables of the Intercom sync. */
export const INTERCOM_VARIABLES = { required: ['INTERCOM_TOKEN'], optional: [] } as const;

export interface IntercomAccount {
  /** The API's address (default https://api.intercom.io; https://api.eu.intercom.io or https://api.au.intercom.io for a workspace hosted there). */
  base_url?: string | undefined;
}

/** The HTTP client of an Intercom workspace: a bearer access token and the API version header. */
export function intercomHttp(account: IntercomAccount, credentials: Record<string, string>, deps: Partial<HttpOptions> = {}): HttpClient {
  const token = credentials['INTERCOM_TOKEN']!;
  return new HttpClient({
    base: account.base_url ?? 'https://api.intercom.io',
    platform: 'Intercom',
    headers: { authorization: `Bearer ${token}`, 'intercom-version': INTERCOM_VERSION },
    secrets: [token],
    authHint: 'set INTERCOM_TOKEN to a valid access token of the workspace (Developer Hub → your app → Authentication), with the read conversations and read admins scopes',
    notFoundHint: account.base_url
      ? 'check base_url of the sync in parley.config.yaml (https://api.intercom.io, api.eu.intercom.io or api.au.intercom.io)'
      : 'check the region: a workspace hosted in the EU or Australia needs base_url: https://api.eu.intercom.io or https://api.au.intercom.io',
    ...deps,
  });
}

export interface IntercomSyncOptions {
  /** Where a first sync starts, Unix seconds of `updated_at` (default 0: every conversation). */
  since?: number;
  /** Conversations per search page (default 50; Intercom allows up to 150). */
  perPage?: number;
  /** Told of each conversation fetched (a progress line). */
  onConversation?: (fetched: number) => void;
}

interface Cursor {
  since: number;
  after: string | null;
  max: number;
}

/** The Intercom sync for {@link runSync}: see the module comment. */
export function intercomSync(http: HttpClient, options: IntercomSyncOptions = {}): PlatformSync {
  return {
    platform: 'intercom',
    label: 'Intercom',
    format: 'intercom',
    async *pages(from) {
      const stored = from?.cursor ? readCursor(from.cursor) : undefined;
      // a complete run (no next page) is followed by one from its high-water mark
      const run: Cursor =
        stored && stored.after !== null
          ? stored
          : { since: stored?.max ?? from?.position ?? options.since ?? 0, after: null, max: stored?.max ?? from?.position ?? options.since ?? 0 };
      let agents: object[] | undefined = await roster(http);
      let fetched = 0;
      for (;;) {
        const where = run.after ? `the search page after ${run.after} (updated_at ≥ ${run.since})` : `the first search page (updated_at ≥ ${run.since})`;
        const what = `POST ${INTERCOM_SEARCH}`;
        const body = await http.postJson(INTERCOM_SEARCH, {
          query: { field: 'updated_at', operator: '>', value: run.since },
          pagination: { per_page: options.perPage ?? 50, ...(run.after ? { starting_after: run.after } : {}) },
        });
        const listed = arrayOf(body, 'conversations', what);
        const pages = isObject(body) ? body['pages'] : undefined;
        if (!isObject(pages)) throw new SyncError('shape', `the response to ${what} has no \`pages\` object: the API answered ${describeShape(body)}`);
        const next = isObject(pages['next']) && typeof pages['next']['starting_after'] === 'string' ? pages['next']['starting_after'] : null;
        const records: object[] = [];
        const marks: number[] = [];
        for (const summary of listed) {
          if (!isObject(summary) || (typeof summary['id'] !== 'string' && typeof summary['id'] !== 'number')) {
            throw new SyncError('shape', `the response to ${what} holds a conversation without an id: ${describeShape(summary)}`);
          }
          const id = String(summary['id']);
          const updated = Number(summary['updated_at'] ?? summary['created_at']);
          if (Number.isFinite(updated)) marks.push(updated);
          const whole = await http.getJsonIfFound(`/conversations/${encodeURIComponent(id)}`);
          if (whole === undefined) records.push({ id, object: 'conversation', deleted: true });
          else if (!isObject(whole) || String(whole['id']) !== id) {
            throw new SyncError('shape', `the response to GET /conversations/${id} is not that conversation: the API answered ${describeShape(whole)}`);
          } else records.push(whole);
          options.onConversation?.(++fetched);
        }
        if (next !== null && next === run.after) {
          throw new SyncError(
            'order',
            `the Intercom API's pages are out of order: ${where} hands back the same starting_after; nothing of it was loaded — run the sync again later`,
          );
        }
        const max = Math.max(run.max, ...marks);
        const page: SyncPage = {
          records,
          cursor: JSON.stringify({ since: run.since, after: next, max }),
          // the search's order is not relied on (a fixed lower bound and Intercom's cursor): the mark only rises
          position: max,
          where,
          ...(agents ? { agents } : {}),
        };
        yield page;
        agents = undefined;
        if (next === null) return;
        run.after = next;
        run.max = max;
      }
    },
  };
}

/** The canonical roster from `GET /admins` and `GET /teams`: each admin with the name of its first team. */
async function roster(http: HttpClient): Promise<object[]> {
  const admins = arrayOf(await http.getJson('/admins'), 'admins', 'GET /admins');
  const teams = arrayOf(await http.getJson('/teams'), 'teams', 'GET /teams');
  const teamName = new Map(teams.filter(isObject).map((t) => [String(t['id']), String(t['name'] ?? t['id'])]));
  return admins.filter(isObject).map((a) => {
    const ids = Array.isArray(a['team_ids']) ? a['team_ids'].map(String) : [];
    const team = ids.map((t) => teamName.get(t)).find((t) => t !== undefined);
    return { id: String(a['id']), name: String(a['name'] ?? a['id']), ...(typeof a['email'] === 'string' ? { email: a['email'] } : {}), ...(team ? { team } : {}) };
  });
}

function readCursor(cursor: string): Cursor | undefined {
  try {
    const c = JSON.parse(cursor) as Partial<Cursor>;
    if (typeof c.since === 'number' && typeof c.max === 'number' && (typeof c.after === 'string' || c.after === null)) return { since: c.since, after: c.after, max: c.max };
  } catch {
    // not ours: start from the position
  }
  return undefined;
}
