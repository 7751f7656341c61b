import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

// The browser tests' build evaluates tests/e2e/fixtures/parley.config.yaml's alert rules on the demo data:
// its FCR (about 73%) is below the 95% of fcr-low in the latest complete month.
test('a supervisor reads the fired alerts and opens the view that explains one', async ({ page }) => {
  await signIn(page, 'supervisor', '/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Alerts');
  const list = page.getByRole('list', { name: 'Fired alerts' });
  const low = list.getByRole('listitem').filter({ hasText: 'Rule fcr-low' });
  await expect(low).toHaveCount(1);
  await expect(low.getByRole('link')).toHaveText(/^FCR rate \d+\.\d% in \w+ \d{4}: below 95\.0%$/);
  await page.screenshot({ path: 'test-results/alerts.png', fullPage: true });
  await low.getByRole('link').click();
  await expect(page).toHaveURL(/\/metrics\/fcr_rate\?from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-\d{2}$/);
  // the metric page's trend draws the target too
  await expect(page.locator('svg text', { hasText: 'target 80.0%' }).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/metric-target.png', fullPage: true });
});

test('the overview shows the targets on the tiles and as a rule on the trend chart', async ({ page }) => {
  await signIn(page, 'leadership', '/');
  const fcr = page.locator('.tile', { hasText: 'First contact resolution' });
  await expect(fcr.locator('.tile-target')).toHaveText(/^[✓✗] Target 80\.0%: (missed by|met,) \d+\.\d pts/);
  await expect(page.locator('figure', { hasText: 'First contact resolution' }).locator('.plot:visible svg text', { hasText: 'target 80.0%' })).toHaveCount(1);
  await page.screenshot({ path: 'test-results/overview-targets.png', fullPage: true });
});

test('on a phone the Alerts page fits the screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'leadership', '/alerts');
  await expect(page.getByRole('list', { name: 'Fired alerts' }).getByRole('listitem')).not.toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/alerts-phone.png', fullPage: true });
});

test('reviewers and agents may not open the Alerts page', async ({ page }) => {
  for (const who of ['reviewer', 'agent']) {
    await page.context().clearCookies();
    await signIn(page, who, '/');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' })).toHaveCount(0);
    const response = await page.goto('/alerts');
    expect(response?.status()).toBe(403);
  }
});
