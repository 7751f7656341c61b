import { expect, test, type Browser } from '@playwright/test';
import { signIn } from './helpers.js';

async function as(browser: Browser, user: string, path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user, path);
  return { page, close: () => context.close() };
}

test('an agent disputes a failed criterion and a supervisor accepts it', async ({ browser }) => {
  // A supervisor draws one conversation of agent agt_001 for the reviewer.
  const sup = await as(browser, 'supervisor', '/qa');
  await sup.page.getByLabel('Name').fill('Dispute check');
  await sup.page.getByLabel('Conversations').fill('1');
  await sup.page.getByLabel('Agent').selectOption('agt_001');
  await sup.page.getByRole('checkbox', { name: 'reviewer' }).check();
  await sup.page.getByRole('button', { name: 'Draw sample' }).click();
  await expect(sup.page.getByRole('status')).toContainText('Drew 1 conversations');
  await expect(sup.page.getByRole('row', { name: /Dispute check/ })).toContainText('0 / 1');

  // The reviewer fails accuracy (a critical criterion): the score is 0.
  const rev = await as(browser, 'reviewer', '/qa');
  await rev.page
    .getByRole('row', { name: /Dispute check/ })
    .getByRole('link')
    .click();
  await expect(rev.page.getByRole('heading', { name: 'Rubric' })).toBeVisible();
  // the demo holds seeded reviews and disputes of agt_001 too: this test finds its own by the conversation's id
  const conversationId = (await rev.page.title()).match(/^Grade (\S+) ·/)![1]!;
  const groups = rev.page.locator('fieldset.criterion');
  for (let i = 0; i < (await groups.count()); i++) {
    const g = groups.nth(i);
    const isAccuracy = (await g.locator('legend').textContent())?.includes('Accuracy');
    const values = await g.locator('input[type=radio]:not([value="n/a"])').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const pick = values.includes('pass') ? (isAccuracy ? 'fail' : 'pass') : values[values.length - 1]!;
    await g.locator(`input[type=radio][value="${pick}"]`).check();
  }
  await rev.page.getByRole('button', { name: 'Save review' }).click();
  await expect(rev.page.getByTestId('qa-score')).toHaveText('0.0');
  await rev.close();

  // The agent files a dispute on accuracy from their scorecard.
  const agent = await as(browser, 'agent', '/agents/agt_001');
  const row = agent.page
    .locator('tr[data-review]')
    .filter({ has: agent.page.getByRole('cell', { name: conversationId, exact: true }) })
    .filter({ has: agent.page.getByTestId('review-score').filter({ hasText: '0.0' }) });
  const reviewId = await row.getAttribute('data-review');
  await row.getByText('Dispute this review').click();
  await row.getByRole('checkbox', { name: 'accuracy' }).check();
  await row.getByLabel('Why the grade is wrong').fill('The refund steps I gave were correct.');
  await row.getByRole('button', { name: 'File dispute' }).click();
  await expect(agent.page.getByRole('status')).toContainText('Dispute filed');

  // The supervisor accepts it with accuracy = pass: the score is recomputed.
  await sup.page.goto('/disputes');
  const dispute = sup.page.locator('article', { hasText: 'The refund steps I gave were correct.' });
  await dispute.getByLabel(/Accuracy/).selectOption('pass');
  await dispute.getByLabel('Decision').selectOption('accepted');
  await dispute.getByRole('button', { name: 'Answer dispute' }).click();
  await expect(sup.page.getByRole('status')).toContainText('Dispute accepted');
  await expect(sup.page.getByRole('status')).not.toContainText('score is now 0.0');
  // what changed, in the words of the rubric, not as raw JSON
  await expect(sup.page.locator('tr', { hasText: reviewId! }).getByTestId('dispute-changes')).toHaveText(/^Accuracy: fail → pass \(score 0\.0 → \d+\.\d\)$/);
  await sup.close();

  // The agent sees the answer and the new score.
  await agent.page.goto('/disputes');
  await expect(agent.page.locator('tr', { hasText: reviewId! }).getByTestId('dispute-status')).toHaveText('accepted');
  await agent.page.goto('/agents/agt_001');
  await expect(agent.page.locator(`tr[data-review="${reviewId}"]`).getByTestId('review-score')).not.toHaveText('0.0');
  await agent.close();
});

test('a supervisor adds a coaching note and the agent acknowledges it', async ({ browser }) => {
  const sup = await as(browser, 'supervisor', '/agents/agt_001');
  await sup.page.getByLabel('Coaching note').fill('Confirm the fix before closing.');
  await sup.page.getByRole('button', { name: 'Add coaching note' }).click();
  await expect(sup.page.getByRole('status')).toContainText('Coaching note saved');
  await sup.close();
  const agent = await as(browser, 'agent', '/agents/agt_001');
  const note = agent.page.locator('.notes li', { hasText: 'Confirm the fix before closing.' });
  await note.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(agent.page.locator('.notes li', { hasText: 'Confirm the fix before closing.' })).toContainText('acknowledged');
  await agent.close();
});
