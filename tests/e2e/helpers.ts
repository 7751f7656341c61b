import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'parley-demo';

/** Signs in through the form, as a person does. */
export async function signIn(page: Page, username: string, path = '/'): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}
