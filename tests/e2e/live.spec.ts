import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { signedHeaders } from '../../service/webhooks.js';
import { signIn } from './helpers.js';

// the secret named by tests/e2e/fixtures/parley.config.yaml (webhooks.zendesk.secret_file)
const SECRET = readFileSync('tests/e2e/fixtures/webhook-secret.txt', 'utf8').trim();

test('the live page takes in a signed webhook without a reload', async ({ page }) => {
  await signIn(page, 'supervisor', '/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Live' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Live operations');
  const total = page.getByTestId('open-total');
  const before = Number((await total.textContent())!.replace(/,/g, ''));
  // a marker that a reload would lose
  await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 1));

  // the server checks a signature's timestamp against its own clock: the event is dated at the server's
  // time, as its live data say (the test itself reads no clock)
  const live = await page.request.get('/live/data');
  const now = new Date(((await live.json()) as { now: string }).now);
  const body = JSON.stringify({
    type: 'zen:event-type:ticket.comment_added',
    id: `e2e-live-${now.getTime()}`,
    time: now.toISOString(),
    detail: { id: `e2e-${now.getTime()}`, created_at: now.toISOString(), status: 'NEW', via: { channel: 'web' }, requester_id: 'e2e-customer' },
    event: { comment: { id: `e2e-c-${now.getTime()}`, body: 'My order has not arrived', is_public: true, author: { id: 'e2e-customer', is_staff: false, name: 'E2E' } } },
  });
  // a wrong signature is refused and changes nothing
  const refused = await page.request.post('/webhooks/zendesk', { data: body, headers: signedHeaders('zendesk', body, 'wrong', now) });
  expect(refused.status()).toBe(401);
  const res = await page.request.post('/webhooks/zendesk', { data: body, headers: signedHeaders('zendesk', body, SECRET, now) });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ applied: `e2e-live-${now.getTime()}` });

  await expect(total).toHaveText((before + 1).toLocaleString('en-US'), { timeout: 15_000 });
  await expect(page.getByTestId('freshness')).toContainText(/newest data \d+ s old/);
  expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(1);
  await page.screenshot({ path: 'test-results/live.png', fullPage: true });
});

test('reviewers and agents may not open the live page', async ({ page }) => {
  for (const who of ['reviewer', 'agent']) {
    await page.context().clearCookies();
    await signIn(page, who, '/');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Live' })).toHaveCount(0);
    expect((await page.goto('/live'))!.status()).toBe(403);
    expect((await page.request.get('/live/data')).status()).toBe(403);
  }
});
