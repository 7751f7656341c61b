/**
 * One account's page (a customer's company: `customer.account` of the
 * conversation format): the conversations whose `customer_account` is the
 * account — the same conversations as the list's `account=` filter and the
 * summary's `account` grouping — with the customer page's figures over them
 * (customer.ts {@link contactFacts}: the customer_metrics definitions of
 * metrics.md v2 applied to the account's conversations, and its rates' and
 * CSAT's definitions from the catalogue), the account's customers with their
 * own customer_metrics rows, and the conversations listed (the conversation
 * list, all dates, newest first).
 *
 * The spec defines no account-level mart: the figures are computed from
 * conversation_metrics when the page is read (cached until the data change),
 * like the customer page's sums.
 *
 * @example
 *   const a = await loadCustomerAccount(db, 'zendesk', 'Acme', { page: 0 });
 *   a?.facts.find((f) => f.label === 'Customers')?.value; // '2'
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatValue, metric } from '../../../models/catalogue.js';
import { listConversations, type ListQuery } from './conversation-list.js';
import { contactFacts, day, type ContactFigures, type CustomerFact } from './customer.js';
import { cachedAll, martsBuilt } from './mart-query.js';
import type { Filters } from './filters.js';

/** How many of the account's customers the page lists (those with the most conversations first). */
export const CUSTOMERS_SHOWN = 100;

interface Row extends ContactFigures {
  customers: number;
  csat_rate: number | null;
  csat_mean: number | null;
  csat_answers: number;
}

/** One of the account's customers: their customer_metrics row, formatted. */
export interface AccountCustomer {
  customer_id: string;
  segment: string | null;
  /** Their account now (customer_metrics: their latest conversation's), when it is another. */
  moved_to: string | null;
  conversations: number;
  last_contact: string;
  resolved: number;
  fcr: string;
  repeat_contacts: string;
  csat_latest: string;
  effort: string;
  sla_breaches: number;
}

interface CustomerRow {
  customer_id: string;
  segment: string | null;
  account: string | null;
  conversations: number;
  last_contact_at: Date;
  resolved_conversations: number;
  fcr_rate: number | null;
  recontact_rate: number | null;
  csat_latest: number | null;
  effort_index_mean: number | null;
  sla_breaches: number;
}

/** A catalogue rate over the rows, without the summary's minimum group size (as the customer page): its numerator ÷ its denominator. */
function rate(name: string, numerator?: string): string {
  const s = metric(name).summary;
  if (s?.kind !== 'rate') throw new Error(`${name} is not a rate`);
  return `(count(*) filter (where (${s.denominator}) and (${numerator ?? s.numerator})))::double / nullif(count(*) filter (where ${s.denominator}), 0)`;
}

const pct = (x: number | null) => formatValue(metric('fcr_rate'), x);

/** The account `account` of `source`, or null when no conversation names it (or the marts are not built). */
export async function loadCustomerAccount(db: Warehouse, source: string, account: string, q: ListQuery, options: { subjects: boolean } = { subjects: true }) {
  if (!(await martsBuilt(db, 'customer_metrics', 'conversation_metrics'))) return null;
  const [[row], customers] = await Promise.all([
    cachedAll<Row & Record<string, unknown>>(
      db,
      `select count(distinct customer_id)::integer as customers,
              count(*)::integer as conversations,
              min(created_at) as first_contact_at,
              max(created_at) as last_contact_at,
              count(distinct month)::integer as active_months,
              count(*) filter (where resolved)::integer as resolved_conversations,
              ${rate('fcr_rate')} as fcr_rate,
              -- customer_metrics' recontact_rate: re-contacts over fcr_rate's denominator
              ${rate('fcr_rate', 'recontact_7d')} as recontact_rate,
              coalesce(sum(reopens), 0)::integer as reopens,
              ${rate('csat_rate')} as csat_rate,
              avg(csat_score) as csat_mean,
              count(csat_score)::integer as csat_answers,
              avg(effort_index) as effort_index_mean,
              count(sla_breached)::integer as sla_settled,
              count(*) filter (where not sla_breached)::integer as sla_met,
              count(*) filter (where sla_breached)::integer as sla_breaches
       from conversation_metrics
       where source = $1 and customer_account = $2
       having count(*) > 0`,
      [source, account],
    ),
    cachedAll<CustomerRow & Record<string, unknown>>(
      db,
      `select m.customer_id, m.segment, m.account, m.conversations::integer as conversations, m.last_contact_at,
              m.resolved_conversations::integer as resolved_conversations, m.fcr_rate, m.recontact_rate,
              m.csat_latest, m.effort_index_mean, m.sla_breaches::integer as sla_breaches
       from customer_metrics m
       where m.source = $1
         and m.customer_id in (select customer_id from conversation_metrics where source = $1 and customer_account = $2)
       order by m.conversations desc, m.customer_id
       limit $3`,
      [source, account, CUSTOMERS_SHOWN],
    ),
  ]);
  if (!row) return null;
  const unfiltered: Filters = { from: day(row.first_contact_at), to: day(row.last_contact_at) };
  const list = await listConversations(db, unfiltered, q, { subjects: options.subjects, account: { source, account } });
  const facts: CustomerFact[] = [
    { label: 'Customers', value: row.customers.toLocaleString('en-US') },
    ...contactFacts(row, [
      { label: 'CSAT (satisfied)', value: pct(row.csat_rate), metric: 'csat_rate' },
      { label: 'CSAT (mean)', value: formatValue(metric('csat_score'), row.csat_mean), metric: 'csat_score' },
      { label: 'CSAT answers', value: String(row.csat_answers) },
    ]),
  ];
  return {
    source,
    account,
    facts,
    customerCount: row.customers,
    customers: customers.map((c): AccountCustomer => ({
      customer_id: c.customer_id,
      segment: c.segment,
      moved_to: c.account !== account ? c.account : null,
      conversations: c.conversations,
      last_contact: day(c.last_contact_at),
      resolved: c.resolved_conversations,
      fcr: pct(c.fcr_rate),
      repeat_contacts: pct(c.recontact_rate),
      csat_latest: formatValue(metric('csat_score'), c.csat_latest),
      effort: formatValue(metric('effort_index'), c.effort_index_mean),
      sla_breaches: c.sla_breaches,
    })),
    ...list,
  };
}
