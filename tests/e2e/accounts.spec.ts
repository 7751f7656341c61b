import { expect, test, type Page } from '@playwright/test';
import { signIn } from './helpers.js';

const PASSWORD = 'a long passphrase';

async function signInAs(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an admin adds an account and disables it on the accounts page: its browser is signed out and cannot sign in', async ({ page, browser }) => {
  await signIn(page, 'admin', '/admin/users');
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  const add = page.locator('form[action="?/add"]');
  await add.getByLabel('Username').fill('temp-reviewer');
  await add.getByLabel('Role').selectOption('reviewer');
  await add.getByLabel('Password').fill(PASSWORD);
  await add.getByRole('button', { name: 'Add account' }).click();
  await expect(page.getByRole('status')).toHaveText('Created the reviewer account "temp-reviewer".');

  // the new account signs in in another browser
  const other = await browser.newContext();
  const theirs = await other.newPage();
  await signInAs(theirs, 'temp-reviewer', PASSWORD);
  await expect(theirs.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await page.goto('/admin/users');
  const row = page.getByTestId('account-temp-reviewer');
  await expect(row.getByRole('cell').nth(3)).toHaveText('1');
  await row.getByRole('button', { name: 'Disable temp-reviewer' }).click();
  await expect(page.getByRole('status')).toHaveText('Disabled "temp-reviewer"; ended 1 login session.');
  await expect(page.getByTestId('account-temp-reviewer').getByTestId('account-status')).toContainText('disabled');
  await page.screenshot({ path: 'test-results/accounts-page.png', fullPage: true });

  // their next page load goes to the sign-in page, and signing in is refused with a clear line
  await theirs.goto('/');
  await expect(theirs).toHaveURL(/\/login/);
  await signInAs(theirs, 'temp-reviewer', PASSWORD);
  await expect(theirs.getByRole('alert')).toHaveText('This account is disabled: ask an admin to enable it.');
  await other.close();

  // the admin cannot disable their own account here, and a reviewer cannot open the page
  await expect(page.getByTestId('account-admin').getByRole('button')).toHaveCount(1); // End sessions only
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'reviewer');
  await expect(page.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
  expect((await page.goto('/admin/users'))?.status()).toBe(403);
});
