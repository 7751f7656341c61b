import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

test('bodies with HTML or script are shown as text, never run', async ({ page }) => {
  await signIn(page, 'reviewer', '/conversations/demo/xss-1');
  const thread = page.getByRole('list', { name: 'Conversation timeline' });
  await expect(thread).toContainText('<script>window.__pwned = true</script>Hello <b>there</b>');
  await expect(thread).toContainText('<img src=x onerror="window.__pwned=true"> We are on it.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("<img src=x onerror=alert('subject')>");
  await expect(thread.locator('script, img, b, a')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
});

test('the data page shows what was refused and why, to admins only', async ({ page }) => {
  await signIn(page, 'admin', '/data');
  await expect(page.getByRole('heading', { name: 'Load log' })).toBeVisible();
  await expect(page.locator('section[aria-labelledby="quarantine"] table')).toContainText('hostile.jsonl');
  await expect(page.locator('section[aria-labelledby="quarantine"] table')).toContainText('created_at');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'leadership');
  expect((await page.goto('/data'))?.status()).toBe(403);
});

test('product and leadership read metrics but not conversations', async ({ page }) => {
  await signIn(page, 'product', '/metrics/fcr_rate');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('FCR');
  expect((await page.goto('/conversations/demo/xss-1'))?.status()).toBe(403);
  await page.goto('/conversations?channel=webchat');
  await expect(page.locator('thead')).not.toContainText('Subject');
  await expect(page.locator('tbody a')).toHaveCount(0);
});

test('a form post from another origin is refused', async ({ request, baseURL }) => {
  const response = await request.post(`${baseURL}/login`, {
    headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    data: 'username=admin&password=parley-demo',
  });
  expect(response.status()).toBe(403);
});

test('leadership opens a report rendered from the notebooks; an agent may not', async ({ page }) => {
  await signIn(page, 'leadership', '/reports');
  await page.getByRole('button', { name: /^Open Monthly/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Monthly');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'agent');
  expect((await page.goto('/reports'))?.status()).toBe(403);
});

test('sign-in never sends a person to another site, however the next path is spelled', async ({ page }) => {
  await signIn(page, 'reviewer', '/\\evil.example/phish');
  expect(new URL(page.url()).hostname).toBe('127.0.0.1');
  expect(new URL(page.url()).pathname).toBe('/');
  // already signed in: the login page sends the person on at once, to this site only
  const answer = await page.request.get('/login?next=%2F%5Cevil.example%2Fphish', { maxRedirects: 0 });
  expect(answer.status()).toBe(303);
  expect(answer.headers()['location']).toBe('/');
});
