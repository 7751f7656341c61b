/**
 * The canonical conversation format (`spec/conversation-format.md`, version 1)
 * as a zod schema: the contract in code. The loader checks records in bulk in
 * DuckDB (`canonical-checks.ts`); this schema explains, in words a person
 * understands, why a record that failed those checks was quarantined, and
 * adapters use its types to build canonical records.
 *
 * @example
 *   const reason = explainRecord('{"id":"c1"}', new Date());
 *   // → 'channel: is missing (a string such as "webchat" or "email")'
 */
import { z } from 'zod';

// The closed lists of the format, each written once: the schema below, the
// bulk SQL checks (`canonical-checks.ts`), the demo and the tests read them here.
const authorRole = z.enum(['customer', 'agent', 'bot', 'system'], {
  error: (i): string => `${i.input === undefined ? 'is missing' : `"${String(i.input)}" is not a role`}: use one of ${ROLES.join(', ')}`,
});
const conversationStatus = z.enum(['open', 'pending', 'snoozed', 'resolved', 'closed'], { error: (): string => `must be one of ${STATUSES.join(', ')}` });
const eventType = z.enum(['status', 'assign', 'escalate']);
const surveyKind = z.enum(['csat', 'ces', 'nps'], { error: (): string => `must be one of ${SURVEY_KINDS.join(', ')}` });
const priority = z.enum(['low', 'normal', 'high', 'urgent'], { error: (): string => `must be one of ${PRIORITIES.join(', ')}` });

export type AuthorRole = z.infer<typeof authorRole>;
export type ConversationStatus = z.infer<typeof conversationStatus>;
export type EventType = z.infer<typeof eventType>;
export type SurveyKind = z.infer<typeof surveyKind>;
export type Priority = z.infer<typeof priority>;

/** Who writes a message: `customer`, `agent`, `bot`, `system`. */
export const ROLES: readonly AuthorRole[] = authorRole.options;
/** The statuses of a `status` event. */
export const STATUSES: readonly ConversationStatus[] = conversationStatus.options;
/** The kinds of event: `status`, `assign`, `escalate`. */
export const EVENT_TYPES: readonly EventType[] = eventType.options;
/** The kinds of survey: `csat`, `ces`, `nps`. */
export const SURVEY_KINDS: readonly SurveyKind[] = surveyKind.options;
export const PRIORITIES: readonly Priority[] = priority.options;
/** A channel is a lowercase word: `webchat`, `in_app`, `whatsapp`, or any other. */
export const CHANNEL_PATTERN = '^[a-z][a-z0-9_-]*$';
const channelRe = new RegExp(CHANNEL_PATTERN);
export const DEFAULT_SCALES: Readonly<Record<SurveyKind, readonly [number, number]>> = {
  csat: [1, 5],
  ces: [1, 7],
  nps: [0, 10],
};

/** ISO 8601 with `T`, optional seconds and fraction, optional `Z` or ±hh[:]mm offset. */
export const TIMESTAMP_PATTERN = String.raw`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$`;
const timestampRe = new RegExp(TIMESTAMP_PATTERN);
/** Records dated before this are absurd (spec: "before 1990"). */
export const EARLIEST = new Date('1990-01-01T00:00:00Z');
/** Records dated more than this after the load are absurd (spec: "more than a day in the future"). */
export const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

/** Parses a contract timestamp; a timestamp without an offset is UTC. */
export function parseTimestamp(value: string): Date | undefined {
  if (!timestampRe.test(value)) return undefined;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const normalised = withZone.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function timestamp(loadedAt: Date) {
  return z.string({ error: (i) => (i.input === undefined ? 'is missing' : 'must be a timestamp string') }).superRefine((value, ctx) => {
    const date = parseTimestamp(value);
    if (!date) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value.slice(0, 40)}" is not an ISO 8601 timestamp (write 2026-10-04T09:15:00Z or 2026-10-04T11:15:00+02:00)`,
      });
    } else if (date < EARLIEST) {
      ctx.addIssue({ code: 'custom', message: `${value} is before 1990: an absurd date, probably a default or a unit mix-up` });
    } else if (date.getTime() > loadedAt.getTime() + FUTURE_TOLERANCE_MS) {
      ctx.addIssue({ code: 'custom', message: `${value} is more than a day after the load: a clock or time-zone error` });
    }
  });
}

const requiredString = (hint: string) =>
  z.string({ error: (i) => (i.input === undefined ? `is missing (${hint})` : `must be a string (${hint})`) }).min(1, { error: `is empty (${hint})` });

/** The schema of one conversation record, checked against the moment of the load. */
export function conversationSchema(loadedAt: Date) {
  const at = timestamp(loadedAt);
  const message = z
    .object({
      id: requiredString('unique within the conversation'),
      at,
      author: z.object(
        {
          role: authorRole,
          id: z.string().optional(),
          name: z.string().optional(),
        },
        { error: 'is missing: an object such as {"role": "customer"}' },
      ),
      body: z.string({ error: (i) => (i.input === undefined ? 'is missing (may be "" when attachments > 0)' : 'must be a string') }),
      internal: z.boolean({ error: 'must be true or false' }).optional(),
      channel: z.string().regex(channelRe, { error: 'must be a lowercase word such as "email" or "whatsapp"' }).optional(),
      attachments: z.number({ error: 'must be a number' }).int().min(0).optional(),
    })
    .superRefine((m, ctx) => {
      if (m.body === '' && !(m.attachments && m.attachments > 0)) {
        ctx.addIssue({ code: 'custom', path: ['body'], message: 'is empty and the message has no attachments' });
      }
    });
  const event = z.discriminatedUnion(
    'type',
    [
      z.object({ at, type: z.literal(eventType.enum.status), status: conversationStatus }),
      z
        .object({ at, type: z.literal(eventType.enum.assign), agent_id: z.string().optional(), team: z.string().optional() })
        .refine((e) => Boolean(e.agent_id) || Boolean(e.team), { error: 'an assign event needs agent_id or team (or both)' }),
      z.object({ at, type: z.literal(eventType.enum.escalate), team: z.string().optional(), reason: z.string().optional() }),
    ],
    { error: `type must be one of ${EVENT_TYPES.join(', ')}` },
  );
  const survey = z.object({
    at,
    kind: surveyKind,
    score: z.number({ error: 'must be a number' }),
    scale: z
      .tuple([z.number(), z.number()], { error: 'must be [lowest, highest]' })
      .refine(([lo, hi]) => lo < hi, { error: 'lowest must be below highest' })
      .optional(),
    comment: z.string().optional(),
  });
  return z
    .object({
      id: requiredString('unique within its source'),
      source: z.string().min(1).optional(),
      channel: requiredString('a lowercase word such as "webchat" or "email"').regex(channelRe, {
        error: 'must be a lowercase word such as "webchat" or "email"',
      }),
      created_at: at,
      customer: z.object(
        { id: requiredString("the customer's id in the source"), segment: z.string().optional(), locale: z.string().optional(), account: z.string().optional() },
        { error: (i) => (i.input === undefined ? 'is missing: an object such as {"id": "cus_1"}' : 'must be an object such as {"id": "cus_1"}') },
      ),
      subject: z.string().optional(),
      intent: z.string().optional(),
      priority: priority.optional(),
      tags: z.array(z.string()).optional(),
      messages: z.array(message, { error: (i) => (i.input === undefined ? 'is missing (use [] when the conversation only has events)' : 'must be an array') }),
      events: z.array(event).optional(),
      surveys: z.array(survey).optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .superRefine((c, ctx) => {
      const seen = new Set<string>();
      c.messages.forEach((m, i) => {
        if (seen.has(m.id))
          ctx.addIssue({ code: 'custom', path: ['messages', i, 'id'], message: `"${m.id}" is used by an earlier message: ids must be unique within the conversation` });
        seen.add(m.id);
      });
      if (c.messages.length === 0 && (c.events ?? []).length === 0) {
        ctx.addIssue({ code: 'custom', path: ['messages'], message: 'the conversation has no messages and no events: nothing to load' });
      }
      c.surveys?.forEach((s, i) => {
        const [lo, hi] = s.scale ?? DEFAULT_SCALES[s.kind];
        if (s.score < lo || s.score > hi) {
          ctx.addIssue({ code: 'custom', path: ['surveys', i, 'score'], message: `${s.score} is outside the scale [${lo}, ${hi}]` });
        }
      });
    });
}

/** One canonical conversation record: the type of the format, derived from the schema. */
export type CanonicalConversation = z.infer<ReturnType<typeof conversationSchema>>;
export type CanonicalMessage = CanonicalConversation['messages'][number];
export type CanonicalAuthor = CanonicalMessage['author'];
export type CanonicalEvent = NonNullable<CanonicalConversation['events']>[number];
export type CanonicalSurvey = NonNullable<CanonicalConversation['surveys']>[number];

export const agentSchema = z.object({
  id: requiredString('the agent id used in messages and assign events'),
  name: z.string().optional(),
  team: z.string().optional(),
  email: z.string().optional(),
  active: z.boolean().optional(),
  /** Rostered hours a week (issue 16): cost_per_resolution counts them instead of the active hours in the data. */
  hours_per_week: z
    .number({ error: 'must be a number of hours a week, such as 37.5' })
    .min(0, { error: 'must be from 0 to 168 hours a week' })
    .max(168, { error: 'must be from 0 to 168 hours a week' })
    .optional(),
});
export type CanonicalAgent = z.infer<typeof agentSchema>;

const outcomeEvent = z.enum(['churned', 'renewed', 'expanded'], {
  error: (i): string => `${i.input === undefined ? 'is missing' : `"${String(i.input)}" is not an outcome`}: use one of ${OUTCOME_EVENTS.join(', ')}`,
});
export type OutcomeEvent = z.infer<typeof outcomeEvent>;
/** What can happen to a customer in `outcomes.jsonl`. */
export const OUTCOME_EVENTS: readonly OutcomeEvent[] = outcomeEvent.options;

/**
 * One line of `outcomes.jsonl` (optional, issue 16): a customer churned,
 * renewed or expanded at `at`. `source` names the conversation source whose
 * customer ids it uses (default: the load's `--source`, else `canonical`).
 *
 * @example
 *   { "customer_id": "cust-1042", "event": "churned", "at": "2026-11-02T00:00:00Z" }
 */
export function outcomeSchema(loadedAt: Date) {
  return z.object({
    customer_id: requiredString("the customer's id, as in the conversations' customer.id"),
    source: z.string().optional(),
    event: outcomeEvent,
    at: timestamp(loadedAt),
  });
}
export type CanonicalOutcome = z.infer<ReturnType<typeof outcomeSchema>>;

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

/**
 * Why a raw line breaks the contract, in one sentence; undefined when it does not.
 * Used only for records the bulk checks refused, so it is never on the hot path.
 */
export function explainRecord(raw: string, loadedAt: Date, schema: z.ZodType = conversationSchema(loadedAt)): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `not a JSON object: each line must be one conversation object, this one is ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'null' : `a ${typeof value}`}`;
  }
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  const where = formatPath(issue.path);
  return where ? `${where}: ${issue.message}` : issue.message;
}
