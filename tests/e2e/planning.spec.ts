import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

test('a supervisor reads the forecast and backtest, and replans staffing for another concurrency', async ({ page }) => {
  await signIn(page, 'supervisor', '/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Planning' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Planning');
  // the chart: actuals, the dashed forecast and its band
  await expect(page.locator('figure.chart svg')).toBeVisible();
  await expect(page.locator('figure.chart svg [stroke-dasharray]')).toHaveCount(1);
  const backtest = page.getByRole('table', { name: 'Backtest' });
  await expect(backtest).toContainText('Seasonal-naive');
  await expect(backtest.locator('tbody tr').first().locator('td').first()).toHaveText(/^\d+\.\d %$/);
  const byDay = page.getByRole('table', { name: 'Staffing by day' });
  await expect(byDay.locator('tbody tr')).toHaveCount(7);
  await expect(page.getByRole('table', { name: 'Effect of concurrency' }).locator('tbody tr')).toHaveCount(4);
  await expect(page.getByText(/each agent holding 3 at once/)).toBeVisible();
  await page.screenshot({ path: 'test-results/planning.png', fullPage: true });

  // the side-by-side figure for concurrency 2 is what the plan shows once concurrency 2 is asked for
  const effect = page.getByRole('table', { name: 'Effect of concurrency' });
  const peak2 = Number(await effect.locator('tbody tr', { hasText: '2 at once' }).locator('td').first().textContent());
  const hours2 = Number(await effect.locator('tbody tr', { hasText: '2 at once' }).locator('td').nth(1).textContent());
  await page.getByRole('spinbutton', { name: 'Concurrency' }).fill('2');
  await page.getByRole('button', { name: 'Recalculate' }).click();
  await expect(page).toHaveURL(/concurrency=2/);
  await expect(page.getByText(/each agent holding 2 at once/)).toBeVisible();
  await expect(effect.locator('tr[aria-current="true"] th')).toHaveText('2 at once');
  const peaks = (await byDay.locator('tbody tr td:nth-child(3)').allTextContents()).map(Number);
  expect(Math.max(...peaks)).toBe(peak2);
  const hours = (await byDay.locator('tbody tr td:nth-child(4)').allTextContents()).map(Number);
  expect(hours.reduce((a, b) => a + b, 0)).toBeCloseTo(hours2, 1);

  await page.getByRole('spinbutton', { name: /Handle time/ }).fill('1800');
  await page.getByRole('button', { name: 'Recalculate' }).click();
  await expect(page).toHaveURL(/handle_s=1800/);
  await expect(page.getByText(/Handle time 1,800 s \(as entered\)/)).toBeVisible();
});

test('leadership sees Planning; agents and reviewers do not', async ({ page }) => {
  await signIn(page, 'leadership');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Planning' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'reviewer');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Planning' })).toHaveCount(0);
  expect((await page.goto('/planning'))?.status()).toBe(403);
});
