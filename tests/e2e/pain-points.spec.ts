// The Pain points page on the e2e demo warehouse after `parley insights build` (handed to the
// running server): it opens on the latest month, a product lead renames a topic and the name
// survives the next build; a reviewer settles a low-confidence intent in one click.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

const PORT = Number(process.env['PARLEY_E2E_PORT'] ?? 5297);
const DB = path.join(tmpdir(), `parley-e2e-${PORT}.duckdb`);
const insightsBuild = () => execFileSync('node', ['cli/parley.js', 'insights', 'build', '--db', DB], { stdio: 'pipe' });

test.beforeAll(() => {
  insightsBuild();
});

test('pain points open on the latest month, and a rename survives the next insights build', async ({ page }) => {
  // two insights builds run inside the test (about 5 s each at rest; four times that on a loaded machine)
  test.setTimeout(120_000);
  await signIn(page, 'product', '/pain-points');
  const period = page.getByLabel('Period');
  const latest = await period.locator('option').first().getAttribute('value');
  expect(latest).toMatch(/^\d{4}-\d{2}$/);
  await expect(period).toHaveValue(latest!);
  await expect(page.getByRole('heading', { name: `Topics in ${latest}` })).toBeVisible();
  await expect(page.getByText('Topics overlap')).toBeVisible();

  const first = page.locator('details.curate').first();
  await first.locator('summary').click();
  await first.getByRole('textbox', { name: 'Name', exact: true }).fill('Checkout trouble');
  await first.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('status')).toContainText('is now called "Checkout trouble"');

  insightsBuild();
  await page.goto('/pain-points');
  await expect(page.getByRole('rowheader', { name: /Checkout trouble/ })).toBeVisible();
  insightsBuild();
  await page.reload();
  await expect(page.getByRole('rowheader', { name: /Checkout trouble/ })).toBeVisible();
});

test('a reviewer keeps or sets a low-confidence intent in one click', async ({ page }) => {
  await signIn(page, 'reviewer', '/qa/intents');
  await expect(page.getByRole('heading', { name: 'Intents to review' })).toBeVisible();
  const keep = page.getByRole('button', { name: /^It is / }).first();
  await expect(keep).toBeVisible();
  await keep.click();
  await expect(page.getByRole('status')).toContainText('Saved:');
  await expect(page.getByText(/✓ \w+ by reviewer/).first()).toBeVisible();
});
