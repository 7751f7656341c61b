/**
 * The metric catalogue: one entry per metric of `spec/metrics.md`, the only
 * place where a metric's name, meaning, unit and direction live. The CLI, the
 * summary mart, `docs/metrics.md`, the dashboard and the notebooks all read
 * it; a headline metric also names its overview tile (`headline`).
 *
 * @example
 *   const fcr = metric('fcr_rate');
 *   fcr.unit;           // 'rate'
 *   fcr.higherIsBetter; // true
 *   formatValue(fcr, 0.734); // '73.4%'
 */
import { AUTOQA_LIMITS } from './autoqa-limits.js';

import { formatDuration } from '../charts/duration.js';

export type Unit = 'count' | 'seconds' | 'rate' | 'score' | 'flag' | 'agent' | 'money' | 'team' | 'policy' | 'moment';
export type Group = 'volume' | 'responsiveness' | 'resolution' | 'sla' | 'automation' | 'experience' | 'workload' | 'quality' | 'business';

/** How the summary mart aggregates a metric over a group of conversations. */
export type Summary =
  /** A count over the group: `sql` is an aggregate expression. */
  | { kind: 'total'; sql: string }
  /** numerator ÷ denominator, both conditions on conversation_metrics. */
  | { kind: 'rate'; numerator: string; denominator: string }
  /** sum(numerator) ÷ sum(denominator), both numeric expressions on conversation_metrics (a rate weighted by what they count, such as turns). */
  | { kind: 'ratio'; numerator: string; denominator: string }
  /** median, 90th percentile and mean of a per-conversation duration. */
  | { kind: 'distribution' }
  /** mean of a per-conversation value. */
  | { kind: 'mean' };

/**
 * A headline figure: a tile of the dashboard's overview, a column of
 * `parley metrics summary`'s table, a figure the notebooks' month in brief
 * looks at. It shows the summary field that stands for the metric (a
 * duration's median: summaryFields in summary.ts).
 */
export interface Headline {
  /** The overview tile's label. */
  label: string;
  /** A second figure under the tile's value: a summary field and its short label. */
  second?: { field: string; label: string };
}

export interface Metric {
  name: string;
  label: string;
  group: Group;
  /** What it means, in the words of spec/metrics.md. */
  definition: string;
  unit: Unit;
  /** True when a higher value is better; null when neither is. */
  higherIsBetter: boolean | null;
  /** Built on inferred resolutions too (spec: such metrics are flagged). */
  usesInferredResolution: boolean;
  /** The column of `conversation_metrics`, for per-conversation metrics. */
  column?: string;
  summary?: Summary;
  /** Where it is computed when not in conversation_metrics / metric_summary. */
  computedIn?: string;
  /** Set for the headline figures, in catalogue order. */
  headline?: Headline;
}

/** A statistic over fewer values than this shows its count and no value (spec: "Grouping"). */
export const MIN_GROUP_SIZE = 10;

/** customer messages whose word sets overlap at least this much (Jaccard) repeat each other. */
export const RE_EXPLANATION_SIMILARITY = 0.6;
/** messages with fewer distinct words than this are too short to count as a re-explanation. */
export const RE_EXPLANATION_MIN_WORDS = 3;

/**
 * effort_index = round(100 × (1 − e^(−raw / scale)), 1), where
 * raw = messages × max(customer_messages_to_resolution − 1, 0) + re_explanations × w
 *       + channel_switches × w + transfers × w + reopens × w.
 * Every weight is positive, so the index rises with each signal (monotone) and
 * stays below 100; a conversation settled in one customer message scores 0.
 */
export const EFFORT = {
  weights: { messages: 1, re_explanations: 3, channel_switches: 2, transfers: 2, reopens: 3 },
  scale: 8,
} as const;

const EFFORT_FORMULA =
  `round(100 × (1 − e^(−raw / ${EFFORT.scale})), 1) with raw = ` +
  `${EFFORT.weights.messages} × max(customer_messages_to_resolution − 1, 0) + ${EFFORT.weights.re_explanations} × re_explanations + ` +
  `${EFFORT.weights.channel_switches} × channel_switches + ${EFFORT.weights.transfers} × transfers + ${EFFORT.weights.reopens} × reopens`;

/** Values the SQL models take from the catalogue and AUTOQA_LIMITS (`{{name}}` in a model). */
export const MODEL_CONSTANTS: Record<string, string | number> = {
  re_explanation_similarity: RE_EXPLANATION_SIMILARITY,
  re_explanation_min_words: RE_EXPLANATION_MIN_WORDS,
  effort_weight_messages: EFFORT.weights.messages,
  effort_weight_re_explanations: EFFORT.weights.re_explanations,
  effort_weight_channel_switches: EFFORT.weights.channel_switches,
  effort_weight_transfers: EFFORT.weights.transfers,
  effort_weight_reopens: EFFORT.weights.reopens,
  effort_scale: EFFORT.scale,
  autoqa_long_silence_s: AUTOQA_LIMITS.longSilenceSeconds,
  autoqa_reply_words_min: AUTOQA_LIMITS.replyWordsMin,
  autoqa_reply_words_max: AUTOQA_LIMITS.replyWordsMax,
  autoqa_words_per_sentence_max: AUTOQA_LIMITS.wordsPerSentenceMax,
};

const duration = (name: string, label: string, group: Group, definition: string, usesInferredResolution = false): Metric => ({
  name,
  label,
  group,
  definition,
  unit: 'seconds',
  higherIsBetter: false,
  usesInferredResolution,
  column: name,
  summary: { kind: 'distribution' },
});

const slaFlag = (name: string, label: string, definition: string, usesInferredResolution: boolean): Metric => ({
  name,
  label,
  group: 'sla',
  definition,
  unit: 'flag',
  higherIsBetter: true,
  usesInferredResolution,
  column: name,
});

const slaMoment = (name: string, label: string, definition: string): Metric => ({
  name,
  label,
  group: 'sla',
  definition,
  unit: 'moment',
  higherIsBetter: null,
  usesInferredResolution: false,
  column: name,
});

const slaRate = (name: string, label: string, definition: string, rate: { numerator: string; denominator: string }, usesInferredResolution: boolean): Metric => ({
  name,
  label,
  group: 'sla',
  definition,
  unit: 'rate',
  higherIsBetter: true,
  usesInferredResolution,
  summary: { kind: 'rate', ...rate },
});

/** A who-is-waiting duration (v2): lower is better for the customer, but pending time is the customer's own. */
const waiting = (name: string, label: string, definition: string): Metric => ({
  ...duration(name, label, 'workload', definition),
  higherIsBetter: name === 'pending_s' ? null : false,
});

export const CATALOGUE: readonly Metric[] = [
  // Volume
  {
    name: 'conversations',
    label: 'Conversations',
    group: 'volume',
    definition: 'conversations in the group, counted by `created_at`.',
    unit: 'count',
    higherIsBetter: null,
    usesInferredResolution: false,
    summary: { kind: 'total', sql: 'count(*)' },
    headline: { label: 'Volume' },
  },
  {
    name: 'customer_messages',
    label: 'Customer messages',
    group: 'volume',
    definition: 'public customer messages in those conversations.',
    unit: 'count',
    higherIsBetter: null,
    usesInferredResolution: false,
    column: 'customer_messages',
    summary: { kind: 'total', sql: 'sum(customer_messages)' },
  },
  {
    name: 'resolved_conversations',
    label: 'Resolved conversations',
    group: 'volume',
    definition: 'conversations with at least one resolution.',
    unit: 'count',
    higherIsBetter: null,
    usesInferredResolution: true,
    column: 'resolved',
    summary: { kind: 'total', sql: 'count(*) filter (where resolved)' },
  },
  // Responsiveness
  {
    ...duration(
      'first_response_s',
      'First response time',
      'responsiveness',
      'time from the first customer message to the first human reply after it. Null when no human ever replied. Conversations that have no customer message (outbound) are left out.',
    ),
    headline: { label: 'First response (median)', second: { field: 'first_response_s_p90', label: 'p90' } },
  },
  duration(
    'first_response_any_s',
    'First response time (any reply)',
    'responsiveness',
    'the same as first_response_s, counting automated replies too (how fast anything answered).',
  ),
  duration(
    'reply_time_s',
    'Reply time',
    'responsiveness',
    "for each customer turn, time from its start to the next public agent reply; a conversation's value is the mean over its answered turns.",
  ),
  {
    name: 'unanswered_turns',
    label: 'Unanswered turns',
    group: 'responsiveness',
    definition: 'customer turns that never received a human or bot reply.',
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: false,
    column: 'unanswered_turns',
    summary: { kind: 'mean' },
  },
  duration(
    'business_first_response_s',
    'First response time (business hours)',
    'responsiveness',
    "`first_response_s` counting only time inside the business hours of the conversation's schedule (its owner team's in `team_schedules`, else the default schedule: time zone, weekly schedule, holidays).",
  ),
  duration(
    'business_reply_time_s',
    'Reply time (business hours)',
    'responsiveness',
    "`reply_time_s` with each turn's wait measured in business time on the conversation's schedule.",
  ),
  // Resolution
  duration('first_resolution_s', 'First resolution time', 'resolution', 'first customer message (else `created_at`) to first resolution.', true),
  {
    ...duration(
      'full_resolution_s',
      'Full resolution time',
      'resolution',
      'first customer message (else `created_at`) to last resolution, for conversations whose latest status is resolved or closed.',
      true,
    ),
    headline: { label: 'Resolution time (median)', second: { field: 'full_resolution_s_p90', label: 'p90' } },
  },
  duration('business_first_resolution_s', 'First resolution time (business hours)', 'resolution', "`first_resolution_s` in business time on the conversation's schedule.", true),
  duration('business_full_resolution_s', 'Full resolution time (business hours)', 'resolution', "`full_resolution_s` in business time on the conversation's schedule.", true),
  {
    name: 'reopens',
    label: 'Reopens',
    group: 'resolution',
    definition:
      'how many times the conversation left a resolution: a `status` event to `open`/`pending`/`snoozed` after a resolution, or a public customer message after a resolution with no such event in between (each resolution can be left once).',
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: false,
    column: 'reopens',
    summary: { kind: 'mean' },
  },
  {
    name: 'reopen_rate',
    label: 'Re-open rate',
    group: 'resolution',
    definition: 'resolved conversations with `reopens` ≥ 1 ÷ resolved conversations.',
    unit: 'rate',
    higherIsBetter: false,
    usesInferredResolution: true,
    summary: { kind: 'rate', numerator: 'resolved and reopens >= 1', denominator: 'resolved' },
    headline: { label: 'Re-open rate' },
  },
  {
    name: 'transfers',
    label: 'Transfers',
    group: 'resolution',
    definition:
      'the assignment is a pair (agent, team), both empty at the start; each `assign` event sets the parts it names. A transfer is an `assign` event that replaces a non-empty agent with a different agent, or a non-empty team with a different team. Filling an empty part is routing, not a transfer; re-assigning to the same agent and team is nothing.',
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: false,
    column: 'transfers',
    summary: { kind: 'mean' },
  },
  {
    name: 'transfer_rate',
    label: 'Transfer rate',
    group: 'resolution',
    definition: 'conversations with `transfers` ≥ 1 ÷ conversations with at least one assignment.',
    unit: 'rate',
    higherIsBetter: false,
    usesInferredResolution: false,
    summary: { kind: 'rate', numerator: 'assigned and transfers >= 1', denominator: 'assigned' },
    headline: { label: 'Transfer rate' },
  },
  {
    name: 'escalations',
    label: 'Escalations',
    group: 'resolution',
    definition: '`escalate` events.',
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: false,
    column: 'escalations',
    summary: { kind: 'mean' },
  },
  {
    name: 'recontact_7d',
    label: 'Re-contact within 7 days',
    group: 'resolution',
    definition:
      "the same customer opens another conversation within 7 days after this one's first resolution, and, when both have an `intent`, with the same intent. Null while the window reaches past the data horizon and no re-contact has been seen.",
    unit: 'flag',
    higherIsBetter: false,
    usesInferredResolution: true,
    column: 'recontact_7d',
  },
  {
    name: 'fcr',
    label: 'First contact resolution',
    group: 'resolution',
    definition:
      'first contact resolution: resolved, and `reopens` = 0, `transfers` = 0, `escalations` = 0, and not `recontact_7d`. Null while the 7-day window is open and nothing else has ruled it out.',
    unit: 'flag',
    higherIsBetter: true,
    usesInferredResolution: true,
    column: 'fcr',
  },
  {
    name: 'fcr_rate',
    label: 'FCR rate',
    group: 'resolution',
    definition: 'conversations with `fcr` ÷ resolved conversations whose 7-day window after first resolution is closed by the data horizon.',
    unit: 'rate',
    higherIsBetter: true,
    usesInferredResolution: true,
    summary: { kind: 'rate', numerator: 'fcr', denominator: 'resolved and fcr_window_closed' },
    headline: { label: 'First contact resolution' },
  },
  // Service-level agreements (v2)
  {
    name: 'sla_policy',
    label: 'SLA policy',
    group: 'sla',
    definition:
      'the name of the policy that applies: the first of `sla_policies`, in order, whose `when` matches the conversation as loaded (`channel`, `priority`, `team` the owner team, `intent`, `source`, `segment`; every key named must match, an empty `when` matches everything); null when none.',
    unit: 'policy',
    higherIsBetter: null,
    usesInferredResolution: true,
    column: 'sla_policy',
  },
  slaFlag(
    'sla_first_response_met',
    'First response within SLA',
    'true met, false breached, null open or no such target. The clock runs from the first customer message to the first human reply after it (bot replies do not stop it, no status pauses it); met when it stopped with elapsed ≤ target; breached when it stopped later, or never stopped and the due moment is at or before the data horizon; open when never stopped and due after the horizon.',
    false,
  ),
  slaMoment(
    'sla_first_response_due_at',
    'First response due',
    "the due moment of the first-response target: when elapsed time (calendar, or business on the conversation's schedule for `hours: business`) from the first customer message reaches the target; null without one.",
  ),
  {
    name: 'sla_next_response_turns',
    label: 'Next-response turns measured',
    group: 'sla',
    definition:
      'measured turns (met or breached) of the next-response target: customer turns that start after the first human reply, each timed to its next human reply; a turn closed by a resolution before a reply is not measured. Null without the target.',
    unit: 'count',
    higherIsBetter: null,
    usesInferredResolution: true,
    column: 'sla_next_response_turns',
    summary: { kind: 'total', sql: 'coalesce(sum(sla_next_response_turns), 0)' },
  },
  {
    name: 'sla_next_response_breaches',
    label: 'Next-response breaches',
    group: 'sla',
    definition: 'breached turns of the next-response target: answered later than the target, or unanswered with the due moment at or before the data horizon.',
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: true,
    column: 'sla_next_response_breaches',
    summary: { kind: 'total', sql: 'coalesce(sum(sla_next_response_breaches), 0)' },
  },
  slaFlag('sla_next_response_met', 'Next responses within SLA', 'true when turns were measured and none breached; false when any breached; null otherwise.', true),
  slaFlag(
    'sla_resolution_met',
    'Resolution within SLA',
    'true met, false breached, null open or no such target. The clock runs from the first customer message (else `created_at`) to the first resolution; met, breached and open as for the first response.',
    true,
  ),
  slaMoment('sla_resolution_due_at', 'Resolution due', 'the due moment of the resolution target.'),
  {
    ...slaFlag(
      'sla_breached',
      'SLA breached',
      'true when any target is breached; false when every target of the policy is met (for `next_response`: met, or no turn to measure); null otherwise.',
      true,
    ),
    higherIsBetter: false,
  },
  slaMoment('sla_first_breach_at', 'First SLA breach', 'the earliest moment at which a target became breached (a breach happens at its due moment).'),
  slaRate(
    'sla_first_response_rate',
    'First response SLA attainment',
    'conversations with `sla_first_response_met` true ÷ those with it not null.',
    { numerator: 'sla_first_response_met', denominator: 'sla_first_response_met is not null' },
    false,
  ),
  {
    name: 'sla_next_response_rate',
    label: 'Next response SLA attainment',
    group: 'sla',
    definition: 'met turns ÷ measured turns (weighted by turns, not conversations).',
    unit: 'rate',
    higherIsBetter: true,
    usesInferredResolution: true,
    summary: { kind: 'ratio', numerator: 'sla_next_response_turns - sla_next_response_breaches', denominator: 'sla_next_response_turns' },
  },
  slaRate(
    'sla_resolution_rate',
    'Resolution SLA attainment',
    'conversations with `sla_resolution_met` true ÷ those with it not null.',
    { numerator: 'sla_resolution_met', denominator: 'sla_resolution_met is not null' },
    true,
  ),
  slaRate(
    'sla_achievement_rate',
    'SLA achievement',
    'conversations with `sla_breached` false ÷ those with it not null.',
    { numerator: 'not sla_breached', denominator: 'sla_breached is not null' },
    true,
  ),
  // Automation
  {
    name: 'contained',
    label: 'Contained by automation',
    group: 'automation',
    definition: 'resolved, at least one automated reply, no human reply, and `reopens` = 0.',
    unit: 'flag',
    higherIsBetter: true,
    usesInferredResolution: true,
    column: 'contained',
  },
  {
    name: 'containment_rate',
    label: 'Containment rate',
    group: 'automation',
    definition: 'contained conversations ÷ conversations that had at least one automated reply.',
    unit: 'rate',
    higherIsBetter: true,
    usesInferredResolution: true,
    summary: { kind: 'rate', numerator: 'contained', denominator: 'had_automated_reply' },
    headline: { label: 'Containment' },
  },
  {
    name: 'handoff_from_bot',
    label: 'Handed over from bot',
    group: 'automation',
    definition: 'had an automated reply and later a human reply.',
    unit: 'flag',
    higherIsBetter: null,
    usesInferredResolution: false,
    column: 'handoff_from_bot',
  },
  // Customer experience
  {
    name: 'csat_score',
    label: 'CSAT score',
    group: 'experience',
    definition: 'latest `csat` answer in the conversation, rescaled to 0–100 over its scale.',
    unit: 'score',
    higherIsBetter: true,
    usesInferredResolution: false,
    column: 'csat_score',
    summary: { kind: 'mean' },
  },
  {
    name: 'csat_rate',
    label: 'CSAT (% satisfied)',
    group: 'experience',
    definition: 'conversations whose latest `csat` answer is in the top two points of its scale ÷ conversations with a `csat` answer.',
    unit: 'rate',
    higherIsBetter: true,
    usesInferredResolution: false,
    summary: { kind: 'rate', numerator: 'csat_satisfied', denominator: 'csat_score is not null' },
    headline: { label: 'CSAT (satisfied)', second: { field: 'csat_score_mean', label: 'mean score' } },
  },
  {
    name: 'ces_score',
    label: 'CES score',
    group: 'experience',
    definition: 'latest `ces` answer rescaled to 0–100 (100 = effortless).',
    unit: 'score',
    higherIsBetter: true,
    usesInferredResolution: false,
    column: 'ces_score',
    summary: { kind: 'mean' },
    headline: { label: 'CES (mean)' },
  },
  {
    name: 'customer_messages_to_resolution',
    label: 'Customer messages to resolution',
    group: 'experience',
    definition: 'public customer messages sent before the first resolution (all of them while the conversation has not been resolved).',
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: true,
    column: 'customer_messages_to_resolution',
    summary: { kind: 'mean' },
  },
  {
    name: 're_explanations',
    label: 'Re-explanations',
    group: 'experience',
    definition: `customer messages after a transfer or escalation that repeat an earlier customer message of the same conversation (word-set Jaccard similarity ≥ ${RE_EXPLANATION_SIMILARITY}, both of at least ${RE_EXPLANATION_MIN_WORDS} distinct words): the customer had to say it again.`,
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: false,
    column: 're_explanations',
    summary: { kind: 'mean' },
  },
  {
    name: 'channel_switches',
    label: 'Channel switches',
    group: 'experience',
    definition:
      "messages whose `channel` differs from the previous message's channel; a message without `channel` stays on the previous message's channel, and the first message on the conversation's.",
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: false,
    column: 'channel_switches',
    summary: { kind: 'mean' },
  },
  {
    name: 'effort_index',
    label: 'Effort index',
    group: 'experience',
    definition: `0–100, higher is harder, for every conversation whether or not a survey was answered: ${EFFORT_FORMULA}.`,
    unit: 'score',
    higherIsBetter: false,
    usesInferredResolution: true,
    column: 'effort_index',
    summary: { kind: 'mean' },
    headline: { label: 'Effort index (mean)' },
  },
  // Workload
  {
    name: 'owner_team',
    label: 'Owner team',
    group: 'workload',
    definition:
      "the team part of the assignment in force at the first resolution; for a conversation never resolved, the team in force at its last event; empty when no `assign` event named a team by then. The `team` of every summary grouping, and what picks the conversation's schedule (`team_schedules`).",
    unit: 'team',
    higherIsBetter: null,
    usesInferredResolution: true,
    column: 'owner_team',
  },
  waiting(
    'agent_work_s',
    'Agent work time',
    "seconds in state `open` from `created_at` to the last resolution (support has the next move). Null unless the conversation's latest state is resolved. The state runs from `created_at`: `open` until the first `status` event, then the status each event sets; a public customer message while `resolved` or `closed` sets it back to `open`; `closed` counts as `resolved`.",
  ),
  waiting('customer_wait_s', 'Customer waiting time', 'seconds in state `open` or `snoozed` over the same span as `agent_work_s` (the customer is waiting on support).'),
  waiting('pending_s', 'Pending time', 'seconds in state `pending` over the same span as `agent_work_s` (support is waiting on the customer).'),
  {
    name: 'owner_agent',
    label: 'Owner agent',
    group: 'workload',
    definition: 'the agent of the last `assign` event before the first resolution; with no assignments, the agent who sent the most human replies.',
    unit: 'agent',
    higherIsBetter: null,
    usesInferredResolution: true,
    column: 'owner_agent',
  },
  {
    name: 'concurrency',
    label: 'Concurrency',
    group: 'workload',
    definition:
      'per agent and minute, conversations owned by the agent that are open (between first human reply and resolution) and had activity in the last 30 minutes; reported as mean (over the minutes with at least one) and peak per agent-day.',
    unit: 'count',
    higherIsBetter: null,
    usesInferredResolution: true,
    computedIn: 'mart agent_concurrency_daily (mean_concurrency, peak_concurrency, active_minutes)',
  },
  {
    name: 'backlog',
    label: 'Backlog',
    group: 'workload',
    definition: 'at a moment, conversations opened and not yet resolved; reported at the end of each day.',
    unit: 'count',
    higherIsBetter: false,
    usesInferredResolution: true,
    computedIn: 'mart backlog_daily (by day, channel and team)',
  },
  // Quality
  {
    name: 'qa_score',
    label: 'QA score',
    group: 'quality',
    definition:
      "one review's score, 0–100: the weighted mean of its rated criteria, each rated criterion normalised to 0–100 over its scale; criteria marked N/A leave both numerator and denominator; any failed critical criterion makes the score 0.",
    unit: 'score',
    higherIsBetter: true,
    usesInferredResolution: false,
    computedIn: 'scorecards/scoring.ts (scoreReview), stored in qa_reviews; mart qa_reviews_scored',
  },
  {
    name: 'internal_quality_score',
    label: 'Internal quality score',
    group: 'quality',
    definition: 'mean `qa_score` over reviews in a period and group.',
    unit: 'score',
    higherIsBetter: true,
    usesInferredResolution: false,
    computedIn: 'marts qa_internal_quality (by month × agent / team / channel) and qa_agent_scorecards; calibration reviews excluded',
  },
  {
    name: 'agreement',
    label: 'Agreement',
    group: 'quality',
    definition: "inter-rater agreement for conversations reviewed by two or more reviewers: Krippendorff's alpha (ordinal) per criterion, and the share of exact matches.",
    unit: 'score',
    higherIsBetter: true,
    usesInferredResolution: false,
    computedIn: 'mart qa_calibration_agreement (SQL), scorecards/krippendorff.ts (TypeScript, same arithmetic)',
  },
  // Business impact
  {
    name: 'cost_per_resolution',
    label: 'Cost per resolution',
    group: 'business',
    definition:
      'the cost of the conversations in the group ÷ their resolutions, in the currency of the `costs` section of parley.config.yaml (null without it). ' +
      "A conversation's resolution type is `bot` when no human replied in it (automation alone, or nobody) and `people` when a human did; a resolution is a contained conversation (bot) or a resolved one (people), so a bot conversation that was reopened costs without counting. " +
      "A conversation's cost = agent cost + automation cost + platform cost. Agent cost = its agent hours × `agent_cost_per_hour` (its channel's, else the default). " +
      "Agent hours: first each conversation gets its share of its owner's active time — an agent is active in a minute when they own at least one conversation that is open (from its first human reply to its first resolution, or the data horizon) and had a message or event in the last 30 minutes (the `active_minutes` of agent_concurrency_daily), and a minute with k such conversations counts 1/k to each. " +
      "When agents.jsonl gives the owner `hours_per_week` (rostered hours; an optional field beyond format v2's id, name, team, email, active), the owner's rostered hours of the month — hours_per_week × the days of the month inside the data (first `created_at` to the data horizon) ÷ 7 — are shared among the owner's conversations of that month in proportion to those shares; otherwise the shares themselves are the agent hours (active hours, a lower bound: time without an active conversation is not counted). Rostered hours of a month in which the agent owns no active conversation are not counted. " +
      "Automation cost = `cost_per_automated_conversation` (its channel's, else the default) when it had an automated reply. Platform cost = `platform_fees_per_month` ÷ the conversations of its month, plus its channel's own `platform_fees_per_month` ÷ the conversations of its month and channel. " +
      'Months are those of `created_at` in the configured time zone. `cost_per_resolution_base` is the number of resolutions.',
    unit: 'money',
    higherIsBetter: false,
    usesInferredResolution: true,
    computedIn: 'mart conversation_costs (per conversation: resolution_type, agent_hours_basis, active_minutes, agent_minutes, agent_cost, automation_cost, platform_cost, cost)',
    // a resolution counts 1: the ratio's denominator sums the conversations that count as one
    summary: { kind: 'ratio', numerator: 'cost', denominator: 'resolved_for_cost::integer' },
  },
  {
    name: 'churn_rate_90d',
    label: 'Churn within 90 days after support',
    group: 'business',
    definition:
      'counted per resolved conversation, not per customer: churned conversations ÷ resolved conversations whose 90-day window after their first resolution is closed by the outcomes horizon (the latest outcome of outcomes.jsonl loaded for their source). ' +
      'A conversation churned when its customer has a `churned` outcome of the same source dated after its first resolution and at most 90 days after it; a customer with three such conversations counts three times, and one who churned before the conversation and not after does not churn. ' +
      'Reported for all such conversations and by grouping — fcr (fcr, not fcr, fcr unknown while its 7-day window is open), csat_band of csat_score (satisfied ≥ 75, i.e. 4–5 of 5; neutral 50 to < 75; dissatisfied < 50; no answer) effort_band of effort_index (low < 20, medium 20 to < 50, high ≥ 50) and sla (breached or met by `sla_breached`; no sla without a matching policy or while every target is open) — with the counts and a 95 % Wilson score interval (ci_low, ci_high), so that a difference between bands can be told from noise.',
    unit: 'rate',
    higherIsBetter: false,
    usesInferredResolution: true,
    computedIn: 'mart retention_outcomes (grouping, band, conversations, churned, churn_rate_90d, ci_low, ci_high); `parley metrics retention`',
  },
];

/**
 * The planning figures of issue 16 (planning/: `parley forecast`, `parley plan
 * staffing`, the Planning page, the monthly report). Not metrics of
 * spec/metrics.md, so not in {@link CATALOGUE}; docs/metrics.md lists them in
 * a section of their own, defined once here like every other figure.
 */
export const PLANNING_FIGURES: readonly Metric[] = [
  {
    name: 'handle_time',
    label: 'Handle time',
    group: 'workload',
    definition:
      "h of the staffing model: the mean, over conversations an agent owns that started in the 8 weeks up to the latest conversation start, of the conversation's active time — the minutes it counts in the agent's `concurrency` (open from the first human reply to the first resolution or the data horizon, with any message or event in the last 30 minutes). Because a slot counts as busy for 30 minutes after the last activity, this is the time a conversation holds one of an agent's concurrent slots, not the minutes spent typing; `parley plan staffing --handle-time S` replaces it.",
    unit: 'seconds',
    higherIsBetter: null,
    usesInferredResolution: true,
    computedIn: 'planning/volume-sql.ts (loadHandleTime, from mart agent_concurrency_edges)',
  },
  {
    name: 'volume_forecast',
    label: 'Volume forecast',
    group: 'workload',
    definition:
      'conversations started per local day (or hour) for the days after the last whole day of data, with an 80 % prediction interval: weekday factors from medians of the last 8 weeks over a Theil–Sen trend of the deseasonalised counts, split into hours by the trimmed-mean share of each weekday × hour; the interval is the 10th–90th percentile of actual ÷ fitted in those weeks (for hours, of (actual − fitted) ÷ √fitted). Backtested against seasonal-naive (the same weekday of the last week before the hold-out) by MAPE (days with conversations), MAE and interval coverage.',
    unit: 'count',
    higherIsBetter: null,
    usesInferredResolution: false,
    computedIn: 'planning/forecast.ts (counts from planning/volume-sql.ts); `parley forecast`',
  },
  {
    name: 'agents_required',
    label: 'Agents required',
    group: 'workload',
    definition:
      'per interval: λ = forecast conversations ÷ interval seconds, A = λ·`handle_time`, s = N·concurrency servers, service level 1 − C(s, A)·e^(−(s − A)·t/h) with C Erlang C; N is the smallest whole number reaching the target share within t; agents = ⌈N ÷ (1 − shrinkage)⌉. Service level and occupancy (A ÷ s) are those of the N agents before shrinkage.',
    unit: 'count',
    higherIsBetter: null,
    usesInferredResolution: true,
    computedIn: 'planning/staffing.ts and planning/erlang.ts; `parley plan staffing`',
  },
];

const byName = new Map(CATALOGUE.map((m) => [m.name, m]));

/** The catalogue entry for `name`; throws for an unknown name. */
export function metric(name: string): Metric {
  const m = byName.get(name);
  if (!m) throw new Error(`unknown metric "${name}"`);
  return m;
}

/** Formats a value in its metric's unit for people (tables, prose). */
export function formatValue(m: Pick<Metric, 'unit'>, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value !== 'number') return String(value);
  switch (m.unit) {
    case 'rate':
      return `${(value * 100).toFixed(1)}%`;
    case 'seconds':
      return formatDuration(value);
    case 'score':
      return value.toFixed(1);
    case 'count':
      return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
    case 'money':
      return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    default:
      return String(value);
  }
}

/** 42 → '42s', 3720 → '1h 02m', 200000 → '2d 7h' (the one duration format, shared with the charts' ticks). */
export { formatDuration };
