import { expect, test } from '@playwright/test';
import { signIn } from './helpers.js';

const PAGES = [
  '/',
  '/metrics/fcr_rate',
  '/conversations?channel=email',
  '/conversations/demo/xss-1',
  '/customers/demo/cus_e2e',
  '/agents',
  '/qa',
  '/agents/agt_001',
  '/disputes',
  '/qa/calibration',
  '/data',
  '/reports',
  '/planning',
  '/alerts',
  '/admin/users',
];

test.use({ viewport: { width: 390, height: 844 } });

test('on a phone-sized screen no page scrolls sideways, and every control has a label', async ({ page }) => {
  await signIn(page, 'admin');
  for (const path of PAGES) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
        .filter((el) => {
          const c = el as HTMLInputElement;
          const text =
            (c.labels?.length ? [...c.labels].map((l) => l.textContent).join('') : '') + (c.getAttribute('aria-label') ?? '') + (el.tagName === 'BUTTON' ? el.textContent : '');
          return text.trim() === '';
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled, `${path} has controls without a label`).toEqual([]);
  }
});

test('the rubric form is done with the keyboard alone', async ({ page }) => {
  await signIn(page, 'reviewer', '/qa');
  await page
    .getByRole('link', { name: /^Grade / })
    .first()
    .focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Rubric' })).toBeVisible();
  const groups = page.locator('fieldset.criterion');
  for (let i = 0; i < (await groups.count()); i++) {
    // Tab into each group's first radio, then Space to choose it.
    await groups.nth(i).locator('input[type=radio]').first().focus();
    await page.keyboard.press('Space');
    await expect(groups.nth(i).locator('input[type=radio]:checked')).toHaveCount(1);
  }
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('qa-score')).toBeVisible();
});
