/**
 * The conversations behind a figure: the filters of the URL, plus the metric
 * that was clicked (a rate keeps its denominator's conversations and shows
 * whether each counts in the numerator; a value keeps an optional min–max
 * bin). Paged, 50 a page; all filter values are parameters.
 *
 * @example
 *   await listConversations(db, filters, { metric: metric('fcr_rate'), page: 0, subjects: true });
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import { CATALOGUE, formatValue, type Metric } from '../../../models/catalogue.js';
import { filterWhere, numbered, type Filters } from './filters.js';
import { cachedAll } from './mart-query.js';

export const PAGE_SIZE = 50;

export const listQuery = z.object({
  metric: z.string().max(100).optional().catch(undefined),
  min: z.coerce.number().finite().optional().catch(undefined),
  max: z.coerce.number().finite().optional().catch(undefined),
  page: z.coerce.number().int().min(0).max(100_000).catch(0),
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
  subject: string | null;
  value: string | null;
}

export async function listConversations(db: Warehouse, f: Filters, q: ListQuery, o: { subjects: boolean }) {
  const m: Metric | undefined = CATALOGUE.find((c) => c.name === q.metric);
  const base = filterWhere(f, { prefix: 'cm', dates: !f.month });
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
  const more = numbered(extra, base.params.length + 1);
  const where = [base.sql, more.sql, rateCond].join(' and ');
  const params = [...base.params, ...more.params];
  const n = params.length;
  const [rows, total] = await Promise.all([
    cachedAll<Omit<ListedConversation, 'value' | 'created_at'> & { created_at: Date; value: unknown }>(
      db,
      `select cm.source, cm.conversation_id, cm.created_at, cm.channel, cm.intent, cm.team, cm.owner_agent,
              ${o.subjects ? 'rc.subject' : 'null'} as subject, ${valueSql} as value
       from conversation_metrics cm
       ${o.subjects ? 'left join raw_conversations rc on rc.source = cm.source and rc.conversation_id = cm.conversation_id' : ''}
       where ${where}
       order by ${order}
       limit $${n + 1} offset $${n + 2}`,
      [...params, PAGE_SIZE, q.page * PAGE_SIZE],
    ),
    cachedAll<{ n: number }>(db, `select count(*) as n from conversation_metrics cm where ${where}`, params).then((r) => r[0]),
  ]);
  return {
    metric: m ? { name: m.name, label: m.label } : null,
    total: total?.n ?? 0,
    rows: rows.map((r) => ({
      ...r,
      created_at: r.created_at.toISOString().slice(0, 16).replace('T', ' '),
      value: r.value === null || r.value === undefined ? null : m && m.summary?.kind !== 'rate' ? formatValue(m, r.value) : String(r.value),
    })),
  };
}

/** Prefixes conversation_metrics column names in a catalogue condition with `cm.`. */
function qualify(condition: string): string {
  return condition.replace(/\b([a-z_][a-z0-9_]*)\b/g, (word) => (KEYWORDS.has(word) ? word : `cm.${word}`));
}
const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'true', 'false']);
