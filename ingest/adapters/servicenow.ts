/**
 * ServiceNow incident audit log (`incident_event_log.csv[.gz]`, as exported
 * from the incident table's history or the public event-log data set): one
 * row per update of an incident, no message text.
 *
 * One conversation per incident `number`, created at `opened_at`, with the
 * caller as customer and `contact_type` as channel (Phone → voice). The
 * rows, in update order (`sys_updated_at`, then `sys_mod_count`), become
 * events: a `status` event where the state changes (New/Active → open,
 * Awaiting … → pending, Resolved, Closed), an `assign` event where the
 * assignment group or assignee changes.
 *
 * One rule follows the platform rather than the first row: ServiceNow
 * stamps `resolved_at` again on each save of a resolved incident, so a run
 * of consecutive Resolved rows is one resolution at its last save. The
 * models then find the platform's own `resolved_at` as the last resolution.
 * State `-100` (a placeholder for "no state") leaves the state unchanged.
 * Two rows for one version (the same `sys_mod_count`) contradict each
 * other: the earliest is kept, the other quarantined with both named.
 * The platform's counters (`reopen_count`, `reassignment_count`,
 * `resolved_at`, …) are kept in `metadata` for comparison, with `impact`,
 * `urgency` and `location`; `priority` 1–4 reads urgent, high, normal, low,
 * and the caller's `company` (when the export has that column) is the
 * customer's account. All of these as of the incident's latest row.
 *
 * The log is a change set (an incremental export holds only the latest row
 * per incident): an incident already stored keeps its trail, and the rows
 * after its last stored update (`metadata.last_updated`, `last_mod_count`)
 * continue it — from the state and assignment it ended in, a run of
 * Resolved rows still one resolution at its last save. Rows up to the
 * stored update are already in the trail and change nothing, so loading a
 * log again, or logs that overlap, gives the trail of all their rows.
 *
 * @example
 *   parley ingest incident_event_log.csv.gz --format servicenow
 */
import { WHOLE, inPart, partsFor, type Part } from '../parts.js';
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, PrepareOptions, Prepared } from './types.js';
import { AdapterError } from './types.js';
import { prepareFiles } from './prepare.js';
import { stageCsv } from './csv-source.js';
import { isoSql, sqlEscape, sqlString, withoutNulls, wordSql } from './sql.js';
import { has } from './detect.js';

export const SERVICENOW_COLUMNS = {
  number: ['number'],
  incident_state: ['incident_state', 'state'],
  sys_mod_count: ['sys_mod_count'],
  opened_at: ['opened_at'],
  sys_updated_at: ['sys_updated_at'],
  assignment_group: ['assignment_group'],
  assigned_to: ['assigned_to'],
} as const;

export const SERVICENOW_OPTIONAL = {
  caller_id: ['caller_id'],
  contact_type: ['contact_type'],
  priority: ['priority'],
  category: ['category'],
  subcategory: ['subcategory'],
  reassignment_count: ['reassignment_count'],
  reopen_count: ['reopen_count'],
  made_sla: ['made_sla'],
  resolved_at: ['resolved_at'],
  closed_at: ['closed_at'],
  closed_code: ['closed_code'],
  company: ['company'],
  impact: ['impact'],
  urgency: ['urgency'],
  location: ['location'],
} as const;

const DATE = '%d/%m/%Y %H:%M';
const STATES = "'New', 'Active', 'Awaiting User Info', 'Awaiting Vendor', 'Awaiting Problem', 'Awaiting Evidence', 'Resolved', 'Closed', '-100'";

/** SQL yielding (line, raw, problem) for a staged incident log `t` of file `label`. */
export function servicenowSql(t: string, rejects: string, label: string, source: string, part: Part = WHOLE): string {
  const at = `${sqlEscape(label)} line ' || _line || ' (incident ' || coalesce(number, '?') || ')`;
  const date = (col: string) => `try_strptime(nullif(nullif(${col}, '?'), ''), '${DATE}')`;
  const dateProblem = (col: string) =>
    `when ${date(col)} is null and coalesce(${col}, '?') not in ('?', '') then '${at}: ${col} "' || ${col} || '" is not a date like 29/2/2016 01:23 (d/m/yyyy HH:MM): export dates in the instance''s default format'`;
  const order = 'order by updated, mod_count, _line';
  return `
with typed as (
  select
    *,
    ${date('sys_updated_at')} as updated,
    ${date('opened_at')} as opened,
    try_cast(sys_mod_count as integer) as mod_count,
    case
      when incident_state in ('New', 'Active') then 'open'
      when incident_state like 'Awaiting%' then 'pending'
      when incident_state = 'Resolved' then 'resolved'
      when incident_state = 'Closed' then 'closed'
    end as status,
    nullif(nullif(assignment_group, '?'), '') as team,
    nullif(nullif(assigned_to, '?'), '') as agent
  from ${t}
  where ${inPart(part, 'number')}
),

checked as (
  select
    *,
    case
      when coalesce(number, '') = '' then '${sqlEscape(label)} line ' || _line || ': number is empty: every row needs its incident number'
      when updated is null then '${at}: sys_updated_at "' || coalesce(sys_updated_at, '') || '" is not a date like 29/2/2016 01:23 (d/m/yyyy HH:MM): export dates in the instance''s default format'
      when opened is null then '${at}: opened_at "' || coalesce(opened_at, '') || '" is not a date like 29/2/2016 01:23 (d/m/yyyy HH:MM): export dates in the instance''s default format'
      ${dateProblem('resolved_at')}
      when mod_count is null then '${at}: sys_mod_count "' || coalesce(sys_mod_count, '') || '" is not a whole number'
      when incident_state not in (${STATES}) then '${at}: incident_state "' || coalesce(incident_state, '') || '" is not a known state (New, Active, Awaiting …, Resolved, Closed): map custom states before export'
    end as problem
  from typed
),

-- two rows for one version (sys_mod_count) contradict each other: the trail keeps the
-- version's first record and refuses the other, naming both
versions as (
  select
    *,
    row_number() over (partition by number, mod_count order by updated, _line) as copy,
    first_value(_line) over (partition by number, mod_count order by updated, _line) as first_line,
    first_value(sys_updated_at) over (partition by number, mod_count order by updated, _line) as first_updated
  from checked
  where problem is null
),

duplicates as (
  select
    _line,
    to_json(struct_pack(number, incident_state, sys_mod_count, opened_at, sys_updated_at, resolved_at))::varchar as raw,
    '${at}: a second row for sys_mod_count ' || mod_count || ' (the first, line ' || first_line || ', is dated '
      || first_updated || '): one version cannot have two states, so the trail keeps the first; check the export for a duplicated update' as problem
  from versions
  where copy > 1
),

-- a change set: the trail stored for an incident of this export, and the state it ends in
stored as (
  select
    c.conversation_id as number,
    c.created_at as stored_opened,
    (c.metadata->>'updates')::integer as stored_updates,
    timezone('UTC', coalesce((c.metadata->>'last_updated')::timestamptz, e.last_event_at)) as last_at,
    (c.metadata->>'last_mod_count')::integer as last_mod_count,
    e.status, e.status_seq, e.team, e.agent
  from raw_conversations c
  left join (
    select
      conversation_id,
      max(event_at) as last_event_at,
      arg_max(status, seq) filter (where type = 'status') as status,
      max(seq) filter (where type = 'status') as status_seq,
      arg_max(team, seq) filter (where type = 'assign') as team,
      arg_max(agent_id, seq) filter (where type = 'assign') as agent
    from raw_events
    where source = ${sqlString(source)} and conversation_id in (select number from typed)
    group by conversation_id
  ) e using (conversation_id)
  where c.source = ${sqlString(source)} and c.conversation_id in (select number from typed)
),

-- rows the stored trail already holds (up to its last update) are known; the later ones continue it
fresh as (
  select v.* exclude (copy, first_line, first_updated), false as is_stored
  from versions v left join stored s using (number)
  where v.copy = 1
    and (s.number is null or v.updated > s.last_at or (v.updated = s.last_at and v.mod_count > coalesce(s.last_mod_count, 2147483647)))
),

-- the stored trail's end as one row before the fresh ones: a state or assignment that does not change makes no event
trail as (
  select * from fresh
  union all by name
  select number, last_at as updated, coalesce(last_mod_count, -1) as mod_count, status, team, agent, true as is_stored
  from stored
  where number in (select number from fresh)
),

updates as (
  select
    *,
    last_value(status ignore nulls) over (partition by number ${order} rows between unbounded preceding and 1 preceding) as previous_status,
    first_value(status ignore nulls) over (partition by number ${order} rows between 1 following and unbounded following) as next_status,
    lag(team) over (partition by number ${order}) as previous_team,
    lag(agent) over (partition by number ${order}) as previous_agent,
    row_number() over (partition by number ${order}) as update_no
  from trail
),

-- a run of Resolved rows is one resolution, at its last save (as resolved_at is stamped)
events as (
  select number, updated, mod_count, _line, 0 as part,
    json_object('at', ${isoSql('updated')}, 'type', 'assign', 'agent_id', agent, 'team', team) as event
  from updates
  where not is_stored and (agent is not null or team is not null)
    and (update_no = 1 or team is distinct from previous_team or agent is distinct from previous_agent)
  union all
  select number, updated, mod_count, _line, 1,
    json_object('at', ${isoSql('updated')}, 'type', 'status', 'status', status)
  from updates
  where not is_stored and status is not null
    and case when status = 'resolved' then next_status is distinct from 'resolved'
             else status is distinct from previous_status end
),

incidents as (
  select
    number,
    min(_line) as line,
    min(opened) as opened,
    arg_max(nullif(caller_id, '?'), (updated, mod_count, _line)) as caller,
    arg_max(contact_type, (updated, mod_count, _line)) as contact_type,
    arg_max(priority, (updated, mod_count, _line)) as priority,
    arg_max(nullif(category, '?'), (updated, mod_count, _line)) as category,
    arg_max(nullif(subcategory, '?'), (updated, mod_count, _line)) as subcategory,
    arg_max(try_cast(reopen_count as integer), (updated, mod_count, _line)) as reopen_count,
    arg_max(try_cast(reassignment_count as integer), (updated, mod_count, _line)) as reassignment_count,
    arg_max(made_sla, (updated, mod_count, _line)) as made_sla,
    arg_max(${date('resolved_at')}, (updated, mod_count, _line)) as resolved_at,
    arg_max(${date('closed_at')}, (updated, mod_count, _line)) as closed_at,
    arg_max(nullif(closed_code, '?'), (updated, mod_count, _line)) as closed_code,
    arg_max(nullif(nullif(trim(company), '?'), ''), (updated, mod_count, _line)) as company,
    arg_max(nullif(nullif(impact, '?'), ''), (updated, mod_count, _line)) as impact,
    arg_max(nullif(nullif(urgency, '?'), ''), (updated, mod_count, _line)) as urgency,
    arg_max(nullif(nullif(location, '?'), ''), (updated, mod_count, _line)) as location,
    count(*) as updates,
    max(updated) as last_updated,
    arg_max(mod_count, (updated, mod_count, _line)) as last_mod_count
  from updates
  where not is_stored
  group by number
),

-- the stored events, but a stored resolution that the fresh rows' run of Resolved continues (one resolution, at its last save)
stored_trails as (
  select e.conversation_id as number,
    list(json_object('at', ${isoSql('e.event_at')}, 'type', e.type, 'agent_id', e.agent_id, 'team', e.team, 'status', e.status) order by e.seq) as events
  from raw_events e
  join stored s on s.number = e.conversation_id
  where e.source = ${sqlString(source)} and s.number in (select number from fresh)
    and not (e.type = 'status' and e.seq = s.status_seq and e.status = 'resolved'
      and s.number in (select number from updates where is_stored and status = 'resolved' and next_status = 'resolved'))
  group by e.conversation_id
),

trails as (
  select number, list(event order by updated, mod_count, _line, part) as events
  from events
  group by number
),

conversations as (
  select
    i.line,
    ${withoutNulls(`json_object(
      'id', i.number,
      'source', ${sqlString(source)},
      'channel', case lower(i.contact_type) when 'phone' then 'voice' else coalesce(${wordSql('i.contact_type')}, 'other') end,
      'created_at', ${isoSql('least(i.opened::timestamptz, st.stored_opened)')},
      'customer', json_object('id', coalesce(i.caller, 'unknown caller'), 'account', i.company),
      'intent', i.category,
      'priority', case left(i.priority, 1) when '1' then 'urgent' when '2' then 'high' when '3' then 'normal' when '4' then 'low' end,
      'messages', json('[]'),
      'events', list_concat(coalesce(sl.events, []), coalesce(tr.events, [])),
      'metadata', json_object(
        'platform', 'servicenow',
        'updates', i.updates + coalesce(st.stored_updates, 0),
        'last_updated', ${isoSql('i.last_updated')},
        'last_mod_count', i.last_mod_count,
        'subcategory', i.subcategory,
        'reopen_count', i.reopen_count,
        'reassignment_count', i.reassignment_count,
        'made_sla', i.made_sla,
        'resolved_at', ${isoSql('i.resolved_at')},
        'closed_at', ${isoSql('i.closed_at')},
        'closed_code', i.closed_code,
        'impact', i.impact,
        'urgency', i.urgency,
        'location', i.location))`)} as raw,
    null::varchar as problem
  from incidents i
  left join trails tr using (number)
  left join stored st using (number)
  left join stored_trails sl using (number)
)

select line, raw, problem from conversations
union all
select _line, to_json(struct_pack(number, incident_state, sys_mod_count, opened_at, sys_updated_at, resolved_at))::varchar, problem
from checked where problem is not null
union all
select _line, raw, problem from duplicates
union all
select line, raw, problem from ${rejects} where ${inPart(part, 'line')}`;
}

export const servicenowAdapter: Adapter = {
  format: 'servicenow',
  label: 'ServiceNow incident audit log',
  input: 'change set',
  detect(probe) {
    if (probe.kind === 'csv' && has(probe.header, 'number', 'incident_state', 'sys_mod_count')) {
      return { format: 'servicenow', why: 'its header has number, incident_state and sys_mod_count' };
    }
    return undefined;
  },
  prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    return prepareFiles(db, paths, async (file, i, scratchDir) => {
      if (!/\.csv(\.gz)?$/i.test(file)) throw new AdapterError(`${file} is not a .csv or .csv.gz file: export the incident audit log as CSV`);
      const table = `_servicenow_${i}`;
      const staged = await stageCsv(db, {
        file,
        table,
        columns: SERVICENOW_COLUMNS,
        optional: SERVICENOW_OPTIONAL,
        what: 'ServiceNow incident audit log',
        scratchDir,
      });
      return {
        tables: [table, staged.rejects],
        input: {
          file,
          format: 'servicenow',
          parts: partsFor(staged.rows, options.partSize?.rows),
          sql: (part) => servicenowSql(table, staged.rejects, path.basename(file), options.source ?? 'servicenow', part),
          digest: async () => staged.digest,
        },
      };
    });
  },
};
