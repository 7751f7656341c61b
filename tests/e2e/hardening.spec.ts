// Issue 20, items 10–12, over HTTP as a browser or an attacker sends it: failed sign-ins are
// throttled and an admin unlocks; a foreign Host header is refused; every page carries a
// Content-Security-Policy that the pages themselves keep, and is not cached.
import { expect, test, type Page } from '@playwright/test';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { signIn } from './helpers.js';

/** One raw HTTP/1.1 GET with the Host header given: the status line and the body. */
function rawGet(baseURL: string, path: string, host: string): Promise<{ status: string; body: string }> {
  const { hostname, port } = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: text.split('\r\n')[0]!, body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
  });
}

/** A sign-in form post from another client address on this machine (127.0.0.2), so this test's failures do not count against the other tests' 127.0.0.1. */
function postLogin(baseURL: string, username: string, password: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  const url = new URL('/login', baseURL);
  const body = new URLSearchParams({ username, password }).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: '127.0.0.2',
        headers: { accept: 'text/html', origin: url.origin, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('a request for another host name is refused with 421 and one line; the localhost names are answered', async ({ baseURL }) => {
  const port = new URL(baseURL!).port;
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`]) {
    const answer = await rawGet(baseURL!, '/login', host);
    expect(answer.status, host).toBe('HTTP/1.1 421 Misdirected Request');
    expect(answer.body).toBe(
      `421 Misdirected Request: this Parley server does not answer for the host ${JSON.stringify(host)}; open it by its configured address (set ORIGIN when it is served under a name)\n`,
    );
  }
  // the same for a built asset: the check comes before anything is served
  expect((await rawGet(baseURL!, '/_app/version.json', 'evil.example')).status).toBe('HTTP/1.1 421 Misdirected Request');
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) expect((await rawGet(baseURL!, '/login', host)).status, host).toBe('HTTP/1.1 200 OK');
});

/** Collects the page's Content-Security-Policy violations (the listener is added before any of its scripts run). */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

test('every page carries a script policy with a nonce and no-store, and runs without a policy violation', async ({ page }) => {
  const violations = await watchViolations(page);
  const login = await page.goto('/login');
  const csp = login!.headers()['content-security-policy']!;
  expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
  expect(csp).toMatch(/(^|; )script-src 'self' 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
  expect(csp).toMatch(/(^|; )style-src 'self' 'unsafe-inline'(;|$)/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/https?:/);
  expect(login!.headers()['cache-control']).toBe('no-store');
  await signIn(page, 'admin', '/');
  for (const path of ['/', '/metrics/fcr_rate', '/agents/agt_001', '/conversations', '/conversations/demo/xss-1', '/qa', '/pain-points', '/reports', '/data', '/admin/users']) {
    const response = await page.goto(path);
    expect(response!.status(), path).toBe(200);
    expect(response!.headers()['content-security-policy'], path).toMatch(/script-src 'self' 'nonce-/);
    expect(response!.headers()['cache-control'], path).toBe('no-store');
    expect(await violations(), path).toEqual([]);
  }
  // the app runs: a chart is drawn on the overview and a link is followed in the page, without a reload
  await page.goto('/');
  await expect(page.locator('svg').first()).toBeVisible();
  await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
  await page.getByRole('link', { name: 'Agents', exact: true }).first().click();
  await expect(page).toHaveURL(/\/agents$/);
  expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
  expect(await violations()).toEqual([]);
  // a form answer (the data of a client-side navigation too) is not cached either
  const data = await page.request.get('/agents/__data.json');
  expect(data.headers()['cache-control']).toBe('no-store');
});

test('failed sign-ins make a name wait longer each time; an admin sees it and unlocks it', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  // 5 free failures, then waits of 1, 2, 4 and 8 s after the 5th to 8th: 9 failures
  for (const wait of [0, 0, 0, 0, 0, 1, 2, 4, 8]) {
    await page.waitForTimeout(wait * 1000 + 100);
    expect((await postLogin(baseURL!, 'nobody-e2e', 'wrong password')).status).toBe(400);
  }
  // now it waits 16 s, and a try in the meantime is refused unchecked, with when to try again
  const refused = await postLogin(baseURL!, 'nobody-e2e', 'wrong password');
  expect(refused.status).toBe(429);
  expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(14);
  expect(refused.body).toMatch(/Too many failed sign-ins for this account: try again in 1[4-6] s\./);

  await signIn(page, 'admin', '/admin/users');
  const row = page.getByTestId('lockout-nobody-e2e');
  await expect(row).toContainText('waiting');
  await expect(row).toContainText('9');
  await expect(page.locator('section[aria-labelledby="sign-in-log"]')).toContainText('127.0.0.2');
  await row.getByRole('button', { name: 'Unlock nobody-e2e' }).click();
  await expect(page.getByRole('status')).toHaveText('Unlocked "nobody-e2e": it may sign in at once.');
  await expect(page.getByTestId('lockout-nobody-e2e')).toHaveCount(0);
  // checked again at once (and wrong again: 400, not 429)
  expect((await postLogin(baseURL!, 'nobody-e2e', 'wrong password')).status).toBe(400);
});
