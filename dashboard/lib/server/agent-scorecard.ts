/**
 * An agent's operational figures beside their team's, over the filter's date
 * range, from models/summary.ts (parameterised where). QA figures come from
 * scorecards/ (lib/server/agent-qa.ts).
 *
 * @example
 *   const ops = await loadAgentOperations(db, 'agt_001', filters);
 *   ops.rows[0]; // { metric: 'conversations', label: 'Volume', agent: '141', team: '1,203' }
 */
import type { Row, Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { REPLY_AGENT, replySummarySql } from '../../../models/summary.js';
import { REPLY_DAILY_MART, replyDailyAnswers, replyDailySql, type ReplyDailyGroup } from '../../../models/reply-daily.js';
import { DAILY_MARTS, dailySummarySql } from '../../../models/daily.js';
import { cachedAll, martsBuilt, memo, rangeSummary } from './mart-query.js';
import { filterQuery, filterWhere, narrowed, numbered, type Filters } from './filters.js';

export interface AgentInfo {
  agentId: string;
  name: string | null;
  team: string | null;
  active: boolean | null;
}

const ROWS: { metric: string; field: string; label: string }[] = [
  { metric: 'conversations', field: 'conversations', label: 'Conversations owned' },
  { metric: 'first_response_s', field: 'first_response_s_median', label: 'First response (median)' },
  { metric: 'first_response_s', field: 'first_response_s_p90', label: 'First response (p90)' },
  { metric: 'first_resolution_s', field: 'first_resolution_s_median', label: 'Resolution time (median)' },
  { metric: 'fcr_rate', field: 'fcr_rate', label: 'First contact resolution' },
  { metric: 'reopen_rate', field: 'reopen_rate', label: 'Re-open rate' },
  { metric: 'transfer_rate', field: 'transfer_rate', label: 'Transfer rate' },
  { metric: 'csat_rate', field: 'csat_rate', label: 'CSAT (satisfied)' },
  { metric: 'effort_index', field: 'effort_index_mean', label: 'Effort index (mean)' },
];

/**
 * Figures credited to the agent who wrote each reply (reply_metrics, summary
 * grouping `reply_agent`), not to the conversation's owner: after a transfer
 * each agent answers for their own replies. The team column: replies written
 * in that team (the team in force at the reply).
 */
const REPLY_ROWS: { metric: string; field: string; label: string }[] = [
  { metric: 'reply_time_s', field: 'reply_time_s_median', label: 'Reply time, own replies (median)' },
  { metric: 'reply_time_s', field: 'reply_time_s_p90', label: 'Reply time, own replies (p90)' },
  { metric: 'sla_next_response_rate', field: 'sla_next_response_rate', label: 'Next response within SLA, own replies' },
];

/** The roster entry of an agent (falls back to conversation_metrics for an agent missing from the roster). */
export function agentInfo(db: Warehouse, agentId: string): Promise<AgentInfo | null> {
  return memo(db, `agent\u0000${agentId}`, () => findAgent(db, agentId));
}

async function findAgent(db: Warehouse, agentId: string): Promise<AgentInfo | null> {
  const row = await db.one<{ name: string | null; team: string | null; active: boolean | null }>(
    'select name, team, active from raw_agents where agent_id = $1 order by load_id desc limit 1',
    [agentId],
  );
  if (row) return { agentId, ...row };
  const seen = await db.one<{ team: string | null }>('select any_value(team) as team from conversation_metrics where owner_agent = $1 having count(*) > 0', [agentId]);
  return seen ? { agentId, name: null, team: seen.team, active: null } : null;
}

/**
 * The agent's operational figures beside the team's (memoised: marts only),
 * over the date range and the filters that narrow the conversations (channel,
 * intent, tag, priority, account, custom dimensions, status, CSAT, SLA); the
 * agent and team filters are the scorecard's own.
 */
export function loadAgentOperations(db: Warehouse, agent: AgentInfo, f: Filters) {
  const scope: Filters = { ...f, agent: undefined, team: undefined, month: undefined, q: undefined };
  return memo(db, `agent-ops\u0000${agent.agentId}\u0000${JSON.stringify(scope)}`, () => computeOperations(db, agent, scope));
}

async function computeOperations(db: Warehouse, agent: AgentInfo, f: Filters) {
  const fields = ROWS.map((r) => r.field);
  const [[a], [t], [ra, rt]] = await Promise.all([
    // the agent's conversations (owner_agent) and the team's (team), over the range and the other filters
    rangeSummary(db, null, { ...f, agent: agent.agentId }, fields),
    agent.team ? rangeSummary(db, null, { ...f, team: agent.team }, fields) : Promise.resolve([] as Row[]),
    replyFigures(db, agent, f),
  ]);
  const row = (r: { metric: string; field: string; label: string }, mine: Row | undefined, theirs: Row | undefined) => {
    const m = metric(r.metric);
    return { metric: r.metric, label: r.label, agent: formatValue(m, mine?.[r.field]), team: formatValue(m, theirs?.[r.field]) };
  };
  return {
    rows: [...ROWS.map((r) => row(r, a, t)), ...REPLY_ROWS.map((r) => row(r, ra, rt))],
    conversationsHref: `/conversations${filterQuery({ ...f, agent: agent.agentId })}`,
  };
}

/**
 * The reply figures of the agent (replies they wrote) and of their team
 * (replies written in it), of the conversations of the range and filters:
 * both from one read of the per-day rollup (models/reply-daily.ts) when it
 * keeps the view (the date range, a channel), else over reply_metrics joined
 * to the conversations. `[agent's, team's]`; no team: the team's is undefined.
 */
async function replyFigures(db: Warehouse, agent: AgentInfo, f: Filters): Promise<[Row | undefined, Row | undefined]> {
  const fields = [...new Set(REPLY_ROWS.map((r) => r.field))];
  const groups: ReplyDailyGroup[] = [
    { as: 'agent', column: 'reply_agent', value: agent.agentId },
    ...(agent.team ? [{ as: 'team', column: 'reply_team' as const, value: agent.team }] : []),
  ];
  const kept = !f.intent && !narrowed(f) && replyDailyAnswers(fields);
  if (kept && (await martsBuilt(db, REPLY_DAILY_MART))) {
    const q = replyDailySql({ from: f.from, to: f.to, groups, fields, ...(f.channel ? { channel: f.channel } : {}) });
    const rows = await cachedAll(db, q.sql, q.params);
    return [rows.find((r) => r['as'] === 'agent'), rows.find((r) => r['as'] === 'team')];
  }
  // replies: the conversation's date range (c.), the reply's agent or team (r.)
  const replyRange = filterWhere(f, { prefix: 'c' });
  const of = (g: ReplyDailyGroup) => {
    const who = numbered([[`r.${g.column} = ?`, g.value]], replyRange.params.length + 1);
    return cachedAll(db, replySummarySql(g.column === 'reply_agent' ? [REPLY_AGENT] : [], `${replyRange.sql} and ${who.sql}`, fields), [...replyRange.params, ...who.params]);
  };
  const [mine, theirs] = await Promise.all(groups.map(of));
  return [mine?.[0], theirs?.[0]];
}

type ListedAgent = { agent_id: string; name: string | null; team: string | null; conversations: number };

/**
 * Agents with conversations in the range and the other filters (channel, tag, priority, …; not agent), by team, for the agents index.
 * A date range alone (the index as it opens) is counted from the per-day mart's owner-agent rows (models/daily.ts): a sum of
 * the range's days for each agent, not a scan of the range's conversations. Its rows have no conversation team, which
 * names the team of an agent the roster has no team for: such an agent, or any other filter, counts the conversations.
 */
export async function listAgents(db: Warehouse, f: Filters): Promise<ListedAgent[]> {
  const scope: Filters = { ...f, agent: undefined };
  const dated = !scope.month && !scope.channel && !scope.intent && !scope.team && !narrowed(scope);
  if (dated && (await martsBuilt(db, ...DAILY_MARTS))) {
    const d = dailySummarySql({ from: scope.from, to: scope.to, grouping: ['owner_agent'], filter: {}, by: 'owner_agent', fields: ['conversations'] });
    const rows = await cachedAll<ListedAgent>(
      db,
      `select d.key as agent_id, a.name, a.team, d.conversations
       from (${d.sql}) d left join raw_agents a on a.agent_id = d.key
       where d.key is not null and d.conversations > 0
       order by a.team, agent_id`,
      d.params,
    );
    if (rows.every((r) => r.team !== null)) return rows;
  }
  const range = filterWhere(scope, { prefix: 'cm' });
  return cachedAll<ListedAgent>(
    db,
    `select cm.owner_agent as agent_id, any_value(a.name) as name, coalesce(any_value(a.team), any_value(cm.team)) as team, count(*) as conversations
     from conversation_metrics cm left join raw_agents a on a.agent_id = cm.owner_agent
     where ${range.sql} and cm.owner_agent is not null
     group by cm.owner_agent order by team, agent_id`,
    range.params,
  );
}
