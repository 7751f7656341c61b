import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../warehouse/connection.js';
import { metricSummaryMartSql } from '../models/summary.js';
import { metricDailyMartSql } from '../models/daily.js';
import { findNotableChanges } from './notable-changes-sql.js';

// A constructed month pair: 400 resolved conversations each month, half billing, half shipping,
// half email, half chat. September: 80% FCR everywhere. October: billing falls to 50% FCR
// (shipping stays at 80%), and 50 extra billing conversations land on 12 October.
const CONSTRUCTED = `
create table conversation_metrics as
with r as (
  select i, case when i < 400 then '2025-09' else '2025-10' end as month, i % 400 as j
  from range(800) t(i)
)
select
  'demo' as source,
  'c' || i as conversation_id,
  month,
  case
    when month = '2025-10' and j < 150 then timestamptz '2025-10-01 10:00:00+00' + to_days((j // 10)::int)
    when month = '2025-10' and j < 200 then timestamptz '2025-10-12 15:00:00+00'
    else (month || '-01 09:00:00+00')::timestamptz + to_days((j % 28)::int)
  end as created_at,
  case when j < 200 then 'billing' else 'shipping' end as intent,
  case when j % 2 = 0 then 'email' else 'chat' end as channel,
  'Tier 1' as team,
  'agent-' || (j % 7) as owner_agent,
  2 as customer_messages,
  true as resolved,
  0 as reopens,
  true as assigned,
  0 as transfers,
  0 as escalations,
  true as fcr_window_closed,
  case when month = '2025-10' and j < 200 then j < 100 else j % 5 <> 0 end as fcr,
  false as contained,
  false as had_automated_reply,
  null::double as csat_score,
  null::boolean as csat_satisfied,
  null::double as ces_score,
  null::double as first_response_s,
  null::double as first_response_any_s,
  null::double as reply_time_s,
  0 as unanswered_turns,
  null::double as business_first_response_s,
  null::double as first_resolution_s,
  null::double as full_resolution_s,
  1 as customer_messages_to_resolution,
  0 as re_explanations,
  0 as channel_switches,
  0.0 as effort_index,
  -- metrics v2 columns, not part of this construction
  'Tier 1' as owner_team,
  null::varchar as priority,
  null::varchar as customer_segment,
  null::varchar as customer_account,
  null::varchar[] as tags,
  null::varchar as sla_policy,
  null::boolean as sla_first_response_met,
  null::integer as sla_next_response_turns,
  null::integer as sla_next_response_breaches,
  null::boolean as sla_resolution_met,
  null::boolean as sla_breached,
  null::double as business_reply_time_s,
  null::double as business_first_resolution_s,
  null::double as business_full_resolution_s,
  null::double as agent_work_s,
  null::double as customer_wait_s,
  null::double as pending_s
from r`;

let db: Warehouse;
beforeAll(async () => {
  db = await openWarehouse(':memory:');
  await db.run(CONSTRUCTED);
  // the summary reads each conversation's cost beside its metrics (models/marts/conversation_costs.sql): none configured here
  await db.run(
    "create table conversation_costs as select source, conversation_id, 'people' as resolution_type, resolved as resolved_for_cost, null::double as cost from conversation_metrics",
  );
  // the summary sums its counts from the per-day mart, built first as a build does
  await db.run(metricDailyMartSql());
  await db.run(metricSummaryMartSql());
});
afterAll(() => db.close());

describe('findNotableChanges on constructed numbers', () => {
  it('finds the FCR fall, attributes it to billing (not to a channel), and finds the billing spike day', async () => {
    const { compared, changes } = await findNotableChanges(db, '2025-10');
    expect(compared).toBe(true);
    expect(changes).toHaveLength(1);
    const [fcr] = changes;
    expect(fcr).toMatchObject({ column: 'fcr_rate', better: false, driver: { dimension: 'intent', value: 'billing', kind: 'contribution' } });
    expect(fcr!.delta).toBeCloseTo(-0.15, 9);
    expect(fcr!.driver!.amount).toBeCloseTo(-0.15, 9);
    expect(fcr!.spike).toEqual({ day: '2025-10-12', count: 60, ratio: 6 });
    expect(fcr!.sentence).toBe(
      'FCR rate fell 15.0 points to 65.0% (from 80.0%), most of it in billing conversations (−15.0 pts), which peaked on 12 October (60 conversations, 6.0× a usual day).',
    );
  });

  it('the parts of a rate move add up to the move', async () => {
    const rows = await db.all<{ amount: number }>((await import('./notable-changes-sql.js')).driverSql('fcr_rate', 'channel')!.sql, ['2025-10', '2025-09']);
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBeCloseTo(-0.15, 9);
    expect(rows.map((r) => r.amount)).toEqual([expect.closeTo(-0.075, 9), expect.closeTo(-0.075, 9)]);
  });

  it('says nothing was compared when the month before has no data', async () => {
    expect(await findNotableChanges(db, '2025-09')).toEqual({ compared: false, changes: [] });
  });
});
