import { expect, test, type Page } from '@playwright/test';
import { signIn } from './helpers.js';

/**
 * Grading at speed (issue 18, item 1): five conversations of the reviewer's
 * queue graded with the keyboard only, counting every key pressed from
 * arriving on the first item to the fifth save.
 *
 * Default rubric, in order: understanding (4-point), accuracy (pass/fail,
 * critical), process (pass/fail, N/A allowed), clarity (4-point, weight 15),
 * tone_empathy (5-point, weight 10), proactive_guidance (Not done / Partly /
 * Done, N/A allowed), closure (pass/fail). Keys: 1…N = the scale's points in
 * order (pass/fail: 1 pass, 2 fail), N = N/A; each rating moves on.
 */
const REVIEWS: { keys: string[]; score: string; why: string }[] = [
  // clarity 3 of 4: 15 × (1 − 2/3) = 5 points lost → 95.0 (plus a comment on clarity, below)
  { keys: ['4', '1', '1', '3', '5', '3', '1'], score: '95.0', why: 'clarity 3 of 4' },
  { keys: ['4', '1', '1', '4', '5', '3', '1'], score: '100.0', why: 'top marks' },
  // proactive guidance N/A: its weight leaves the sum, the rest is top → 100.0
  { keys: ['4', '1', '1', '4', '5', 'n', '1'], score: '100.0', why: 'proactive guidance N/A' },
  // tone 4 of 5: 10 × (1 − 3/4) = 2.5 points lost → 97.5
  { keys: ['4', '1', '1', '4', '4', '3', '1'], score: '97.5', why: 'tone 4 of 5' },
  // accuracy fail: a critical criterion failed → 0.0
  { keys: ['4', '2', '1', '4', '5', '3', '1'], score: '0.0', why: 'accuracy failed' },
];

/** Waits until the rubric's scripts run (comment boxes leave the Tab order then), so the shortcut keys are live. */
async function ready(page: Page) {
  await expect(page.locator('input[name="comment:understanding"][tabindex="-1"]')).toHaveCount(1);
}

test('a reviewer grades five conversations with the keyboard only', async ({ page }) => {
  await signIn(page, 'reviewer', '/qa');
  const first = await page
    .getByRole('link', { name: /^Grade / })
    .first()
    .getAttribute('href');
  const doneBefore = await page.getByTestId('done-score').count();
  await page.goto(first!);

  let keystrokes = 0;
  const press = async (key: string) => {
    keystrokes++;
    await page.keyboard.press(key);
  };
  const perReview: number[] = [];
  const graded: string[] = [];
  for (const [n, review] of REVIEWS.entries()) {
    const before = keystrokes;
    await ready(page);
    // arriving, the first criterion has the focus
    await expect(page.locator('input[name="rating:understanding"]').first()).toBeFocused();
    graded.push(((await page.locator('h1').textContent()) ?? '').trim());
    for (const [i, key] of review.keys.entries()) {
      await press(key);
      if (n === 0 && i === 3) {
        // back up to clarity, open its comment box with C, write, Esc back to the ratings, down again
        await press('ArrowUp');
        await expect(page.locator('input[name="rating:clarity"][value="3"]')).toBeFocused();
        await press('c');
        await expect(page.getByLabel('Comment on clarity')).toBeFocused();
        const comment = 'Two answers in one paragraph';
        keystrokes += comment.length;
        await page.keyboard.type(comment);
        await press('Escape');
        await expect(page.locator('input[name="rating:clarity"][value="3"]')).toBeFocused();
        await press('ArrowDown');
      }
    }
    const url = page.url();
    await press('Control+Enter');
    await expect(page).not.toHaveURL(url);
    await expect(page.getByTestId('qa-score'), review.why).toHaveText(review.score);
    perReview.push(keystrokes - before);
  }
  // the first review: 7 ratings + ↑, C, 28 characters, Esc, ↓ + Ctrl+Enter; the others 7 ratings + Ctrl+Enter
  expect(perReview).toEqual([7 + 4 + 28 + 1, 8, 8, 8, 8]);
  console.log(`keystrokes per review: ${perReview.join(', ')} (mean ${(keystrokes / REVIEWS.length).toFixed(1)}; ${keystrokes} in all for ${REVIEWS.length} reviews)`);

  // the done list has the five, newest first, with their scores and a link to each
  await page.goto('/qa');
  const scores = page.getByTestId('done-score');
  await expect(scores).toHaveCount(doneBefore + 5);
  expect((await scores.allTextContents()).slice(0, 5)).toEqual(['0.0 (auto-fail)', '97.5', '100.0', '100.0', '95.0']);
  // the fifth newest is the first of the five (other specs may have left older reviews below it)
  await page
    .getByRole('link', { name: /^Review of / })
    .nth(4)
    .click();
  await expect(page.getByTestId('qa-score')).toHaveText('95.0');
  expect(graded).toHaveLength(5);
});

test('each rating says what it means, AutoQA sits beside its criterion, and comment boxes are off the Tab path', async ({ page }) => {
  await signIn(page, 'reviewer', '/qa');
  await page
    .getByRole('link', { name: /^Grade / })
    .first()
    .click();
  await ready(page);
  const clarity = page.locator('fieldset.criterion').filter({ hasText: 'Clarity' });
  await expect(clarity.locator('input[value="1"]')).toHaveAccessibleDescription('Hard to follow: the customer could not act on it');
  await expect(clarity.locator('label[title]').first()).toHaveAttribute('title', 'Hard to follow: the customer could not act on it');
  await expect(clarity.getByTestId('autoqa-finding')).toContainText(/AutoQA readability: (met|not met|does not apply)/);
  await expect(page.locator('fieldset.criterion').filter({ hasText: 'Understanding' }).getByTestId('autoqa-finding')).toHaveCount(0);
  // Tab from the first criterion goes to the second one, not into the comment box
  await expect(page.locator('input[name="rating:understanding"]').first()).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.locator('input[name="rating:accuracy"]').first()).toBeFocused();
});

test('without JavaScript the rubric is a plain form: every box on the Tab path, Save and next opens the next item', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, 'reviewer', '/qa');
  await page
    .getByRole('link', { name: /^Grade / })
    .first()
    .click();
  const url = page.url();
  await expect(page.locator('input[name^="comment:"][tabindex]')).toHaveCount(0);
  for (const [id, value] of Object.entries({
    understanding: '4',
    accuracy: 'pass',
    process: 'n/a',
    clarity: '4',
    tone_empathy: '5',
    proactive_guidance: 'Done',
    closure: 'pass',
  })) {
    await page.locator(`input[name="rating:${id}"][value="${value}"]`).check();
  }
  await page.getByRole('button', { name: 'Save and next' }).click();
  await expect(page).not.toHaveURL(url);
  await expect(page.getByTestId('qa-score')).toHaveText('100.0');
  await context.close();
});
