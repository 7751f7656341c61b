// The Data page's jobs: an admin uploads an export, sees it loaded (the status line and the job
// log) and the overview change, while a supervisor in another browser context keeps browsing and
// every one of their pages keeps answering.
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './helpers.js';

const volumeOf = async (page: Page) => Number((await page.locator('.tile', { hasText: 'Volume' }).locator('.tile-value').textContent())!.replace(/[^\d]/g, ''));

function exportFile(day: string, n: number): Buffer {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `upload-${i}`,
      channel: 'email',
      created_at: `${day}T08:00:00Z`,
      customer: { id: `upload-customer-${i}` },
      messages: [
        { id: 'm1', at: `${day}T08:00:00Z`, author: { role: 'customer' }, body: 'Where is my order?' },
        { id: 'm2', at: `${day}T08:20:00Z`, author: { role: 'agent', id: 'a1' }, body: 'It ships today.' },
      ],
      events: [{ at: `${day}T08:25:00Z`, type: 'status', status: 'resolved' }],
    }),
  );
  return Buffer.from(lines.join('\n') + '\n');
}

test('an admin uploads an export on the Data page and the overview changes, while another browser keeps browsing', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signIn(page, 'admin');
  const period = (await page.locator('.period').textContent())!;
  const to = /to (\d{4}-\d{2}-\d{2}),/.exec(period)![1]!;
  const before = await volumeOf(page);

  // another person, browsing the whole time
  const other = await browser.newContext();
  const reader = await other.newPage();
  await signIn(reader, 'supervisor');
  const answers: { path: string; status: number }[] = [];
  let browsing = true;
  const paths = ['/', '/conversations', '/agents', '/?channel=email', '/pain-points'];
  const loop = (async () => {
    for (let i = 0; browsing; i++) {
      const path = paths[i % paths.length]!;
      const response = await reader.goto(path);
      answers.push({ path, status: response?.status() ?? 0 });
    }
  })();

  await page.goto('/data');
  await expect(page.getByRole('heading', { name: 'Upload an export' })).toBeVisible();
  await page.getByLabel('Export file').setInputFiles({ name: 'nightly-export.jsonl', mimeType: 'application/x-ndjson', buffer: exportFile(to, 25) });
  // loaded as demo data, so the warehouse stays a demo one and the demo accounts of the
  // other specs stay open (a non-demo export ends them: accounts.spec and demo-accounts.test)
  await page.getByLabel('Source').fill('demo');
  await expect(page.getByLabel('Rebuild the models afterwards')).toBeChecked();
  await page.getByRole('button', { name: 'Upload and load' }).click();
  await expect(page.getByRole('status')).toHaveText('Loaded 25 records from nightly-export.jsonl (0 refused); rebuilt.', { timeout: 60_000 });
  const row = page.locator('section[aria-labelledby="job-log"] tbody tr').first();
  await expect(row).toContainText('upload');
  await expect(row).toContainText('nightly-export.jsonl; rebuilt');
  await expect(row.locator('.pill')).toHaveText('ok');
  // the load log shows the file too
  await expect(page.locator('section[aria-labelledby="loads"] tbody tr').first()).toContainText('nightly-export.jsonl');

  // the same file again: passed over, nothing loaded twice
  await page.getByLabel('Export file').setInputFiles({ name: 'copy.jsonl', mimeType: 'application/x-ndjson', buffer: exportFile(to, 25) });
  await page.getByLabel('Source').fill('demo');
  await page.getByRole('button', { name: 'Upload and load' }).click();
  await expect(page.getByRole('status')).toHaveText('upload: already loaded: copy.jsonl.');

  await page.goto('/');
  expect(await volumeOf(page)).toBe(before + 25);

  browsing = false;
  await loop;
  await other.close();
  expect(answers.length).toBeGreaterThan(3);
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
});

test('the Data page is for admins only', async ({ page }) => {
  await signIn(page, 'supervisor');
  const response = await page.goto('/data');
  expect(response?.status()).toBe(403);
});
