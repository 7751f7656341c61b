import { expect, test, type Browser, type Page } from '@playwright/test';
import { signIn } from './helpers.js';

async function as(browser: Browser, user: string, path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user, path);
  return { page, close: () => context.close() };
}

async function gradeBest(page: Page) {
  await expect(page.getByRole('heading', { name: 'Rubric (blind)' })).toBeVisible();
  const groups = page.locator('fieldset.criterion');
  for (let i = 0; i < (await groups.count()); i++) {
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
  await expect(page.getByTestId('qa-score')).toHaveText('100.0');
}

test('a calibration session is blind until the facilitator closes it, then shows agreement', async ({ browser }) => {
  const sup = await as(browser, 'supervisor', '/qa/calibration');
  await sup.page.getByLabel('Name').fill('Calibration check');
  await sup.page.getByLabel('How many').fill('1');
  await sup.page.getByRole('checkbox', { name: 'reviewer' }).check();
  await sup.page.getByRole('checkbox', { name: 'admin' }).check();
  await sup.page.getByRole('button', { name: 'Open session' }).click();
  await expect(sup.page.getByRole('heading', { name: 'Calibration check' })).toBeVisible();
  const sessionUrl = sup.page.url();

  for (const user of ['reviewer', 'admin']) {
    const r = await as(browser, user, new URL(sessionUrl).pathname);
    await r.page.getByRole('link', { name: 'Grade conversation 1' }).click();
    await gradeBest(r.page);
    await r.page.goto(sessionUrl);
    // Blind: a reviewer sees their own grade only.
    await expect(r.page.locator('tbody td').nth(3)).toContainText(user);
    await expect(r.page.locator('tbody td').nth(3)).not.toContainText(user === 'admin' ? 'reviewer (' : 'admin (');
    await r.close();
  }

  await sup.page.reload();
  await sup.page.getByRole('link', { name: 'Grade conversation 1' }).click();
  await gradeBest(sup.page);
  await sup.page.goto(sessionUrl);
  await sup.page.getByRole('button', { name: 'Close and reveal' }).click();
  await expect(sup.page.getByRole('heading', { name: 'Agreement' })).toBeVisible();
  await expect(sup.page.locator('table').nth(1)).toContainText('100%');
  await sup.close();
});
