/**
 * An agent's QA on their scorecard: the monthly internal quality score beside
 * the team's (and FCR and CSAT), the criterion averages and root causes of a
 * month (scorecards' marts, which every QA write refreshes), and the latest
 * reviews: a review saved a minute ago is in them.
 *
 * Under the page's filters, as the operational figures take them: the months
 * of the date range (whole months, by the conversation's month as the marts
 * count them), and every filter that narrows the conversations (channel,
 * intent, tag, priority, account, custom dimensions, status, CSAT, SLA) — a
 * review counts in the view of its conversation (qa-reviews.ts). The latest
 * reviews take those filters but not the date range: a review saved today
 * of a conversation from months ago is the agent's to read and dispute. The
 * agent and team filters are the scorecard's own. When a filter narrows the conversations, the kept marts
 * cannot answer: qa_agent_scorecards, qa_agent_criteria and qa_root_causes
 * are computed with their own SQL over the view's conversations and reviews
 * (models/mart-over.ts).
 *
 * @example
 *   const qa = await loadAgentQa(db, agent, { from: '2026-10-01', to: '2026-12-31', tag: 'vip' });
 *   qa.reviews[0]?.qaScore; qa.months.at(-1)?.quality; qa.applies; // 'Months 2026-10 to 2026-12 (…); tag vip.'
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { martOver } from '../../../models/mart-over.js';
import { listReviews } from '../../../scorecards/index.js';
import type { AgentInfo } from './agent-scorecard.js';
import { cachedAll, martsBuilt, memo } from './mart-query.js';
import { filterQuery, filterWhere, filterWords, narrowed, numbered, type Filters, type Where } from './filters.js';
import { reviewWhere } from './qa-reviews.js';
import { trendChart } from '../../../charts/trend.js';

const score = (v: unknown) => (typeof v === 'number' ? v.toFixed(1) : '–');
const RECENT = 20;

/** The filters of `f` that the QA section applies: not the agent, team, month (its own) or text search. */
function qaScope(f: Filters): Filters {
  return { ...f, agent: undefined, team: undefined, month: undefined, q: undefined };
}

export async function loadAgentQa(db: Warehouse, agent: AgentInfo, f: Filters) {
  const scope = qaScope(f);
  const [reviews, card] = await Promise.all([
    recentReviews(db, agent, scope),
    // kept per agent, view and month until the data change (a build, a load, a QA write)
    memo(db, `agent-scorecard\u0000${agent.agentId}\u0000${f.month ?? ''}\u0000${JSON.stringify(scope)}`, () => cardView(db, agent, scope, f.month)),
  ]);
  return {
    ...card,
    reviewsApply: `The latest reviews of conversations of any day${filterWords(scope)
      .map((w) => `, ${w}`)
      .join('')}.`,
    reviews: reviews.map((r) => ({
      reviewId: r.review_id,
      source: r.source,
      conversationId: r.conversation_id,
      reviewer: r.reviewer_id,
      qaScore: r.qa_score,
      autoFailed: r.auto_failed,
      comment: r.comment,
      createdAt: r.created_at.toISOString().slice(0, 10),
      criteria: r.criteria.map((c) => ({ criterion: c.criterion, rating: c.rating, na: c.na, score: c.score, failed: c.failed })),
    })),
  };
}

/** The agent's latest reviews (newest first) of conversations in the view, whatever their day. */
async function recentReviews(db: Warehouse, agent: AgentInfo, scope: Filters) {
  if (!(await martsBuilt(db, 'qa_reviews_scored'))) return [];
  const w = reviewWhere({ ...scope, agent: agent.agentId }, { dates: false });
  const ids = await cachedAll<{ review_id: string }>(
    db,
    `select r.review_id from qa_reviews_scored r where ${w.sql} order by r.reviewed_at desc, r.review_id limit ${RECENT}`,
    w.params,
  );
  return ids.length ? listReviews(db, { review_ids: ids.map((r) => r.review_id), kind: 'review', limit: RECENT }) : [];
}

/** A QA mart as a from-item for the view: the mart itself, or its SQL over the view's inputs (params numbered from $1). */
function martFor(mart: string, inputs: Record<string, { alias: string; where: Where }> | null): Where {
  if (!inputs) return { sql: mart, params: [] };
  const entries = Object.entries(inputs);
  return {
    sql: `(${martOver(mart, Object.fromEntries(entries.map(([t, i]) => [t, { alias: i.alias, where: i.where.sql }])))})`,
    params: entries.flatMap(([, i]) => i.where.params),
  };
}

async function cardView(db: Warehouse, agent: AgentInfo, scope: Filters, month: string | undefined) {
  const range = [scope.from.slice(0, 7), scope.to.slice(0, 7)] as const;
  const empty = { built: false, applies: '', months: [], trend: '', criteriaMonth: null, criteria: [], rootCauses: [] };
  if (!(await martsBuilt(db, 'qa_agent_scorecards', 'qa_agent_criteria'))) return empty;
  // the kept marts answer a view of whole months with no filter on the conversations
  const kept = !scope.channel && !scope.intent && !narrowed(scope);
  const monthsOf = (prefix: string, start: number) =>
    numbered(
      [
        [`${prefix}.month >= ?`, range[0]],
        [`${prefix}.month <= ?`, range[1]],
      ],
      start,
    );
  const and = (a: Where, b: Where): Where => ({ sql: `${a.sql} and ${b.sql}`, params: [...a.params, ...b.params] });
  // the view's conversations and reviews in the months, numbered one after the other
  const conversations = (start: number) => {
    const w = filterWhere(scope, { dates: false, prefix: 'cm', start });
    return and(w, monthsOf('cm', start + w.params.length));
  };
  const reviews = (start: number) => {
    const w = reviewWhere(scope, { dates: false, start });
    return and(w, monthsOf('r', start + w.params.length));
  };
  const scorecards = (() => {
    if (kept) return martFor('qa_agent_scorecards', null);
    const c = conversations(1);
    return martFor('qa_agent_scorecards', { conversation_metrics: { alias: 'cm', where: c }, qa_reviews_scored: { alias: 'r', where: reviews(c.params.length + 1) } });
  })();
  const mine = numbered([['agent_id = ?', agent.agentId]], scorecards.params.length + 1);
  const shown = monthsOf('s', scorecards.params.length + mine.params.length + 1);
  const months = await cachedAll(db, `select s.* from ${scorecards.sql} as s where ${mine.sql} and ${shown.sql} order by s.month`, [
    ...scorecards.params,
    ...mine.params,
    ...shown.params,
  ]);
  const reviewed = months.filter((m) => Number(m['reviews'] ?? 0) > 0).map((m) => String(m['month']));
  const criteriaMonth = month ?? reviewed.at(-1) ?? (months.length ? String(months.at(-1)!['month']) : null);
  const [criteria, rootCauses] = criteriaMonth ? await monthParts(db, agent, scope, criteriaMonth, kept) : [[], []];
  const rate = metric('fcr_rate');
  const csat = metric('csat_rate');
  const words = filterWords(scope);
  return {
    built: true,
    applies: `months ${range[0]} to ${range[1]}, the date range's (by the conversation's month)${words.length ? `; ${words.join(', ')}` : ''}.`,
    months: months.map((m) => ({
      month: String(m['month']),
      reviews: Number(m['reviews'] ?? 0),
      quality: score(m['internal_quality_score']),
      teamQuality: score(m['team_internal_quality_score']),
      fcr: formatValue(rate, m['fcr_rate']),
      teamFcr: formatValue(rate, m['team_fcr_rate']),
      csat: formatValue(csat, m['csat_rate']),
      teamCsat: formatValue(csat, m['team_csat_rate']),
    })),
    trend:
      months.filter((m) => typeof m['internal_quality_score'] === 'number').length < 2
        ? ''
        : trendChart(
            months.map((m) => ({
              month: String(m['month']),
              value: typeof m['internal_quality_score'] === 'number' ? (m['internal_quality_score'] as number) : null,
            })),
            {
              kind: 'line',
              label: 'Internal quality score',
              href: (m) => `/agents/${encodeURIComponent(agent.agentId)}${filterQuery({ ...scope, month: m })}#criteria`,
              format: (v) => v.toFixed(0),
              height: 180,
            },
          ),
    criteriaMonth,
    criteria: criteria.map((c) => ({
      criterion: String(c['criterion_id']),
      rated: Number(c['rated'] ?? 0),
      failed: Number(c['failed'] ?? 0),
      score: score(c['criterion_score']),
      team: score(c['team_criterion_score']),
    })),
    rootCauses: rootCauses.map((r) => ({
      criterion: String(r['criterion_id']),
      cause: String(r['root_cause']),
      reviews: Number(r['reviews'] ?? 0),
      teamReviews: Number(r['team_reviews'] ?? 0),
    })),
  };
}

/** The criterion averages and root causes of the agent's month (beside the team's), in the view. */
async function monthParts(db: Warehouse, agent: AgentInfo, scope: Filters, month: string, kept: boolean) {
  // the view's criterion scores: those of its reviews in the month
  const scores = (): Record<string, { alias: string; where: Where }> | null => {
    if (kept) return null;
    const w = reviewWhere(scope, { dates: false, start: 2 });
    return {
      qa_criterion_scores: {
        alias: 'k',
        where: { sql: `k.month = $1 and k.review_id in (select r.review_id from main.qa_reviews_scored r where ${w.sql})`, params: [month, ...w.params] },
      },
    };
  };
  const of = (mart: string, order: string) => {
    const from = martFor(mart, scores());
    const w = numbered(
      [
        ['agent_id = ?', agent.agentId],
        ['month = ?', month],
      ],
      from.params.length + 1,
    );
    return cachedAll(db, `select * from ${from.sql} as m where ${w.sql} order by ${order}`, [...from.params, ...w.params]);
  };
  const hasCauses = await martsBuilt(db, 'qa_root_causes');
  return Promise.all([of('qa_agent_criteria', 'rubric_id, criterion_id'), hasCauses ? of('qa_root_causes', 'reviews desc, criterion_id, root_cause') : Promise.resolve([])]);
}
