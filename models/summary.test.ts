import { describe, expect, it } from 'vitest';
import { CATALOGUE, metric } from './catalogue.js';
import { fieldMetric, HEADLINE_FIELDS, HEADLINES, summaryAggregates, summaryFields, summarySql } from './summary.js';

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
