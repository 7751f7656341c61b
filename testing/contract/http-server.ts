/**
 * The frame the contract servers share (`intercom.ts`, `chatwoot.ts`): a
 * node:http server on 127.0.0.1 (port 0), a log of every request, and the
 * faults a test can inject into any request — a 429 with `Retry-After`, a
 * 5xx, or a token that has stopped working — or an answer rewritten.
 *
 * @example
 *   const s = await startContractServer(route, { fault: (r) => (r.n === 3 ? 'server-error' : undefined) });
 *   // s.url: http://127.0.0.1:PORT; s.requests: what the client sent; await s.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface SeenRequest {
  /** 1-based number of the request, counting every request the server got. */
  n: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** What a fault hook can make of a request: a 429 (with the seconds of Retry-After), a 500 or 503, or a revoked token from now on. */
export type Fault = 'rate-limit' | 'server-error' | 'unavailable' | 'revoke';

export interface ContractOptions {
  /** Asked for every request before it is answered. */
  fault?: (request: SeenRequest) => Fault | undefined;
  /** Seconds of `Retry-After` on a 429 (default 2). */
  retryAfter?: number;
  /** Changes an answer before it is sent: a response of another shape, pages out of order. */
  rewrite?: (request: SeenRequest, answer: Answer) => Answer;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ContractServer {
  url: string;
  requests: SeenRequest[];
  /** Makes the token stop working: every later request is answered 401. */
  revoke(): void;
  close(): Promise<void>;
}

/** What each platform decides: whether a request's credentials are good, its answers, and its 401/429/5xx bodies and headers. */
export interface Platform {
  authorised(request: SeenRequest): boolean;
  route(request: SeenRequest): Answer;
  unauthorised: Answer;
  rateLimited(retryAfter: number): Answer;
  serverError(status: number): Answer;
  /** Headers on every answer (rate headers). */
  headers?(request: SeenRequest, status: number): Record<string, string>;
}

export async function startContractServer(platform: Platform, options: ContractOptions = {}): Promise<ContractServer> {
  const requests: SeenRequest[] = [];
  let revoked = false;
  const answer = (request: SeenRequest): Answer => {
    const fault = options.fault?.(request);
    if (fault === 'revoke') revoked = true;
    if (revoked || !platform.authorised(request)) return platform.unauthorised;
    if (fault === 'rate-limit') return platform.rateLimited(options.retryAfter ?? 2);
    if (fault === 'server-error') return platform.serverError(500);
    if (fault === 'unavailable') return platform.serverError(503);
    return platform.route(request);
  };
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const request: SeenRequest = { n: requests.length + 1, method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    requests.push(request);
    const plain = answer(request);
    const a = options.rewrite ? options.rewrite(request, plain) : plain;
    res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', ...platform.headers?.(request, a.status), ...a.headers });
    res.end(JSON.stringify(a.body));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    revoke: () => {
      revoked = true;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
