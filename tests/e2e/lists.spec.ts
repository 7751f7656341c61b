import { readFile } from 'node:fs/promises';
import { expect, test, type Download } from '@playwright/test';
import { signIn } from './helpers.js';

const read = async (d: Download) => readFile((await d.path())!);

test('the conversation list filters, searches, sorts and downloads what it shows', async ({ page }) => {
  await signIn(page, 'admin', '/conversations?from=2026-01-01');
  await expect(page.getByRole('columnheader', { name: 'First response' })).toBeVisible();

  // search: the hostile fixture's first message body holds "__pwned" (the subject does not)
  await page.getByLabel('Search').fill('__pwned');
  await page.getByLabel('Search').press('Enter');
  await expect(page).toHaveURL(/q=__pwned/);
  await expect(page.getByTestId('list-scope')).toContainText('1 conversations');
  await expect(page.locator('tbody tr')).toHaveCount(1);
  const row = page.locator('tbody tr').first();
  await expect(row.locator('td').first()).toHaveText('xss-1');
  // the agent's name, not their id
  await expect(row).toContainText('Amara Okafor');
  await expect(row).not.toContainText('agt_001');

  // the download holds what the list shows, with the same search
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('list-csv').click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^conversations-2026-01-01-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = (await read(csvDownload)).toString('utf8').split('\r\n');
  expect(csv[0]).toMatch(/^source,conversation_id,created_at_utc,status,/);
  expect(csv.filter((l) => l !== '')).toHaveLength(2);
  expect(csv[1]).toContain(',xss-1,');
  expect(csv[1]).toContain('Amara Okafor');

  // the customer page, from the list
  await row.getByRole('link', { name: 'cus_e2e' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Customer cus_e2e');
  await expect(page.getByTestId('customer-facts')).toContainText('Conversations');
  await expect(page.locator('tbody tr td').first()).toHaveText('xss-1');

  // filters: status and CSAT from the menus, kept in the URL; every row shows them
  await page.goto('/conversations?from=2026-01-01');
  await page.getByText('More filters').click();
  await page.getByLabel('Status').selectOption('resolved');
  await expect(page).toHaveURL(/status=resolved/);
  await page.getByLabel('CSAT').selectOption('dissatisfied');
  await expect(page).toHaveURL(/csat=dissatisfied/);
  await expect(page).toHaveURL(/status=resolved/);
  const statuses = await page.locator('tbody tr td:nth-child(3)').allTextContents();
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(['resolved']));
  // sorted by CSAT, lowest first: the scores never go down
  await page.getByRole('link', { name: /^CSAT/ }).click();
  await page.getByRole('link', { name: /^CSAT ▼/ }).click();
  await expect(page).toHaveURL(/sort=csat_score&dir=asc/);
  const scores = (await page.locator('tbody tr td:nth-child(12)').allTextContents()).map(Number);
  expect(scores.length).toBeGreaterThan(0);
  expect([...scores].sort((a, b) => a - b)).toEqual(scores);
});

test('every other table downloads as CSV, and every chart as SVG and PNG', async ({ page }) => {
  await signIn(page, 'admin', '/agents');
  const [table] = await Promise.all([
    page.waitForEvent('download'),
    page
      .getByRole('button', { name: /Download this table as CSV/ })
      .first()
      .click(),
  ]);
  expect(table.suggestedFilename()).toBe('agents.csv');
  const lines = (await read(table)).toString('utf8').split('\r\n');
  expect(lines[0]).toBe('Agent,Name,Team,Conversations');
  expect(lines.some((l) => l.startsWith('agt_001,Amara Okafor,'))).toBe(true);

  await page.goto('/metrics/fcr_rate');
  const chart = page.locator('figure.chart').first();
  const [svg] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: /as SVG$/ }).click()]);
  expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  const svgText = (await read(svg)).toString('utf8');
  expect(svgText).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg/);
  expect(svgText).toContain('xmlns="http://www.w3.org/2000/svg"');
  const [png] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: /as PNG$/ }).click()]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  const bytes = await read(png);
  // the PNG signature, and a width of twice the svg's (IHDR at bytes 16–19)
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = Number(/<svg[^>]*\swidth="(\d+)"/.exec(svgText)?.[1]);
  expect(bytes.readUInt32BE(16)).toBe(width * 2);
});
