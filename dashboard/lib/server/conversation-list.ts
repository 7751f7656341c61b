/**
 * The conversation list: the filters of the URL (filters.ts: status, CSAT,
 * SLA, tag, priority, account, custom dimensions, …), a text search over
 * subjects and message bodies, plus the metric that was clicked (a rate keeps
 * its denominator's conversations and shows whether each counts in the
 * numerator; a value keeps an optional min–max bin). Each row carries the
 * owner agent's name, the customer, the status and the metric columns (first
 * response, resolution, FCR, CSAT, SLA). Paged, 50 a page, sortable by the
 * metric columns; one query, every value a parameter. The same query without
 * paging feeds the CSV download ({@link listCsv}).
 *
 * @example
 *   await listConversations(db, filters, { ...listQuery.parse({}), sort: 'csat_score', dir: 'asc' }, { subjects: true });
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import { csvCell } from '../../../warehouse/csv-cell.js';
import { CATALOGUE, formatValue, metric, type Metric } from '../../../models/catalogue.js';
import { filterWhere, numbered, type Filters } from './filters.js';
import { cachedAll } from './mart-query.js';

export const PAGE_SIZE = 50;
/** The most rows one CSV download holds. */
export const CSV_LIMIT = 100_000;

/** The sortable columns: URL value → conversation_metrics column. */
export const SORTS = {
  created_at: 'created_at',
  first_response_s: 'first_response_s',
  full_resolution_s: 'full_resolution_s',
  fcr: 'fcr',
  csat_score: 'csat_score',
  sla_breached: 'sla_breached',
} as const;
export type Sort = keyof typeof SORTS;

export const listQuery = z.object({
  metric: z.string().max(100).optional().catch(undefined),
  min: z.coerce.number().finite().optional().catch(undefined),
  max: z.coerce.number().finite().optional().catch(undefined),
  page: z.coerce.number().int().min(0).max(100_000).catch(0),
  sort: z
    .enum(Object.keys(SORTS) as [Sort, ...Sort[]])
    .optional()
    .catch(undefined),
  dir: z.enum(['asc', 'desc']).optional().catch(undefined),
});
export type ListQuery = z.infer<typeof listQuery>;

export interface ListedConversation {
  source: string;
  conversation_id: string;
  created_at: string;
  channel: string;
  intent: string | null;
  team: string | null;
  owner_agent: string | null;
  /** The owner agent's name from the roster (their id when the roster has no name). */
  agent_name: string | null;
  customer_id: string;
  account: string | null;
  status: string;
  priority: string | null;
  subject: string | null;
  /** The metric columns, formatted ('–' when not defined). */
  first_response: string;
  resolution: string;
  fcr: string;
  csat: string;
  sla_policy: string | null;
  sla: string;
  /** The clicked metric's value. */
  value: string | null;
}

/** A listed conversation as read: the metric columns unformatted. */
interface Raw extends Omit<ListedConversation, 'created_at' | 'first_response' | 'resolution' | 'fcr' | 'csat' | 'sla' | 'value'> {
  created_at: Date;
  first_response_s: number | null;
  full_resolution_s: number | null;
  fcr: boolean | null;
  csat_score: number | null;
  sla_breached: boolean | null;
  value: unknown;
}

export interface ListOptions {
  /** Whether the viewer may read conversations: subjects shown, and the text search over subjects and bodies applied. */
  subjects: boolean;
  /** Only this customer's conversations (the customer page). */
  customer?: { source: string; id: string };
  /** Only the conversations of this account (`customer_account`, the account page). */
  account?: { source: string; account: string };
}

/** The where clause, order and shown value of a list (shared by the page and the CSV). */
function listSql(f: Filters, q: ListQuery, o: ListOptions) {
  const m: Metric | undefined = CATALOGUE.find((c) => c.name === q.metric);
  const base = filterWhere(f, { prefix: 'cm', dates: !f.month && !o.customer && !o.account });
  const extra: [string, unknown][] = [];
  let rateCond = 'true';
  let valueSql = 'null';
  let order = 'cm.created_at desc';
  if (m?.summary?.kind === 'rate') {
    // Catalogue SQL (code, not input): the rate's denominator, and its numerator as the shown value.
    rateCond = `(${qualify(m.summary.denominator)})`;
    valueSql = `case when ${qualify(m.summary.numerator)} then 'yes' else 'no' end`;
  } else if (m?.column) {
    const col = `cm.${m.column}`;
    valueSql = col;
    order = `${col} desc nulls last, cm.created_at desc`;
    if (q.min !== undefined) extra.push([`${col} >= ?`, q.min]);
    if (q.max !== undefined) extra.push([`${col} < ?`, q.max]);
  }
  if (o.customer) {
    extra.push(['cm.source = ?', o.customer.source]);
    extra.push(['cm.customer_id = ?', o.customer.id]);
  }
  if (o.account) {
    extra.push(['cm.source = ?', o.account.source]);
    extra.push(['cm.customer_account = ?', o.account.account]);
  }
  if (q.sort) order = `cm.${SORTS[q.sort]} ${q.dir ?? 'desc'} nulls last, cm.created_at desc, cm.conversation_id`;
  else order = `${order}, cm.conversation_id`;
  const more = numbered(extra, base.params.length + 1);
  const params = [...base.params, ...more.params];
  let search = 'true';
  if (f.q && o.subjects) {
    // one parameter, used twice: a conversation matches when its subject or one of its message bodies contains the text
    params.push(f.q);
    const k = `lower($${params.length})`;
    search = `(contains(lower(coalesce(rc.subject, '')), ${k}) or exists (select 1 from raw_messages rm where rm.source = cm.source and rm.conversation_id = cm.conversation_id and contains(lower(rm.body), ${k})))`;
  }
  const where = [base.sql, more.sql, rateCond, search].join(' and ');
  // the subjects are joined to the page's rows only; the filter reads them only for a text search
  const from =
    search === 'true'
      ? 'conversation_metrics cm'
      : `conversation_metrics cm
       left join raw_conversations rc on rc.source = cm.source and rc.conversation_id = cm.conversation_id`;
  const columns = [...new Set([...LIST_COLUMNS, ...Object.values(SORTS), ...(m?.column ? [m.column] : [])])];
  return { m, where, params, order, valueSql, from, columns };
}

/** The conversation_metrics columns a row of the list shows. */
const LIST_COLUMNS = [
  'source',
  'conversation_id',
  'created_at',
  'channel',
  'intent',
  'team',
  'owner_agent',
  'customer_id',
  'customer_account',
  'status',
  'priority',
  'first_response_s',
  'full_resolution_s',
  'fcr',
  'csat_score',
  'sla_policy',
  'sla_breached',
];

async function rowsOf(db: Warehouse, f: Filters, q: ListQuery, o: ListOptions, limit: number, offset: number) {
  const s = listSql(f, q, o);
  const n = s.params.length;
  // the page's rows first (filter, order, limit over conversation_metrics), then their subjects and agents' names:
  // joining every conversation of the range to its raw row before the limit cost a scan and a join of the whole table
  const rows = await cachedAll<Raw & Record<string, unknown>>(
    db,
    `with page as (
       select ${s.columns.map((c) => `cm.${c}`).join(', ')}, ${s.valueSql} as value
       from ${s.from}
       where ${s.where}
       order by ${s.order}
       limit $${n + 1} offset $${n + 2}
     )
     select cm.source, cm.conversation_id, cm.created_at, cm.channel, cm.intent, cm.team, cm.owner_agent,
            coalesce(an.name, cm.owner_agent) as agent_name, cm.customer_id, cm.customer_account as account,
            cm.status, cm.priority, ${o.subjects ? 'rc.subject' : 'null'} as subject,
            cm.first_response_s, cm.full_resolution_s, cm.fcr, cm.csat_score, cm.sla_policy, cm.sla_breached,
            cm.value
     from page cm
     left join raw_conversations rc on rc.source = cm.source and rc.conversation_id = cm.conversation_id
     left join (select agent_id, arg_max(name, load_id) as name from raw_agents where name is not null group by agent_id) an
       on an.agent_id = cm.owner_agent
     order by ${s.order}`,
    [...s.params, limit, offset],
  );
  return { s, rows };
}

const yesNo = (b: boolean | null) => (b === null ? '–' : b ? 'yes' : 'no');

function shape(r: Raw, m: Metric | undefined): ListedConversation {
  return {
    source: r.source,
    conversation_id: r.conversation_id,
    created_at: r.created_at.toISOString().slice(0, 16).replace('T', ' '),
    channel: r.channel,
    intent: r.intent,
    team: r.team,
    owner_agent: r.owner_agent,
    agent_name: r.agent_name,
    customer_id: r.customer_id,
    account: r.account,
    status: r.status,
    priority: r.priority,
    subject: r.subject,
    first_response: formatValue(metric('first_response_s'), r.first_response_s),
    resolution: formatValue(metric('full_resolution_s'), r.full_resolution_s),
    fcr: yesNo(r.fcr),
    csat: formatValue(metric('csat_score'), r.csat_score),
    sla_policy: r.sla_policy,
    sla: r.sla_breached === null ? '–' : r.sla_breached ? 'breached' : 'met',
    value: r.value === null || r.value === undefined ? null : m && m.summary?.kind !== 'rate' ? formatValue(m, r.value) : String(r.value),
  };
}

export async function listConversations(db: Warehouse, f: Filters, q: ListQuery, o: ListOptions) {
  const s = listSql(f, q, o);
  // the page and the count side by side (readers, when the server has them)
  const [{ rows }, total] = await Promise.all([
    rowsOf(db, f, q, o, PAGE_SIZE, q.page * PAGE_SIZE),
    cachedAll<{ n: number }>(db, `select count(*)::integer as n from ${s.from} where ${s.where}`, s.params).then((r) => r[0]),
  ]);
  return {
    metric: s.m ? { name: s.m.name, label: s.m.label } : null,
    total: Number(total?.n ?? 0),
    rows: rows.map((r) => shape(r, s.m)),
  };
}

/** The CSV columns of the list: header → field. */
const CSV_COLUMNS: [string, keyof ListedConversation][] = [
  ['source', 'source'],
  ['conversation_id', 'conversation_id'],
  ['created_at_utc', 'created_at'],
  ['status', 'status'],
  ['channel', 'channel'],
  ['intent', 'intent'],
  ['priority', 'priority'],
  ['team', 'team'],
  ['agent_id', 'owner_agent'],
  ['agent', 'agent_name'],
  ['customer_id', 'customer_id'],
  ['account', 'account'],
  ['subject', 'subject'],
  ['first_response', 'first_response'],
  ['resolution', 'resolution'],
  ['fcr', 'fcr'],
  ['csat', 'csat'],
  ['sla_policy', 'sla_policy'],
  ['sla', 'sla'],
];

/** Every conversation of the list (all pages, at most {@link CSV_LIMIT}) as CSV text, each cell formula-safe (csv-cell.ts). */
export async function listCsv(db: Warehouse, f: Filters, q: ListQuery, o: ListOptions): Promise<string> {
  const { s, rows } = await rowsOf(db, f, q, o, CSV_LIMIT, 0);
  const columns = o.subjects ? CSV_COLUMNS : CSV_COLUMNS.filter(([, k]) => k !== 'subject');
  if (s.m) columns.push([s.m.name, 'value']);
  return toCsv(
    columns.map(([h]) => h),
    rows.map((r) => {
      const row = shape(r, s.m);
      return columns.map(([, k]) => row[k]);
    }),
  );
}

/** A header and rows as CSV text (CRLF line ends, RFC 4180), every cell through csvCell. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Prefixes conversation_metrics column names in a catalogue condition with `cm.`. */
function qualify(condition: string): string {
  return condition.replace(/\b([a-z_][a-z0-9_]*)\b/g, (word) => (KEYWORDS.has(word) ? word : `cm.${word}`));
}
const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'true', 'false']);
