/**
 * Intercom API JSON: one conversation per record (JSON Lines or an array),
 * as GET /conversations/{id} returns it, with `source` (the opening
 * message), `contacts`, `conversation_parts` and `tags`. Timestamps are
 * Unix seconds (ISO 8601 is read too). See `intercom-common.ts` for how
 * parts and authors read.
 *
 * The customer's `conversation_rating` (1–5) becomes a `csat` answer.
 *
 * A record with a bad timestamp or a part by an author of unknown type is
 * quarantined whole, naming the part.
 *
 * A deleted conversation — Intercom's `{ "id", "object": "conversation",
 * "deleted": true }`, which the API sync writes for a conversation the
 * search listed and that is gone (sync/intercom.ts) — is quarantined as not
 * loaded and its stored copy is removed (see `removals.ts`).
 *
 * @example
 *   parley ingest conversations.jsonl --format intercom
 */
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, PrepareOptions, Prepared } from './types.js';
import { assembleSql } from './assemble.js';
import { sqlEscape, sqlString } from './sql.js';
import { flexibleTimestampSql, prepareJsonDocs } from './json-docs.js';
import { intercomCtes, intercomRoleSql, INTERCOM_AUTHORS } from './intercom-common.js';

const author = { type: 'VARCHAR', id: 'VARCHAR', name: 'VARCHAR' };
const CONVERSATION = JSON.stringify({
  id: 'VARCHAR',
  created_at: 'VARCHAR',
  updated_at: 'VARCHAR',
  state: 'VARCHAR',
  priority: 'VARCHAR',
  title: 'VARCHAR',
  source: { type: 'VARCHAR', delivered_as: 'VARCHAR', subject: 'VARCHAR', body: 'VARCHAR', author },
  contacts: { contacts: [{ id: 'VARCHAR', companies: { data: [{ id: 'VARCHAR', name: 'VARCHAR' }] } }] },
  custom_attributes: 'JSON',
  tags: { tags: [{ name: 'VARCHAR' }] },
  conversation_rating: { rating: 'VARCHAR', remark: 'VARCHAR', created_at: 'VARCHAR' },
  conversation_parts: {
    conversation_parts: [{ id: 'VARCHAR', part_type: 'VARCHAR', body: 'VARCHAR', created_at: 'VARCHAR', author, assigned_to: { type: 'VARCHAR', id: 'VARCHAR' } }],
  },
});

/** A staged document `doc` that is Intercom's deleted-conversation object. */
const DELETED = "coalesce(lower(d.doc->>'deleted'), '') = 'true'";

/** SQL naming the conversations of staged documents `t` that Intercom deleted: their stored copies go (see `removals.ts`). */
export function intercomApiRemovedSql(t: string, source: string): string {
  return `select ${sqlString(source)} as source, doc->>'id' as conversation_id from ${t} d where ${DELETED}`;
}

/** SQL yielding (line, raw, problem) for the records (`where`: a condition on `_line`) of staged conversation documents in `t`. */
export function intercomApiSql(t: string, label: string, source: string, where = 'true'): string {
  const lbl = sqlEscape(label);
  const ts = flexibleTimestampSql;
  return `
with docs as (
  select _line, doc, json_transform(doc, '${CONVERSATION}') as c from ${t} where ${where}
),

raw_parts as (
  select d._line, d.c.id as conversation_id, p.n, p.part
  from docs d, lateral (
    select unnest(d.c.conversation_parts.conversation_parts) as part,
      generate_subscripts(d.c.conversation_parts.conversation_parts, 1) as n) p
),

part_problems as (
  select _line, arg_min(problem, n) as problem from (
    select _line, n, case
      when ${ts('part.created_at')} is null then 'part ' || coalesce(part.id, n::varchar) || ': created_at "' || coalesce(part.created_at, '') || '" is neither Unix seconds nor ISO 8601'
      when coalesce(part.body, '') <> '' and ${intercomRoleSql('part.author.type')} is null
        then 'part ' || coalesce(part.id, n::varchar) || ': author type "' || coalesce(part.author.type, '') || '" is not one of ${INTERCOM_AUTHORS}'
    end as problem
    from raw_parts)
  where problem is not null
  group by _line
),

checked as (
  select
    d.*,
    ${ts('d.c.created_at')} as created,
    case
      when coalesce(d.c.id, '') = '' then '${lbl} record ' || d._line || ': id is missing: is this an Intercom conversation?'
      when ${DELETED} then '${lbl} record ' || d._line || ' (conversation ' || d.c.id || '): the conversation was deleted in Intercom; deleted conversations are not loaded (a stored copy is removed)'
      when ${ts('d.c.created_at')} is null then '${lbl} record ' || d._line || ' (conversation ' || d.c.id || '): created_at "' || coalesce(d.c.created_at, '') || '" is neither Unix seconds nor ISO 8601'
      when p.problem is not null then '${lbl} record ' || d._line || ' (conversation ' || d.c.id || '), ' || p.problem
    end as problem
  from docs d
  left join part_problems p using (_line)
),

convs as (
  select
    c.id as conversation_id,
    _line as line,
    created,
    ${ts('c.updated_at')} as updated,
    c.contacts.contacts[1].id as customer_id,
    coalesce(nullif(c.contacts.contacts[1].companies.data[1].name, ''), nullif(c.contacts.contacts[1].companies.data[1].id, '')) as customer_account,
    c.custom_attributes,
    coalesce(nullif(c.title, ''), nullif(c.source.subject, '')) as subject,
    c.priority,
    c.state,
    list_transform(c.tags.tags, x -> x.name) as tags,
    c.source.body as source_body,
    c.source.author.type as source_author_type,
    c.source.author.id as source_author_id,
    c.source.author.name as source_author_name,
    c.source.delivered_as,
    c.conversation_rating.rating as rating_value,
    c.conversation_rating.remark as rating_remark,
    ${ts('c.conversation_rating.created_at')} as rating_at
  from checked
  where problem is null
),

parts as (
  select
    conversation_id,
    coalesce(part.id, conversation_id || '-' || n) as part_id,
    ${ts('part.created_at')} as ts,
    n as ord,
    part.part_type,
    part.body,
    part.author.type as author_type,
    part.author.id as author_id,
    part.author.name as author_name,
    part.assigned_to.type as assigned_type,
    part.assigned_to.id as assigned_id
  from raw_parts
  where _line in (select line from convs)
)${intercomCtes('convs', 'parts')}

${assembleSql({ conversations: 'conversations', activities: 'activities', surveys: 'surveys', source })}
union all
select _line, doc::varchar, problem from checked where problem is not null`;
}

export const intercomApiAdapter: Adapter = {
  format: 'intercom',
  label: 'Intercom API JSON (conversations with parts)',
  input: 'change set',
  detect(probe) {
    if (probe.kind === 'json' && /"conversation_parts"|"part_type"\s*:/.test(probe.text)) return { format: 'intercom', why: 'its records have conversation_parts' };
    return undefined;
  },
  prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    return prepareJsonDocs(db, paths, {
      idSql: "doc->>'id'",
      prefix: '_ic_api',
      format: 'intercom-api',
      partBytes: options.partSize?.bytes,
      sql: (table, name, where) => intercomApiSql(table, name, options.source ?? 'intercom', where),
      removes: (table) => intercomApiRemovedSql(table, options.source ?? 'intercom'),
    });
  },
};
