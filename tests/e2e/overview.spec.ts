import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, signIn } from './helpers.js';

test('a wrong password is refused and the right one signs in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Username').fill('supervisor');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('do not match');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText('Demo data')).toBeVisible();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'parley_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');
});

test('changing a filter on the overview lands in the URL and changes the figures', async ({ page }) => {
  await signIn(page, 'leadership');
  const volume = page.locator('.tile', { hasText: 'Volume' }).locator('.tile-value');
  const before = await volume.textContent();
  await page.getByLabel('Channel').selectOption('email');
  await expect(page).toHaveURL(/channel=email/);
  await expect(volume).not.toHaveText(before ?? '');
  // The view is bookmarkable: opening the URL again shows the same filter.
  await page.goto(page.url());
  await expect(page.getByLabel('Channel')).toHaveValue('email');
});

test('a filter value with SQL in it is only a value', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto(`/?channel=${encodeURIComponent("email' or 1=1 --")}`);
  await expect(page.locator('.tile', { hasText: 'Volume' }).locator('.tile-value')).toHaveText('0');
});
