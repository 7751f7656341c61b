/**
 * Zendesk's own SLA policies, read from a Zendesk table export (Fivetran
 * schema: `sla_policy_metric_history`, and optionally `ticket_sla_policy`
 * and `sla_policy_history`), written out as a starting `sla_policies:` block
 * of `parley.config.yaml` (`parley config from-zendesk FOLDER`), so that a
 * team does not type its targets again.
 *
 * Each policy's latest version (the rows of its last `sla_policy_updated_at`)
 * gives one Parley policy per priority, `when: { priority }`, with the
 * targets Parley has: `first_reply_time` → first_response, `next_reply_time`
 * → next_response, `total_resolution_time` → resolution. Zendesk's other
 * metrics (requester_wait_time, agent_work_time, periodic and pausable
 * updates) and priorities other than low, normal, high, urgent are listed in
 * a comment as not carried over. `business_hours` true → `hours: business`.
 * Zendesk picks a policy by conditions the export does not hold, so the
 * block says to add them under `when`; `ticket_sla_policy` gives how many
 * tickets each policy was applied to, as a hint of which comes first.
 *
 * @example
 *   const yaml = await zendeskSlaPoliciesYaml(['exports/zendesk']);
 *   // sla_policies:
 *   //   - name: "zendesk 1001 urgent"
 *   //     when: { priority: urgent }
 *   //     hours: business
 *   //     targets: { first_response: 45m }
 */
import { openWarehouse } from '../warehouse/connection.js';
import { findTables, stageTable } from './adapters/table-source.js';
import { AdapterError } from './adapters/types.js';
import { timestampSql } from './adapters/mapping.js';

const METRICS: Record<string, 'first_response' | 'next_response' | 'resolution'> = {
  first_reply_time: 'first_response',
  next_reply_time: 'next_response',
  total_resolution_time: 'resolution',
};
const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;

/** Minutes as a Parley target: whole hours as `h`, else `m`. */
export function targetText(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

type MetricRow = {
  policy: string;
  title: string | null;
  updated: string | null;
  metric: string;
  priority: string;
  business: boolean;
  minutes: number | null;
};

/** The `sla_policies:` block (YAML text, with comments) for the Zendesk tables among `paths`. */
export async function zendeskSlaPoliciesYaml(paths: readonly string[]): Promise<string> {
  const files = await findTables(paths, ['sla_policy_metric_history', 'ticket_sla_policy', 'sla_policy_history']);
  if (!files['sla_policy_metric_history'])
    throw new AdapterError(
      `${paths.join(', ')}: no sla_policy_metric_history table (sla_policy_metric_history.csv, …_data.csv or .parquet) found: point at the folder of the Zendesk sync`,
    );
  const db = await openWarehouse(':memory:', { readers: 0 });
  try {
    await stageTable(db, {
      file: files['sla_policy_metric_history'],
      table: '_zs_metric',
      columns: { sla_policy_id: ['sla_policy_id'], metric: ['metric'], priority: ['priority'], target: ['target'] },
      optional: { updated_at: ['sla_policy_updated_at', 'updated_at'], business_hours: ['business_hours'], index: ['index'] },
      what: 'the Zendesk sla_policy_metric_history table',
    });
    const optional = async (name: string, table: string, columns: Record<string, readonly string[]>, opt: Record<string, readonly string[]> = {}) => {
      if (files[name]) await stageTable(db, { file: files[name], table, columns, optional: opt, what: `the Zendesk ${name} table` });
      else await db.run(`create temp table ${table} (${[...Object.keys(columns), ...Object.keys(opt)].map((c) => `${c} varchar`).join(', ')})`);
    };
    await optional('ticket_sla_policy', '_zs_ticket', { ticket_id: ['ticket_id'], sla_policy_id: ['sla_policy_id'] });
    await optional('sla_policy_history', '_zs_policy', { id: ['id'], title: ['title'] }, { updated_at: ['updated_at'] });
    const ts = (e: string) => timestampSql(e, 'iso');
    const rows = await db.all<MetricRow>(`
      with m as (
        select *, ${ts('updated_at')} as updated, max(${ts('updated_at')}) over (partition by sla_policy_id) as latest from _zs_metric
      )
      select
        m.sla_policy_id as policy,
        (select arg_max(nullif(p.title, ''), ${ts('p.updated_at')}) from _zs_policy p where p.id = m.sla_policy_id) as title,
        strftime(m.updated, '%Y-%m-%d') as updated,
        lower(trim(m.metric)) as metric,
        lower(trim(m.priority)) as priority,
        lower(coalesce(m.business_hours, '')) in ('true', 't', '1') as business,
        try_cast(m.target as integer) as minutes
      from m
      where m.updated is not distinct from m.latest
      order by try_cast(m.sla_policy_id as bigint) nulls last, m.sla_policy_id, try_cast(m.index as integer), m._line`);
    const applied = new Map(
      (await db.all<{ policy: string; n: number }>('select sla_policy_id as policy, count(distinct ticket_id)::integer as n from _zs_ticket group by 1')).map((r) => [
        r.policy,
        r.n,
      ]),
    );
    return render(rows, applied, paths.join(', '));
  } finally {
    db.close();
  }
}

function render(rows: MetricRow[], applied: Map<string, number>, from: string): string {
  const out = [
    `# SLA policies read from the Zendesk export in ${from} (the latest version of each policy in sla_policy_metric_history).`,
    '# Zendesk picks a policy by conditions the export does not hold: add them under when (channel, team, intent, source, segment)',
    '# before use, and order the policies: the first that matches a conversation applies.',
    'sla_policies:',
  ];
  const policies = [...new Set(rows.map((r) => r.policy))];
  for (const policy of policies) {
    const mine = rows.filter((r) => r.policy === policy);
    const first = mine[0]!;
    const n = applied.get(policy);
    out.push(
      `  # Zendesk policy ${policy}${first.title ? ` "${first.title}"` : ''}${first.updated ? `, version of ${first.updated}` : ''}${n !== undefined ? `, applied to ${n} ticket${n === 1 ? '' : 's'}` : ''}`,
    );
    const skipped = new Set<string>();
    for (const r of mine) {
      if (!METRICS[r.metric]) skipped.add(`${r.metric} (Parley has no such target)`);
      else if (!(PRIORITIES as readonly string[]).includes(r.priority)) skipped.add(`priority ${r.priority} (not a Zendesk priority: low, normal, high, urgent)`);
      else if (r.minutes === null || r.minutes <= 0) skipped.add(`${r.metric} for ${r.priority} (target is not a number of minutes)`);
    }
    if (skipped.size) out.push(`  # not carried over: ${[...skipped].join('; ')}`);
    const mixed = new Set(mine.map((r) => r.business)).size > 1;
    for (const priority of PRIORITIES) {
      // Zendesk sets business hours per metric; a Parley policy counts one way, so a mixed policy is split
      for (const business of [true, false]) {
        const targets = new Map<string, string>();
        for (const r of mine) {
          const t = METRICS[r.metric];
          if (r.priority !== priority || r.business !== business || !t || r.minutes === null || r.minutes <= 0 || targets.has(t)) continue;
          targets.set(t, targetText(r.minutes));
        }
        if (!targets.size) continue;
        const name = `zendesk ${first.title ?? policy} ${priority}${mixed ? (business ? ' business hours' : ' calendar hours') : ''}`;
        out.push(
          `  - name: ${JSON.stringify(name)}`,
          `    when: { priority: ${priority} }`,
          `    hours: ${business ? 'business' : 'calendar'}`,
          `    targets: { ${[...targets].map(([k, v]) => `${k}: ${v}`).join(', ')} }`,
        );
      }
    }
  }
  if (out.length === 4) out[3] = 'sla_policies: []   # no policy with a target Parley has (first_reply_time, next_reply_time, total_resolution_time)';
  return out.join('\n') + '\n';
}
