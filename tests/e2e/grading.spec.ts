import { expect, test, type Page } from '@playwright/test';
import { signIn } from './helpers.js';

/** Rates every criterion with its best rating (pass, or the top of a point scale), using the keyboard. */
async function rateAllBest(page: Page): Promise<void> {
  const groups = page.locator('fieldset.criterion');
  const n = await groups.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const radios = groups.nth(i).locator('input[type=radio]:not([value="n/a"])');
    const values = await radios.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const best = values.includes('pass') ? 'pass' : values[values.length - 1]!;
    await groups.nth(i).locator(`input[type=radio][value="${best}"]`).focus();
    await page.keyboard.press('Space');
  }
}

test('a reviewer grades a sampled conversation and the score lands on the agent scorecard', async ({ page, browser }) => {
  await signIn(page, 'reviewer', '/qa');
  const first = page.getByRole('link', { name: /^Grade / }).first();
  await first.click();
  await expect(page.getByRole('heading', { name: 'Rubric' })).toBeVisible();
  const agent = ((await page.locator('.period').first().textContent()) ?? '').match(/Agent (\S+)/)?.[1];
  // the demo holds seeded reviews of every agent: find this one by the conversation's id
  const conversationId = (await page.title()).match(/^Grade (\S+) ·/)![1]!;
  expect(agent).toMatch(/^agt_/);
  await rateAllBest(page);
  await page.getByLabel('Overall comment').fill('Clear and kind <b>not bold</b>');
  const conversation = page.url();
  // Ctrl+Enter saves and opens the next item of the queue, naming the score just saved
  await page.keyboard.press('Control+Enter');
  await expect(page).not.toHaveURL(conversation);
  await expect(page.getByTestId('qa-score')).toHaveText('100.0');

  // The supervisor sees it on the agent's scorecard.
  const context = await browser.newContext();
  const supervisor = await context.newPage();
  await signIn(supervisor, 'supervisor', `/agents/${agent}`);
  await expect(supervisor.getByRole('heading', { name: 'Recent reviews' })).toBeVisible();
  const reviewRow = supervisor.locator('tr[data-review]').filter({ has: supervisor.getByRole('cell', { name: conversationId, exact: true }) });
  await expect(reviewRow.getByTestId('review-score')).toContainText('100.0');
  // … and in "Quality by month" (the QA marts), with no build in between
  const quality = supervisor.getByRole('region', { name: 'Quality by month' });
  await expect(
    quality
      .locator('tbody tr td:nth-child(3)')
      .filter({ hasText: /^\d+\.\d$/ })
      .first(),
  ).toBeVisible();
  await context.close();

  // Grading the same item again is not offered: the page shows the saved review.
  await page.goto(conversation);
  await expect(page.getByTestId('qa-score')).toHaveText('100.0');
});

test('an agent sees their own scorecard and is refused another agent’s', async ({ page }) => {
  await signIn(page, 'agent');
  await expect(page).toHaveURL(/\/agents\/agt_001/);
  await expect(page.getByRole('heading', { name: 'Operational metrics' })).toBeVisible();
  const response = await page.goto('/agents/agt_002');
  expect(response?.status()).toBe(403);
  await expect(page.getByText('only your own scorecard')).toBeVisible();
  expect((await page.goto('/'))?.url()).toMatch(/agt_001/);
  // the conversation list opens on the agent's own conversations only
  expect((await page.goto('/conversations'))?.status()).toBe(200);
  await expect(page.locator('tbody')).not.toContainText('agt_002');
  expect((await page.goto('/data'))?.status()).toBe(403);
});
