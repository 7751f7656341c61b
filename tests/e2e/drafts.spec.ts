import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

test('a reviewer saves a half-graded conversation as a draft and reopens it from the QA workspace', async ({ page }) => {
  await signIn(page, 'reviewer', '/qa');
  const first = page.locator('a[href^="/qa/smp"]').first();
  const href = (await first.getAttribute('href'))!;
  await first.click();
  await page.waitForURL((u) => u.pathname === href);
  const title = await page.getByRole('heading', { level: 1 }).textContent();
  // rate the first criterion only, with a comment, and keep it as a draft
  const group = page.locator('fieldset.criterion').first();
  const value = await group.locator('input[type=radio]').nth(1).getAttribute('value');
  await group.locator('input[type=radio]').nth(1).check();
  await group.locator('input[name^="comment:"]').fill('Come back to the tone.');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status')).toContainText('Draft saved');
  await expect(page.getByRole('status')).toContainText('(1 of 7 rated)');

  // the draft is listed in the workspace and reopens with what was given
  await page.goto('/qa');
  const row = page.getByTestId('draft').filter({ has: page.locator(`a[href="${href}"]`) });
  await expect(row).toHaveCount(1);
  await row.getByRole('link').click();
  await page.waitForURL((u) => u.pathname === href);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title!);
  await expect(page.locator('fieldset.criterion').first().locator(`input[type=radio][value="${value}"]`)).toBeChecked();
  await expect(page.locator('fieldset.criterion').first().locator('input[name^="comment:"]')).toHaveValue('Come back to the tone.');

  // grading the rest and saving the review removes the draft
  const groups = page.locator('fieldset.criterion');
  for (let i = 1; i < (await groups.count()); i++) {
    const values = await groups
      .nth(i)
      .locator('input[type=radio]:not([value="n/a"])')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    await groups
      .nth(i)
      .locator(`input[type=radio][value="${values.includes('pass') ? 'pass' : values[values.length - 1]}"]`)
      .check();
  }
  await page.getByRole('button', { name: 'Save review' }).click();
  await expect(page.getByTestId('qa-score')).toBeVisible();
  await page.goto('/qa');
  await expect(page.getByTestId('draft').filter({ has: page.locator(`a[href="${href}"]`) })).toHaveCount(0);
});
