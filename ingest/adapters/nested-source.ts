/**
 * Nested JSON for the mapping adapter: each record is one conversation
 * holding an array of its messages (`dialogContent`, `_embedded.threads`,
 * `messages`). The records are read with DuckDB's `read_json_objects`, the
 * array named by the mapping's `messages:` is unnested, and each field is
 * read in SQL — all inside DuckDB, no per-row JavaScript — into a temp table
 * of text columns shaped like the flat staging (`_line` = the record's
 * number, `_item` = the message's place in its array).
 *
 * A field is one of:
 * - a path into the message: `datetime`, `author.email` (or `@.author.email`);
 * - a path into its conversation record: `$.dialogHeader.sessionID`;
 *   a segment may end with an index, `$.tags[0]`;
 * - `{ sql: … }`: a DuckDB expression over `message` and `record` (both
 *   JSON; `message->>'agent'`, `record->'dialogHeader'->>'company'`).
 *
 * Expressions are checked and run as `expressions.ts` says: a broken one
 * refuses the file, one failing on some messages quarantines those. A path
 * no message or record holds refuses the file in one line naming the field.
 *
 * @example
 *   await stageNested(db, { file: 'dev.json', table: '_m', mapping, mappingLabel: 'ibm-twitter-mapping.yaml' });
 */
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import { AdapterError } from './types.js';
import { scanFile, type StagedCsv } from './csv-source.js';
import { jsonReadError } from './json-source.js';
import type { ColumnSource, Mapping } from './mapping-schema.js';
import { ident, sqlEscape, sqlString } from './sql.js';
import { checkExpressions, runExpressions } from './expressions.js';

/** Where a field is read from, resolved. */
export type FieldSource = { kind: 'path'; from: 'message' | 'record'; path: string; jsonPath: string } | { kind: 'sql'; sql: string };

/** `a.b[0]` → `$."a"."b"[0]` (each key quoted, so any key name works). */
export function jsonPath(dotted: string): string {
  const segments = dotted.split('.').filter((s) => s !== '');
  return (
    '$' +
    segments
      .map((s) => {
        const m = /^(.*?)((\[\d+\])*)$/.exec(s)!;
        return `.${JSON.stringify(m[1])}${m[2]}`;
      })
      .join('')
  );
}

/** A mapping's column entry as a source: `$.x` the record, `@.x` or `x` the message. */
export function fieldSource(col: ColumnSource): FieldSource {
  if (typeof col !== 'string') return { kind: 'sql', sql: col.sql };
  if (col.startsWith('$.')) return { kind: 'path', from: 'record', path: col, jsonPath: jsonPath(col.slice(2)) };
  const p = col.startsWith('@.') ? col.slice(2) : col;
  return { kind: 'path', from: 'message', path: col, jsonPath: jsonPath(p) };
}

/** SQL reading one field as text from the `message` and `record` columns. */
export function fieldSql(s: FieldSource): string {
  if (s.kind === 'sql') return `(${s.sql})::varchar`;
  return `json_extract_string(${s.from}, ${sqlString(s.jsonPath)})`;
}

export interface NestedSpec {
  file: string;
  table: string;
  mapping: Mapping;
  mappingLabel: string;
  /** Read at most this many records (for `parley mapping check`). */
  limit?: number;
}

/** The staged table's fields, as `mappingSql` wants them. */
const FIELDS = [
  'conversation_id',
  'timestamp',
  'author_role',
  'body',
  'message_id',
  'author_id',
  'author_name',
  'customer_id',
  'channel',
  'status',
  'assignee',
  'team',
  'internal',
  'subject',
  'intent',
  'priority',
  'account',
  'tags',
  'score',
  'comment',
  'survey_kind',
] as const;

type Sources = Partial<Record<(typeof FIELDS)[number], FieldSource>>;

/** The mapping's sources by field (unmapped fields absent), for messages or for events. */
export function nestedSources(mapping: Mapping, of: 'message' | 'event' | 'survey' = 'message'): Sources {
  const out: Sources = {};
  const s = mapping.surveys?.columns;
  const columns: Partial<Record<string, ColumnSource>> =
    of === 'message'
      ? mapping.columns
      : of === 'event'
        ? { conversation_id: mapping.columns.conversation_id, ...mapping.events?.columns }
        : { conversation_id: s?.conversation_id ?? mapping.columns.conversation_id, timestamp: s?.timestamp, score: s?.score, comment: s?.comment, survey_kind: s?.kind };
  for (const f of FIELDS) {
    const col = columns[f];
    if (col !== undefined) out[f] = fieldSource(col);
  }
  return out;
}

/**
 * Reads nested JSON into `table`: `_rec` (record number), `_item` (the
 * message's place), `_line` (the record's line: records and their messages
 * counted in file order, so message k of a record is line `_line + k`),
 * `_seq`, the fields as text, and `_raw` (the message); records without a
 * messages array go to `<table>_rej`.
 */
export async function stageNested(db: Warehouse, spec: NestedSpec): Promise<StagedCsv & { records: number }> {
  const label = path.basename(spec.file);
  const arrayPath = jsonPath(spec.mapping.messages!);
  const arrayName = spec.mapping.messages!;
  const sources = nestedSources(spec.mapping);
  const events = spec.mapping.events;
  const eventPath = events ? jsonPath(events.path) : undefined;
  const eventSources = events ? nestedSources(spec.mapping, 'event') : {};
  const surveys = spec.mapping.surveys;
  const surveyPath = surveys ? jsonPath(surveys.path) : undefined;
  const surveySources = surveys ? nestedSources(spec.mapping, 'survey') : {};
  const where = (of: 'message' | 'event' | 'survey', field: string) => {
    const own: Partial<Record<string, unknown>> = (of === 'event' ? events?.columns : of === 'survey' ? surveys?.columns : undefined) ?? {};
    const name = field === 'survey_kind' ? 'kind' : field;
    return own[name] === undefined ? `columns.${field}` : `${of}s.columns.${name}`;
  };
  const all = [
    ...Object.entries(sources).map(([f, s]) => ({ of: 'message' as const, field: f, s, key: where('message', f) })),
    ...Object.entries(eventSources).map(([f, s]) => ({ of: 'event' as const, field: f, s, key: where('event', f) })),
    ...Object.entries(surveySources).map(([f, s]) => ({ of: 'survey' as const, field: f, s, key: where('survey', f) })),
  ];
  const exprs = all.flatMap(({ of, s, key }) => (s.kind === 'sql' ? [{ of, s, key, sql: s.sql, where: `_what = '${of}'` }] : []));
  await checkExpressions(db, exprs, spec.mappingLabel);
  const len = (p: string | undefined) => (p ? `coalesce(json_array_length(record, ${sqlString(p)}), 0)` : '0');
  const scan = await scanFile(spec.file);
  const rec = `${spec.table}_rec`;
  const items = `${spec.table}_items`;
  const rej = `${spec.table}_rej`;
  try {
    await db.run(`
      create or replace temp table ${rec}_read as
      select (row_number() over ())::integer as _rec, record
      from (select ${
        spec.mapping.records ? `unnest(json_extract(json, ${sqlString(jsonPath(spec.mapping.records))})::json[])` : 'json'
      } as record from read_json_objects(${sqlString(spec.file)}, format = 'auto'))
      ${spec.limit !== undefined ? `limit ${spec.limit}` : ''};
      -- the loader keys its rows by line: a record takes one line, and each of its messages the next ones
      create or replace temp table ${rec} as
      select _rec, record,
        (1 + coalesce(sum(1 + ${len(arrayPath)} + ${len(eventPath)} + ${len(surveyPath)}) over (order by _rec rows between unbounded preceding and 1 preceding), 0))::integer as _line
      from ${rec}_read;
      drop table ${rec}_read`);
  } catch (error) {
    throw jsonReadError(label, error);
  }
  const records = (await db.one<{ n: number }>(`select count(*) as n from ${rec}`))?.n ?? 0;
  await db.run(`
    create or replace temp table ${items} as
    select _line, _rec, record, 'message' as _what, unnest(json_extract(record, ${sqlString(arrayPath)})::json[]) as message,
      unnest(range(1, json_array_length(record, ${sqlString(arrayPath)})::bigint + 1))::integer as _k, _k as _item
    from ${rec}
    where json_type(record, ${sqlString(arrayPath)}) = 'ARRAY'${
      eventPath
        ? `
    union all by name
    select _line, _rec, record, 'event' as _what, unnest(json_extract(record, ${sqlString(eventPath)})::json[]) as message,
      unnest(range(1, json_array_length(record, ${sqlString(eventPath)})::bigint + 1))::integer as _k, ${len(arrayPath)} + _k as _item
    from ${rec}
    where json_type(record, ${sqlString(eventPath)}) = 'ARRAY' and json_array_length(record, ${sqlString(arrayPath)}) > 0`
        : ''
    }${
      surveyPath
        ? `
    union all by name
    select _line, _rec, record, 'survey' as _what, unnest(json_extract(record, ${sqlString(surveyPath)})::json[]) as message,
      unnest(range(1, json_array_length(record, ${sqlString(surveyPath)})::bigint + 1))::integer as _k, ${len(arrayPath)} + ${len(eventPath)} + _k as _item
    from ${rec}
    where json_type(record, ${sqlString(surveyPath)}) = 'ARRAY' and json_array_length(record, ${sqlString(arrayPath)}) > 0`
        : ''
    };
    create or replace temp table ${rej} as
    select _line as line,
      ${sqlString(label)} || ' record ' || _rec || ': ' || case
        when json_type(record, ${sqlString(arrayPath)}) is null then 'has no ${sqlEscape(arrayName)}: the mapping says its messages are there (messages: in ${sqlEscape(spec.mappingLabel)})'
        when json_type(record, ${sqlString(arrayPath)}) <> 'ARRAY' then '${sqlEscape(arrayName)} is ' || lower(json_type(record, ${sqlString(arrayPath)})) || ', not an array of messages'
        else 'its ${sqlEscape(arrayName)} is empty: nothing to load' end as problem,
      left(record::varchar, 2000) as raw
    from ${rec}
    where json_type(record, ${sqlString(arrayPath)}) is distinct from 'ARRAY' or json_array_length(record, ${sqlString(arrayPath)}) = 0`);
  // each expression alone first, so that a failing one is named, and its failing messages found
  const run = await runExpressions(db, items, exprs, spec.mappingLabel).catch(async (error: unknown) => {
    await dropAll(db, [rec, items, rej]);
    throw error;
  });
  const exprValue = new Map<FieldSource, string>(exprs.map((e, i) => [e.s, run.value(i)]));
  const sql = (s: FieldSource | undefined) => (s ? (exprValue.get(s) ?? fieldSql(s)) : 'null::varchar');
  const value = (f: (typeof FIELDS)[number]) => {
    const m = sql(sources[f]);
    if (!events && !surveys) return m;
    const e = sql(eventSources[f]);
    const s = sql(surveySources[f]);
    return `case _what when 'event' then ${e} when 'survey' then ${s} else ${m} end`;
  };
  await db.run(`
    create or replace temp table ${spec.table} as
    select _line, _rec, _item, _what, _k, _line + _item as _seq,
      ${FIELDS.map((f) => `${value(f)} as ${ident(f)}`).join(',\n      ')},
      message::varchar as _raw,
      ${run.problem} as _expr_problem
    from (select *, ${run.columns} from ${items})`);
  // an event that neither changes a status nor assigns (a tag, a comment, a view) is not an activity Parley keeps
  if (events) await db.run(`delete from ${spec.table} where _what = 'event' and status is null and assignee is null and team is null and _expr_problem is null`);
  // a path that no message or record holds: a typo, or an export of another shape
  for (const { of, s, key } of all) {
    if (s.kind !== 'path') continue;
    const mine = `(select * from ${items} where _what = '${of}')`;
    const n = await db.one<{ n: number }>(`select count(*) as n from ${mine} where json_type(${s.from}, ${sqlString(s.jsonPath)}) is not null`);
    const total = (await db.one<{ n: number }>(`select count(*) as n from ${mine}`))?.n ?? 0;
    if (!n?.n && total > 0) {
      const keys = await db.one<{ k: string }>(
        `select array_to_string(list_sort(list_distinct(flatten(list(json_keys(${s.from}))))), ', ') as k from (select * from ${mine} limit 50)`,
      );
      const inWhat = of === 'message' ? `message in ${arrayName}` : of === 'event' ? `event in ${events!.path}` : `survey in ${surveys!.path}`;
      await dropAll(db, [rec, items, rej, spec.table]);
      throw new AdapterError(
        `${label} (fields named by ${spec.mappingLabel}): ${key}: no ${s.from === 'record' ? 'record' : inWhat} has ${s.path}; found: ${keys?.k || 'nothing'}. ` +
          `Fix the path (${s.from === 'record' ? '"$.a.b" reads the record' : '"a.b" reads the message, "$.a.b" the record'})`,
      );
    }
  }
  await dropAll(db, [rec, items]);
  const rows = (await db.one<{ n: number }>(`select count(*) as n from ${spec.table}`))?.n ?? 0;
  const rejected = (await db.one<{ n: number }>(`select count(*) as n from ${rej}`))?.n ?? 0;
  return { file: spec.file, table: spec.table, rejects: rej, rows, rejected, records, digest: { checksum: scan.checksum, bytes: scan.bytes }, absent: [] };
}

async function dropAll(db: Warehouse, tables: string[]): Promise<void> {
  for (const t of tables) await db.run(`drop table if exists ${t}`);
}
