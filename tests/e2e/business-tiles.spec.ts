import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

test('leadership sees cost per resolution and churn after support on the overview', async ({ page }) => {
  await signIn(page, 'leadership');
  const cost = page.locator('.tile', { hasText: 'Cost per resolution' });
  // the e2e configuration has costs, so the tile shows an amount and the bot and people figures
  await expect(cost.locator('.tile-value')).toHaveText(/^\d[\d,]*\.\d\d$/);
  await expect(cost.locator('.tile-second')).toHaveText(/^bot \d[\d,]*\.\d\d · people \d[\d,]*\.\d\d$/);
  const churn = page.locator('.tile', { hasText: 'Churn within 90 days' });
  await expect(churn.locator('.tile-value')).toHaveText(/^\d+\.\d%$/);
  await expect(churn.locator('.tile-second')).toHaveText(/^after FCR \d+\.\d% · without \d+\.\d%$/);
  await expect(churn).toContainText(/95% interval \d+\.\d%–\d+\.\d%, [\d,]+ resolved conversations/);
  await page.screenshot({ path: 'test-results/overview-business-tiles.png', fullPage: true });
  // a filter changes the cost, and the churn tile says it covers every conversation
  await page.getByLabel('Channel').selectOption('email');
  await expect(page).toHaveURL(/channel=email/);
  await expect(cost.locator('.tile-second')).toHaveText(/^people \d[\d,]*\.\d\d$|^bot .* · people .*$/);
  await expect(churn).toContainText('all conversations (not filtered)');
  // so does a filter the monthly marts do not keep (a tag, a priority, an account)
  await page.goto('/?priority=urgent');
  await expect(churn).toContainText('all conversations (not filtered)');
});

test('the cost tile opens its metric page, with the definition of agent hours', async ({ page }) => {
  await signIn(page, 'leadership');
  await page.locator('.tile', { hasText: 'Cost per resolution' }).click();
  await expect(page).toHaveURL(/\/metrics\/cost_per_resolution/);
  await expect(page.getByRole('heading', { name: 'Cost per resolution' })).toBeVisible();
  await expect(page.getByText(/Agent hours: first each conversation gets its share of its owner.s active time/)).toBeVisible();
  await page.screenshot({ path: 'test-results/metric-cost-per-resolution.png', fullPage: true });
  await page.goto('/metrics/churn_rate_90d');
  await expect(page.getByRole('heading', { name: 'Churn within 90 days after support' })).toBeVisible();
});
