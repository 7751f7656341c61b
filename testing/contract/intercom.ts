/**
 * A contract server for the Intercom REST API (version 2.11, as
 * intercom/Intercom-OpenAPI describes it), on the loopback address, for the
 * sync's tests (sync/intercom.test.ts). It answers:
 *
 * - `POST /conversations/search` — a `query` on `updated_at` (`>` is
 *   "greater or equal", as Intercom documents; alone or in an `AND`), paged
 *   with `pagination.per_page` (default 20, at most 150) and
 *   `pagination.starting_after`; a `conversation.list` whose `pages.next`
 *   carries the next page's cursor, null on the last page. Conversations come
 *   in `updated_at` order, without their parts (as search gives them).
 * - `GET /conversations/{id}` — the whole conversation with its
 *   `conversation_parts`; a deleted one is a 404 `error.list`.
 * - `GET /admins` (`admin.list`) and `GET /teams` (`team.list`).
 *
 * Every answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Reset`; a 429 also `Retry-After`. A request without
 * `Authorization: Bearer TOKEN`, or after the token is revoked, is a 401
 * `error.list` (`unauthorized`, "Access Token Invalid"); an
 * `Intercom-Version` it does not know is a 400.
 *
 * The data are plain conversation objects in the shape GET returns (the
 * adapters' fixture `intercom-api.json` by default); a test changes
 * `conversations` or `deleted` between syncs.
 *
 * @example
 *   const ic = await intercomServer({ token: 'tok', fault: (r) => (r.n === 2 ? 'rate-limit' : undefined) });
 *   // ic.url, ic.requests, ic.conversations, ic.deleted.add('102'), await ic.close()
 */
import { readFileSync } from 'node:fs';
import { fixture } from '../paths.js';
import { startContractServer, type Answer, type ContractOptions, type ContractServer, type SeenRequest } from './http-server.js';

export type IntercomConversation = Record<string, unknown> & { id: string; created_at: number; updated_at?: number };

export interface IntercomServerOptions extends ContractOptions {
  token?: string;
  conversations?: IntercomConversation[];
  admins?: { id: string; name: string; email?: string; team_ids?: string[] }[];
  teams?: { id: string; name: string; admin_ids?: string[] }[];
  /** X-RateLimit-Limit (default 1000). */
  rateLimit?: number;
  /** The moment X-RateLimit-Reset names, in Unix seconds (default 1767603600). */
  rateReset?: number;
}

export interface IntercomServer extends ContractServer {
  /** The conversations the workspace holds now, by id (change them between syncs). */
  conversations: Map<string, IntercomConversation>;
  /** Ids search still lists but GET answers 404 for: deleted after the search index saw them. */
  deleted: Set<string>;
}

export const INTERCOM_VERSIONS = ['2.7', '2.8', '2.9', '2.10', '2.11', '2.12', '2.13', '2.14', '2.15'];

/** The adapters' Intercom fixture: the conversations as GET /conversations/{id} returns them. */
export function intercomFixture(): IntercomConversation[] {
  return JSON.parse(readFileSync(fixture('intercom-api.json'), 'utf8')) as IntercomConversation[];
}

const error = (status: number, code: string, message: string): Answer => ({
  status,
  body: { type: 'error.list', request_id: `req-${code}`, errors: [{ code, message }] },
});

const updatedAt = (c: IntercomConversation) => c.updated_at ?? c.created_at;

export async function intercomServer(options: IntercomServerOptions = {}): Promise<IntercomServer> {
  const token = options.token ?? 'intercom-test-token';
  const conversations = new Map((options.conversations ?? intercomFixture()).map((c) => [c.id, c]));
  const deleted = new Set<string>();
  const admins = options.admins ?? [
    { id: 'a1', name: 'Ann', email: 'ann@example.com', team_ids: ['t1'] },
    { id: 'a2', name: 'Bo', email: 'bo@example.com', team_ids: [] },
  ];
  const teams = options.teams ?? [{ id: 't1', name: 'Billing', admin_ids: ['a1'] }];
  const limit = options.rateLimit ?? 1000;
  let remaining = limit;

  const search = (request: SeenRequest): Answer => {
    const body = (request.body ?? {}) as { query?: unknown; pagination?: { per_page?: number; starting_after?: string | null } };
    const since = updatedSince(body.query);
    if (since === 'bad') return error(400, 'parameter_invalid', 'Invalid query: filter on updated_at with > or <');
    const perPage = Math.min(body.pagination?.per_page ?? 20, 150);
    const all = [...conversations.values()].filter((c) => since === undefined || updatedAt(c) >= since).sort((a, b) => updatedAt(a) - updatedAt(b) || a.id.localeCompare(b.id));
    let start = 0;
    if (body.pagination?.starting_after) {
      const after = decodeCursor(body.pagination.starting_after);
      if (after === undefined) return error(400, 'parameter_invalid', 'starting_after is not a valid cursor');
      start = after;
    }
    const page = all.slice(start, start + perPage);
    const next = start + perPage < all.length ? { per_page: perPage, starting_after: encodeCursor(start + perPage) } : null;
    return {
      status: 200,
      body: {
        type: 'conversation.list',
        pages: { type: 'pages', page: Math.floor(start / perPage) + 1, per_page: perPage, total_pages: Math.max(1, Math.ceil(all.length / perPage)), next },
        total_count: all.length,
        conversations: page.map(({ conversation_parts: _parts, ...summary }) => summary),
      },
    };
  };

  const server = await startContractServer(
    {
      authorised: (r) => r.headers.authorization === `Bearer ${token}`,
      unauthorised: error(401, 'unauthorized', 'Access Token Invalid'),
      rateLimited: (retryAfter) => ({ status: 429, headers: { 'retry-after': String(retryAfter) }, body: error(429, 'rate_limit_exceeded', 'Exceeded rate limit').body }),
      serverError: (status) => error(status, 'server_error', 'Server error'),
      headers: (_r, status) => {
        // a window of `limit` requests; the one after a 0 starts the next window
        remaining = status === 429 ? 0 : (remaining === 0 ? limit : remaining) - 1;
        return { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(options.rateReset ?? 1767603600) };
      },
      route(r) {
        const version = r.headers['intercom-version'];
        if (typeof version === 'string' && !INTERCOM_VERSIONS.includes(version)) return error(400, 'intercom_version_invalid', `Requested version ${version} is not valid`);
        if (r.method === 'POST' && r.path === '/conversations/search') return search(r);
        const one = /^\/conversations\/([^/]+)$/.exec(r.path);
        if (r.method === 'GET' && one) {
          const c = conversations.get(decodeURIComponent(one[1]!));
          return c && !deleted.has(c.id) ? { status: 200, body: c } : error(404, 'not_found', 'Resource Not Found');
        }
        if (r.method === 'GET' && r.path === '/admins') {
          return {
            status: 200,
            body: {
              type: 'admin.list',
              admins: admins.map((a) => ({ type: 'admin', away_mode_enabled: false, away_mode_reassign: false, has_inbox_seat: true, team_ids: [], ...a })),
            },
          };
        }
        if (r.method === 'GET' && r.path === '/teams') return { status: 200, body: { type: 'team.list', teams: teams.map((t) => ({ type: 'team', admin_ids: [], ...t })) } };
        return error(404, 'not_found', 'Resource Not Found');
      },
    },
    options,
  );
  return { ...server, conversations, deleted };
}

/** The lower bound of a search query on updated_at: a number, undefined for no bound, 'bad' for a query this server does not answer. */
function updatedSince(query: unknown): number | undefined | 'bad' {
  if (query === undefined) return undefined;
  const q = query as { field?: string; operator?: string; value?: unknown };
  if (q.operator === 'AND' && Array.isArray(q.value)) {
    const bounds = q.value.map(updatedSince);
    if (bounds.includes('bad')) return 'bad';
    const nums = bounds.filter((b): b is number => typeof b === 'number');
    return nums.length ? Math.max(...nums) : undefined;
  }
  if (q.field === 'updated_at' && q.operator === '>' && Number.isFinite(Number(q.value))) return Number(q.value);
  return 'bad';
}

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64url');

function decodeCursor(cursor: string): number | undefined {
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
    return typeof offset === 'number' ? offset : undefined;
  } catch {
    return undefined;
  }
}
