/**
 * An agent's QA on their scorecard, from scorecards/: the monthly internal
 * quality score beside the team's and the criterion averages (scorecards'
 * marts, which every QA write refreshes), and the latest reviews: a review
 * saved a minute ago is in both.
 *
 * @example
 *   const qa = await loadAgentQa(db, agent);
 *   qa.reviews[0]?.qaScore; qa.months.at(-1)?.quality;
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { agentScorecard, listReviews, ScorecardError } from '../../../scorecards/index.js';
import type { AgentInfo } from './agent-scorecard.js';
import { memo } from './mart-query.js';
import { trendChart } from '../../../charts/trend.js';

const score = (v: unknown) => (typeof v === 'number' ? v.toFixed(1) : '–');

export async function loadAgentQa(db: Warehouse, agent: AgentInfo, month?: string) {
  const [reviews, card] = await Promise.all([
    listReviews(db, { agent_id: agent.agentId, kind: 'review', limit: 20 }),
    // kept per agent and month until the data change (a build, a load, a QA write)
    memo(db, `agent-scorecard\u0000${agent.agentId}\u0000${month ?? ''}`, () => cardView(db, agent, month)),
  ]);
  return {
    ...card,
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

async function cardView(db: Warehouse, agent: AgentInfo, month?: string) {
  const card = await agentScorecard(db, agent.agentId, { reviews: 1, ...(month ? { month } : {}) }).catch((error: unknown) => {
    if (error instanceof ScorecardError) return null;
    throw error;
  });
  const rate = metric('fcr_rate');
  const csat = metric('csat_rate');
  return {
    built: card !== null,
    months: (card?.months ?? []).slice(-6).map((m) => ({
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
      (card?.months ?? []).filter((m) => typeof m['internal_quality_score'] === 'number').length < 2
        ? ''
        : trendChart(
            (card?.months ?? []).map((m) => ({
              month: String(m['month']),
              value: typeof m['internal_quality_score'] === 'number' ? (m['internal_quality_score'] as number) : null,
            })),
            {
              kind: 'line',
              label: 'Internal quality score',
              href: (m) => `/agents/${encodeURIComponent(agent.agentId)}?month=${m}#criteria`,
              format: (v) => v.toFixed(0),
              height: 180,
            },
          ),
    criteriaMonth: card?.month ?? null,
    criteria: (card?.criteria ?? []).map((c) => ({
      criterion: String(c['criterion_id']),
      rated: Number(c['rated'] ?? 0),
      failed: Number(c['failed'] ?? 0),
      score: score(c['criterion_score']),
      team: score(c['team_criterion_score']),
    })),
    rootCauses: (card?.root_causes ?? []).map((r) => ({
      criterion: String(r['criterion_id']),
      cause: String(r['root_cause']),
      reviews: Number(r['reviews'] ?? 0),
      teamReviews: Number(r['team_reviews'] ?? 0),
    })),
  };
}
