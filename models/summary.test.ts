import { describe, expect, it } from 'vitest';
import { CATALOGUE, metric } from './catalogue.js';
import {
  dailySource,
  fieldMetric,
  HEADLINE_FIELDS,
  HEADLINES,
  metricSummaryInsertSql,
  metricSummaryMartSql,
  SUMMARY_GROUPINGS,
  summaryAggregates,
  summaryFields,
  summaryParts,
  summaryScanSqls,
  summarySql,
} from './summary.js';
import { dailyField } from './daily.js';

describe('the summary SQL', () => {
  it('computes only the aggregates of the fields asked for', () => {
    expect(summaryAggregates(['fcr_rate', 'conversations'])).toEqual([
      'count(*) as conversations',
      'case when count(*) filter (where resolved and fcr_window_closed) >= 10 then (count(*) filter (where (resolved and fcr_window_closed) and (fcr)))::double / count(*) filter (where resolved and fcr_window_closed) end as fcr_rate',
    ]);
    expect(summaryAggregates().length).toBeGreaterThan(40);
  });

  it('groups by the dimensions, naming the agent dimension after the owner', () => {
    expect(summarySql(['month', 'agent'], 'channel = $1', ['conversations'])).toBe(
      'select\n  month,\n  owner_agent as agent,\n  count(*) as conversations\nfrom conversation_metrics\nwhere channel = $1\ngroup by month, owner_agent\norder by month, owner_agent',
    );
  });

  it("computes a duration's median and p90 asked together from one exact quantile list, each alone from its own quantile", () => {
    const both = summaryAggregates(['first_response_s_median', 'first_response_s_p90']);
    expect(both).toEqual([
      'case when count(first_response_s) >= 10 then quantile_cont(first_response_s, [0.5, 0.9])[1] end as first_response_s_median',
      'case when count(first_response_s) >= 10 then quantile_cont(first_response_s, [0.5, 0.9])[2] end as first_response_s_p90',
    ]);
    expect(summaryAggregates(['first_response_s_p90'])).toEqual(['case when count(first_response_s) >= 10 then quantile_cont(first_response_s, 0.9) end as first_response_s_p90']);
  });

  it('joins the conversations to their costs only for a field or grouping that reads a cost', () => {
    expect(summarySql([], '', ['cost_per_resolution'])).toContain('from conversation_metrics left join conversation_costs using (source, conversation_id)');
    expect(summarySql(['resolution_type'], '', ['conversations'])).toContain('left join conversation_costs');
    expect(summarySql(['channel'], '', ['fcr_rate', 'first_response_s_median'])).not.toContain('conversation_costs');
  });
});

describe('summary fields', () => {
  it("names each metric's fields, the one that stands for it first", () => {
    expect(summaryFields(metric('conversations'))).toEqual(['conversations']);
    expect(summaryFields(metric('fcr_rate'))).toEqual(['fcr_rate', 'fcr_rate_base']);
    expect(summaryFields(metric('first_response_s'))).toEqual(['first_response_s_median', 'first_response_s_p90', 'first_response_s_mean']);
    expect(summaryFields(metric('csat_score'))).toEqual(['csat_score_mean']);
    expect(summaryFields(metric('fcr'))).toEqual([]);
  });

  it('names exactly the fields the summary SQL computes', () => {
    const computed = summaryAggregates().map((a) => a.slice(a.lastIndexOf(' as ') + 4));
    expect(CATALOGUE.flatMap(summaryFields)).toEqual(computed);
  });

  it('finds the metric of a column, with the statistic of a summary field', () => {
    expect(fieldMetric('fcr_rate')).toEqual({ metric: metric('fcr_rate') });
    expect(fieldMetric('fcr_rate_base')).toEqual({ metric: metric('fcr_rate'), stat: 'base' });
    expect(fieldMetric('first_response_s_p90')).toEqual({ metric: metric('first_response_s'), stat: 'p90' });
    expect(fieldMetric('team')).toBeUndefined();
    expect(fieldMetric('nothing_median')).toBeUndefined();
    for (const m of CATALOGUE) for (const f of summaryFields(m)) expect(fieldMetric(f)?.metric).toBe(m);
  });

  it('shows each headline figure by a field the summary holds, with a second figure it holds too', () => {
    expect(HEADLINE_FIELDS).toEqual(HEADLINES.map((h) => h.field));
    expect(HEADLINES.length).toBeGreaterThan(0);
    const fields = new Set(CATALOGUE.flatMap(summaryFields));
    for (const h of HEADLINES) {
      expect(h.field).toBe(summaryFields(h.metric)[0]);
      if (h.second) expect(fields.has(h.second.field), h.second.field).toBe(true);
    }
  });
});

describe('the additive parts of the summary fields (metric_summary and metric_daily)', () => {
  const { parts, fields } = summaryParts();
  const field = (name: string) => fields.find((f) => f.field === name)!;

  it('give every field but the medians and p90s, and metric_daily answers exactly those', () => {
    const all = CATALOGUE.flatMap(summaryFields);
    expect(fields.map((f) => f.field)).toEqual(all.filter((f) => !/_(median|p90)$/.test(f)));
    expect(all.filter(dailyField)).toEqual(fields.map((f) => f.field));
  });

  it('are exact for counts and sums of counts only: not for sums of durations, scores or money', () => {
    const exact = (name: string) => field(name).exact;
    expect(['conversations', 'fcr_rate', 'fcr_rate_base', 'reopens_mean', 'sla_next_response_turns'].filter(exact)).toHaveLength(5);
    expect(['first_response_s_mean', 'csat_score_mean', 'effort_index_mean', 'cost_per_resolution', 'cost_per_resolution_base'].filter(exact)).toEqual([]);
    // the count of a duration's values is exact (the summary's rule for showing its median), its sum is not
    expect(parts.find((p) => p.column === 'first_response_s__n')).toMatchObject({ build: 'count(first_response_s)', zero: true, exact: true });
    expect(parts.find((p) => p.column === 'first_response_s__sum')).toMatchObject({ build: 'sum(first_response_s)', zero: false, exact: false });
  });

  it('read a field from the sums of its parts, a count being 0 over none', () => {
    expect(field('fcr_rate').read((c) => `S(${c})`)).toBe('case when S(fcr_rate__den) >= 10 then S(fcr_rate__num)::double / S(fcr_rate__den) end');
    expect(field('fcr_rate').parts).toEqual(['fcr_rate__num', 'fcr_rate__den']);
    expect(parts.find((p) => p.column === 'fcr_rate__den')).toMatchObject({ build: 'coalesce(count_if(resolved and fcr_window_closed), 0)', zero: true, exact: true });
    expect(parts.find((p) => p.column === 'customer_messages__total')).toMatchObject({ build: 'sum(customer_messages)', zero: false, exact: true });
  });
});

describe("metric_summary's exact fields from metric_daily's rows", () => {
  it('finds the per-day grouping of every mart grouping, the summary team and agent being the owner columns', () => {
    expect(dailySource([])).toBe('');
    expect(dailySource(['month'])).toBe('');
    expect(dailySource(['month', 'team'])).toBe('owner_team');
    expect(dailySource(['agent'])).toBe('owner_agent');
    expect(dailySource(['month', 'channel', 'resolution_type'])).toBe('channel,resolution_type');
    for (const g of SUMMARY_GROUPINGS) expect(dailySource(g), g.join(',')).toBeDefined();
  });

  it('has none for a grouping metric_daily does not keep: those group the conversations', () => {
    expect(dailySource(['tag'])).toBeUndefined();
    expect(dailySource(['month', 'priority'])).toBeUndefined();
    expect(dailySource(['channel', 'intent'])).toBeUndefined();
    const sql = metricSummaryInsertSql([['month', 'channel'], ['tag']], '', 'daily_rows');
    expect(sql).toContain("from daily_rows where grouping = 'channel'");
    // the tag grouping's counts come from the conversations, not from the per-day rows
    expect(sql.split(';\n').filter((s) => s.startsWith('insert') && s.includes('_tags(tag)') && !s.includes('daily_rows'))).toHaveLength(1);
  });

  it('reads its scans from tables when a full build has computed them beside other models', () => {
    const scans = summaryScanSqls();
    // the groupings without tag, four a scan, then those with it
    expect(scans.length).toBe(Math.ceil(SUMMARY_GROUPINGS.filter((g) => !g.includes('tag')).length / 4) + Math.ceil(SUMMARY_GROUPINGS.filter((g) => g.includes('tag')).length / 4));
    const inline = metricSummaryMartSql();
    for (const scan of scans) expect(inline).toContain(scan);
    const names = scans.map((_, i) => `scan_${i + 1}`);
    const read = metricSummaryMartSql(names);
    // (the empty table's types come from the aggregates, computed over no rows)
    expect(read.split(';\n').slice(1).join(';\n')).not.toContain('quantile_cont');
    for (const n of names) expect(read).toContain(`from (select * from ${n}) q`);
    expect(() => metricSummaryMartSql(names.slice(1))).toThrow(`metric_summary has ${scans.length} scans, not ${scans.length - 1}`);
  });
});
