import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

test('a bar of the monthly chart lists the conversations behind it', async ({ page }) => {
  await signIn(page, 'supervisor');
  // the chart shown (each is also rendered for a phone's width, hidden on a desktop)
  const bars = page.locator('figure', { hasText: 'Conversations per month' }).locator('.plot:visible a');
  const count = await bars.count();
  expect(count).toBeGreaterThan(3);
  const last = bars.nth(count - 1);
  const title = (await last.locator('title').textContent()) ?? '';
  // '2026-11: 1,234', or '2026-11: 456 (to 2026-11-18 only)' for a month the range ends inside
  const [month, value] = title.split(': ');
  const n = value!.split(' ')[0];
  await last.click();
  await expect(page).toHaveURL(new RegExp(`/conversations\\?.*month=${month}`));
  await expect(page.getByTestId('list-scope')).toContainText(`${n} conversations`);
  // …and from the list into one thread.
  await page.locator('tbody a').first().click();
  await expect(page.getByRole('list', { name: 'Conversation timeline' })).toBeVisible();
});

test('a breakdown bar on a metric page lists that group only', async ({ page }) => {
  await signIn(page, 'admin', '/metrics/fcr_rate');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('FCR');
  const bar = page.locator('figure', { hasText: 'By channel' }).locator('a').first();
  const channel = ((await bar.locator('title').textContent()) ?? '').split(': ')[0]!;
  await bar.click();
  await expect(page).toHaveURL(new RegExp(`channel=${channel}`));
  // the list's fourth column is the channel (conversation, created, status, channel, …)
  const channels = await page.locator('tbody tr td:nth-child(4)').allTextContents();
  expect(channels.length).toBeGreaterThan(0);
  expect(new Set(channels)).toEqual(new Set([channel]));
});
