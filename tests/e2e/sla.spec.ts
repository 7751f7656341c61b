import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

test('a supervisor reads SLA attainment and opens a breached conversation from the list', async ({ page }) => {
  await signIn(page, 'supervisor', '/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SLA' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Service-level agreements');
  // the browser tests' build has the demo's four policies (tests/e2e/fixtures/parley.config.yaml)
  const byPolicy = page.getByRole('table', { name: 'SLA attainment by policy' });
  await expect(byPolicy.locator('tbody tr').first().locator('th')).toHaveText('All conversations');
  await expect(byPolicy.locator('tbody tr th').filter({ hasText: /^live chat$/ })).toHaveCount(1);
  await expect(byPolicy.locator('tbody tr').first().locator('td').nth(1)).toHaveText(/^\d+\.\d%$/);
  for (const name of ['by channel', 'by team', 'by agent']) await expect(page.getByRole('table', { name: `SLA attainment ${name}` })).toBeVisible();
  await expect(page.locator('figure.chart svg')).toHaveCount(2);

  // breaches, the latest first
  const breaches = page.getByRole('table', { name: 'Breached conversations' });
  const times = await breaches.locator('tbody tr td:nth-child(2)').allTextContents();
  expect(times.length).toBeGreaterThan(1);
  expect([...times].sort().reverse()).toEqual(times);
  await expect(page.getByRole('table', { name: 'Open SLA targets' })).toBeVisible();
  await page.screenshot({ path: 'test-results/sla.png', fullPage: true });

  // a breach row opens its conversation
  const first = breaches.locator('tbody tr').first().getByRole('link');
  const id = (await first.textContent())!.trim();
  await first.click();
  await expect(page).toHaveURL(new RegExp(`/conversations/demo/${id}$`));
  // its heading is the subject when it has one (which conversation breached last depends on the demo's day)
  await expect(page).toHaveTitle(`${id} · Parley`);
  await expect(page.getByText(`demo / ${id}`, { exact: true })).toBeVisible();
});

test('leadership reads the SLA page without links into threads; reviewers and agents may not open it', async ({ page }) => {
  await signIn(page, 'leadership', '/sla');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Service-level agreements');
  await expect(page.getByRole('table', { name: 'Breached conversations' }).getByRole('link')).toHaveCount(0);
  for (const who of ['reviewer', 'agent']) {
    await page.context().clearCookies();
    await signIn(page, who, '/');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SLA' })).toHaveCount(0);
    const response = await page.goto('/sla');
    expect(response?.status()).toBe(403);
  }
});

test('the overview shows SLA tiles that open their metric pages, and a scorecard shows figures credited by reply', async ({ page }) => {
  await signIn(page, 'supervisor', '/');
  const achievement = page.locator('.tile', { hasText: 'SLA achievement' });
  await expect(achievement.locator('.tile-value')).toHaveText(/^\d+\.\d%$/);
  await expect(achievement.locator('.tile-second')).toHaveText(/^\d[\d,]* settled conversations$/);
  await expect(page.locator('.tile', { hasText: 'First response within SLA' }).locator('.tile-value')).toHaveText(/^\d+\.\d%$/);
  await page.screenshot({ path: 'test-results/overview-sla-tiles.png', fullPage: true });
  await achievement.click();
  await expect(page).toHaveURL(/\/metrics\/sla_achievement_rate/);

  await page.goto('/agents');
  await page.locator('tbody tr').first().getByRole('link').click();
  const own = page.getByRole('row', { name: /Next response within SLA, own replies/ });
  await expect(own.locator('td').first()).toHaveText(/^(\d+\.\d%|–)$/);
  await expect(
    page
      .getByRole('row', { name: /Reply time, own replies \(median\)/ })
      .locator('td')
      .first(),
  ).toHaveText(/^\d+[smhd]/);
  await page.screenshot({ path: 'test-results/scorecard-replies.png', fullPage: true });
});
