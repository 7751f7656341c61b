/**
 * The sync's HTTP client against a scripted `fetch`: retries with backoff,
 * 429 and the rate headers, the one-line errors, and no credential in any
 * message. `sleep` records the waits instead of waiting; `now` is fixed.
 */
import { describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { HttpClient, SyncError, arrayOf, redact, retryAfterMs, type HttpOptions } from './http.js';

const TOKEN = 'zd-secret-token-4711';
const AUTH = `Basic ${Buffer.from(`ops@acme.example/token:${TOKEN}`).toString('base64')}`;

type Step = Response | Error | ((url: string, init: RequestInit) => Response | Error);

/** A client whose fetch answers `steps` in order; `waits` collects the sleeps (ms), `urls` the requests. */
function client(steps: Step[], options: Partial<HttpOptions> = {}) {
  const waits: number[] = [];
  const urls: string[] = [];
  const headers: Record<string, string>[] = [];
  let clock = TEST_NOW.getTime();
  const http = new HttpClient({
    base: 'https://acme.zendesk.com',
    platform: 'Zendesk',
    headers: { authorization: AUTH },
    secrets: [TOKEN],
    authHint: 'set ZENDESK_TOKEN to a valid API token (and ZENDESK_EMAIL to its agent)',
    notFoundHint: 'check ZENDESK_SUBDOMAIN (the acme of acme.zendesk.com)',
    backoffMs: 100,
    retries: 3,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    now: () => new Date(clock),
    fetch: (async (url: URL, init: RequestInit) => {
      urls.push(String(url));
      headers.push(init.headers as Record<string, string>);
      const step = steps.shift();
      if (!step) throw new Error('no more scripted answers');
      const answer = typeof step === 'function' ? step(String(url), init) : step;
      if (answer instanceof Error) throw answer;
      return answer;
    }) as typeof fetch,
    ...options,
  });
  return { http, waits, urls, headers };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const networkError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

async function failure(p: Promise<unknown>): Promise<SyncError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(SyncError);
  return e as SyncError;
}

describe('HttpClient', () => {
  it('sends the query and the credentials, and parses the JSON answer', async () => {
    const c = client([json({ tickets: [] })]);
    expect(await c.http.getJson('/api/v2/incremental/tickets/cursor.json', { start_time: 0, cursor: undefined })).toEqual({ tickets: [] });
    expect(c.urls).toEqual(['https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?start_time=0']);
    expect(c.headers[0]!['authorization']).toBe(AUTH);
  });

  it('retries a 5xx and a dropped connection with doubling backoff, then answers', async () => {
    const c = client([json({ error: 'x' }, 503), networkError('ECONNRESET'), json({ ok: 1 })]);
    expect(await c.http.getJson('/a')).toEqual({ ok: 1 });
    expect(c.waits).toEqual([100, 200]);
  });

  it('retries a timeout', async () => {
    const c = client([new DOMException('The operation was aborted due to timeout', 'TimeoutError'), json({ ok: 1 })]);
    expect(await c.http.getJson('/a')).toEqual({ ok: 1 });
    expect(c.waits).toEqual([100]);
  });

  it('gives up after the retry limit with one line', async () => {
    const c = client([json({}, 500), json({}, 502), json({}, 503), json({ e: 'down' }, 500)]);
    const e = await failure(c.http.getJson('/api/v2/x.json'));
    expect(e.kind).toBe('unavailable');
    expect(e.message).toBe('the Zendesk API answered 500 4 times: GET /api/v2/x.json ({"e":"down"}) — try again later');
    expect(c.waits).toEqual([100, 200, 400]);
  });

  it('waits as a 429 Retry-After says, in seconds or as a date', async () => {
    const later = new Date(TEST_NOW.getTime() + 7000).toUTCString();
    const c = client([json({}, 429, { 'retry-after': '30' }), json({}, 429, { 'retry-after': later }), json({ ok: 1 })]);
    expect(await c.http.getJson('/a')).toEqual({ ok: 1 });
    // the second Retry-After is a date 7 s after TEST_NOW, read when the clock stands 30 s later: no wait left
    expect(c.waits).toEqual([30_000]);
  });

  it('waits for the reset when a rate header says nothing is left (Zendesk: seconds; Intercom: Unix time)', async () => {
    const resetAt = Math.floor(TEST_NOW.getTime() / 1000) + 40;
    const c = client([
      json({ a: 1 }, 200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '12' }),
      json({ b: 1 }, 200, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetAt) }),
      json({ c: 1 }),
    ]);
    await c.http.getJson('/a');
    expect(c.waits).toEqual([]);
    await c.http.getJson('/b');
    expect(c.waits).toEqual([12_000]);
    await c.http.getJson('/c');
    // reset at TEST_NOW + 40 s, the clock already 12 s on
    expect(c.waits).toEqual([12_000, 28_000]);
  });

  it('stops with one line when the rate limit lasts longer than it may wait', async () => {
    const e = await failure(client([json({}, 429, { 'retry-after': '3600' })]).http.getJson('/api/v2/a.json'));
    expect(e.kind).toBe('rate-limit');
    expect(e.message).toBe('the Zendesk API is rate limited for 3600 s (Retry-After): GET /api/v2/a.json — run the sync again later');
  });

  it('says the token was refused, naming the variable, and never shows the token', async () => {
    const c = client([json({ error: `Couldn't authenticate you with ${TOKEN}` }, 401)]);
    const e = await failure(c.http.getJson('/api/v2/tickets.json'));
    expect(e.kind).toBe('auth');
    expect(e.message).toBe(
      'the token was refused: the Zendesk API answered 401 to GET /api/v2/tickets.json ({"error":"Couldn\'t authenticate you with ***"}); set ZENDESK_TOKEN to a valid API token (and ZENDESK_EMAIL to its agent)',
    );
    expect(e.message).not.toContain(TOKEN);
    expect(e.message).not.toContain(AUTH.slice(6));
  });

  it('says what to fix for a wrong subdomain: a 404, or a host that does not resolve (not retried)', async () => {
    const e = await failure(client([json({ error: 'InvalidEndpoint' }, 404)]).http.getJson('/api/v2/a.json'));
    expect(e.kind).toBe('not-found');
    expect(e.message).toBe(
      'the Zendesk API at https://acme.zendesk.com answered 404 to GET /api/v2/a.json ({"error":"InvalidEndpoint"}): check ZENDESK_SUBDOMAIN (the acme of acme.zendesk.com)',
    );
    const c = client([networkError('ENOTFOUND')]);
    const d = await failure(c.http.getJson('/a'));
    expect(d.message).toBe('acme.zendesk.com does not resolve (no such host): check ZENDESK_SUBDOMAIN (the acme of acme.zendesk.com)');
    expect(c.waits).toEqual([]);
  });

  it('says so when the answer is not JSON, or lacks the array it should hold', async () => {
    const html = new Response('<html>Help Center closed</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const e = await failure(client([html]).http.getJson('/a'));
    expect(e.message).toBe('the response to GET /a is not JSON: the API answered text/html, "<html>Help Center closed</html>"');
    expect(() => arrayOf({ results: [], count: 0 }, 'tickets', 'GET /api/v2/incremental/tickets/cursor.json')).toThrow(
      'the response to GET /api/v2/incremental/tickets/cursor.json has no `tickets` array: the API answered an object with keys results, count',
    );
  });

  it('refuses to follow a next-page address on another host (it would carry the token there)', async () => {
    const c = client([]);
    const e = await failure(c.http.getJson('https://evil.example/api/v2/x.json'));
    expect(e.message).toContain('refusing to send the credentials there');
    expect(c.urls).toEqual([]);
  });
});

describe('retryAfterMs and redact', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('5', TEST_NOW)).toBe(5000);
    expect(retryAfterMs('Tue, 01 Dec 2026 12:01:00 GMT', TEST_NOW)).toBe(60_000);
    expect(retryAfterMs('soon', TEST_NOW)).toBeUndefined();
    expect(retryAfterMs(null, TEST_NOW)).toBeUndefined();
  });

  it('blanks every secret and the bare form of an authorization header', () => {
    expect(redact(`token ${TOKEN} and header ${AUTH.slice(6)}`, [TOKEN, AUTH])).toBe('token *** and header ***');
  });
});
