import { describe, expect, it } from 'vitest';
import { summaryAggregates, summarySql } from './summary.js';

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
});
