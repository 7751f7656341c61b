// The metric pages' filter bar offers status, CSAT, SLA and SLA policy (issue 14): each control, picked
// under "More filters", gives the figure that the same filter in the URL gives; the bar lists what it
// applied, and removing it gives the unfiltered figure back.
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './helpers';

const PAGE = '/metrics/conversations?from=2026-01-01';
const figure = (page: Page) => page.locator('p.period strong');

/** The bar's menu labelled `label` (its accessible name: the label, then the chosen option's text). */
const menuOf = (page: Page, label: string) => page.locator('form.filters details.more').getByLabel(new RegExp(`^${label}( Any| All|$)`));

/** Picks `option` (a value, or the first real option when undefined) in the bar's menu `label`; returns the value picked. */
async function pick(page: Page, label: string, option?: string): Promise<string> {
  await page.goto(PAGE);
  const more = page.locator('form.filters details.more');
  // with the keyboard: the disclosure opens from its summary
  await more.locator('summary').focus();
  await page.keyboard.press('Enter');
  const menu = menuOf(page, label);
  await expect(menu).toBeVisible();
  const value = option ?? (await menu.locator('option').nth(1).getAttribute('value'))!;
  await menu.selectOption(value);
  return value;
}

for (const [label, key, option, words] of [
  ['Status', 'status', 'resolved', 'status resolved'],
  ['CSAT', 'csat', 'dissatisfied', 'CSAT dissatisfied'],
  ['SLA', 'sla', 'breached', 'SLA breached'],
  ['SLA policy', 'sla_policy', undefined, 'SLA policy'],
] as const) {
  test(`the ${label} control on a metric page gives what ${key}= in the URL gives`, async ({ page }) => {
    await signIn(page, 'admin', PAGE);
    const all = await figure(page).textContent();
    expect(Number(all?.replace(/,/g, ''))).toBeGreaterThan(0);

    const value = await pick(page, label, option);
    await expect(page).toHaveURL(new RegExp(`[?&]${key}=${encodeURIComponent(value).replace(/%20/g, '\\+')}(&|$)`));
    const applied = page.getByTestId('filters-applied');
    await expect(applied).toContainText(`${words}${option ? '' : ` ${value}`}`);
    const picked = await figure(page).textContent();
    expect(picked).not.toBe(all);

    // the same filter typed into the URL: the same figure, the menu showing it
    await page.goto(`${PAGE}&${key}=${encodeURIComponent(value)}`);
    await expect(figure(page)).toHaveText(picked!);
    await expect(page.locator('form.filters summary')).toHaveText('More filters (1 set)');
    await expect(menuOf(page, label)).toHaveValue(value);

    // removed from the list of applied filters: every conversation again
    await page.getByRole('link', { name: /^Remove the filter/ }).click();
    await expect(page.getByTestId('filters-applied')).toHaveCount(0);
    await expect(figure(page)).toHaveText(all!);
  });
}

test('a CSAT score from the CSAT menu is the csat_score filter', async ({ page }) => {
  await signIn(page, 'admin', PAGE);
  await page.goto(PAGE);
  const score = (await page.locator('form.filters details.more option[value^="score:"]').first().getAttribute('value'))!.slice('score:'.length);
  await pick(page, 'CSAT', `score:${score}`);
  await expect(page).toHaveURL(new RegExp(`[?&]csat_score=${score}(&|$)`));
  await expect(page.getByTestId('filters-applied')).toContainText(`CSAT score ${score}`);
  const picked = await figure(page).textContent();
  await page.goto(`${PAGE}&csat_score=${score}`);
  await expect(figure(page)).toHaveText(picked!);
});
