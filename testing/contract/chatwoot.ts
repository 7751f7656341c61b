/**
 * A contract server for Chatwoot's application API (`/api/v1`, as the
 * swagger/ folder of chatwoot/chatwoot describes it), on the loopback
 * address, for the sync's tests (sync/chatwoot.test.ts). Under
 * `/api/v1/accounts/{account_id}` it answers:
 *
 * - `GET /conversations?status=all&page=N` — `{ data: { meta, payload } }`,
 *   `perPage` conversations a page (Chatwoot: 25), newest `last_activity_at`
 *   first; each conversation without its thread (only its last message, as
 *   Chatwoot lists them); a page past the end is an empty payload.
 * - `GET /conversations/{id}/messages[?before=MESSAGE_ID]` — `{ meta,
 *   payload }`: the latest `messagesPerPage` messages (Chatwoot: 20) before
 *   that message, oldest first; a deleted conversation is a 404.
 * - `GET /agents` and `GET /teams` (arrays), `GET /teams/{id}/team_members`.
 *
 * A request without the `api_access_token` header, or after the token is
 * revoked, is a 401; another account's id is a 401 too. A 429 carries
 * `Retry-After` (Chatwoot's rack-attack throttle).
 *
 * The data are conversations in the export shape the adapter reads (the
 * adapters' fixture `chatwoot.jsonl` by default), each with all its
 * `messages`; `last_activity_at` is filled where a record lacks it (its last
 * message, else its last update). {@link ChatwootServer.exportRecords} gives
 * what the server holds as that export, for comparing a sync with a file load.
 *
 * @example
 *   const cw = await chatwootServer({ token: 'tok', accountId: 1, perPage: 2 });
 *   // cw.url, cw.requests, cw.conversations, cw.deleted.add(302), await cw.close()
 */
import { readFileSync } from 'node:fs';
import { fixture } from '../paths.js';
import { startContractServer, type Answer, type ContractOptions, type ContractServer, type SeenRequest } from './http-server.js';

export type ChatwootMessage = Record<string, unknown> & { id: number; created_at: number | string };
/** A conversation as the adapter reads it; `last_activity_at` may be missing from an input. */
export type ChatwootRecord = Record<string, unknown> & { id: number; created_at: number | string; last_activity_at?: number; messages: ChatwootMessage[] };
export type ChatwootConversation = ChatwootRecord & { last_activity_at: number };

export interface ChatwootServerOptions extends ContractOptions {
  token?: string;
  accountId?: number;
  conversations?: ChatwootRecord[];
  agents?: { id: number; name: string; email?: string; role?: string }[];
  teams?: { id: number; name: string; members: number[] }[];
  /** Conversations a page (default 25). */
  perPage?: number;
  /** Messages a batch (default 20). */
  messagesPerPage?: number;
}

export interface ChatwootServer extends ContractServer {
  /** The account's conversations now, by id (change them between syncs). */
  conversations: Map<number, ChatwootConversation>;
  /** Ids still listed whose messages answer 404: deleted while the sync runs. */
  deleted: Set<number>;
  /** What the account holds (deleted ones left out), as the export the Chatwoot adapter reads. */
  exportRecords(): ChatwootConversation[];
}

/** The adapters' Chatwoot fixture, one conversation with its messages a record. */
export function chatwootFixture(): ChatwootRecord[] {
  return readFileSync(fixture('chatwoot.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ChatwootRecord);
}

/** A timestamp as the adapter reads it (Unix seconds or ISO 8601) in Unix seconds; 0 when absent or unreadable. */
function seconds(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : Date.parse(v) / 1000) : NaN;
  return Number.isFinite(n) ? n : 0;
}

const notFound: Answer = { status: 404, body: { error: 'Resource could not be found' } };

export async function chatwootServer(options: ChatwootServerOptions = {}): Promise<ChatwootServer> {
  const token = options.token ?? 'chatwoot-test-token';
  const accountId = options.accountId ?? 1;
  const perPage = options.perPage ?? 25;
  const batch = options.messagesPerPage ?? 20;
  const conversations = new Map<number, ChatwootConversation>();
  for (const c of options.conversations ?? chatwootFixture()) {
    const last = Math.max(seconds(c.created_at), seconds(c['updated_at']), ...c.messages.map((m) => seconds(m.created_at)));
    conversations.set(c.id, { ...c, last_activity_at: c.last_activity_at ?? last });
  }
  const deleted = new Set<number>();
  const agents = options.agents ?? [
    { id: 7, name: 'Ann', email: 'ann@example.com', role: 'administrator' },
    { id: 8, name: 'Bo', email: 'bo@example.com', role: 'agent' },
  ];
  const teams = options.teams ?? [{ id: 2, name: 'Sales', members: [8] }];
  const agentBody = (a: (typeof agents)[number]) => ({
    id: a.id,
    account_id: accountId,
    availability_status: 'online',
    auto_offline: true,
    confirmed: true,
    email: a.email ?? null,
    available_name: a.name,
    name: a.name,
    role: a.role ?? 'agent',
    thumbnail: '',
  });

  const list = (r: SeenRequest): Answer => {
    const status = r.query.get('status') ?? 'open';
    const page = Number(r.query.get('page') ?? '1');
    const all = [...conversations.values()]
      .filter((c) => status === 'all' || String(c['status'] ?? 'open') === status)
      .sort((a, b) => b.last_activity_at - a.last_activity_at || b.id - a.id);
    const payload = all.slice((page - 1) * perPage, page * perPage).map(({ messages, ...c }) => ({
      ...c,
      account_id: accountId,
      unread_count: 0,
      timestamp: c.last_activity_at,
      messages: messages.slice(-1),
    }));
    return { status: 200, body: { data: { meta: { mine_count: 0, assigned_count: 0, unassigned_count: 0, all_count: all.length }, payload } } };
  };

  const messages = (r: SeenRequest, id: number): Answer => {
    const c = conversations.get(id);
    if (!c || deleted.has(id)) return notFound;
    const before = r.query.get('before');
    const end = before === null ? c.messages.length : c.messages.findIndex((m) => String(m.id) === before);
    const upTo = end < 0 ? 0 : end;
    const meta = c['meta'] as { sender?: unknown; assignee?: unknown } | undefined;
    return {
      status: 200,
      body: {
        meta: { labels: c['labels'] ?? [], additional_attributes: {}, contact: meta?.sender ?? null, assignee: meta?.assignee ?? null },
        payload: c.messages.slice(Math.max(0, upTo - batch), upTo),
      },
    };
  };

  const server = await startContractServer(
    {
      authorised: (r) => r.headers['api_access_token'] === token,
      unauthorised: { status: 401, body: { error: 'You need to sign in or sign up before continuing.' } },
      rateLimited: (retryAfter) => ({ status: 429, headers: { 'retry-after': String(retryAfter) }, body: { error: 'Too many requests' } }),
      serverError: (status) => ({ status, body: { error: 'Internal server error' } }),
      route(r) {
        const m = /^\/api\/v1\/accounts\/([^/]+)(\/.*)$/.exec(r.path);
        if (!m) return notFound;
        if (m[1] !== String(accountId)) return { status: 401, body: { error: 'You are not authorized to access this account' } };
        const rest = m[2]!;
        if (r.method !== 'GET') return notFound;
        if (rest === '/conversations') return list(r);
        const msgs = /^\/conversations\/(\d+)\/messages$/.exec(rest);
        if (msgs) return messages(r, Number(msgs[1]));
        if (rest === '/agents') return { status: 200, body: agents.map(agentBody) };
        if (rest === '/teams')
          return { status: 200, body: teams.map((t) => ({ id: t.id, name: t.name, description: '', allow_auto_assign: true, account_id: accountId, is_member: false })) };
        const members = /^\/teams\/(\d+)\/team_members$/.exec(rest);
        if (members) {
          const t = teams.find((x) => x.id === Number(members[1]));
          return t ? { status: 200, body: agents.filter((a) => t.members.includes(a.id)).map(agentBody) } : notFound;
        }
        return notFound;
      },
    },
    options,
  );
  return { ...server, conversations, deleted, exportRecords: () => [...conversations.values()].filter((c) => !deleted.has(c.id)) };
}
