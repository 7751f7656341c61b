/**
 * The canonical contract as bulk SQL over `_ingest_lines(raw)`.
 *
 * Each line is parsed once (`json_transform` into a typed struct). Its
 * messages, events and surveys are unnested and every rule is a plain column
 * check on them (no per-element lambdas); only the elements that break a
 * rule are kept. A conversation's `problem` is its own, else its first bad
 * message, event or survey. The loader then writes the valid records'
 * elements straight from the parsed structs.
 *
 * The zod schema (`canonical-schema.ts`) is where the format is written:
 * the parsed shape, the allowed values and the default scales come from it,
 * and it words the reason precisely for the few records that fail; tests run
 * the same broken records through both.
 */
import type { z } from 'zod';
import {
  agentSchema,
  conversationSchema,
  outcomeSchema,
  OUTCOME_EVENTS,
  TIMESTAMP_PATTERN,
  ROLES,
  STATUSES,
  EVENT_TYPES,
  SURVEY_KINDS,
  PRIORITIES,
  CHANNEL_PATTERN,
  DEFAULT_SCALES,
  EARLIEST,
  FUTURE_TOLERANCE_MS,
  type EventType,
} from './canonical-schema.js';
import { sqlString } from './adapters/sql.js';

/**
 * The DuckDB type `json_transform` reads a record of `schema` into: its
 * fields as the schema names them, every scalar as text (the checks below
 * are strict about it), lists as lists, a free-form object as JSON.
 */
function structure(schema: z.ZodType): unknown {
  switch (schema.def.type) {
    case 'optional':
      return structure((schema as z.ZodOptional).unwrap() as z.ZodType);
    case 'object':
      return Object.fromEntries(Object.entries((schema as z.ZodObject).shape).map(([key, field]) => [key, structure(field as z.ZodType)]));
    case 'array':
      return [structure((schema as z.ZodArray).element as z.ZodType)];
    case 'tuple':
      return [structure((schema as z.ZodTuple).def.items[0] as z.ZodType)];
    case 'union':
      // a discriminated union (events): one struct with the fields of every option
      return Object.assign({}, ...(schema as z.ZodUnion).options.map((option) => structure(option as z.ZodType)));
    case 'record':
      return 'JSON';
    default:
      return 'VARCHAR';
  }
}

/** The shape every line is parsed into, from the schema. */
export const RECORD_STRUCTURE = JSON.stringify(structure(conversationSchema(new Date(0))));

/** {@link structure} as a DuckDB type (`STRUCT("id" VARCHAR, ...)`), for `read_json`'s `columns` (`direct-read.ts`). */
function duckdbType(shape: unknown): string {
  if (typeof shape === 'string') return shape;
  if (Array.isArray(shape)) return `${duckdbType(shape[0])}[]`;
  return `STRUCT(${Object.entries(shape as Record<string, unknown>)
    .map(([key, field]) => `"${key}" ${duckdbType(field)}`)
    .join(', ')})`;
}

/** The type of {@link RECORD_STRUCTURE}: `read_json` with it gives the struct `json_transform` does. */
export const RECORD_TYPE = duckdbType(structure(conversationSchema(new Date(0))));
const AGENT_STRUCTURE = JSON.stringify(structure(agentSchema));
const OUTCOME_STRUCTURE = JSON.stringify(structure(outcomeSchema(new Date(0))));

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
/** A survey's scale bound when it gives none: `case x.kind when 'csat' then 1 ... end` from {@link DEFAULT_SCALES}. */
const defaultScale = (bound: 0 | 1) => `case x.kind ${SURVEY_KINDS.map((k) => `when '${k}' then ${DEFAULT_SCALES[k][bound]}`).join(' ')} end`;
const typeIsNot = (type: EventType) => `x.type <> '${type}'`;

/** Temp macros the checks use; `loadedAt` bounds the "absurd timestamp" rule. */
export function checkMacros(loadedAt: Date): string {
  const latest = new Date(loadedAt.getTime() + FUTURE_TOLERANCE_MS).toISOString();
  const pattern = sqlString(TIMESTAMP_PATTERN.slice(1, -1));
  // _ts_ok is `_ts(s) between …`, written without the case expression under the range,
  // which took 40% longer over a million timestamps
  return `
create or replace temp macro _ts(s) as
  case when regexp_full_match(s, ${pattern}) then try_cast(s as timestamptz) end;
create or replace temp macro _ts_ok(s) as
  coalesce(regexp_full_match(s, ${pattern}) and try_cast(s as timestamptz) between timestamptz '${EARLIEST.toISOString()}' and timestamptz '${latest}', false);
create or replace temp macro _filled(s) as coalesce(s, '') <> '';
create or replace temp macro _channel_ok(s) as s is null or regexp_full_match(s, ${sqlString(CHANNEL_PATTERN.slice(1, -1))});
`;
}

type Check = [ok: string, reason: string];

const messageChecks: Check[] = [
  ['_filled(x.id)', 'id is missing'],
  ['_ts_ok(x."at")', 'at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'],
  [`x.author.role in (${list(ROLES)})`, `author.role is not one of ${ROLES.join(', ')}`],
  ["x.body is not null and (x.body <> '' or try_cast(x.attachments as integer) > 0)", 'body is missing or empty without attachments'],
  ["x.internal is null or x.internal in ('true', 'false')", 'internal must be true or false'],
  ['_channel_ok(x.channel)', 'channel must be a lowercase word'],
  ['x.attachments is null or try_cast(x.attachments as integer) >= 0', 'attachments must be a whole number'],
];

const eventChecks: Check[] = [
  ['_ts_ok(x."at")', 'at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'],
  [`x.type in (${list(EVENT_TYPES)})`, `type is not one of ${EVENT_TYPES.join(', ')}`],
  [`${typeIsNot('status')} or x.status in (${list(STATUSES)})`, `status is not one of ${STATUSES.join(', ')}`],
  [`${typeIsNot('assign')} or _filled(x.agent_id) or _filled(x.team)`, 'an assign event needs agent_id or team'],
];

const surveyChecks: Check[] = [
  ['_ts_ok(x."at")', 'at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'],
  [`x.kind in (${list(SURVEY_KINDS)})`, `kind is not one of ${SURVEY_KINDS.join(', ')}`],
  ['try_cast(x.score as double) is not null', 'score is not a number'],
  ['x.scale is null or (len(x.scale) = 2 and try_cast(x.scale[1] as double) < try_cast(x.scale[2] as double))', 'scale must be [lowest, highest]'],
  [
    `try_cast(x.score as double) between
       coalesce(try_cast(x.scale[1] as double), ${defaultScale(0)})
       and coalesce(try_cast(x.scale[2] as double), ${defaultScale(1)})`,
    'score is outside its scale',
  ],
];

/** `case` naming the first rule an element `x` breaks; null when none. */
function elementRule(checks: Check[]): string {
  const rules = checks.map(([ok, reason]) => `when not coalesce(${ok}, false) then ${sqlString(reason)}`).join('\n      ');
  return `case\n      ${rules}\n    end`;
}

/** The text rules a line breaks before its content is read. */
const LINE_PROBLEMS = `when preset_problem is not null then preset_problem
    when truncated then 'the file ends in the middle of this record (truncated file)'
    when bad_encoding then 'not valid UTF-8 text: re-export the file as UTF-8'`;

/**
 * Parses the lines of one kind once: `try(json_transform(...))` is null for
 * text that is not JSON (a JSON value that is not an object parses to a
 * struct of nulls and fails the first required field).
 */
function typedLines(kind: 'conversation' | 'agents' | 'outcomes', structure: string, alias: string): string {
  return `select
    file_no,
    line,
    bad_encoding,
    truncated,
    preset_problem,
    case when preset_problem is null and not bad_encoding and not truncated then try(json_transform(decode(raw), '${structure}')) end as ${alias}
  from _ingest_lines
  where kind = '${kind}'`;
}

/** The elements of one list of the parsed records that break a rule: (file_no, line, part, seq, problem). */
function elementProblems(docs: string, part: number, field: string, checks: Check[]): string {
  // the reason is worded ("field[i]: rule") only for the few elements that break a rule
  return `select file_no, line, ${part} as part, seq, '${field}[' || (seq - 1) || ']: ' || rule as problem
  from (
    select file_no, line, seq, ${elementRule(checks)} as rule
    from (
      select file_no, line, unnest(r.${field}) as x, generate_subscripts(r.${field}, 1) as seq
      from ${docs}
      where len(r.${field}) > 0
    )
  )
  where rule is not null`;
}

/**
 * How each element of a list becomes a row of its raw table (`x` is the
 * element, `seq` its position). Only elements of records that kept every
 * rule are written, so their values were checked already: a timestamp
 * matched the pattern and cast (`_ts_ok`), a number cast (`try_cast`), a
 * scale has two numbers. Plain casts give the same values without matching
 * and trying each one a second time.
 */
export const ELEMENT_COLUMNS = {
  messages: [
    'x.id',
    'x."at"::timestamptz',
    'x.author.role',
    'x.author.id',
    'x.author.name',
    'x.body',
    "coalesce(x.internal = 'true', false)",
    'x.channel',
    'x.attachments::integer',
  ],
  events: ['x."at"::timestamptz', 'x.type', 'x.status', "nullif(x.agent_id, '')", "nullif(x.team, '')", 'x.reason'],
  surveys: [
    'x."at"::timestamptz',
    'x.kind',
    'x.score::double',
    `coalesce(x.scale[1]::double, ${defaultScale(0)})`,
    `coalesce(x.scale[2]::double, ${defaultScale(1)})`,
    'x.comment',
  ],
} as const;

/**
 * SQL statements, run in order, that leave `docs` (each line parsed),
 * `_ingest_conversations` (the conversation's own columns, typed, and
 * `problem`: null when the record keeps every rule, else its first broken
 * rule, its own or its first bad message, event or survey's) and
 * `_ingest_agents` and `_ingest_outcomes`. Elements are checked without being copied: the loader
 * writes them straight from `docs` ({@link ELEMENT_COLUMNS}), a temp table of the chunk's own.
 */
export function checkStatements(docs: string): string[] {
  return [
    `create or replace temp table ${docs} as\n${typedLines('conversation', RECORD_STRUCTURE, 'r')}`,
    `
create or replace temp table _ingest_conversations as
with element_problems as (
  ${elementProblems(docs, 1, 'messages', messageChecks)}
  union all
  ${elementProblems(docs, 2, 'events', eventChecks)}
  union all
  ${elementProblems(docs, 3, 'surveys', surveyChecks)}
),

first_element_problem as (
  select
    file_no,
    line,
    arg_min(problem, part * 1000000 + seq) as problem
  from element_problems
  group by file_no, line
)

select
  d.file_no,
  d.line,
  d.r.id as id,
  d.r.source as source,
  d.r.channel as channel,
  _ts(d.r.created_at) as created_at,
  d.r.customer.id as customer_id,
  d.r.customer.segment as customer_segment,
  d.r.customer.locale as customer_locale,
  d.r.customer.account as customer_account,
  d.r.subject as subject,
  d.r.intent as intent,
  d.r.priority as priority,
  d.r.tags as tags,
  d.r.metadata as metadata,
  case
    ${LINE_PROBLEMS}
    when d.r is null then 'not valid JSON'
    when not _filled(d.r.id) then 'id is missing'
    when not _filled(d.r.channel) then 'channel is missing'
    when not _channel_ok(d.r.channel) then 'channel must be a lowercase word'
    when d.r.created_at is null then 'created_at is missing'
    when not _ts_ok(d.r.created_at) then 'created_at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'
    when not _filled(d.r.customer.id) then 'customer.id is missing'
    when d.r.messages is null then 'messages is missing'
    when d.r.priority is not null and d.r.priority not in (${list(PRIORITIES)}) then 'priority is not one of ${PRIORITIES.join(', ')}'
    when d.r.metadata is not null and json_type(d.r.metadata) <> 'OBJECT' then 'metadata must be an object'
    when len(d.r.messages) = 0 and len(coalesce(d.r.events, [])) = 0 then 'no messages and no events'
    when e.problem is not null then e.problem
    when len(d.r.messages) <> len(list_distinct(list_transform(d.r.messages, m -> m.id))) then 'message ids must be unique within the conversation'
  end as problem
from ${docs} d
left join first_element_problem e using (file_no, line)`,
    `
create or replace temp table _ingest_agents as
with typed as (
  ${typedLines('agents', AGENT_STRUCTURE, 'a')}
)
select
  file_no,
  line,
  a,
  case
    ${LINE_PROBLEMS}
    when a is null then 'not valid JSON'
    when not _filled(a.id) then 'id is missing'
    when a.active is not null and a.active not in ('true', 'false') then 'active must be true or false'
    when a.hours_per_week is not null and coalesce(try_cast(a.hours_per_week as double) not between 0 and 168, true) then 'hours_per_week must be a number of hours from 0 to 168'
  end as problem
from typed`,
    `
create or replace temp table _ingest_outcomes as
with typed as (
  ${typedLines('outcomes', OUTCOME_STRUCTURE, 'o')}
)
select
  file_no,
  line,
  o,
  case
    ${LINE_PROBLEMS}
    when o is null then 'not valid JSON'
    when not _filled(o.customer_id) then 'customer_id is missing'
    when o.event is null then 'event is missing'
    when o.event not in (${list(OUTCOME_EVENTS)}) then 'event is not one of ${OUTCOME_EVENTS.join(', ')}'
    when o."at" is null then 'at is missing'
    when not _ts_ok(o."at") then 'at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'
  end as problem
from typed`,
  ];
}
