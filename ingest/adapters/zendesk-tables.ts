/**
 * Zendesk as Fivetran or Airbyte land it: `ticket`, `ticket_comment`,
 * `ticket_field_history`, `user`, `group` (and optionally `ticket_tag`),
 * as CSV or Parquet files in a folder (`ticket.csv` or `ticket_data.csv`).
 *
 * One conversation per ticket. Comments are messages: the author's role
 * comes from the user table (end-user → customer, agent/admin → agent,
 * user -1 → bot), private comments are internal notes. Field history rows
 * for `status`, `assignee_id` and `group_id` are status and assign events
 * (solved → resolved, hold → pending). A ticket without status history
 * gets its current status at `updated_at`; without assignment history, its
 * current group and assignee at `created_at`. Deleted tickets are not
 * loaded (quarantined with the reason, as Zendesk's own reports leave them
 * out), nor are tickets merged into another (the conversation continues
 * there); a stored copy of either is removed. The tables are a full
 * snapshot: a stored ticket they no longer hold is removed too (see
 * `zendeskTablesRemovedSql` for the scope). A `satisfaction_score` change to good
 * or bad is a `csat` answer (good 5, bad 1 on 1–5: see
 * `zendeskSatisfactionSql`) with the `satisfaction_comment` of the same
 * update.
 *
 * A comment or history row that refers to a ticket missing from the ticket
 * table, a bad date, or a comment by a user of unknown role is quarantined
 * under its own file with the fix.
 *
 * @example
 *   parley ingest exports/zendesk/ --format zendesk
 */
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import type { LoadInput } from '../load.js';
import { WHOLE, inPart, partsFor, type Part } from '../parts.js';
import type { Adapter, PrepareOptions, Prepared } from './types.js';
import { AdapterError } from './types.js';
import { restoreCr } from './csv-source.js';
import { findTables, prepareTables, refusedRowsInput } from './table-source.js';
import { timestampSql } from './mapping.js';
import { assembleSql } from './assemble.js';
import { metadataSql, sqlEscape, sqlString, wordSql } from './sql.js';
import { snapshotRemovalsSql } from '../removals.js';
import { DUPLICATE } from '../check-and-write.js';
import { has } from './detect.js';
import { zendeskChannelSql, zendeskRoleSql, zendeskSatisfactionSql, zendeskStatusSql, ZENDESK_STATUSES } from './zendesk-common.js';

const TABLES = {
  ticket: {
    columns: { id: ['id'], created_at: ['created_at'], requester_id: ['requester_id'], status: ['status'] },
    optional: {
      updated_at: ['updated_at'],
      subject: ['subject', 'raw_subject'],
      priority: ['priority'],
      channel: ['via_channel', 'via__channel'],
      assignee_id: ['assignee_id'],
      group_id: ['group_id'],
      type: ['type'],
      merged_ticket_ids: ['merged_ticket_ids'],
      organization_id: ['organization_id'],
    },
  },
  ticket_comment: {
    columns: { id: ['id'], ticket_id: ['ticket_id'], created: ['created', 'created_at'], user_id: ['user_id', 'author_id'], body: ['body', 'plain_body'], public: ['public'] },
    optional: {},
  },
  ticket_field_history: {
    columns: { field_name: ['field_name'], ticket_id: ['ticket_id'], updated: ['updated', 'updated_at'], value: ['value'] },
    optional: { user_id: ['user_id'] },
  },
  user: { columns: { id: ['id'], role: ['role'] }, optional: { name: ['name'] } },
  group: { columns: { id: ['id'], name: ['name'] }, optional: {} },
  ticket_tag: { columns: { ticket_id: ['ticket_id'], tag: ['tag'] }, optional: {} },
  organization: { columns: { id: ['id'], name: ['name'] }, optional: {} },
  ticket_field: { columns: { id: ['id'], title: ['title', 'raw_title'] }, optional: {} },
} as const;

type Table = keyof typeof TABLES;

/** The files of a Zendesk table landing among `paths`, or undefined when there is no ticket table. */
export async function zendeskTableFiles(paths: readonly string[]): Promise<Partial<Record<Table, string>> | undefined> {
  const found = await findTables(paths, Object.keys(TABLES));
  return found['ticket'] ? (found as Partial<Record<Table, string>>) : undefined;
}

/**
 * The named CTEs over the staged tables (`ctes`), and the query yielding the
 * conversations and the ticket table's refused rows (`sql`).
 */
function ticketsSql(t: Record<Table, string>, labels: Record<Table, string>, source: string, part: Part = WHOLE): { ctes: string; sql: string } {
  const at = (table: Table, what: string) => `${sqlEscape(labels[table])} line ' || _line || ' (${what} ' || coalesce(`;
  const ts = (e: string) => timestampSql(e, 'iso');
  const dateFix = `is not a timestamp such as 2020-02-19 01:54:52 or 2020-02-19T01:54:52Z: export the tables again without reformatting dates`;
  const ctes = `
with ${mergedSql(t)},

checked_tickets as (
  select
    *,
    ${ts('created_at')} as created,
    ${ts('updated_at')} as updated,
    case
      when coalesce(id, '') = '' then '${sqlEscape(labels.ticket)} line ' || _line || ': id is empty'
      when ${ts('created_at')} is null then '${at('ticket', 'ticket')}id, '') || '): created_at "' || coalesce(created_at, '') || '" ${dateFix}'
      when coalesce(requester_id, '') = '' then '${at('ticket', 'ticket')}id, '') || '): requester_id is empty: every ticket needs its requester'
      when lower(status) = 'deleted' then '${at('ticket', 'ticket')}id, '') || '): the ticket was deleted in Zendesk; deleted tickets are not loaded (Zendesk''s reports leave them out too)'
      when id in (select merged_id from merged) then '${at('ticket', 'ticket')}id, '') || '): the ticket was merged into ticket ' || (select into_id from merged where merged_id = id) || ' in Zendesk; merged tickets are not loaded (the conversation continues in that ticket)'
      when ${zendeskStatusSql('status')} is null then '${at('ticket', 'ticket')}id, '') || '): status "' || coalesce(status, '') || '" is not a Zendesk status (${ZENDESK_STATUSES})'
    end as problem
  from ${t.ticket}
  where ${inPart(part, 'id')}
),

-- a ticket twice in the table: its last row is loaded, the earlier ones are its duplicates
tickets as (
  select *,
    row_number() over (partition by id, problem is null order by _line desc) as copy,
    max(_line) over (partition by id, problem is null) as later
  from checked_tickets
),

ok_tickets as (
  select * from tickets where problem is null and copy = 1
),

users as (
  select id, any_value(role) as role, any_value(name) as name from ${t.user} group by id
),

groups as (
  select id, any_value(name) as name from ${t.group} group by id
),

comments as (
  select
    c.*,
    ${ts('c.created')} as ts,
    k.id as known_ticket,
    k.requester_id,
    u.role,
    u.name as user_name,
    ${zendeskRoleSql('u.role', 'c.user_id', 'k.requester_id')} as author_role,
    case
      when k.id is null then '${sqlEscape(labels.ticket_comment)} line ' || c._line || ' (comment ' || coalesce(c.id, '') || '): ticket_id ' || coalesce(c.ticket_id, '') || ' refers to no ticket in ${sqlEscape(labels.ticket)}; export both tables from the same sync'
      when ${ts('c.created')} is null then '${sqlEscape(labels.ticket_comment)} line ' || c._line || ' (comment ' || coalesce(c.id, '') || '): created "' || coalesce(c.created, '') || '" ${dateFix}'
      when ${zendeskRoleSql('u.role', 'c.user_id', 'k.requester_id')} is null then '${sqlEscape(labels.ticket_comment)} line ' || c._line || ' (comment ' || coalesce(c.id, '') || '): its author, user ' || coalesce(c.user_id, '?') || ', has ' || case when u.id is null then 'no row in ${sqlEscape(labels.user)}' else 'the role "' || coalesce(u.role, '') || '", not end-user, agent or admin' end || '; export the user table from the same sync'
      when coalesce(c.body, '') = '' then '${sqlEscape(labels.ticket_comment)} line ' || c._line || ' (comment ' || coalesce(c.id, '') || '): body is empty'
    end as problem
  from ${t.ticket_comment} c
  left join ok_tickets k on k.id = c.ticket_id
  left join users u on u.id = c.user_id
  where ${inPart(part, 'c.ticket_id')}
    and not exists (select 1 from tickets d where d.id = c.ticket_id and d.problem is not null)
),

history as (
  select
    h.*,
    ${ts('h.updated')} as ts,
    ${zendeskStatusSql('h.value')} as status,
    case
      when k.id is null then '${sqlEscape(labels.ticket_field_history)} line ' || h._line || ': ticket_id ' || coalesce(h.ticket_id, '') || ' refers to no ticket in ${sqlEscape(labels.ticket)}; export both tables from the same sync'
      when ${ts('h.updated')} is null then '${sqlEscape(labels.ticket_field_history)} line ' || h._line || ' (ticket ' || h.ticket_id || '): updated "' || coalesce(h.updated, '') || '" ${dateFix}'
      when h.field_name = 'status' and ${zendeskStatusSql('h.value')} is null and lower(h.value) <> 'deleted' then '${sqlEscape(labels.ticket_field_history)} line ' || h._line || ' (ticket ' || h.ticket_id || '): status "' || coalesce(h.value, '') || '" is not a Zendesk status (${ZENDESK_STATUSES})'
    end as problem
  from ${t.ticket_field_history} h
  left join ok_tickets k on k.id = h.ticket_id
  where ${inPart(part, 'h.ticket_id')} and h.field_name in ('status', 'assignee_id', 'group_id', 'satisfaction_score', 'satisfaction_comment')
    and not exists (select 1 from tickets d where d.id = h.ticket_id and d.problem is not null)
),

-- assignee and group as they stood after each change, so that an assign event names both
assignment_changes as (
  select
    ticket_id,
    ts,
    _line,
    last_value(case when field_name = 'assignee_id' then coalesce(nullif(value, ''), '-') end ignore nulls)
      over (partition by ticket_id order by ts, _line) as assignee,
    last_value(case when field_name = 'group_id' then coalesce(nullif(value, ''), '-') end ignore nulls)
      over (partition by ticket_id order by ts, _line) as group_id,
    field_name
  from history
  where problem is null and field_name in ('assignee_id', 'group_id')
  -- changes of assignee and group in one update are one reassignment
  qualify row_number() over (partition by ticket_id, ts order by _line desc) = 1
),

activities as (
  select ticket_id as conversation_id, ts, _line * 4 as ord, 'message' as kind,
    id as message_id, author_role as role, user_id as author_id, user_name as author_name, ${restoreCr('body')} as body,
    lower(public) not in ('true', 't', '1') as internal, null::varchar as channel, null::integer as attachments,
    null::varchar as status, null::varchar as agent_id, null::varchar as team, null::varchar as reason
  from comments where problem is null
  union all
  select ticket_id, ts, 1000000000 + _line * 4, 'status', null, null, null, null, null, null, null, null, status, null, null, null
  from history where problem is null and field_name = 'status' and status is not null
  union all
  select a.ticket_id, a.ts, 1000000000 + a._line * 4 + 1, 'assign', null, null, null, null, null, null, null, null, null,
    nullif(a.assignee, '-'), coalesce(g.name, nullif(a.group_id, '-')), null
  from assignment_changes a left join groups g on g.id = a.group_id
  where nullif(a.assignee, '-') is not null or nullif(a.group_id, '-') is not null
  union all
  -- no status history: the ticket's current status, as of its last update
  select k.id, coalesce(k.updated, k.created), 2000000000 + k._line * 4, 'status', null, null, null, null, null, null, null, null,
    ${zendeskStatusSql('k.status')}, null, null, null
  from ok_tickets k
  where not exists (select 1 from history h where h.ticket_id = k.id and h.field_name = 'status' and h.problem is null)
  union all
  -- no assignment history: the ticket's current group and assignee, from its creation
  select k.id, k.created, 2000000000 + k._line * 4 + 1, 'assign', null, null, null, null, null, null, null, null, null,
    nullif(k.assignee_id, ''), coalesce(g.name, nullif(k.group_id, '')), null
  from ok_tickets k left join groups g on g.id = k.group_id
  where (coalesce(k.assignee_id, '') <> '' or coalesce(k.group_id, '') <> '')
    and not exists (select 1 from history h where h.ticket_id = k.id and h.field_name in ('assignee_id', 'group_id') and h.problem is null)
),

-- custom fields: history rows whose field_name is a ticket field's id, the latest value of each, named by the
-- ticket_field table's title as a word a dimension can name ("Order number" → order_number) where the sync
-- has it, else field_<id> (as the API's custom_fields read)
custom_fields as (
  select ticket_id, to_json(map_from_entries(list({'k': name, 'v': value} order by name))) as fields
  from (
    select h.ticket_id,
      coalesce(any_value(case when regexp_full_match(${wordSql('f.title')}, '[a-z][a-z0-9_]*') then ${wordSql('f.title')} end), 'field_' || h.field_name) as name,
      arg_max(coalesce(h.value, ''), (${ts('h.updated')}, h._line)) as value
    from ${t.ticket_field_history} h
    left join ${t.ticket_field} f on f.id = h.field_name
    where regexp_full_match(h.field_name, '[0-9]+') and ${inPart(part, 'h.ticket_id')}
      and h.ticket_id in (select id from ok_tickets)
    group by h.ticket_id, h.field_name)
  where coalesce(value, '') <> ''
  group by ticket_id
),

-- a satisfaction_score change to good or bad is an answer, with the comment set in the same update
surveys as (
  select ticket_id as conversation_id, ts, 'csat' as kind, score, null::double as scale_min, null::double as scale_max, comment
  from (
    select ticket_id, ts,
      max(${zendeskSatisfactionSql('value')}) filter (where field_name = 'satisfaction_score') as score,
      max(value) filter (where field_name = 'satisfaction_comment') as comment
    from history
    where problem is null and field_name in ('satisfaction_score', 'satisfaction_comment')
    group by ticket_id, ts)
  where score is not null
),

conversations as (
  select
    k.id as conversation_id,
    k._line as line,
    k.created as created_at,
    ${zendeskChannelSql('k.channel')} as channel,
    k.requester_id as customer_id,
    coalesce((select any_value(nullif(o.name, '')) from ${t.organization} o where o.id = k.organization_id), nullif(k.organization_id, '')) as customer_account,
    nullif(k.subject, '') as subject,
    nullif(lower(k.type), '') as intent,
    case lower(k.priority) when 'low' then 'low' when 'normal' then 'normal' when 'high' then 'high' when 'urgent' then 'urgent' end as priority,
    (select list(distinct tg.tag order by tg.tag) from ${t.ticket_tag} tg where tg.ticket_id = k.id) as tags,
    ${metadataSql("json_object('platform', 'zendesk', 'status', lower(k.status))", 'f.fields')} as metadata
  from ok_tickets k
  left join custom_fields f on f.ticket_id = k.id
)`;
  const sql = `${ctes}
${assembleSql({ conversations: 'conversations', activities: 'activities', surveys: 'surveys', source })}
union all
select _line, to_json(struct_pack(id, created_at, requester_id, status))::varchar,
  coalesce(problem, '${sqlEscape(labels.ticket)} line ' || _line || ': ${DUPLICATE}' || later || ' (conversation ' || id || '); the later one was loaded')
from tickets where problem is not null or copy > 1
union all
select line, raw, problem from ${t.ticket}_rej where ${inPart(part, 'line')}`;
  return { ctes, sql };
}

/**
 * The CTE `merged`: each ticket another names in `merged_ticket_ids`, and
 * the ticket it was merged into (from every ticket, not just a part's: a
 * ticket and the one it was merged into may fall in different parts).
 */
function mergedSql(t: Record<Table, string>): string {
  return `merged as (
  select merged_id, min(id) as into_id from (
    select trim(unnest(string_split(regexp_replace(merged_ticket_ids, '[\\[\\]\\s"]', '', 'g'), ','))) as merged_id, id
    from ${t.ticket} where coalesce(merged_ticket_ids, '') not in ('', '[]') and coalesce(id, '') <> '')
  group by merged_id
)`;
}

/**
 * SQL naming the stored tickets this export removes (see `removals.ts`): those it
 * holds as deleted or merged into another, and — the tables being a full
 * snapshot of the account — those of the same source it no longer holds,
 * among the stored tickets created within the span of the export's own
 * tickets (first to last `created_at`), so that an export of one period
 * removes nothing outside it.
 */
function zendeskTablesRemovedSql(t: Record<Table, string>, source: string): string {
  const created = timestampSql('created_at', 'iso');
  return `with ${mergedSql(t)}
select ${sqlString(source)} as source, id as conversation_id from ${t.ticket}
where lower(status) = 'deleted' or id in (select merged_id from merged)
union all
${snapshotRemovalsSql(source, `select id from ${t.ticket}`, `c.created_at between (select min(${created}) from ${t.ticket}) and (select max(${created}) from ${t.ticket})`)}`;
}

/** SQL for the refused rows of a secondary table (comments or history): they are reported under their own file. */
function refusedSql(cte: string, table: Table, t: Record<Table, string>, columns: string, part: Part = WHOLE): string {
  return `${cte}
select _line as line, to_json(struct_pack(${columns}))::varchar as raw, problem from ${table === 'ticket_comment' ? 'comments' : 'history'} where problem is not null
union all
select line, raw, problem from ${t[table]}_rej where ${inPart(part, 'line')}`;
}

export const zendeskTablesAdapter: Adapter = {
  format: 'zendesk',
  label: 'Zendesk tables (Fivetran / Airbyte landing)',
  input: 'full snapshot',
  detect(probe) {
    if (probe.kind === 'folder') return probe.tables.has('ticket') ? { format: 'zendesk', why: 'the folder holds a Zendesk ticket table' } : undefined;
    if (probe.kind === 'parquet') return /^ticket/.test(probe.table) ? { format: 'zendesk', why: 'a Zendesk table by its name' } : undefined;
    if (probe.kind !== 'csv') return undefined;
    const name = probe.table?.replace(/s$/, '');
    if ((name === 'ticket' && has(probe.header, 'requester_id', 'status')) || (name === 'ticket_comment' && has(probe.header, 'ticket_id', 'public'))) {
      return { format: 'zendesk', why: `a Zendesk ${name} table by its name and header` };
    }
    return undefined;
  },
  async prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    const files = await zendeskTableFiles(paths);
    if (!files) throw new AdapterError(`${paths.join(', ')}: no ticket table (ticket.csv, ticket_data.csv or ticket.parquet) found: point at the folder of the Zendesk sync`);
    const source = options.source ?? 'zendesk';
    return prepareTables<Table>(db, files, TABLES, { prefix: '_zd', platform: 'Zendesk' }, async ({ t, labels, staged, rows }) => {
      // parts by ticket: a ticket, its comments and its history are always in the same part
      const parts = partsFor(rows, options.partSize?.rows);
      const inputs: LoadInput[] = [
        {
          file: files.ticket!,
          format: 'zendesk-tables',
          parts,
          sql: (part) => ticketsSql(t, labels, source, part).sql,
          digest: async () => staged.ticket!.digest,
          // without the comments a ticket has no messages: loading them silently would look like a quiet helpdesk
          ...(files.ticket_comment
            ? {}
            : {
                note: `${path.dirname(files.ticket!)} has no ticket_comment table (ticket_comment.csv), so the ${staged.ticket!.rows} rows of ${labels.ticket} are loaded as tickets without messages: add the ticket_comment table of the sync and load the folder again`,
              }),
          removes: () => zendeskTablesRemovedSql(t, source),
        },
      ];
      for (const [table, columns] of [
        ['ticket_comment', 'id, ticket_id, created, user_id, body, public'],
        ['ticket_field_history', 'field_name, ticket_id, updated, value'],
      ] as const) {
        const file = files[table];
        if (!file) continue;
        inputs.push(
          ...(await refusedRowsInput(db, {
            file,
            format: 'zendesk-tables',
            parts,
            sql: (part) => refusedSql(ticketsSql(t, labels, source, part).ctes, table, t, columns, part),
            digest: async () => staged[table]!.digest,
          })),
        );
      }
      return inputs;
    });
  },
};
