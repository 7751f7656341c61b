/**
 * Intercom as Fivetran lands it: `conversation_history` and
 * `conversation_part_history` (one row per version of a conversation or
 * part; the latest version is read), with `admin` for names and
 * `conversation_contact_history` for the customer, as CSV or Parquet files
 * in a folder (`conversation_history.csv` or `conversation_history_data.csv`).
 * The conversation's custom attributes, which Fivetran lands as columns
 * `custom_<name>` of conversation_history, go into `metadata` under `<name>`
 * (from the latest version; an empty value is left out).
 * See `intercom-common.ts` for how parts and authors read.
 *
 * A part of a conversation missing from conversation_history, a bad date,
 * or an author of unknown type is quarantined under the part table's file.
 *
 * @example
 *   parley ingest exports/intercom/ --format intercom
 */
import type { Warehouse } from '../../warehouse/connection.js';
import { WHOLE, inPart, partsFor, type Part } from '../parts.js';
import type { Adapter, PrepareOptions, Prepared } from './types.js';
import { AdapterError } from './types.js';
import { findTables, prepareTables, refusedRowsInput, tableColumns, type TableSpecs } from './table-source.js';
import { timestampSql } from './mapping.js';
import { assembleSql } from './assemble.js';
import { ident, sqlEscape, sqlString } from './sql.js';
import { has } from './detect.js';
import { intercomCtes, intercomRoleSql, INTERCOM_AUTHORS } from './intercom-common.js';

const TABLES = {
  conversation_history: {
    columns: { id: ['id'], created_at: ['created_at'], updated_at: ['updated_at'], state: ['state'] },
    optional: {
      source_author_id: ['source_author_id'],
      source_author_type: ['source_author_type'],
      source_body: ['source_body'],
      source_subject: ['source_subject'],
      source_delivered_as: ['source_delivered_as'],
      priority: ['priority'],
      conversation_rating_value: ['conversation_rating_value'],
      conversation_rating_remark: ['conversation_rating_remark'],
      conversation_rating_created_at: ['conversation_rating_created_at'],
    },
  },
  conversation_part_history: {
    columns: { id: ['id'], conversation_id: ['conversation_id'], created_at: ['created_at'], part_type: ['part_type'], author_type: ['author_type'] },
    optional: { updated_at: ['updated_at'], author_id: ['author_id'], body: ['body'], assigned_to_id: ['assigned_to_id'], assigned_to_type: ['assigned_to_type'] },
  },
  admin: { columns: { id: ['id'] }, optional: { name: ['name'] } },
  conversation_contact_history: { columns: { contact_id: ['contact_id'], conversation_id: ['conversation_id'] }, optional: {} },
  conversation_tag_history: { columns: { conversation_id: ['conversation_id'], tag_id: ['tag_id'] }, optional: {} },
  tag: { columns: { id: ['id'], name: ['name'] }, optional: {} },
  contact_company_history: { columns: { contact_id: ['contact_id'], company_id: ['company_id'] }, optional: { contact_updated_at: ['contact_updated_at', 'updated_at'] } },
  company_history: { columns: { id: ['id'], name: ['name'] }, optional: { updated_at: ['updated_at'] } },
} as const;

type Table = keyof typeof TABLES;

/** A custom attribute's column of conversation_history: its metadata key, its header name and the staged column that holds it. */
interface CustomColumn {
  key: string;
  header: string;
  column: string;
}

/**
 * The `custom_<name>` columns of a conversation_history header, each staged as `_custom_<n>`.
 *
 * @example
 *   customColumns(['id', 'custom_plan']); // [{ key: 'plan', header: 'custom_plan', column: '_custom_0' }]
 */
export function customColumns(header: readonly string[]): CustomColumn[] {
  return header.filter((h) => /^custom_./i.test(h)).map((h, i) => ({ key: h.slice('custom_'.length), header: h, column: `_custom_${i}` }));
}

/** The custom attributes of a conversation version (alias `c`) as a JSON object, empty values left out; null without any. */
function customAttributesSql(custom: readonly CustomColumn[]): string {
  if (!custom.length) return 'null::json';
  const entries = custom.map((c) => `{'k': ${sqlString(c.key)}, 'v': c.${ident(c.column)}}`).join(', ');
  return `to_json(map_from_entries(list_filter([${entries}], e -> coalesce(e.v, '') <> '')))`;
}

function intercomTablesSql(
  t: Record<Table, string>,
  labels: Record<Table, string>,
  source: string,
  part: Part = WHOLE,
  custom: readonly CustomColumn[] = [],
): { ctes: string; sql: string } {
  const ts = (e: string) => timestampSql(e, 'iso');
  const dateFix = 'is not a timestamp such as 2020-10-28 23:59:37: export the tables again without reformatting dates';
  const ctes = `
with versions as (
  select *, ${ts('created_at')} as created, ${ts('updated_at')} as updated,
    row_number() over (partition by id order by ${ts('updated_at')} desc nulls last, _line desc) as version
  from ${t.conversation_history}
  where ${inPart(part, 'id')}
),

checked_convs as (
  select *,
    case
      when coalesce(id, '') = '' then '${sqlEscape(labels.conversation_history)} line ' || _line || ': id is empty'
      when created is null then '${sqlEscape(labels.conversation_history)} line ' || _line || ' (conversation ' || id || '): created_at "' || coalesce(created_at, '') || '" ${dateFix}'
    end as problem
  from versions
  where version = 1
),

admins as (
  select id, any_value(name) as name from ${t.admin} group by id
),

part_versions as (
  select p.*, ${ts('p.created_at')} as ts,
    row_number() over (partition by p.id order by ${ts('p.updated_at')} desc nulls last, p._line desc) as version
  from ${t.conversation_part_history} p
  where ${inPart(part, 'p.conversation_id')}
),

checked_parts as (
  select p.*, a.name as author_name,
    case
      when c.id is null then '${sqlEscape(labels.conversation_part_history)} line ' || p._line || ' (part ' || coalesce(p.id, '') || '): conversation_id ' || coalesce(p.conversation_id, '') || ' refers to no conversation in ${sqlEscape(labels.conversation_history)}; export both tables from the same sync'
      when p.ts is null then '${sqlEscape(labels.conversation_part_history)} line ' || p._line || ' (part ' || coalesce(p.id, '') || '): created_at "' || coalesce(p.created_at, '') || '" ${dateFix}'
      when coalesce(p.body, '') <> '' and ${intercomRoleSql('p.author_type')} is null then '${sqlEscape(labels.conversation_part_history)} line ' || p._line || ' (part ' || coalesce(p.id, '') || '): author_type "' || coalesce(p.author_type, '') || '" is not one of ${INTERCOM_AUTHORS}'
    end as problem
  from part_versions p
  left join checked_convs c on c.id = p.conversation_id and c.problem is null
  left join admins a on a.id = p.author_id and lower(p.author_type) = 'admin'
  where p.version = 1
),

convs as (
  select
    c.id as conversation_id,
    c._line as line,
    c.created,
    c.updated,
    (select min(contact_id) from ${t.conversation_contact_history} cc where cc.conversation_id = c.id) as customer_id,
    -- the customer's company as of its latest history row, by name (else its id)
    (select coalesce(arg_max(nullif(co.name, ''), ${ts('co.updated_at')}), any_value(cc.company_id))
       from (select arg_max(company_id, ${ts('contact_updated_at')}) as company_id from ${t.contact_company_history}
             where contact_id = coalesce(
               (select min(contact_id) from ${t.conversation_contact_history} x where x.conversation_id = c.id),
               case when ${intercomRoleSql('c.source_author_type')} = 'customer' then c.source_author_id end)) cc
       left join ${t.company_history} co on co.id = cc.company_id
       where cc.company_id is not null) as customer_account,
    ${customAttributesSql(custom)} as custom_attributes,
    c.source_subject as subject,
    c.priority,
    c.state,
    (select list(distinct tg.name order by tg.name) from ${t.conversation_tag_history} ct join ${t.tag} tg on tg.id = ct.tag_id where ct.conversation_id = c.id) as tags,
    c.source_body,
    c.source_author_type,
    c.source_author_id,
    (select name from admins a where a.id = c.source_author_id and lower(c.source_author_type) = 'admin') as source_author_name,
    c.source_delivered_as as delivered_as,
    c.conversation_rating_value as rating_value,
    c.conversation_rating_remark as rating_remark,
    ${ts('c.conversation_rating_created_at')} as rating_at
  from checked_convs c
  where c.problem is null
),

parts as (
  select conversation_id, id as part_id, ts, _line as ord, part_type, body, author_type, author_id, author_name,
    assigned_to_type as assigned_type, assigned_to_id as assigned_id
  from checked_parts
  where problem is null
)${intercomCtes('convs', 'parts')}`;
  const sql = `${ctes}
${assembleSql({ conversations: 'conversations', activities: 'activities', surveys: 'surveys', source })}
union all
select _line, to_json(struct_pack(id, created_at, updated_at, state))::varchar, problem from checked_convs where problem is not null
union all
select line, raw, problem from ${t.conversation_history}_rej where ${inPart(part, 'line')}`;
  return { ctes, sql };
}

export const intercomTablesAdapter: Adapter = {
  format: 'intercom',
  label: 'Intercom tables (Fivetran landing)',
  input: 'change set',
  detect(probe) {
    if (probe.kind === 'folder') {
      const found = probe.tables.has('conversation_history') || probe.tables.has('conversation_part_history');
      return found ? { format: 'intercom', why: 'the folder holds Intercom conversation_history tables' } : undefined;
    }
    if (probe.kind === 'parquet') return /^conversation/.test(probe.table) ? { format: 'intercom', why: 'an Intercom table by its name' } : undefined;
    if (probe.kind === 'csv' && probe.table?.replace(/s$/, '') === 'conversation_history' && has(probe.header, 'id', 'state')) {
      return { format: 'intercom', why: 'an Intercom conversation_history table by its name and header' };
    }
    return undefined;
  },
  async prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    const files = await findTables(paths, Object.keys(TABLES));
    if (!files['conversation_history']) {
      throw new AdapterError(
        `${paths.join(', ')}: no conversation_history table (conversation_history.csv, conversation_history_data.csv or .parquet) found: point at the folder of the Intercom sync`,
      );
    }
    const source = options.source ?? 'intercom';
    const header = await tableColumns(db, files['conversation_history']!);
    const custom = customColumns(header);
    // the custom attribute columns this export has, staged beside the known ones
    const specs: TableSpecs<Table> = {
      ...TABLES,
      conversation_history: {
        ...TABLES.conversation_history,
        optional: { ...TABLES.conversation_history.optional, ...Object.fromEntries(custom.map((c) => [c.column, [c.header]])) },
      },
    };
    return prepareTables<Table>(db, files, specs, { prefix: '_ic', platform: 'Intercom' }, async ({ t, labels, staged, rows }) => {
      // parts by conversation: a conversation and its parts are always in the same part
      const parts = partsFor(rows, options.partSize?.rows);
      const refused = (part: Part) => `${intercomTablesSql(t, labels, source, part, custom).ctes}
select _line as line, to_json(struct_pack(id, conversation_id, created_at, part_type, author_type, body))::varchar as raw, problem from checked_parts where problem is not null
union all
select line, raw, problem from ${t.conversation_part_history}_rej where ${inPart(part, 'line')}`;
      const partsFile = files['conversation_part_history'];
      return [
        {
          file: files['conversation_history']!,
          format: 'intercom-tables',
          parts,
          sql: (part) => intercomTablesSql(t, labels, source, part, custom).sql,
          digest: async () => staged.conversation_history!.digest,
        },
        ...(partsFile
          ? await refusedRowsInput(db, { file: partsFile, format: 'intercom-tables', parts, sql: refused, digest: async () => staged.conversation_part_history!.digest })
          : []),
      ];
    });
  },
};
