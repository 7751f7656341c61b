/**
 * Any CSV or JSON export, through a mapping file (`mapping-schema.ts`) that
 * names its columns: for a team on Freshdesk, Help Scout, Gorgias, Front or
 * a home-grown tool. Each row is one activity of a conversation: a message
 * when its body is not empty, a status change when its status differs from
 * the conversation's previous one, an assignment when its assignee or team
 * differs from the previous one.
 *
 * Nested JSON (a mapping with `messages:`) is unnested in DuckDB by
 * `nested-source.ts` into the same staged shape, one row per message, event
 * or survey answer.
 *
 * A row whose role, status or timestamp the mapping cannot read is
 * quarantined with the fix (add the value to the mapping, or set
 * `timestamp_format`); a column the mapping names that the file lacks
 * refuses the file.
 *
 * @example
 *   parley ingest tickets.csv --format mapping --mapping freshdesk-mapping.yaml
 */
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, PrepareOptions, Prepared } from './types.js';
import { AdapterError } from './types.js';
import { prepareFiles } from './prepare.js';
import { readHeader, restoreCr, scanFile, stageCsv, type CsvSpec, type StagedCsv } from './csv-source.js';
import { readMapping, type Mapping } from './mapping-schema.js';
import { assembleSql } from './assemble.js';
import { WHOLE, inPart, partsFor, type Part } from '../parts.js';
import { dropTables, ident, sqlEscape, sqlString } from './sql.js';
import { jsonReadError, stageJson, type JsonSpec } from './json-source.js';
import { stageNested } from './nested-source.js';
import { checkExpressions, runExpressions, type Expression } from './expressions.js';
import { STATUSES } from '../canonical-schema.js';

type Field = keyof Mapping['columns'];

/** SQL: a timestamp text column read as the mapping says. */
export function timestampSql(expr: string, format: string): string {
  const v = `nullif(trim(${expr}), '')`;
  if (format === 'iso') {
    return `case when regexp_full_match(${v}, '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)? ?(Z|[+-]\\d{2}(:?\\d{2})?)?')
      then try_cast(${v} as timestamptz) end`;
  }
  if (format === 'epoch') return `to_timestamp(try_cast(${v} as double))`;
  if (format === 'epoch_ms') return `to_timestamp(try_cast(${v} as double) / 1000)`;
  return `try_strptime(${v}, ${sqlString(format)})::timestamptz`;
}

const FORMAT_HINT: Record<string, string> = {
  iso: 'an ISO 8601 timestamp such as 2026-10-04T09:15:00Z',
  epoch: 'Unix seconds such as 1791105300',
  epoch_ms: 'Unix milliseconds such as 1791105300000',
};

/** `case` mapping a text column through a value map (case-insensitive keys); null when unmapped. */
/** A tags cell as a list: a JSON array of strings, else text split on commas, semicolons or |; blanks dropped (null: no tags). */
function tagsSql(expr: string): string {
  return `nullif(list_filter(list_transform(
      case when starts_with(${expr}, '[') and json_valid(${expr}) then json_extract_string(${expr}, '$[*]') else string_split_regex(${expr}, '[,;|]') end,
      x -> trim(x)), x -> coalesce(x, '') <> ''), [])`;
}

function valueMap(expr: string, map: Record<string, string>): string {
  const entries = Object.entries(map);
  if (entries.length === 0) return 'null::varchar';
  return `case lower(trim(${expr}))\n      ${entries.map(([k, v]) => `when ${sqlString(k.toLowerCase())} then ${sqlString(v)}`).join('\n      ')}\n    end`;
}

const SCALES: Record<string, [number, number]> = { csat: [1, 5], ces: [1, 7], nps: [0, 10] };

/** CTEs `survey_checked` (with its problems) and `surveys` (as `assembleSql` wants them) from the survey rows of `t`. */
function surveySql(t: string, at: string, m: Mapping, part: Part): string {
  const s = m.surveys!;
  const mapLabel = 'the mapping';
  const scaleSql = (k: string) => {
    const [lo, hi] = s.scale ?? SCALES[k]!;
    return `when ${sqlString(k)} then [${lo}, ${hi}]`;
  };
  return `survey_typed as (
  select _line, _rec, _what, _k, _seq, _raw, ${hasExpressions(m) ? '_expr_problem' : 'null::varchar as _expr_problem'}, trim(conversation_id) as cid, ${ident('timestamp')} as ts_text,
    ${timestampSql(ident('timestamp'), m.timestamp_format)} as ts,
    coalesce(lower(trim(survey_kind)), ${sqlString(s.kind)}) as kind,
    score as score_text, try_cast(trim(score) as double) as score,
    nullif(trim(comment), '') as comment
  from ${t}
  where _what = 'survey' and ${inPart(part, 'trim(conversation_id)')}
),

survey_checked as (
  select *,
    case
      when _expr_problem is not null then '${at}' || coalesce(' (conversation ' || cid || ')', '') || ': ' || _expr_problem
      when coalesce(cid, '') = '' then '${at}: the conversation id is empty'
      when kind not in ('csat', 'ces', 'nps') then '${at} (conversation ' || cid || '): survey kind "' || kind || '" is not csat, ces or nps'
      when ts is null then '${at} (conversation ' || cid || '): the survey time "' || coalesce(ts_text, '') || '" is not in the timestamp_format of ${mapLabel}'
      when score is null then '${at} (conversation ' || cid || '): the survey score "' || coalesce(score_text, '') || '" is not a number'
      when score < (case kind ${['csat', 'ces', 'nps'].map(scaleSql).join(' ')} end)[1] or score > (case kind ${['csat', 'ces', 'nps'].map(scaleSql).join(' ')} end)[2]
        then '${at} (conversation ' || cid || '): the survey score ' || score_text || ' is outside its scale (' || kind || ' ' || array_to_string(case kind ${['csat', 'ces', 'nps'].map(scaleSql).join(' ')} end, '–') || ')${s.scale ? '' : ': set surveys.scale in the mapping'}'
      when cid not in (select cid from rows) then '${at} (conversation ' || cid || '): the conversation has no message that loads'
    end as problem
  from survey_typed
),

surveys as (
  select cid as conversation_id, ts, kind, score, ${s.scale ? `${s.scale[0]}` : 'null'} as scale_min, ${s.scale ? `${s.scale[1]}` : 'null'} as scale_max, comment
  from survey_checked where problem is null
)`;
}

/** Whether any field of the mapping (messages, events, surveys) is an expression. */
function hasExpressions(m: Mapping): boolean {
  const cols = [m.columns, m.events?.columns ?? {}, m.surveys?.columns ?? {}];
  return cols.some((c) => Object.values(c as Record<string, unknown>).some((v) => v !== undefined && typeof v !== 'string'));
}

/** SQL yielding (line, raw, problem) for rows staged in `t` (columns named as the mapping's fields). */
export function mappingSql(t: string, rejects: string | undefined, label: string, mappingLabel: string, m: Mapping, source: string, part: Part = WHOLE): string {
  // nested records: `_rec` is the record, `_item` the message's place in it, `_seq` = `_line + _item` their order and line
  const nested = m.messages !== undefined;
  const at = nested ? `${sqlEscape(label)} record ' || _rec || ' ' || _what || ' ' || _k || '` : `${sqlEscape(label)} line ' || _line || '`;
  const mapLabel = sqlEscape(mappingLabel);
  const eventColumns: Partial<Record<Field, unknown>> = m.events?.columns ?? {};
  const has = (f: Field) => m.columns[f] !== undefined || eventColumns[f] !== undefined;
  const colName = (f: Field) => {
    const c = m.columns[f];
    return sqlEscape(c === undefined ? f : typeof c === 'string' ? c : `columns.${f}`);
  };
  const statusMap = m.values.status ?? Object.fromEntries(STATUSES.map((s) => [s, s]));
  const knownRoles = Object.keys(m.values.author_role).join(', ');
  const knownStatuses = Object.keys(statusMap).join(', ');
  const priorityMap = m.values.priority ?? { low: 'low', normal: 'normal', medium: 'normal', high: 'high', urgent: 'urgent' };
  const knownPriorities = Object.keys(priorityMap).join(', ');
  const internalValues = (m.values.internal ?? ['true', '1', 'yes']).map((v) => sqlString(v.toLowerCase())).join(', ');
  const text = (f: Field) => (has(f) ? `nullif(trim(${ident(f)}), '')` : 'null::varchar');
  const exprProblem = hasExpressions(m) ? '_expr_problem' : 'null::varchar';
  return `
with typed as (
  select
    _line,
    ${nested ? '_rec, _item, _what, _k, _seq, _raw' : '_line as _seq'},
    trim(conversation_id) as cid,
    ${exprProblem} as _expr_problem,
    ${ident('timestamp')} as ts_text,
    ${timestampSql(ident('timestamp'), m.timestamp_format)} as ts,
    author_role as role_text,
    ${valueMap('author_role', m.values.author_role)} as role,
    ${restoreCr('body')} as body,
    ${text('status')} as status_text,
    ${has('status') ? valueMap('status', statusMap) : 'null::varchar'} as status,
    ${text('message_id')} as message_id,
    ${text('author_id')} as author_id,
    ${text('author_name')} as author_name,
    ${text('customer_id')} as customer_id,
    ${has('channel') ? `coalesce(${m.values.channel ? valueMap('channel', m.values.channel) : 'null'}, nullif(regexp_replace(lower(trim(channel)), '[^a-z0-9]+', '_', 'g'), ''))` : 'null::varchar'} as channel,
    ${text('assignee')} as assignee,
    ${text('team')} as team,
    ${has('internal') ? `coalesce(lower(trim(internal)) in (${internalValues}), false)` : 'false'} as internal,
    ${text('subject')} as subject,
    ${text('intent')} as intent,
    ${text('priority')} as priority_text,
    ${has('priority') ? valueMap('priority', priorityMap) : 'null::varchar'} as priority,
    ${text('account')} as account,
    ${has('tags') ? tagsSql(text('tags')) : 'null::varchar[]'} as tags
  from ${t}
  where ${inPart(part, 'trim(conversation_id)')}${m.surveys ? " and _what <> 'survey'" : ''}
),

checked as (
  select
    *,
    case
      when _expr_problem is not null then '${at}' || coalesce(' (conversation ' || cid || ')', '') || ': ' || _expr_problem
      when coalesce(cid, '') = '' then '${at}: ${colName('conversation_id')} (the conversation id) is empty: every row needs one'
      when ts is null then '${at} (conversation ' || cid || '): ${colName('timestamp')} "' || coalesce(ts_text, '') || '" is not ${sqlEscape(FORMAT_HINT[m.timestamp_format] ?? `in the format ${m.timestamp_format}`)}: set timestamp_format in ${mapLabel}'
      when coalesce(body, '') <> '' and role is null then '${at} (conversation ' || cid || '): ${colName('author_role')} "' || coalesce(role_text, '') || '" is not in values.author_role of ${mapLabel} (it maps ${sqlEscape(knownRoles)}): add it there'
      when status_text is not null and status is null then '${at} (conversation ' || cid || '): ${colName('status')} "' || status_text || '" is not in values.status of ${mapLabel} (it maps ${sqlEscape(knownStatuses)}): add it there'
      when priority_text is not null and priority is null then '${at} (conversation ' || cid || '): ${colName('priority')} "' || priority_text || '" is not in values.priority of ${mapLabel} (it maps ${sqlEscape(knownPriorities)}): add it there'
      when coalesce(body, '') = '' and status is null and assignee is null and team is null then '${at} (conversation ' || cid || '): the row has no ${colName('body')}, no status and no assignee: nothing to load; drop such rows or map the right body column'
    end as problem
  from typed
),

rows as (
  select * from checked where problem is null
),

status_rows as (
  select *, lag(status) over (partition by cid order by ts, _seq) as previous_status
  from rows where status is not null
),

assign_rows as (
  select *, lag(assignee) over w as previous_assignee, lag(team) over w as previous_team
  from (select * exclude (assignee, team),
          last_value(assignee ignore nulls) over (partition by cid order by ts, _seq) as assignee,
          last_value(team ignore nulls) over (partition by cid order by ts, _seq) as team
        from rows)
  window w as (partition by cid order by ts, _seq)
),

activities as (
  select cid as conversation_id, ts, _seq * 4 as ord, 'message' as kind,
    coalesce(message_id, ${nested ? "_rec || '.' || _item" : '_line::varchar'}) as message_id, role, author_id, author_name, body, internal,
    null::varchar as channel, null::integer as attachments, null::varchar as status, null::varchar as agent_id, null::varchar as team, null::varchar as reason
  from rows where coalesce(body, '') <> ''
  union all
  select cid, ts, _seq * 4 + 1, 'assign', null, null, null, null, null, null, null, null, null, assignee, team, null
  from assign_rows
  where (assignee is not null or team is not null)
    and (assignee is distinct from previous_assignee or team is distinct from previous_team)
  union all
  select cid, ts, _seq * 4 + 2, 'status', null, null, null, null, null, null, null, null, status, null, null, null
  from status_rows where status is distinct from previous_status
),

conversations as (
  select
    cid as conversation_id,
    min(_line) as line,
    min(ts) as created_at,
    coalesce(arg_min(channel, (ts, _seq)) filter (where channel is not null), ${sqlString(m.default_channel ?? 'other')}) as channel,
    coalesce(
      arg_min(customer_id, (ts, _seq)) filter (where customer_id is not null),
      arg_min(author_id, (ts, _seq)) filter (where role = 'customer' and author_id is not null),
      'unknown') as customer_id,
    arg_min(subject, (ts, _seq)) filter (where subject is not null) as subject,
    arg_max(intent, (ts, _seq)) filter (where intent is not null) as intent,
    arg_max(priority, (ts, _seq)) filter (where priority is not null) as priority,
    arg_max(account, (ts, _seq)) filter (where account is not null) as customer_account,
    nullif(list_sort(list_distinct(flatten(list(tags) filter (where tags is not null)))), []) as tags,
    null::json as metadata
  from rows
  group by cid
)${
    m.surveys
      ? `,
${surveySql(t, at, m, part)}`
      : ''
  }

${assembleSql({ conversations: 'conversations', activities: 'activities', source, ...(m.surveys ? { surveys: 'surveys' } : {}) })}
union all
select ${nested ? '_seq' : '_line'}, ${nested ? '_raw' : 'to_json(struct_pack(cid, ts_text, role_text, body, status_text))::varchar'}, problem from checked where problem is not null
${m.surveys ? `union all\nselect _seq, _raw, problem from survey_checked where problem is not null` : ''}
${rejects ? `union all\nselect line, raw, problem from ${rejects} where ${inPart(part, 'line')}` : ''}`;
}

/** The `_e0, _e1, …` columns of {@link runExpressions}, to leave out of a staged table. */
const exprColumns = (exprs: readonly Expression[]) => (exprs.length ? exprs.map((_, i) => `_e${i}`).join(', ') : '_e');

/**
 * A CSV whose mapping computes some fields by expressions: every header
 * column is staged too, the row is offered to the expressions as `message`
 * (JSON, header names as keys; `record` is the same row), and each
 * expression's value replaces its field; rows on which one fails carry
 * `_expr_problem` (`expressions.ts`).
 */
async function stageCsvWithExpressions(db: Warehouse, spec: CsvSpec, exprs: readonly Expression[], mappingLabel: string): Promise<StagedCsv> {
  const header = (await readHeader(spec.file)).filter((h) => h !== '');
  const all = Object.fromEntries(header.map((h, i) => [`_col${i}`, [h]]));
  const fields = exprs.map((e) => e.key.replace(/^columns\./, ''));
  const staged = await stageCsv(db, { ...spec, optional: { ...spec.optional, ...Object.fromEntries(fields.map((f) => [f, []])), ...all } });
  const row = `json_object(${header.map((h, i) => `${sqlString(h)}, _col${i}`).join(', ')})`;
  const inner = `(select *, ${row} as message, message as record from ${spec.table})`;
  const run = await runExpressions(db, inner, exprs, mappingLabel).catch(async (error: unknown) => {
    await dropTables(db, [spec.table, staged.rejects]);
    throw error;
  });
  await db.run(`
    create or replace temp table ${spec.table} as
    select * exclude (message, record, ${[...fields.map((f) => ident(f)), ...header.map((_, i) => `_col${i}`)].join(', ')}, ${exprColumns(exprs)}),
      ${fields.map((f, i) => `${run.value(i)} as ${ident(f)}`).join(', ')},
      ${run.problem} as _expr_problem
    from (select *, ${run.columns} from ${inner})`);
  return staged;
}

/**
 * A flat JSON export whose mapping computes some fields by expressions:
 * each record is read whole (`read_json_objects`) and offered as `message`
 * (and `record`); a named column is its top-level key, as `stageJson` reads
 * it, and rows on which an expression fails carry `_expr_problem`.
 */
async function stageJsonWithExpressions(db: Warehouse, spec: JsonSpec, exprs: readonly Expression[], mappingLabel: string): Promise<StagedCsv> {
  const label = path.basename(spec.file);
  const scan = await scanFile(spec.file);
  const src = `${spec.table}_src`;
  try {
    await db.run(`create or replace temp table ${src} as
      select (row_number() over ())::integer as _line, json as message, json as record from read_json_objects(${sqlString(spec.file)}, format = 'auto')`);
  } catch (error) {
    throw jsonReadError(label, error);
  }
  const key = (k: string) => `json_extract_string(message, ${sqlString(`$.${JSON.stringify(k)}`)})`;
  for (const [name, aliases] of Object.entries(spec.columns)) {
    const n = await db.one<{ n: number }>(`select count(${key(aliases[0]!)}) as n from ${src}`);
    if (!n?.n) {
      const found = await db.one<{ k: string }>(
        `select array_to_string(list_sort(list_distinct(flatten(list(json_keys(message))))), ', ') as k from (select * from ${src} limit 50)`,
      );
      await dropTables(db, [src]);
      throw new AdapterError(
        `${label}${spec.what ? ` (${spec.what})` : ''} has no record with the key ${aliases.join(' or ')}; found: ${found?.k || 'nothing'}. ` +
          "Export it again with the platform's field names, or fix the mapping",
      );
    }
    void name;
  }
  const run = await runExpressions(db, src, exprs, mappingLabel).catch(async (error: unknown) => {
    await dropTables(db, [src]);
    throw error;
  });
  const named = Object.entries({ ...spec.columns, ...(spec.optional ?? {}) }).filter(([f]) => !exprs.some((e) => e.key === `columns.${f}`));
  await db.run(`create or replace temp table ${spec.table} as
    select _line,
      ${named.map(([f, aliases]) => `${aliases.length ? key(aliases[0]!) : 'null::varchar'} as ${ident(f)}`).join(', ')},
      ${exprs.map((e, i) => `${run.value(i)} as ${ident(e.key.replace(/^columns\./, ''))}`).join(', ')},
      ${run.problem} as _expr_problem
    from (select *, ${run.columns} from ${src});
    drop table ${src}`);
  const rejects = `${spec.table}_rej`;
  await db.run(`create or replace temp table ${rejects} (line integer, problem varchar, raw varchar)`);
  const rows = (await db.one<{ n: number }>(`select count(*) as n from ${spec.table}`))?.n ?? 0;
  return { file: spec.file, table: spec.table, rejects, rows, rejected: 0, digest: { checksum: scan.checksum, bytes: scan.bytes }, absent: [] };
}

export const mappingAdapter: Adapter = {
  format: 'mapping',
  label: 'a CSV or JSON export through a mapping file',
  input: 'change set',
  async prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    if (!options.mapping)
      throw new AdapterError("--format mapping needs --mapping FILE: a YAML file naming the export's columns (see ingest/adapters/examples/freshdesk-mapping.yaml)");
    const mapping = readMapping(options.mapping);
    const mappingLabel = path.basename(options.mapping);
    // flat files: a column is a name, or (CSV) an expression computed after staging
    const exprs: Expression[] = Object.entries(mapping.columns).flatMap(([field, col]) => (typeof col === 'string' ? [] : [{ key: `columns.${field}`, sql: col.sql }]));
    const wanted = Object.fromEntries(Object.entries(mapping.columns).flatMap(([field, col]) => (typeof col === 'string' ? [[field, [col]]] : [])));
    const unmapped = Object.fromEntries(
      ['message_id', 'author_id', 'author_name', 'customer_id', 'channel', 'status', 'assignee', 'team', 'internal', 'subject', 'intent', 'priority', 'account', 'tags']
        .filter((f) => !(f in mapping.columns))
        .map((f) => [f, [] as string[]]),
    );
    if (!mapping.messages) await checkExpressions(db, exprs, mappingLabel);
    return prepareFiles(db, paths, async (file, i, scratchDir) => {
      const table = `_mapping_${i}`;
      const format = mapping.format ?? (/\.csv(\.gz)?$/i.test(file) ? 'csv' : /\.(json|jsonl|ndjson)(\.gz)?$/i.test(file) ? 'json' : undefined);
      if (!format) throw new AdapterError(`${file}: cannot tell whether it is CSV or JSON from its name: set format: csv or format: json in ${mappingLabel}`);
      const what = `columns named by ${mappingLabel}`;
      const staged = mapping.messages
        ? await stageNested(db, { file, table, mapping, mappingLabel })
        : format === 'csv'
          ? exprs.length
            ? await stageCsvWithExpressions(db, { file, table, columns: wanted, optional: unmapped, what, scratchDir }, exprs, mappingLabel)
            : await stageCsv(db, { file, table, columns: wanted, optional: unmapped, what, scratchDir })
          : exprs.length
            ? await stageJsonWithExpressions(db, { file, table, columns: wanted, optional: unmapped, what }, exprs, mappingLabel)
            : await stageJson(db, { file, table, columns: wanted, optional: unmapped, what });
      return {
        tables: [table, staged.rejects],
        input: {
          file,
          format: 'mapping',
          parts: partsFor(staged.rows, options.partSize?.rows),
          sql: (part) => mappingSql(table, staged.rejects, path.basename(file), mappingLabel, mapping, options.source ?? mapping.source ?? 'mapping', part),
          digest: async () => staged.digest,
        },
      };
    });
  },
};
