/**
 * Pain points from insights/ (tables of insights/README.md) for one period:
 * a month (default: the latest month with data) or all months. A topic's
 * conversations, share and rates (FCR, re-open, CSAT) are those of its
 * conversations in the period, beside the same rate over all conversations
 * of the same period; each topic has a sparkline of its monthly share over
 * the twelve months up to the period. Then the emerging items of the month
 * (nested phrases of one issue are one item, with its variants) and masked
 * example messages. No customer id, name or contact detail is read: the
 * examples are insights' masked text.
 *
 * @example
 *   const p = await loadPainPoints(db, '2026-10'); // null before `parley insights build`
 *   const all = await loadPainPoints(db, 'all');
 */
import { sparkline } from '../../../charts/sparkline.js';
import type { EmergingRow } from '../../../insights/emerging.js';
import type { Warehouse } from '../../../warehouse/connection.js';
import { tableExists } from '../../../warehouse/table-exists.js';
import { memo } from './cache.js';

/** Months of the trend sparkline. */
export const TREND_MONTHS = 12;

export type Topic = {
  topic_id: string;
  name: string;
  terms: string[];
  labels: string[];
  /** conversations of the period mentioning the topic */
  conversations: number;
  /** of the period's conversations with customer text */
  share: number;
  trend: string;
  top_intent: string | null;
  fcr_rate: number | null;
  fcr_rate_all: number | null;
  reopen_rate: number | null;
  reopen_rate_all: number | null;
  csat_rate: number | null;
  csat_rate_all: number | null;
};

/** An emerging item as the page shows it: insight_emerging's row (insights/emerging.ts) without its bookkeeping. */
export type Emerging = Omit<EmergingRow, 'month' | 'item' | 'tests' | 'rank'>;

/** The pain points page of a month, or of 'all' (kept until the data change, cache.ts: an insights build or a curation is a write). */
export function loadPainPoints(db: Warehouse, period: string | undefined) {
  return memo(db, `pain-points\u0000${period ?? ''}`, () => painPointsOf(db, period));
}

async function painPointsOf(db: Warehouse, period: string | undefined) {
  if (!(await tableExists(db, 'insight_topics', 'insight_topic_months', 'insight_emerging', 'insight_topic_examples'))) return null;
  const months = (await db.all<{ month: string }>('select distinct month from insight_topic_months order by month desc')).map((r) => r.month);
  const all = period === 'all';
  const month = !all && period && months.includes(period) ? period : (months[0] ?? null);
  const columns = await db.all<{ column_name: string }>("select column_name from duckdb_columns() where table_name = 'insight_emerging'");
  const hasVariants = columns.some((c) => c.column_name === 'variants');
  const base = await db.one<{ n: number }>(
    all ? 'select count(*) as n from insight_sentiment_conversations' : 'select any_value(month_conversations) as n from insight_topic_months where month = $1',
    all ? [] : [month],
  );
  const [topics, emerging, examples] = await Promise.all([
    all || !month
      ? db.all<Topic>(
          `select topic_id::varchar as topic_id, name, terms, labels, conversations, share, trend, top_intent, fcr_rate, fcr_rate_all, reopen_rate, reopen_rate_all, csat_rate, csat_rate_all
           from insight_topics order by conversations desc, topic_id limit 25`,
        )
      : db.all<Topic>(
          `select t.topic_id::varchar as topic_id, t.name, t.terms, t.labels, m.conversations, m.share, t.trend, t.top_intent,
                  m.fcr_rate, m.fcr_rate_all, m.reopen_rate, m.reopen_rate_all, m.csat_rate, m.csat_rate_all
           from insight_topic_months m join insight_topics t using (topic_id)
           where m.month = $1 and m.conversations > 0
           order by m.conversations desc, t.topic_id limit 25`,
          [month],
        ),
    month && !all
      ? db.all<Emerging>(
          `select kind, label, ${hasVariants ? 'variants' : '[]::varchar[] as variants'}, conversations, expected, ratio, p_value, baseline_conversations, baseline_months
           from insight_emerging where month = $1 order by rank limit 20`,
          [month],
        )
      : Promise.resolve([] as Emerging[]),
    db.all<{ topic_id: string; rank: number; source: string; conversation_id: string; month: string; text: string }>(
      'select topic_id::varchar as topic_id, rank, source, conversation_id, month, text from insight_topic_examples where rank <= 3 order by topic_id, rank',
    ),
  ]);
  // the trend: each topic's share of the month's conversations, the twelve months up to the period
  const last = month && !all ? month : (months[0] ?? '');
  const trendMonths = months.filter((m) => m <= last).slice(0, TREND_MONTHS);
  const series = trendMonths.length
    ? await db.all<{ topic_id: string; month: string; share: number }>(
        `select topic_id::varchar as topic_id, month, share from insight_topic_months where month between $1 and $2 order by topic_id, month`,
        [trendMonths[trendMonths.length - 1], trendMonths[0]],
      )
    : [];
  const byTopicSeries = new Map<string, { month: string; value: number }[]>();
  for (const s of series) byTopicSeries.set(s.topic_id, [...(byTopicSeries.get(s.topic_id) ?? []), { month: s.month, value: s.share }]);
  const byTopic = new Map<string, typeof examples>();
  for (const e of examples) byTopic.set(e.topic_id, [...(byTopic.get(e.topic_id) ?? []), e]);
  return {
    months,
    /** 'all' or the month shown */
    period: all ? 'all' : month,
    month: all ? null : month,
    /** the period's conversations with customer text: what a share is of */
    conversations: base?.n ?? 0,
    trendFrom: trendMonths[trendMonths.length - 1] ?? null,
    trendTo: trendMonths[0] ?? null,
    emerging: emerging.map((e) => ({ ...e, variants: [...(e.variants ?? [])] })),
    topics: topics.map((t) => {
      const points = byTopicSeries.get(t.topic_id) ?? [];
      return {
        ...t,
        terms: [...(t.terms ?? [])],
        labels: [...(t.labels ?? [])],
        examples: byTopic.get(t.topic_id) ?? [],
        trendSvg: sparkline(points, { width: 110, height: 28 }),
        trendText: points.map((p) => `${p.month} ${(p.value * 100).toFixed(1)}%`).join(', '),
      };
    }),
  };
}
