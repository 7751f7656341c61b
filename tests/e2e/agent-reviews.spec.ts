import { expect, test, type Browser, type Page } from '@playwright/test';
import { signIn } from './helpers.js';

async function as(browser: Browser, user: string, path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user, path);
  return { page, close: () => context.close() };
}

/** The reviewer grades the one conversation of a sample: top marks, clarity 2 with a comment. Resolves to the conversation's id. */
async function gradeSample(page: Page, sample: string): Promise<string> {
  await page.goto('/qa');
  await page
    .getByRole('row', { name: new RegExp(sample) })
    .getByRole('link')
    .click();
  await expect(page.getByRole('heading', { name: 'Rubric' })).toBeVisible();
  const groups = page.locator('fieldset.criterion');
  for (let i = 0; i < (await groups.count()); i++) {
    const g = groups.nth(i);
    const isClarity = (await g.locator('legend').textContent())?.includes('Clarity');
    const values = await g.locator('input[type=radio]:not([value="n/a"])').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    await g.locator(`input[type=radio][value="${isClarity ? '2' : values.includes('pass') ? 'pass' : values[values.length - 1]}"]`).check();
    if (isClarity) await g.getByLabel('Comment on clarity').fill(`Split the answer into steps (${sample}).`);
  }
  await page.getByRole('button', { name: 'Save review' }).click();
  await expect(page.getByTestId('qa-score')).toBeVisible();
  return (await page.title()).match(/^Grade (\S+) ·/)![1]!;
}

test('an agent reads their own reviews, criterion by criterion, and nothing of another agent', async ({ browser }) => {
  const sup = await as(browser, 'supervisor', '/qa');
  for (const agent of ['agt_001', 'agt_002']) {
    await sup.page.goto('/qa');
    await sup.page.getByLabel('Name').fill(`Own reviews ${agent}`);
    await sup.page.getByLabel('Conversations').fill('1');
    await sup.page.getByLabel('Agent').selectOption(agent);
    await sup.page.getByRole('checkbox', { name: 'reviewer' }).check();
    await sup.page.getByRole('button', { name: 'Draw sample' }).click();
    await expect(sup.page.getByRole('status')).toContainText('Drew 1 conversations');
  }
  const rev = await as(browser, 'reviewer', '/qa');
  // the demo holds seeded reviews of agt_001 too: the agent opens this one by its conversation's id
  const mine = await gradeSample(rev.page, 'Own reviews agt_001');
  await gradeSample(rev.page, 'Own reviews agt_002');
  await rev.close();

  // the ids of the other agent's review and conversation, as a supervisor sees them
  await sup.page.goto('/agents/agt_002');
  const otherReview = await sup.page.locator('tr[data-review]').first().getAttribute('data-review');
  const otherConversation = await sup.page.locator('tr[data-review] td.mono a').first().textContent();
  expect(otherReview).toBeTruthy();
  await sup.close();

  const agent = await as(browser, 'agent', '/agents/agt_001');
  // my review: scores, each criterion with what it asks, the reviewer's comment, the conversation with the graded replies marked
  await agent.page.getByRole('link', { name: mine, exact: true }).first().click();
  await agent.page.waitForURL(/\/reviews\//);
  await expect(agent.page.getByRole('heading', { name: 'What you were graded on' })).toBeVisible();
  await expect(agent.page.getByTestId('review-criterion')).toHaveCount(7);
  await expect(agent.page.getByTestId('review-criterion').filter({ hasText: 'Clarity' })).toContainText('Split the answer into steps (Own reviews agt_001).');
  await expect(agent.page.getByRole('list', { name: 'Conversation timeline' }).locator('.pill.graded').first()).toBeVisible();

  // the metric links of my scorecard work, over my conversations only
  await agent.page.goto('/agents/agt_001');
  await agent.page.locator('a[href^="/metrics/"]').first().click();
  await agent.page.waitForURL(/\/metrics\//);
  await expect(agent.page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(agent.page.locator('body')).not.toContainText('agt_002');
  // asking for another agent in the URL still shows only mine
  const metric = new URL(agent.page.url()).pathname;
  const forced = await agent.page.goto(`${metric}?agent=agt_002`);
  expect(forced?.status()).toBe(200);
  await expect(agent.page.locator('body')).not.toContainText('agt_002');

  // nothing of another agent, whichever id is changed
  expect((await agent.page.goto(`/reviews/${otherReview}`))?.status()).toBe(404);
  expect((await agent.page.goto(`/conversations/demo/${encodeURIComponent(otherConversation!.trim())}`))?.status()).toBe(404);
  expect((await agent.page.goto('/agents/agt_002'))?.status()).toBe(403);
  const list = await agent.page.goto('/conversations?agent=agt_002');
  expect(list?.status()).toBe(200);
  await expect(agent.page.locator('tbody')).not.toContainText('agt_002');
  // a dispute of another agent's review, posted by hand, is refused
  await agent.page.goto('/agents/agt_001');
  const posted = await agent.page.evaluate(async (reviewId) => {
    const body = new FormData();
    body.set('review_id', reviewId!);
    body.set('reason', 'not mine');
    body.append('criteria', 'clarity');
    const r = await fetch('/agents/agt_001?/dispute', { method: 'POST', body, headers: { 'x-sveltekit-action': 'true' } });
    return r.text();
  }, otherReview);
  expect(posted).toContain('agents dispute their own reviews');
  await agent.close();
});
