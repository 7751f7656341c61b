// The agent scorecard's QA section and the agreement page take the dashboard's filters (issue 14):
// a tag no reviewed conversation has leaves them empty, a tag some have narrows them, and each
// page says which filters it applied.
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './helpers';

/** The sum of one numeric column of the table under a heading. */
async function columnSum(page: Page, table: string, column: number): Promise<number> {
  const cells = await page.locator(table).locator(`tbody tr td:nth-child(${column})`).allTextContents();
  return cells.reduce((a, c) => a + Number(c.replace(/,/g, '')), 0);
}

test("the scorecard's QA section takes a tag filter", async ({ page }) => {
  await signIn(page, 'supervisor', '/agents/agt_001');
  const months = 'section[aria-labelledby="quality"] .grid-2 > .table-wrap table';
  const all = await columnSum(page, months, 2);
  expect(all).toBeGreaterThan(0);
  await expect(page.locator('tr[data-review]').first()).toBeVisible();

  await page.goto('/agents/agt_001?tag=bot_handoff');
  await expect(page.getByTestId('qa-applies')).toContainText('tag bot_handoff');
  expect(await columnSum(page, months, 2)).toBeLessThanOrEqual(all);

  await page.goto('/agents/agt_001?tag=no-such-tag');
  await expect(page.getByTestId('qa-applies')).toContainText('tag no-such-tag');
  expect(await columnSum(page, months, 2)).toBe(0);
  await expect(page.locator('tr[data-review]')).toHaveCount(0);
  await expect(page.getByText('No reviews of conversations in this view yet.')).toBeVisible();
});

test('the agreement page takes a tag filter', async ({ page }) => {
  await signIn(page, 'admin', '/metrics/agreement');
  await expect(page.locator('#drill-0 tbody tr').first()).toBeVisible();
  const ratings = await columnSum(page, '#drill-0 table', 5);
  const reviews = await columnSum(page, '#drill-1 table', 3);
  expect(ratings).toBeGreaterThan(0);

  await page.goto('/metrics/agreement?tag=bot_handoff');
  await expect(page.getByText(/The ratings of conversations from \S+ to \S+, tag bot_handoff/)).toBeVisible();
  expect(await columnSum(page, '#drill-0 table', 5)).toBeLessThanOrEqual(ratings);
  expect(await columnSum(page, '#drill-1 table', 3)).toBeLessThanOrEqual(reviews);

  await page.goto('/metrics/agreement?tag=no-such-tag');
  await expect(page.getByText(/The ratings of conversations from \S+ to \S+, tag no-such-tag/)).toBeVisible();
  await expect(page.locator('#drill-0 .empty')).toHaveText('No rows for these filters.');
  await expect(page.locator('#drill-1 .empty')).toHaveText('No rows for these filters.');
});
