/**
 * The Chatwoot application API sync (`/api/v1`, header `api_access_token`):
 * the account's conversations by `last_activity_at`, page by page, each with
 * all its messages, and the agents and teams for names.
 *
 * - `GET /api/v1/accounts/{account_id}/conversations?status=all&assignee_type=all&page=N`:
 *   Chatwoot lists conversations newest activity first (25 a page), so a
 *   run reads pages from 1 until a page ends before SINCE (the newest
 *   `last_activity_at` of the previous complete run; 0 on a first sync) or
 *   holds fewer than a full page; conversations older than SINCE are left out.
 * - `GET …/conversations/{id}/messages`, then `?before=ID` with the first
 *   message of each batch, until a batch holds fewer than 20 (Chatwoot's
 *   batch): the thread, oldest first. Each conversation is passed on as the
 *   list gives it with `messages` set to its whole thread, the shape
 *   `ingest/adapters/chatwoot.ts` reads, and the page goes through that
 *   adapter (sync/run.ts). A listed conversation whose messages answer 404
 *   was deleted meanwhile: it is passed on as `{ id, deleted: true }`, which
 *   the adapter quarantines, removing a stored copy.
 * - `GET …/agents`, `GET …/teams` and `GET …/teams/{id}/team_members` once a
 *   run, before its first page: the roster (`agents`, loaded with the first
 *   page: id, name, email and the name of the agent's first team).
 *
 * The stored cursor is `{"since":S,"page":P,"max":M}`: the run's lower
 * bound, the next page to read (null once the run is complete) and the
 * newest `last_activity_at` of the run (its first page). A page whose first
 * conversation is newer than the previous page's last is out of order: the
 * sync stops and says where.
 *
 * @example
 *   const http = chatwootHttp({ base_url: 'https://chat.acme.example' }, { CHATWOOT_TOKEN: '…', CHATWOOT_ACCOUNT_ID: '1' });
 *   await runSync(db, chatwootSync(http, { accountId: '1' }), { source: 'chatwoot' });
 */
import { HttpClient, SyncError, arrayOf, describeShape, isObject, type HttpOptions } from './http.js';
import type { PlatformSync, SyncPage } from './run.js';

/** The environment variables of the Chatwoot sync: required, and optional (when the configuration names the account). */
export const CHATWOOT_VARIABLES = { required: ['CHATWOOT_TOKEN'], optional: ['CHATWOOT_ACCOUNT_ID'] } as const;

export interface ChatwootAccount {
  /** The installation's address (default https://app.chatwoot.com, Chatwoot's cloud). */
  base_url?: string | undefined;
  /** The account's id, as in /app/accounts/ID/… (default CHATWOOT_ACCOUNT_ID). */
  account_id?: string | number | undefined;
}

/** The HTTP client of a Chatwoot installation, and the account id its paths take. */
export function chatwootHttp(account: ChatwootAccount, credentials: Record<string, string>, deps: Partial<HttpOptions> = {}): { http: HttpClient; accountId: string } {
  const accountId = String(account.account_id ?? credentials['CHATWOOT_ACCOUNT_ID'] ?? '');
  if (!/^\d+$/.test(accountId)) {
    throw new SyncError(
      'credentials',
      accountId === ''
        ? 'CHATWOOT_ACCOUNT_ID is not set: export it (the 1 of /app/accounts/1/ in Chatwoot), or give account_id: under the sync in parley.config.yaml'
        : `the Chatwoot account id "${accountId}" is not a number: give the 1 of /app/accounts/1/ in Chatwoot`,
    );
  }
  const token = credentials['CHATWOOT_TOKEN']!;
  const http = new HttpClient({
    base: account.base_url ?? 'https://app.chatwoot.com',
    platform: 'Chatwoot',
    headers: { api_access_token: token },
    secrets: [token],
    authHint: `set CHATWOOT_TOKEN to the access token of an agent or administrator of account ${accountId} (Profile settings → Access token), and check that account id`,
    notFoundHint: 'check the address of the installation (base_url: of the sync in parley.config.yaml) and the account id',
    ...deps,
  });
  return { http, accountId };
}

export interface ChatwootSyncOptions {
  accountId: string;
  /** Where a first sync starts, Unix seconds of `last_activity_at` (default 0: every conversation). */
  since?: number;
  /** Conversations a full page (Chatwoot: 25). */
  perPage?: number;
  /** Messages a full batch (Chatwoot: 20). */
  messagesPerBatch?: number;
  /** Told of each conversation fetched (a progress line). */
  onConversation?: (fetched: number) => void;
}

interface Cursor {
  since: number;
  page: number | null;
  max: number;
}

/** The Chatwoot sync for {@link runSync}: see the module comment. */
export function chatwootSync(http: HttpClient, options: ChatwootSyncOptions): PlatformSync {
  const base = `/api/v1/accounts/${options.accountId}`;
  const perPage = options.perPage ?? 25;
  return {
    platform: 'chatwoot',
    label: 'Chatwoot',
    format: 'chatwoot',
    async *pages(from) {
      const stored = from?.cursor ? readCursor(from.cursor) : undefined;
      const start = stored?.max ?? from?.position ?? options.since ?? 0;
      const run: Cursor = stored && stored.page !== null ? { ...stored } : { since: start, page: 1, max: start };
      let agents: object[] | undefined = await roster(http, base);
      let fetched = 0;
      let previousOldest: number | undefined;
      for (let n = run.page ?? 1; ; n++) {
        const where = `page ${n} of ${base}/conversations (last_activity_at ≥ ${run.since})`;
        const what = `GET ${base}/conversations`;
        const body = await http.getJson(`${base}/conversations`, { status: 'all', assignee_type: 'all', page: n });
        const data = isObject(body) ? body['data'] : undefined;
        const listed = arrayOf(data, 'payload', what);
        const records: object[] = [];
        const marks: number[] = [];
        let older = false;
        for (const conversation of listed) {
          if (!isObject(conversation) || typeof conversation['id'] !== 'number') {
            throw new SyncError('shape', `the response to ${what} holds a conversation without a numeric id: ${describeShape(conversation)}`);
          }
          const activity = Number(conversation['last_activity_at']);
          if (!Number.isFinite(activity)) throw new SyncError('shape', `the response to ${what} holds conversation ${conversation['id']} without last_activity_at`);
          if (marks.length === 0 && previousOldest !== undefined && activity > previousOldest) {
            throw new SyncError(
              'order',
              `the Chatwoot API's pages are out of order: ${where} starts at last_activity_at ${activity}, newer than ${previousOldest} where page ${n - 1} ended; nothing of it was loaded — run the sync again`,
            );
          }
          marks.push(activity);
          if (activity < run.since) {
            older = true;
            break;
          }
          const messages = await thread(http, `${base}/conversations/${conversation['id']}/messages`, options.messagesPerBatch ?? 20);
          records.push(messages === undefined ? { id: conversation['id'], deleted: true } : { ...conversation, messages });
          options.onConversation?.(++fetched);
        }
        if (n === 1 && marks.length) run.max = Math.max(run.max, marks[0]!);
        previousOldest = marks.at(-1) ?? previousOldest;
        const last = older || listed.length < perPage;
        const page: SyncPage = {
          records,
          cursor: JSON.stringify({ since: run.since, page: last ? null : n + 1, max: run.max }),
          // the run's newest activity: pages go back in time, the high-water mark stays
          position: run.max,
          where,
          ...(agents ? { agents } : {}),
        };
        yield page;
        agents = undefined;
        if (last) return;
      }
    },
  };
}

/** A conversation's whole thread, oldest first; undefined when the conversation is gone (404). */
async function thread(http: HttpClient, path: string, batch: number): Promise<unknown[] | undefined> {
  const batches: unknown[][] = [];
  let before: string | undefined;
  for (;;) {
    const body = await http.getJsonIfFound(path, before ? { before } : {});
    if (body === undefined) return undefined;
    const messages = arrayOf(body, 'payload', `GET ${path}`);
    if (messages.length) batches.push(messages);
    const first = messages[0];
    if (messages.length < batch || !isObject(first) || first['id'] === undefined) break;
    const next = String(first['id']);
    if (next === before) throw new SyncError('order', `the Chatwoot API's message batches are out of order: GET ${path}?before=${before} hands back the same first message`);
    before = next;
  }
  return batches.reverse().flat();
}

/** The canonical roster from agents, teams and their members: each agent with the name of its first team. */
async function roster(http: HttpClient, base: string): Promise<object[]> {
  const agents = await http.getJson(`${base}/agents`);
  const teams = await http.getJson(`${base}/teams`);
  if (!Array.isArray(agents)) throw new SyncError('shape', `the response to GET ${base}/agents is not an array of agents: the API answered ${describeShape(agents)}`);
  if (!Array.isArray(teams)) throw new SyncError('shape', `the response to GET ${base}/teams is not an array of teams: the API answered ${describeShape(teams)}`);
  const teamOf = new Map<string, string>();
  for (const t of teams.filter(isObject)) {
    const members = await http.getJson(`${base}/teams/${t['id']}/team_members`);
    for (const m of Array.isArray(members) ? members.filter(isObject) : []) if (!teamOf.has(String(m['id']))) teamOf.set(String(m['id']), String(t['name']));
  }
  return agents.filter(isObject).map((a) => {
    const id = String(a['id']);
    const team = teamOf.get(id);
    return { id, name: String(a['name'] ?? a['available_name'] ?? id), ...(typeof a['email'] === 'string' ? { email: a['email'] } : {}), ...(team ? { team } : {}) };
  });
}

function readCursor(cursor: string): Cursor | undefined {
  try {
    const c = JSON.parse(cursor) as Partial<Cursor>;
    if (typeof c.since === 'number' && typeof c.max === 'number' && (typeof c.page === 'number' || c.page === null)) return { since: c.since, page: c.page, max: c.max };
  } catch {
    // not ours: start from the position
  }
  return undefined;
}
