import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

// The report view of the dashboard shows every column of every table: a table is no wider
// than the report's column, so none of its right-hand columns is cut off or hidden behind a scrollbar.
const REPORTS = ['monthly-report', 'coaching-pack', 'pain-points'];

for (const id of REPORTS) {
  test(`the ${id} report shows every table whole`, async ({ page }) => {
    await signIn(page, 'admin', `/reports/${id}`);
    await expect(page.locator('.report table').first()).toBeVisible();
    const tables = await page.locator('.report .nb-table').evaluateAll((boxes) =>
      boxes.map((box) => {
        const table = box.querySelector('table')!;
        const head = [...table.querySelectorAll('thead th')].map((th) => th.textContent ?? '').join(' | ');
        const last = table.querySelector('thead th:last-child')!.getBoundingClientRect();
        return { head, table: table.scrollWidth, box: box.clientWidth, lastRight: Math.round(last.right), boxRight: Math.round(box.getBoundingClientRect().right) };
      }),
    );
    expect(tables.length).toBeGreaterThan(2);
    for (const t of tables) {
      expect(t.table, `the table "${t.head}" is wider than the report`).toBeLessThanOrEqual(t.box);
      expect(t.lastRight, `the last column of "${t.head}" is cut`).toBeLessThanOrEqual(t.boxRight);
    }
    await page.screenshot({ path: `test-results/report-${id}.png`, fullPage: true });
  });
}
