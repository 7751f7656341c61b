/**
 * An agent's scorecard, read from the marts (`parley build` first): one row
 * per month with the internal quality score beside FCR, reopen rate,
 * response times and CSAT, and the team's values; the criterion averages and
 * root causes of a month; and the agent's latest reviews.
 *
 * @example
 *   const card = await agentScorecard(db, 'agent-07', { month: '2026-10' });
 *   card.months[0].internal_quality_score; // 84.2
 */
import type { Row, Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { ScorecardError } from './scorecard-error.js';

export interface AgentScorecard {
  agent_id: string;
  agent_name: string | null;
  team: string | null;
  /** qa_agent_scorecards rows, oldest month first */
  months: Row[];
  /** qa_agent_criteria rows of the chosen month (default: the latest reviewed month) */
  month: string | null;
  criteria: Row[];
  /** qa_root_causes rows of the chosen month: why points were lost, per criterion, with the team's count */
  root_causes: Row[];
  /** the latest reviews (qa_reviews_scored), newest first */
  reviews: Row[];
}

export async function agentScorecard(db: Warehouse, agentId: string, options: { month?: string; reviews?: number } = {}): Promise<AgentScorecard> {
  if (!(await tableExists(db, 'qa_agent_scorecards'))) throw new ScorecardError(`the warehouse ${db.path} has no scorecard marts yet: run \`parley build\` first`);
  const months = await db.all('select * from qa_agent_scorecards where agent_id = $1 order by month', [agentId]);
  if (!months.length) {
    throw new ScorecardError(
      `no agent ${agentId} in the scorecards: agents are owner_agent ids of conversation_metrics (parley sql "select distinct owner_agent from conversation_metrics")`,
      'not_found',
    );
  }
  const reviewed = months.filter((m) => (m['reviews'] as number) > 0).map((m) => m['month'] as string);
  const month = options.month ?? reviewed.at(-1) ?? (months.at(-1)!['month'] as string | null);
  const criteria = await db.all(
    'select rubric_id, criterion_id, rated, na, failed, criterion_score, team_criterion_score from qa_agent_criteria where agent_id = $1 and month = $2 order by rubric_id, criterion_id',
    [agentId, month],
  );
  const rootCauses = (await tableExists(db, 'qa_root_causes'))
    ? await db.all(
        'select rubric_id, criterion_id, root_cause, reviews, team_reviews from qa_root_causes where agent_id = $1 and month = $2 order by reviews desc, criterion_id, root_cause',
        [agentId, month],
      )
    : [];
  const reviews = await db.all(
    `select review_id, month, conversation_id, reviewer_id, qa_score, auto_failed, disputes, last_dispute_status, reviewed_at
     from qa_reviews_scored where agent_id = $1 order by reviewed_at desc, review_id limit $2`,
    [agentId, options.reviews ?? 10],
  );
  const last = months.at(-1)!;
  return {
    agent_id: agentId,
    agent_name: (last['agent_name'] as string | null) ?? null,
    team: (last['team'] as string | null) ?? null,
    months,
    month,
    criteria,
    root_causes: rootCauses,
    reviews,
  };
}
