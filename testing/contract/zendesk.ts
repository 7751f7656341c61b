/**
 * A Zendesk Support API (v2) contract server for the sync's tests: node:http
 * on 127.0.0.1, port 0, answering as Zendesk's API reference says —
 *
 * - `GET /api/v2/incremental/tickets/cursor.json` with `start_time` (Unix
 *   seconds) or `cursor`, `per_page`, `include=organizations`: `tickets` in
 *   `generated_timestamp` order, `after_cursor`/`after_url`,
 *   `before_cursor`/`before_url` and `end_of_stream` (true once the page
 *   reaches the newest ticket); a request with neither parameter is a 400.
 * - `GET /api/v2/tickets/{id}/audits.json?include=users`: `audits` paged
 *   with `next_page`/`previous_page`/`count`, the users the page names
 *   (authors and the requester) sideloaded; 404 `RecordNotFound` for a
 *   deleted ticket, whose audits Zendesk no longer serves.
 * - basic authentication with an API token (`email/token:TOKEN`): anything
 *   else is a 401 `Couldn't authenticate you`; {@link ZendeskContract.revoke}
 *   makes the token stop working (mid-sync, from a hook).
 * - scripted trouble: {@link ZendeskContract.answerNext} answers the next
 *   matching requests with a given status and headers (a 429 with
 *   `Retry-After`, a 503 once) or adds headers to a normal answer.
 *
 * Its data are built from the adapter's fixtures
 * (ingest/adapters/fixtures/zendesk-api.jsonl): each record's ticket, its
 * audits, and the users and organizations it sideloads; `copies` more
 * tickets cloned from ticket 1 make several pages.
 *
 * @example
 *   const zd = await startZendeskContract({ copies: 4, pageSize: 3 });
 *   // base_url: zd.url, credentials: zd.credentials
 *   await zd.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fixture } from '../paths.js';

type Json = Record<string, unknown>;

export interface ZendeskContractOptions {
  /** Tickets cloned from fixture ticket 1 (ids 101, 102, …) besides the fixture's five. */
  copies?: number;
  /** Tickets per export page when the request names no per_page (Zendesk: 1000). */
  pageSize?: number;
  /** Audits per audits page (Zendesk: 100). */
  auditPageSize?: number;
}

export interface ScriptedAnswer {
  /** `pass`: answer as usual, with `headers` added. */
  status: number | 'pass';
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ZendeskContract {
  url: string;
  credentials: { ZENDESK_EMAIL: string; ZENDESK_TOKEN: string };
  /** The records the server's data were built from, as an export file holds them (one ticket with audits and users a line). */
  exportRecords(): Json[];
  /** Every request, in order: method, path and query, and whether its authentication was accepted. */
  requests: { method: string; path: string; query: Record<string, string>; authorised: boolean }[];
  /** Called before each request is answered (after it is logged): a test's hook (revoke the token at the 5th audits request). */
  onRequest?: (request: { path: string; query: Record<string, string>; n: number }) => void;
  /** The next `times` requests whose path matches get `answer`. */
  answerNext(path: RegExp, answer: ScriptedAnswer, times?: number): void;
  /** The token stops working: every later request is a 401. */
  revoke(): void;
  /** Marks a ticket deleted (status `deleted`, a new generated_timestamp): the next export lists it again so. */
  deleteTicket(id: number): void;
  close(): Promise<void>;
}

const EMAIL = 'ops@acme.example';
const TOKEN = 'contract-token-6Yq2';
/** The export's clock: the first ticket's generated_timestamp (2026-01-10T00:00:00Z), one minute apart. */
const BASE_TS = Date.parse('2026-01-10T00:00:00Z') / 1000;

interface Ticket {
  ticket: Json;
  audits: Json[];
  record: Json;
  generated: number;
}

/** The fixture records, and `copies` clones of ticket 1 (new ids, comment ids and subject). */
function sourceRecords(copies: number): Json[] {
  const lines = readFileSync(fixture('zendesk-api.jsonl'), 'utf8').split('\n').filter(Boolean);
  const records = lines.map((l) => JSON.parse(l) as Json);
  const first = lines[0]!;
  for (let i = 1; i <= copies; i++) {
    const copy = JSON.parse(first) as Json;
    copy['id'] = 100 + i;
    copy['subject'] = `Order broken (${i})`;
    for (const audit of copy['audits'] as Json[]) for (const e of audit['events'] as Json[]) if (e['type'] === 'Comment') e['id'] = Number(e['id']) * 1000 + i;
    records.push(copy);
  }
  return records;
}

export async function startZendeskContract(options: ZendeskContractOptions = {}): Promise<ZendeskContract> {
  const records = sourceRecords(options.copies ?? 0);
  const users = new Map<string, Json>();
  const organizations = new Map<string, Json>();
  const tickets: Ticket[] = records.map((record, i) => {
    for (const u of (record['users'] as Json[] | undefined) ?? []) users.set(String(u['id']), u);
    for (const o of (record['organizations'] as Json[] | undefined) ?? []) organizations.set(String(o['id']), o);
    const { audits, users: _users, organizations: _orgs, ...ticket } = record;
    const generated = BASE_TS + i * 60;
    return { ticket: { ...ticket, generated_timestamp: generated }, audits: ((audits as Json[]) ?? []).map((a) => ({ ...a, ticket_id: record['id'] })), record, generated };
  });
  const pageSize = options.pageSize ?? 1000;
  const auditPageSize = options.auditPageSize ?? 100;
  let revoked = false;
  const scripts: { path: RegExp; answer: ScriptedAnswer; times: number }[] = [];
  let clock = BASE_TS + tickets.length * 60;

  const sorted = () => [...tickets].sort((a, b) => a.generated - b.generated || Number(a.ticket['id']) - Number(b.ticket['id']));
  // Zendesk's cursors read as "<generated_timestamp>.0||<ticket id>|" in Base64: the export resumes after that ticket
  const cursorOf = (generated: number, id: number) => Buffer.from(`${generated}.0||${id}|`).toString('base64');
  const keyOf = (cursor: string) => {
    const m = /^(\d+)\.0\|\|(\d+)\|$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    return m ? { generated: Number(m[1]), id: Number(m[2]) } : undefined;
  };
  const after = (t: Ticket, k: { generated: number; id: number }) => t.generated > k.generated || (t.generated === k.generated && Number(t.ticket['id']) > k.id);

  const contract: ZendeskContract = {
    url: '',
    credentials: { ZENDESK_EMAIL: EMAIL, ZENDESK_TOKEN: TOKEN },
    exportRecords: () => records.map((r) => JSON.parse(JSON.stringify(r)) as Json),
    requests: [],
    answerNext(path, answer, times = 1) {
      scripts.push({ path, answer, times });
    },
    revoke() {
      revoked = true;
    },
    deleteTicket(id) {
      const t = tickets.find((x) => x.ticket['id'] === id)!;
      t.ticket = { ...t.ticket, status: 'deleted', generated_timestamp: (clock += 60) };
      t.generated = clock;
      t.audits = [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const exportPage = (query: Record<string, string>, origin: string): [number, unknown] => {
    const all = sorted();
    let key: { generated: number; id: number } | undefined;
    if (query['cursor'] !== undefined) {
      key = keyOf(query['cursor']);
      if (!key) return [400, { error: 'InvalidPaginationParameter', description: 'cursor is invalid' }];
    } else if (query['start_time'] !== undefined && /^\d+$/.test(query['start_time'])) {
      key = { generated: Number(query['start_time']) - 1, id: Number.MAX_SAFE_INTEGER };
    } else {
      return [400, { error: 'InvalidPaginationParameter', description: 'start_time or cursor is required' }];
    }
    const k = key;
    const size = Math.min(1000, Number(query['per_page'] ?? pageSize));
    const rest = all.filter((t) => after(t, k));
    const page = rest.slice(0, size);
    const last = page.at(-1);
    // at the end of the stream the cursor stays where it was: the next request asks again from there
    const afterCursor = last ? cursorOf(last.generated, Number(last.ticket['id'])) : (query['cursor'] ?? cursorOf(k.generated, 0));
    const beforeCursor = page[0] ? cursorOf(page[0].generated, Number(page[0].ticket['id']) - 1) : null;
    const link = (c: string | null) => (c ? `${origin}/api/v2/incremental/tickets/cursor.json?cursor=${c}` : null);
    const include = (query['include'] ?? '').split(',');
    const orgIds = new Set(page.map((t) => String(t.ticket['organization_id'])));
    return [
      200,
      {
        tickets: page.map((t) => t.ticket),
        after_url: link(afterCursor),
        after_cursor: afterCursor,
        before_url: link(beforeCursor),
        before_cursor: beforeCursor,
        end_of_stream: rest.length <= size,
        ...(include.includes('organizations') ? { organizations: [...organizations.values()].filter((o) => orgIds.has(String(o['id']))) } : {}),
      },
    ];
  };

  const auditsPage = (id: string, query: Record<string, string>, origin: string): [number, unknown] => {
    const t = tickets.find((x) => String(x.ticket['id']) === id);
    if (!t || t.ticket['status'] === 'deleted') return [404, { error: 'RecordNotFound', description: 'Not found' }];
    const pageNo = Math.max(1, Number(query['page'] ?? 1));
    const audits = t.audits.slice((pageNo - 1) * auditPageSize, pageNo * auditPageSize);
    const named = new Set<string>([String(t.ticket['requester_id'])]);
    for (const a of audits) {
      named.add(String(a['author_id']));
      for (const e of (a['events'] as Json[]) ?? []) if (e['author_id'] !== undefined) named.add(String(e['author_id']));
    }
    const include = (query['include'] ?? '').split(',');
    const more = pageNo * auditPageSize < t.audits.length;
    const link = (n: number) => `${origin}/api/v2/tickets/${id}/audits.json?page=${n}${include.includes('users') ? '&include=users' : ''}`;
    return [
      200,
      {
        audits,
        ...(include.includes('users') ? { users: [...named].map((u) => users.get(u)).filter(Boolean) } : {}),
        next_page: more ? link(pageNo + 1) : null,
        previous_page: pageNo > 1 ? link(pageNo - 1) : null,
        count: t.audits.length,
      },
    ];
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', origin);
    const query = Object.fromEntries(url.searchParams);
    const expected = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;
    const authorised = !revoked && req.headers.authorization === expected;
    contract.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, authorised });
    contract.onRequest?.({ path: url.pathname, query, n: contract.requests.length });
    const script = scripts.find((s) => s.times > 0 && s.path.test(url.pathname));
    let extra: Record<string, string> = {};
    if (script) {
      script.times--;
      if (script.answer.status !== 'pass') return send(res, script.answer.status, script.answer.body ?? { error: 'scripted' }, script.answer.headers);
      extra = script.answer.headers ?? {};
    }
    // the token is checked after the hook, so a hook may revoke it for this very request
    if (revoked || req.headers.authorization !== expected) return send(res, 401, { error: "Couldn't authenticate you" });
    if (req.method !== 'GET') return send(res, 405, { error: 'MethodNotAllowed' });
    let answer: [number, unknown];
    const audits = /^\/api\/v2\/tickets\/([^/]+)\/audits\.json$/.exec(url.pathname);
    if (url.pathname === '/api/v2/incremental/tickets/cursor.json') answer = exportPage(query, origin);
    else if (audits) answer = auditsPage(decodeURIComponent(audits[1]!), query, origin);
    else answer = [404, { error: 'InvalidEndpoint', description: 'Not found' }];
    send(res, answer[0], answer[1], extra);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  contract.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return contract;
}
