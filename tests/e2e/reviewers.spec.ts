import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

test('a QA lead reads each reviewer against the others; a reviewer may not', async ({ page }) => {
  await signIn(page, 'supervisor', '/qa');
  await page.getByRole('link', { name: 'Reviewers' }).click();
  await page.waitForURL(/\/qa\/reviewers/);
  // the demo's seeded QA work (reviews by ana, ben and reviewer) lies in the weeks before today, and other specs
  // may have graded this month already: open the newest month in which ana reviewed
  const months = await page
    .getByLabel('Month')
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const rows = page.getByTestId('reviewer-row');
  for (const m of months) {
    await page.goto(`/qa/reviewers?month=${m}`);
    if ((await rows.filter({ hasText: 'ana' }).count()) > 0) break;
  }
  await expect(rows.filter({ hasText: 'ana' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'ben' })).toHaveCount(1);
  await expect(page.getByRole('columnheader', { name: 'All reviewers' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'reviewer');
  expect((await page.goto('/qa/reviewers'))?.status()).toBe(403);
});
