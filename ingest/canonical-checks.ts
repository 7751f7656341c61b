/**
 * The canonical contract as bulk SQL checks over `_ingest_lines(raw)`.
 *
 * One `json_transform` parses each line into a typed struct; a `case` names
 * the first rule the record breaks (null when it keeps them all). The zod
 * schema (`canonical-schema.ts`) then words the reason precisely for the
 * few records that fail. The two are kept in step by tests that run the
 * same broken records through both.
 */
import { TIMESTAMP_PATTERN, ROLES, STATUSES, EVENT_TYPES, SURVEY_KINDS, EARLIEST, FUTURE_TOLERANCE_MS } from './canonical-schema.js';

/** The shape every line is parsed into; scalars that need strict checks are read as text. */
export const RECORD_STRUCTURE = JSON.stringify({
  id: 'VARCHAR',
  source: 'VARCHAR',
  channel: 'VARCHAR',
  created_at: 'VARCHAR',
  customer: { id: 'VARCHAR', segment: 'VARCHAR', locale: 'VARCHAR' },
  subject: 'VARCHAR',
  intent: 'VARCHAR',
  priority: 'VARCHAR',
  tags: ['VARCHAR'],
  messages: [
    {
      id: 'VARCHAR',
      at: 'VARCHAR',
      author: { role: 'VARCHAR', id: 'VARCHAR', name: 'VARCHAR' },
      body: 'VARCHAR',
      internal: 'VARCHAR',
      channel: 'VARCHAR',
      attachments: 'VARCHAR',
    },
  ],
  events: [{ at: 'VARCHAR', type: 'VARCHAR', status: 'VARCHAR', agent_id: 'VARCHAR', team: 'VARCHAR', reason: 'VARCHAR' }],
  surveys: [{ at: 'VARCHAR', kind: 'VARCHAR', score: 'VARCHAR', scale: ['VARCHAR'], comment: 'VARCHAR' }],
  metadata: 'JSON',
});

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Temp macros the checks use; `loadedAt` bounds the "absurd timestamp" rule. */
export function checkMacros(loadedAt: Date): string {
  const latest = new Date(loadedAt.getTime() + FUTURE_TOLERANCE_MS).toISOString();
  return `
create or replace temp macro _ts(s) as
  case when regexp_full_match(s, ${sqlString(TIMESTAMP_PATTERN.slice(1, -1))}) then try_cast(s as timestamptz) end;
create or replace temp macro _ts_ok(s) as
  coalesce(_ts(s) between timestamptz '${EARLIEST.toISOString()}' and timestamptz '${latest}', false);
create or replace temp macro _filled(s) as coalesce(s, '') <> '';
`;
}

/** 0-based index of the first list element failing `ok`, as text for a reason. */
const firstBad = (listExpr: string, ok: string) => `list_position(list_transform(coalesce(${listExpr}, []), x -> coalesce(${ok}, false)), false)`;

const messageChecks: [string, string][] = [
  ['_filled(x.id)', 'id is missing'],
  ['_ts_ok(x."at")', 'at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'],
  [`x.author.role in (${list(ROLES)})`, `author.role is not one of ${ROLES.join(', ')}`],
  ["x.body is not null and (x.body <> '' or try_cast(x.attachments as integer) > 0)", 'body is missing or empty without attachments'],
  ["x.internal is null or x.internal in ('true', 'false')", 'internal must be true or false'],
  ['x.attachments is null or try_cast(x.attachments as integer) >= 0', 'attachments must be a whole number'],
];

const eventChecks: [string, string][] = [
  ['_ts_ok(x."at")', 'at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'],
  [`x.type in (${list(EVENT_TYPES)})`, `type is not one of ${EVENT_TYPES.join(', ')}`],
  [`x.type <> 'status' or x.status in (${list(STATUSES)})`, `status is not one of ${STATUSES.join(', ')}`],
  ["x.type <> 'assign' or _filled(x.agent_id) or _filled(x.team)", 'an assign event needs agent_id or team'],
];

const surveyChecks: [string, string][] = [
  ['_ts_ok(x."at")', 'at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'],
  [`x.kind in (${list(SURVEY_KINDS)})`, `kind is not one of ${SURVEY_KINDS.join(', ')}`],
  ['try_cast(x.score as double) is not null', 'score is not a number'],
  [
    'x.scale is null or (len(x.scale) = 2 and try_cast(x.scale[1] as double) < try_cast(x.scale[2] as double))',
    'scale must be [lowest, highest]',
  ],
  [
    `try_cast(x.score as double) between
       coalesce(try_cast(x.scale[1] as double), case x.kind when 'csat' then 1 when 'ces' then 1 else 0 end)
       and coalesce(try_cast(x.scale[2] as double), case x.kind when 'csat' then 5 when 'ces' then 7 else 10 end)`,
    'score is outside its scale',
  ],
];

/** The first CTE of both parses: each line of one kind, whether it is JSON and what kind of value. */
function parsedLines(kind: 'conversation' | 'agents'): string {
  return `parsed as (
  select
    file_no,
    line,
    raw,
    bad_encoding,
    truncated,
    json_valid(raw) as is_json,
    case when json_valid(raw) then json_type(raw::json) end as json_kind
  from _ingest_lines
  where kind = '${kind}'
)`;
}

/** Problems of the line itself, before its content is read. */
const LINE_PROBLEMS = `when truncated then 'the file ends in the middle of this record (truncated file)'
    when bad_encoding then 'not valid UTF-8 text: re-export the file as UTF-8'
    when not is_json then 'not valid JSON'
    when json_kind <> 'OBJECT' then 'not a JSON object'`;

function listProblems(field: string, checks: [string, string][]): string {
  return checks
    .map(
      ([ok, reason]) =>
        `when ${firstBad(`r.${field}`, ok)} > 0 then '${field}[' || (${firstBad(`r.${field}`, ok)} - 1) || ']: ${reason.replace(/'/g, "''")}'`,
    )
    .join('\n    ');
}

/**
 * SQL: `_ingest_parsed` — every line with its parsed struct `r` and `problem`
 * (the first rule it breaks, or null).
 */
export function parseAndCheckSql(): string {
  return `
create or replace temp table _ingest_parsed as
with ${parsedLines('conversation')},
typed as (
  select
    *,
    case when json_kind = 'OBJECT' then json_transform(raw, '${RECORD_STRUCTURE}') end as r
  from parsed
)
select
  file_no,
  line,
  raw,
  r,
  case
    ${LINE_PROBLEMS}
    when not _filled(r.id) then 'id is missing'
    when not _filled(r.channel) then 'channel is missing'
    when r.created_at is null then 'created_at is missing'
    when not _ts_ok(r.created_at) then 'created_at is not a valid timestamp (ISO 8601, 1990 to a day after the load)'
    when not _filled(r.customer.id) then 'customer.id is missing'
    when r.messages is null then 'messages is missing'
    when len(r.messages) = 0 and len(coalesce(r.events, [])) = 0 then 'no messages and no events'
    ${listProblems('messages', messageChecks)}
    ${listProblems('events', eventChecks)}
    ${listProblems('surveys', surveyChecks)}
  end as problem
from typed
`;
}

/** SQL: `_ingest_agents` — roster lines (agents.jsonl) with their `problem`. */
export function parseAgentsSql(): string {
  return `
create or replace temp table _ingest_agents as
with ${parsedLines('agents')},
typed as (
  select
    *,
    case when json_kind = 'OBJECT' then json_transform(raw, '{"id":"VARCHAR","name":"VARCHAR","team":"VARCHAR","email":"VARCHAR","active":"VARCHAR"}') end as a
  from parsed
)
select
  file_no,
  line,
  raw,
  a,
  case
    ${LINE_PROBLEMS}
    when not _filled(a.id) then 'id is missing'
    when a.active is not null and a.active not in ('true', 'false') then 'active must be true or false'
  end as problem
from typed
`;
}
