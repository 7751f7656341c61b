/**
 * JSON over HTTP for the API syncs: global `fetch` with a timeout per
 * request, retries of transient failures (5xx, timeouts, dropped
 * connections) with exponential backoff up to a limit, and the platforms'
 * rate limits: HTTP 429 waits for `Retry-After` (seconds or an HTTP date),
 * and a response whose rate header says nothing is left (Zendesk's
 * `ratelimit-remaining` / `x-rate-limit-remaining`, Intercom's
 * `X-RateLimit-Remaining`) makes the next request wait for the reset
 * (`ratelimit-reset`: seconds from now; `X-RateLimit-Reset`: Unix seconds).
 * `sleep` and `now` are injectable, so tests never really wait.
 *
 * What cannot be retried is a {@link SyncError} with one line that says
 * what to fix: a refused token (401/403), no account at the address (404
 * on the API, or a host name that does not resolve), a response of another
 * shape. No error text or log line holds a credential: every message goes
 * through {@link redact} with the client's secrets, and URLs lose their
 * user-info.
 *
 * @example
 *   const http = new HttpClient({ base: 'https://acme.zendesk.com', platform: 'Zendesk', headers: { authorization: `Basic ${b64}` },
 *     secrets: [token], authHint: 'set ZENDESK_TOKEN to a valid API token' });
 *   const page = await http.getJson('/api/v2/incremental/tickets/cursor.json', { start_time: '0' });
 *   const tickets = arrayOf(page, 'tickets', 'GET /api/v2/incremental/tickets/cursor.json');
 */

/** Why a sync stopped; `message` is one line, free of credentials. */
export type SyncErrorKind = 'auth' | 'not-found' | 'shape' | 'rate-limit' | 'unavailable' | 'http' | 'order' | 'credentials' | 'config';

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

export interface HttpOptions {
  /** The API's base address, such as `https://acme.zendesk.com`. */
  base: string;
  /** The platform's name for messages (`Zendesk`). */
  platform: string;
  /** Sent with every request (authorization). Never written to a message. */
  headers?: Record<string, string>;
  /** Values that must never appear in a message (tokens, passwords, the encoded header). */
  secrets?: readonly string[];
  /** What to do about a refused token: `set ZENDESK_TOKEN to …`. */
  authHint: string;
  /** What to do when no account answers at `base`: `check ZENDESK_SUBDOMAIN …`. */
  notFoundHint?: string;
  /** Milliseconds a request may take (default 30 s). */
  timeoutMs?: number;
  /** Retries of a transient failure before giving up (default 5). */
  retries?: number;
  /** The first backoff in ms, doubled per retry (default 1 s). */
  backoffMs?: number;
  /** Waits for a rate limit before giving up (default 20). */
  rateLimitWaits?: number;
  /** The longest single wait for a rate limit, ms (default 15 minutes): a longer one stops the sync. */
  maxWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Told of every wait and retry (a progress line): the text has no secrets. */
  onWait?: (ms: number, why: string) => void;
}

export type Query = Record<string, string | number | undefined>;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  readonly base: URL;
  private readonly options: HttpOptions;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;
  /** Set when a rate header said nothing is left: no request before this moment. */
  private notBefore: number | undefined;
  /** Requests sent (tests and progress). */
  requests = 0;

  constructor(options: HttpOptions) {
    this.options = options;
    try {
      this.base = new URL(options.base);
    } catch {
      throw new SyncError('config', `${redactUrl(options.base)} is not an address: ${options.notFoundHint ?? 'check the base_url of the sync'}`);
    }
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? (() => new Date());
  }

  /** GET `pathOrUrl` (a path under the base, or a full URL the API handed out such as `after_url`) and parse its JSON body. */
  getJson(pathOrUrl: string, query: Query = {}): Promise<unknown> {
    return this.request('GET', pathOrUrl, query, undefined);
  }

  /** GET like {@link getJson}, but a 404 (a record gone since it was listed) answers undefined instead of stopping the sync. */
  getJsonIfFound(pathOrUrl: string, query: Query = {}): Promise<unknown> {
    return this.request('GET', pathOrUrl, query, undefined, true);
  }

  /** POST `body` as JSON and parse the JSON answer. */
  postJson(pathOrUrl: string, body: unknown, query: Query = {}): Promise<unknown> {
    return this.request('POST', pathOrUrl, query, body);
  }

  /** The address of a request; a full URL must be on the base's origin (a cursor URL cannot send the token elsewhere). */
  url(pathOrUrl: string, query: Query = {}): URL {
    const url = new URL(pathOrUrl, this.base);
    if (url.origin !== this.base.origin) {
      throw new SyncError(
        'shape',
        `the ${this.options.platform} API handed out a next-page address on another host (${url.origin}), not ${this.base.origin}: refusing to send the credentials there`,
      );
    }
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** `text` with every secret of this client replaced by `***`. */
  redact(text: string): string {
    return redact(text, [...(this.options.secrets ?? []), ...Object.values(this.options.headers ?? {})]);
  }

  private async request(method: 'GET' | 'POST', pathOrUrl: string, query: Query, body: unknown, missingOk = false): Promise<unknown> {
    const url = this.url(pathOrUrl, query);
    const what = `${method} ${url.pathname}`;
    const retries = this.options.retries ?? 5;
    const rateWaits = this.options.rateLimitWaits ?? 20;
    let failures = 0;
    let waits = 0;
    for (;;) {
      await this.waitForRateWindow();
      let response: Response;
      try {
        response = await this.send(method, url, body);
      } catch (error) {
        const problem = this.transportProblem(error, url);
        if (problem.fatal || failures >= retries)
          throw new SyncError(
            problem.fatal ? 'not-found' : 'unavailable',
            this.redact(problem.fatal ? problem.text : `${problem.text} (${failures + 1} tries): ${what} — try again later`),
          );
        await this.pause(this.backoff(failures++), `${what}: ${problem.text}; retrying`);
        continue;
      }
      this.noteRateHeaders(response.headers);
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after'), this.now()) ?? this.resetMs(response.headers) ?? this.backoff(waits);
        await response.body?.cancel().catch(() => undefined);
        if (waits >= rateWaits)
          throw new SyncError('rate-limit', `the ${this.options.platform} API kept answering 429 (rate limited) after ${waits} waits: ${what} — run the sync again later`);
        if (wait > (this.options.maxWaitMs ?? 15 * 60_000)) {
          throw new SyncError('rate-limit', `the ${this.options.platform} API is rate limited for ${Math.round(wait / 1000)} s (Retry-After): ${what} — run the sync again later`);
        }
        waits++;
        this.notBefore = undefined;
        await this.pause(wait, `${what}: rate limited (429); waiting ${Math.ceil(wait / 1000)} s as Retry-After says`);
        continue;
      }
      if (response.status >= 500) {
        const text = await snippet(response);
        if (failures >= retries)
          throw new SyncError(
            'unavailable',
            this.redact(`the ${this.options.platform} API answered ${response.status} ${failures + 1} times: ${what} (${text}) — try again later`),
          );
        await this.pause(this.backoff(failures++), `${what}: ${response.status}; retrying`);
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        const text = await snippet(response);
        throw new SyncError(
          'auth',
          this.redact(`the token was refused: the ${this.options.platform} API answered ${response.status} to ${what} (${text}); ${this.options.authHint}`),
        );
      }
      if (response.status === 404 && missingOk) {
        await response.body?.cancel().catch(() => undefined);
        return undefined;
      }
      if (response.status === 404) {
        const text = await snippet(response);
        throw new SyncError(
          'not-found',
          this.redact(
            `the ${this.options.platform} API at ${redactUrl(this.base.origin)} answered 404 to ${what} (${text}): ${this.options.notFoundHint ?? 'check the address of the sync'}`,
          ),
        );
      }
      if (response.status < 200 || response.status >= 300) {
        const text = await snippet(response);
        throw new SyncError('http', this.redact(`the ${this.options.platform} API answered ${response.status} to ${what}: ${text}`));
      }
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        const type = response.headers.get('content-type') ?? 'no content type';
        throw new SyncError('shape', this.redact(`the response to ${what} is not JSON: the API answered ${type}, ${JSON.stringify(text.slice(0, 80))}`));
      }
    }
  }

  private async send(method: string, url: URL, body: unknown): Promise<Response> {
    const fetcher = this.options.fetch ?? fetch;
    this.requests++;
    const headers: Record<string, string> = { accept: 'application/json', ...(this.options.headers ?? {}) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetcher(url, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      redirect: 'error',
    });
  }

  /** A failure before any answer: a DNS miss stops the sync at once (wrong subdomain); the rest may pass. */
  private transportProblem(error: unknown, url: URL): { text: string; fatal: boolean } {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const code = e.cause?.code ?? (e as NodeJS.ErrnoException).code;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { text: `no answer within ${Math.round((this.options.timeoutMs ?? 30_000) / 1000)} s`, fatal: false };
    if (code === 'ENOTFOUND') {
      return { text: `${url.hostname} does not resolve (no such host): ${this.options.notFoundHint ?? 'check the address of the sync'}`, fatal: true };
    }
    return { text: `could not reach ${url.host}: ${code ?? e.cause?.message ?? e.message}`, fatal: false };
  }

  private backoff(n: number): number {
    return (this.options.backoffMs ?? 1000) * 2 ** n;
  }

  private async pause(ms: number, why: string): Promise<void> {
    this.options.onWait?.(ms, this.redact(why));
    if (ms > 0) await this.sleep(ms);
  }

  private async waitForRateWindow(): Promise<void> {
    if (this.notBefore === undefined) return;
    const wait = this.notBefore - this.now().getTime();
    this.notBefore = undefined;
    if (wait > 0) await this.pause(wait, `the rate limit's window is used up; waiting ${Math.ceil(wait / 1000)} s for its reset`);
  }

  /** Remaining 0 in a rate header: the next request waits for the reset (default: a minute, Zendesk's window). */
  private noteRateHeaders(headers: Headers): void {
    const remaining = headers.get('ratelimit-remaining') ?? headers.get('x-rate-limit-remaining') ?? headers.get('x-ratelimit-remaining');
    if (remaining === null || Number(remaining) > 0) return;
    this.notBefore = this.now().getTime() + (this.resetMs(headers) ?? 60_000);
  }

  /** Milliseconds until the rate window resets, from `ratelimit-reset` (seconds from now) or `X-RateLimit-Reset` (Unix seconds). */
  private resetMs(headers: Headers): number | undefined {
    const raw = headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset') ?? headers.get('x-rate-limit-reset');
    if (raw === null || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
    const n = Number(raw);
    // a Unix time is far larger than any window in seconds
    return n > 1e9 ? Math.max(0, n * 1000 - this.now().getTime()) : n * 1000;
  }
}

/** `Retry-After` in ms: delta seconds, or an HTTP date (from `now`); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** The start of a response body, for an error line. */
async function snippet(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, 120) : 'no body';
}

/** `text` with each secret (of four characters or more) and its Base64 form replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (const form of [s, s.replace(/^(Basic|Bearer|Token)\s+/i, ''), encodeURIComponent(s)]) if (form.length >= 4) out = out.split(form).join('***');
  }
  return out;
}

/** A URL without user-info (`https://user:pw@host` → `https://host`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1');
}

/** `body[key]` when it is an array, else a shape error naming what the API answered instead. */
export function arrayOf(body: unknown, key: string, what: string): unknown[] {
  const value = isObject(body) ? body[key] : undefined;
  if (Array.isArray(value)) return value;
  throw new SyncError('shape', `the response to ${what} has no \`${key}\` array: the API answered ${describeShape(body)}`);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a JSON value's shape: `an object with keys error, description`. */
export function describeShape(body: unknown): string {
  if (Array.isArray(body)) return `an array of ${body.length}`;
  if (isObject(body)) {
    const keys = Object.keys(body);
    return keys.length ? `an object with keys ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}` : 'an empty object';
  }
  return JSON.stringify(body)?.slice(0, 60) ?? String(body);
}
