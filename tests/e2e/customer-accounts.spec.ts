import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

// The demo's enterprise customers belong to companies ("<last name> & Co") and their conversations carry the tag vip.
test('a supervisor follows an account from the list to its page, its customers, their conversations and its CSV', async ({ page }) => {
  await signIn(page, 'supervisor', '/conversations?from=2025-01-01&tag=vip');
  const link = page.locator('tbody tr .account a').first();
  const account = (await link.textContent())!.trim();
  expect(account).toMatch(/ & Co$/);
  await link.click();
  await expect(page).toHaveURL(/\/customer-accounts\/demo\//);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Account ${account}`);
  const facts = page.getByTestId('account-facts');
  for (const label of ['Customers', 'Conversations', 'Repeat contacts (7 days)', 'CSAT (satisfied)', 'Effort (mean)', 'SLA met']) await expect(facts).toContainText(label);

  // the figures agree with the tables below them: as many customers as listed, as many conversations as the list holds
  const customers = page.getByTestId('account-customers').locator('tbody tr');
  const count = Number((await facts.locator('dt:has-text("Customers") + dd').textContent())!.replace(/,/g, ''));
  expect(count).toBeGreaterThan(0);
  await expect(customers).toHaveCount(Math.min(count, 100));
  const conversations = Number((await facts.locator('dt:has-text("Conversations") + dd').textContent())!.replace(/,/g, ''));
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText(`of ${Math.max(1, Math.ceil(conversations / 50))}`);

  // the CSV holds every conversation of the account, each with the account
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('account-csv').click()]);
  const csv = (await (await download.createReadStream()).toArray()).join('').trim().split('\r\n');
  const header = csv[0]!.split(',');
  expect(csv).toHaveLength(conversations + 1);
  const accountColumn = header.indexOf('account');
  // the name has no comma or quote, so a plain split finds its column
  expect(new Set(csv.slice(1).map((l) => l.split(',')[accountColumn]))).toEqual(new Set([account]));

  // a customer's page names the account and leads back to it
  const first = customers.first().getByRole('link');
  const customerId = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Customer ${customerId}`);
  await page.locator('.period').getByRole('link', { name: account }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Account ${account}`);

  // a conversation of the account names it too
  await page.locator('[data-csv="server"] tbody tr td.mono a').first().click();
  await page.getByRole('link', { name: account, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Account ${account}`);
});

test('an account page is for those who may read conversations', async ({ page }) => {
  await signIn(page, 'product', '/metrics/fcr_rate');
  expect((await page.goto('/customer-accounts/demo/Nobody%20%26%20Co'))?.status()).toBe(403);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'reviewer', '/conversations');
  expect((await page.goto('/customer-accounts/demo/Nobody%20%26%20Co'))?.status()).toBe(404);
});
