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
  await add.getByLabel('Username').fill('kim');
  // a product account: it shows in no reviewer or facilitator list of the other specs
  await add.getByLabel('Role').selectOption('product');
  await add.getByLabel('Password').fill(PASSWORD);
  await add.getByRole('button', { name: 'Add account' }).click();
  await expect(page.getByRole('status')).toHaveText('Created the product account "kim".');

  // the new account signs in in another browser
  const other = await browser.newContext();
  const theirs = await other.newPage();
  await signInAs(theirs, 'kim', PASSWORD);
  await expect(theirs.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await page.goto('/admin/users');
  const row = page.getByTestId('account-kim');
  await expect(row.getByRole('cell').nth(3)).toHaveText('1');
  await row.getByRole('button', { name: 'Disable kim' }).click();
  await expect(page.getByRole('status')).toHaveText('Disabled "kim"; ended 1 login session.');
  await expect(page.getByTestId('account-kim').getByTestId('account-status')).toContainText('disabled');
  await page.screenshot({ path: 'test-results/accounts-page.png', fullPage: true });

  // their next page load goes to the sign-in page, and signing in is refused with a clear line
  await theirs.goto('/');
  await expect(theirs).toHaveURL(/\/login/);
  await signInAs(theirs, 'kim', PASSWORD);
  await expect(theirs.getByRole('alert')).toHaveText('This account is disabled: ask an admin to enable it.');
  await other.close();

  // removed (after the browser's confirmation), it leaves the list
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('account-kim').getByRole('button', { name: 'Remove kim' }).click();
  await expect(page.getByRole('status')).toHaveText('Removed the product account "kim"; ended 0 login sessions.');
  await expect(page.getByTestId('account-kim')).toHaveCount(0);

  // the admin cannot disable their own account here, and a reviewer cannot open the page
  await expect(page.getByTestId('account-admin').getByRole('button')).toHaveCount(1); // End sessions only
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'reviewer');
  await expect(page.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
  expect((await page.goto('/admin/users'))?.status()).toBe(403);
});
