/**
 * The QA figures under the filters the QA marts do not keep (tag, priority,
 * account, custom dimension, SLA; and intent, which qa_internal_quality has
 * no grouping for). Small marts written by hand, so every figure below can be
 * worked out on paper:
 *
 * - October: c1…c10 (tag vip, priority high, account Acme, plan pro, intent
 *   billing) scored 80, 82, …, 98 (mean 89.0, median 89.0); c11, c12 (no tag,
 *   normal, Beta, basic, shipping; c11's SLA breached) scored 40 and 50.
 *   All twelve: 980 / 12 = 81.67.
 * - September: s1…s10 like c1…c10, each scored 85; s11, s12 like c11, c12,
 *   scored 30. All twelve: 910 / 12 = 75.83.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../../warehouse/connection.js';
import { internalQualityTile } from './internal-quality-tile.js';
import { loadInternalQualityPage, loadQaScorePage } from './qa-metric-pages.js';
import { qualityMonths, reviewWhere } from './qa-reviews.js';
import type { Filters } from './filters.js';

let db: Warehouse;
beforeAll(async () => {
  db = await openWarehouse(':memory:');
  const reviews: string[] = [];
  const conversations: string[] = [];
  const add = (id: string, day: string, score: number, vip: boolean, breached = false) => {
    const at = `timestamp '${day} 09:00'`;
    reviews.push(`('r-${id}', 'demo', '${id}', 'a1', 'Ada', 'T1', ${at}, '${day.slice(0, 7)}', 'email', '${vip ? 'billing' : 'shipping'}', 'q1', ${score}.0, false, 4, 0, 0)`);
    conversations.push(
      `('demo', '${id}', ${vip ? "['vip']" : '[]'}::varchar[], '${vip ? 'high' : 'normal'}', '${vip ? 'Acme' : 'Beta'}', '{"plan": "${vip ? 'pro' : 'basic'}"}'::json, 'resolved', null::boolean, null::double, ${breached}, 'email')`,
    );
  };
  for (let i = 1; i <= 10; i++) add(`c${i}`, `2026-10-${String(i + 9).padStart(2, '0')}`, 78 + 2 * i, true);
  add('c11', '2026-10-20', 40, false, true);
  add('c12', '2026-10-21', 50, false);
  for (let i = 1; i <= 10; i++) add(`s${i}`, `2026-09-${String(i + 9).padStart(2, '0')}`, 85, true);
  add('s11', '2026-09-20', 30, false);
  add('s12', '2026-09-21', 30, false);
  await db.run(`
    create table qa_reviews_scored as select * from (values ${reviews.join(',\n')})
    t(review_id, source, conversation_id, agent_id, agent_name, team, created_at, month, channel, intent, reviewer_id, qa_score, auto_failed, rated_criteria, na_criteria, disputes)`);
  await db.run(`
    create table conversation_metrics as select * from (values ${conversations.join(',\n')})
    t(source, conversation_id, tags, priority, customer_account, metadata, status, csat_satisfied, csat_score, sla_breached, sla_policy)`);
  // the mart's months, as the build writes them (all reviews; by team T1 the same)
  await db.run(`
    create table qa_internal_quality as select * from (values
      ('month', '2026-09', null, null, null, 12, 910 / 12),
      ('month', '2026-10', null, null, null, 12, 980 / 12),
      ('month,team', '2026-09', null, 'T1', null, 12, 910 / 12),
      ('month,team', '2026-10', null, 'T1', null, 12, 980 / 12)
    ) t("grouping", month, agent, team, channel, reviews, internal_quality_score)`);
});
afterAll(() => db.close());

const october: Filters = { from: '2026-10-01', to: '2026-10-31' };

describe('the QA figures under every filter', () => {
  it('reach the filters the review mart does not keep through its conversation', () => {
    expect(reviewWhere({ ...october, team: 'T1', tag: 'vip', dims: { plan: 'pro' } })).toEqual({
      sql:
        'r.created_at >= $1::date and r.created_at < $2::date + 1 and r.team = $3 and exists (select 1 from main.conversation_metrics cm ' +
        "where cm.source = r.source and cm.conversation_id = r.conversation_id and list_contains(cm.tags, $4) and json_extract_string(cm.metadata, '$.plan') = $5)",
      params: ['2026-10-01', '2026-10-31', 'T1', 'vip', 'pro'],
    });
    // without such a filter, the mart's own columns only
    expect(reviewWhere({ ...october, channel: 'email' }).sql).toBe('r.created_at >= $1::date and r.created_at < $2::date + 1 and r.channel = $3');
  });

  it('the overview tile: the mart when it keeps the view, the reviews under a tag, a custom dimension or an intent', async () => {
    expect(await internalQualityTile(db, october)).toMatchObject({ value: '81.7', second: '2026-10, 12 reviews', change: '+5.8 pts', comparedWith: '2026-09' });
    for (const f of [{ tag: 'vip' }, { dims: { plan: 'pro' } }, { intent: 'billing' }, { priority: 'high', team: 'T1' }]) {
      // c1…c10: 89.0 against s1…s10's 85.0
      expect(await internalQualityTile(db, { ...october, ...f })).toMatchObject({
        value: '89.0',
        second: '2026-10, 10 reviews',
        change: '+4.0 pts',
        comparedWith: '2026-09',
        tone: 'better',
      });
    }
    // Beta: two reviews a month, no score
    expect(await internalQualityTile(db, { ...october, account: 'Beta' })).toMatchObject({
      value: '–',
      second: '2026-10, 2 reviews',
      caveat: '2 reviews: fewer than 10 reviews hide a score.',
    });
  });

  it('the monthly scores of a view the mart does not keep', async () => {
    expect(await qualityMonths(db, { ...october, account: 'Acme' }, { from: '2026-09-01', to: '2026-10-31' })).toEqual([
      { month: '2026-09', reviews: 10, internal_quality_score: 85 },
      { month: '2026-10', reviews: 10, internal_quality_score: 89 },
    ]);
    expect(await qualityMonths(db, { ...october, account: 'Beta' }, { from: '2026-09-01', to: '2026-10-31' })).toEqual([
      { month: '2026-09', reviews: 2, internal_quality_score: 30 },
      { month: '2026-10', reviews: 2, internal_quality_score: 45 },
    ]);
  });

  it('the QA score page: the reviews of high-priority conversations only; of breached ones, one', async () => {
    const high = await loadQaScorePage(db, { ...october, priority: 'high' });
    // 80 … 98: the fifth and sixth are 88 and 90
    expect(high.total).toBe('median 89.0 over 10 reviews (0 auto-failed)');
    expect(high.drill[0]!.rows.map((r) => r['conversation']!.text).sort()).toEqual(['c1', 'c10', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
    const breached = await loadQaScorePage(db, { ...october, sla: 'breached' });
    expect(breached.total).toBe('1 review scored: fewer than 10, so no median is shown');
    expect(breached.drill[0]!.rows.map((r) => r['conversation']!.text)).toEqual(['c11']);
  });

  it("the internal quality page: the account's figure, its monthly trend, and no note that a filter was left out", async () => {
    const page = await loadInternalQualityPage(db, { ...october, account: 'Acme' });
    expect(page.total).toBe('89.0 over 10 reviews');
    expect(page.charts[0]!.svg).toContain('<title>2026-09: 85.0</title>');
    expect(page.charts[0]!.svg).toContain('<title>2026-10: 89.0</title>');
    expect(page.notes).toEqual([]);
    // the intent is the reviews' too: billing is c1…c10
    expect((await loadInternalQualityPage(db, { ...october, intent: 'billing', team: 'T1' })).charts[0]!.svg).toContain('<title>2026-10: 89.0</title>');
  });
});
