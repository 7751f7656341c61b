/**
 * The SQL that draws a review sample from `conversation_metrics` and the
 * AutoQA mart `qa_autoqa`. Generated from a zod-checked spec and pinned in
 * sampling-sql.test.ts; values travel as `$n` parameters, never spliced in.
 *
 * - Filters: date range (created_at), channel, intent, team, agent, and
 *   conditions (reopened, transferred, escalated, low_csat, long_resolution,
 *   unanswered_turns, low_autoqa), all or any of them.
 * - Random: sort by u = md5(seed | source | id) as a number in (0, 1).
 *   Risk-weighted: sort by −ln(u) ÷ risk_weight (Efraimidis–Spirakis), which
 *   draws without replacement with probability proportional to the weight.
 * - Per-agent quota: the first `per_agent` of each agent, main filter first,
 *   then the backup filter for agents the main one cannot fill.
 * - Never twice in a cycle: conversations already in a sample of the same
 *   cycle are left out.
 *
 * @example
 *   const { sql, params } = sampleSql(parseSampleSpec({ name: 'Oct', cycle: '2026-10', seed: 7, rubric_id: 'messaging_default',
 *     filter: { from: '2026-10-01', to: '2026-10-31' }, per_agent: 5, reviewers: ['ana'] }));
 */
import { z } from 'zod';
import { ScorecardError } from './scorecard-error.js';
import { binder } from '../warehouse/params.js';
import type { RubricAudience } from './rubric-schema.js';

export const CONDITIONS = ['reopened', 'transferred', 'escalated', 'low_csat', 'long_resolution', 'unanswered_turns', 'low_autoqa'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Thresholds of the conditions. */
export const SAMPLING_LIMITS = {
  /** first_resolution_s above this is a long resolution (24 h) */
  longResolutionSeconds: 86_400,
  /** csat_score (0–100) below this is low CSAT */
  lowCsatBelow: 50,
  /** autoqa_score below this is low AutoQA */
  lowAutoqaBelow: 60,
} as const;

/** Risk weight = 1 + the sum of the weights of the signals a conversation shows. */
export const RISK_WEIGHTS: Record<Condition, number> = {
  reopened: 2,
  transferred: 1,
  escalated: 2,
  low_csat: 3,
  long_resolution: 1,
  unanswered_turns: 2,
  low_autoqa: 2,
};

const CONDITION_SQL: Record<Condition, string> = {
  reopened: 'm.reopens > 0',
  transferred: 'm.transfers > 0',
  escalated: 'm.escalations > 0',
  low_csat: `m.csat_score < ${SAMPLING_LIMITS.lowCsatBelow}`,
  long_resolution: `m.first_resolution_s > ${SAMPLING_LIMITS.longResolutionSeconds}`,
  unanswered_turns: 'm.unanswered_turns > 0',
  low_autoqa: `a.autoqa_score < ${SAMPLING_LIMITS.lowAutoqaBelow}`,
};

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const filterSchema = z.strictObject({
  /** created_at on or after this day (UTC) */
  from: day.optional(),
  /** created_at on or before this day (UTC), inclusive */
  to: day.optional(),
  channels: z.array(z.string().min(1)).optional(),
  intents: z.array(z.string().min(1)).optional(),
  teams: z.array(z.string().min(1)).optional(),
  agents: z.array(z.string().min(1)).optional(),
  conditions: z.array(z.enum(CONDITIONS, { error: `must be one of ${CONDITIONS.join(', ')}` })).optional(),
  /** 'all' conditions must hold (default) or 'any' of them */
  match: z.enum(['all', 'any']).default('all'),
});
export type SampleFilter = z.input<typeof filterSchema>;

export const sampleSpecSchema = z
  .strictObject({
    name: z.string().min(1),
    /** Sampling period name, e.g. '2026-10'; a conversation is sampled at most once per cycle. */
    cycle: z.string().min(1),
    seed: z.union([z.string().min(1), z.number().int()]).transform(String),
    /** 'review' samples count toward agent scores; 'calibration' ones feed calibration sessions. */
    kind: z.enum(['review', 'calibration']).default('review'),
    rubric_id: z.string().min(1),
    rubric_version: z.number().int().positive().optional(),
    method: z.enum(['random', 'risk']).default('random'),
    filter: filterSchema.default({ match: 'all' }),
    /** Used only to fill per-agent quotas the main filter cannot fill. */
    backup: filterSchema.optional(),
    /** Conversations per agent (owner_agent). */
    per_agent: z.number().int().positive().optional(),
    /** Conversations in all (without per_agent). */
    size: z.number().int().positive().optional(),
    reviewers: z.array(z.string().min(1)).min(1, 'needs at least one reviewer'),
    /** At most this many conversations per reviewer. */
    reviewer_cap: z.number().int().positive().optional(),
    created_by: z.string().optional(),
  })
  .refine((s) => (s.per_agent === undefined) !== (s.size === undefined), { message: 'give per_agent (a quota per agent) or size (a total), one of the two', path: ['per_agent'] })
  .refine((s) => !s.backup || s.per_agent !== undefined, { message: 'a backup filter fills per-agent quotas: give per_agent too', path: ['backup'] });

export type SampleSpecInput = z.input<typeof sampleSpecSchema>;
export type SampleSpec = z.output<typeof sampleSpecSchema>;

/** Reads a sample spec; a bad one is one line naming the field. */
export function parseSampleSpec(raw: unknown, where = 'sample spec'): SampleSpec {
  const result = sampleSpecSchema.safeParse(raw);
  if (!result.success) {
    throw new ScorecardError(result.error.issues.map((i) => `${where} ${i.path.join('.') || '(top level)'}: ${i.message}`).join('; '));
  }
  return result.data;
}

/** A SQL boolean expression for a filter; pushes its values onto `params`. */
export function filterSql(filter: z.output<typeof filterSchema>, params: unknown[]): string {
  const parts: string[] = [];
  const param = binder(params);
  if (filter.from) parts.push(`m.created_at >= cast(${param(filter.from)} as date)`);
  if (filter.to) parts.push(`m.created_at < cast(${param(filter.to)} as date) + interval 1 day`);
  const lists: Array<[keyof typeof filter, string]> = [
    ['channels', 'm.channel'],
    ['intents', 'm.intent'],
    ['teams', 'm.team'],
    ['agents', 'm.owner_agent'],
  ];
  for (const [key, column] of lists) {
    const values = filter[key] as string[] | undefined;
    if (values?.length) parts.push(`list_contains(cast(${param(JSON.stringify(values))} as json)::varchar[], ${column})`);
  }
  const conditions = filter.conditions ?? [];
  if (conditions.length) {
    const each = conditions.map((c) => `coalesce(${CONDITION_SQL[c]}, false)`);
    parts.push(each.length === 1 ? each[0]! : `(${each.join(filter.match === 'any' ? ' or ' : ' and ')})`);
  }
  return parts.length ? parts.join('\n      and ') : 'true';
}

/** The risk weight of a conversation, as SQL over `m` (conversation_metrics) and `a` (qa_autoqa). */
export function riskWeightSql(): string {
  return ['1.0', ...CONDITIONS.map((c) => `${RISK_WEIGHTS[c]} * (coalesce(${CONDITION_SQL[c]}, false))::integer`)].join('\n      + ');
}

/** The conversations a rubric of each audience may grade, as SQL over `m` (conversation_metrics). */
export const AUDIENCE_SQL: Record<RubricAudience, string> = {
  human_agents: 'm.human_replies > 0',
  bots: 'm.had_automated_reply',
};

/**
 * The query that draws a sample: rows (source, conversation_id, agent_id,
 * tier, risk_weight) in sample order.
 */
export function sampleSql(spec: SampleSpec, audience: RubricAudience = 'human_agents'): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const main = filterSql(spec.filter, params);
  const backup = spec.backup ? filterSql(spec.backup, params) : 'false';
  const bind = binder(params);
  const cycle = bind(spec.cycle);
  const seed = bind(spec.seed);
  const limit = bind(spec.per_agent ?? spec.size!);
  const sortKey = spec.method === 'risk' ? '-ln(u) / risk_weight' : 'u';
  const partition = spec.per_agent !== undefined ? 'partition by agent_id ' : '';
  const sql = `with candidates as (
  select
    m.source,
    m.conversation_id,
    m.owner_agent as agent_id,
    ${riskWeightSql()} as risk_weight,
    ${main} as in_main,
    ${backup} as in_backup
  from conversation_metrics as m
  left join qa_autoqa as a
    on a.source = m.source
    and a.conversation_id = m.conversation_id
  -- a human-agent rubric grades what a person wrote; a bot rubric what the bot did
  where ${AUDIENCE_SQL[audience]}${spec.per_agent !== undefined ? '\n    and m.owner_agent is not null' : ''}
),

-- never the same conversation twice in one cycle
fresh as (
  select *
  from candidates as c
  where (c.in_main or c.in_backup)
    and not exists (
      select 1
      from qa_sample_items as i
      join qa_samples as s on s.sample_id = i.sample_id
      where s.cycle = ${cycle}
        and i.source = c.source
        and i.conversation_id = c.conversation_id
    )
),

-- u: a number in (0, 1) fixed by the seed and the conversation
keyed as (
  select
    *,
    (('0x' || substr(md5(${seed} || '|' || source || '|' || conversation_id), 1, 13))::ubigint + 0.5) / 4503599627370496.0 as u
  from fresh
),

ranked as (
  select
    *,
    case when in_main then 1 else 2 end as tier,
    row_number() over (${partition}order by case when in_main then 1 else 2 end, ${sortKey}, source, conversation_id) as pick
  from keyed
)

select
  source,
  conversation_id,
  agent_id,
  tier,
  risk_weight
from ranked
where pick <= ${limit}
order by agent_id nulls last, pick`;
  return { sql, params };
}
