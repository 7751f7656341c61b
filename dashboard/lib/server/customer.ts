/**
 * One customer's page: their row of the customer_metrics mart (metrics.md v2
 * "Customer-level mart": conversations, first and last contact, active
 * months, resolved, FCR and re-contact rates, latest CSAT, mean effort, SLA
 * breaches), with what the mart does not hold summed from their
 * conversation_metrics rows (re-opens, SLA met of settled, CSAT answers),
 * and their conversations (the conversation list, all dates, newest first).
 *
 * @example
 *   const c = await loadCustomer(db, 'zendesk', 'cust-42', { page: 0 });
 *   c?.facts.find((f) => f.label === 'Conversations')?.value; // '3'
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { listConversations, type ListQuery } from './conversation-list.js';
import { cachedAll, martsBuilt } from './mart-query.js';
import type { Filters } from './filters.js';

/** The figures a customer and an account share (customer_metrics' columns, and the sums the mart does not hold). */
export interface ContactFigures {
  conversations: number;
  first_contact_at: Date;
  last_contact_at: Date;
  active_months: number;
  resolved_conversations: number;
  fcr_rate: number | null;
  recontact_rate: number | null;
  reopens: number;
  effort_index_mean: number | null;
  sla_breaches: number;
  sla_settled: number;
  sla_met: number;
}

interface Row extends ContactFigures {
  segment: string | null;
  account: string | null;
  csat_latest: number | null;
  csat_answers: number;
}

export interface CustomerFact {
  label: string;
  value: string;
  /** The catalogue metric it stands for (its page explains it). */
  metric?: string;
}

export const day = (d: Date) => d.toISOString().slice(0, 10);
const pct = (x: number | null) => formatValue(metric('fcr_rate'), x);
const count = (n: number) => n.toLocaleString('en-US');

/**
 * The facts of a customer's or an account's page, in order, with `csat` (the
 * CSAT facts, which differ between the two) after the re-opens.
 */
export function contactFacts(r: ContactFigures, csat: readonly CustomerFact[]): CustomerFact[] {
  return [
    { label: 'Conversations', value: count(r.conversations), metric: 'conversations' },
    { label: 'First contact', value: day(r.first_contact_at) },
    { label: 'Last contact', value: day(r.last_contact_at) },
    { label: 'Active months', value: String(r.active_months) },
    { label: 'Resolved', value: count(r.resolved_conversations), metric: 'resolved_conversations' },
    { label: 'FCR', value: pct(r.fcr_rate), metric: 'fcr_rate' },
    { label: 'Repeat contacts (7 days)', value: pct(r.recontact_rate), metric: 'recontact_7d' },
    { label: 'Re-opens', value: count(r.reopens), metric: 'reopens' },
    ...csat,
    { label: 'Effort (mean)', value: formatValue(metric('effort_index'), r.effort_index_mean), metric: 'effort_index' },
    { label: 'SLA met', value: r.sla_settled ? `${r.sla_met} of ${r.sla_settled}` : '–' },
    { label: 'SLA breaches', value: String(r.sla_breaches) },
  ];
}

/** The customer `id` of `source`, or null when they have no conversation (or the marts are not built). */
export async function loadCustomer(db: Warehouse, source: string, id: string, q: ListQuery, options: { subjects: boolean } = { subjects: true }) {
  if (!(await martsBuilt(db, 'customer_metrics', 'conversation_metrics'))) return null;
  const [row] = await cachedAll<Row & Record<string, unknown>>(
    db,
    `select m.segment, m.account, m.conversations::integer as conversations, m.first_contact_at, m.last_contact_at,
            m.active_months::integer as active_months, m.resolved_conversations::integer as resolved_conversations,
            m.fcr_rate, m.recontact_rate, m.csat_latest, m.effort_index_mean, m.sla_breaches::integer as sla_breaches,
            c.reopens, c.sla_settled, c.sla_met, c.csat_answers
     from customer_metrics m,
          (select coalesce(sum(reopens), 0)::integer as reopens,
                  count(sla_breached)::integer as sla_settled,
                  count(*) filter (where not sla_breached)::integer as sla_met,
                  count(csat_score)::integer as csat_answers
           from conversation_metrics where source = $1 and customer_id = $2) c
     where m.source = $1 and m.customer_id = $2`,
    [source, id],
  );
  if (!row) return null;
  const unfiltered: Filters = { from: day(row.first_contact_at), to: day(row.last_contact_at) };
  const list = await listConversations(db, unfiltered, q, { subjects: options.subjects, customer: { source, id } });
  const facts = contactFacts(row, [
    { label: 'Latest CSAT', value: formatValue(metric('csat_score'), row.csat_latest), metric: 'csat_score' },
    { label: 'CSAT answers', value: String(row.csat_answers) },
  ]);
  return { source, id, segment: row.segment, account: row.account, facts, ...list };
}
