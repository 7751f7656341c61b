import { expect, test, type Browser, type Page } from '@playwright/test';
import { signIn } from './helpers.js';

async function as(browser: Browser, user: string, path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user, path);
  return { page, close: () => context.close() };
}

/** Top marks everywhere; with `clarity`, Clarity gets that rating and a comment instead. */
async function gradeBest(page: Page, clarity?: { rating: string; comment: string }) {
  await expect(page.getByRole('heading', { name: 'Rubric (blind)' })).toBeVisible();
  const groups = page.locator('fieldset.criterion');
  for (let i = 0; i < (await groups.count()); i++) {
    const g = groups.nth(i);
    const values = await g.locator('input[type=radio]:not([value="n/a"])').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const isClarity = (await g.locator('legend').textContent())?.includes('Clarity');
    const pick = clarity && isClarity ? clarity.rating : values.includes('pass') ? 'pass' : values[values.length - 1];
    await g.locator(`input[type=radio][value="${pick}"]`).check();
    if (clarity && isClarity) await g.getByLabel('Comment on clarity').fill(clarity.comment);
  }
  await page.getByRole('button', { name: 'Save review' }).click();
  await expect(page.getByTestId('qa-score')).toHaveText(clarity ? /^\d+\.\d$/ : '100.0');
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
    await gradeBest(r.page, user === 'admin' ? { rating: '2', comment: 'Two answers in one long paragraph.' } : undefined);
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
  await expect(sup.page.getByRole('region', { name: 'Agreement' }).locator('table').first()).toContainText('100%');
  // the reveal: every reviewer's grade and comment per criterion, disagreements marked, the benchmark beside them
  const grid = sup.page.getByRole('table', { name: 'Grades of conversation 1' });
  await expect(grid.getByRole('columnheader')).toHaveText(['Criterion', /^(reviewer|admin)$/, /^(reviewer|admin)$/, 'Benchmark (supervisor)']);
  const clarity = grid.getByRole('row', { name: /^Clarity/ });
  await expect(clarity).toHaveClass(/disagree/);
  await expect(clarity).toContainText('Two answers in one long paragraph.');
  await expect(grid.locator('tr.disagree')).toHaveCount(1);
  // closed: the grading page is read-only
  await sup.page.goto(`${new URL(sessionUrl).pathname}/1`);
  await expect(sup.page.getByRole('status')).toContainText('This session is closed: its grades are read-only.');
  await expect(sup.page.getByRole('button', { name: 'Save review' })).toHaveCount(0);
  await sup.close();
});
