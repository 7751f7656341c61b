/**
 * The sampling SQL is generated; as Kysely does for its builders, the text
 * it produces is pinned here, then run in sampling.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { filterSql, parseSampleSpec, sampleSql } from './sampling-sql.js';

describe('sampleSql', () => {
  it('pins a per-agent, risk-weighted sample with a backup filter', () => {
    const spec = parseSampleSpec({
      name: 'October',
      cycle: '2026-10',
      seed: 42,
      rubric_id: 'messaging_default',
      method: 'risk',
      filter: { from: '2026-10-01', to: '2026-10-31', channels: ['webchat', 'whatsapp'], conditions: ['reopened', 'low_csat'], match: 'any' },
      backup: { from: '2026-10-01', to: '2026-10-31' },
      per_agent: 5,
      reviewers: ['ana'],
    });
    const { sql, params } = sampleSql(spec);
    expect(params).toEqual(['2026-10-01', '2026-10-31', '["webchat","whatsapp"]', '2026-10-01', '2026-10-31', '2026-10', '42', 5]);
    expect(sql).toMatchInlineSnapshot(`
      "with candidates as (
        select
          m.source,
          m.conversation_id,
          m.owner_agent as agent_id,
          1.0
            + 2 * (coalesce(m.reopens > 0, false))::integer
            + 1 * (coalesce(m.transfers > 0, false))::integer
            + 2 * (coalesce(m.escalations > 0, false))::integer
            + 3 * (coalesce(m.csat_score < 50, false))::integer
            + 1 * (coalesce(m.first_resolution_s > 86400, false))::integer
            + 2 * (coalesce(m.unanswered_turns > 0, false))::integer
            + 2 * (coalesce(a.autoqa_score < 60, false))::integer as risk_weight,
          m.created_at >= cast($1 as date)
            and m.created_at < cast($2 as date) + interval 1 day
            and list_contains(cast($3 as json)::varchar[], m.channel)
            and (coalesce(m.reopens > 0, false) or coalesce(m.csat_score < 50, false)) as in_main,
          m.created_at >= cast($4 as date)
            and m.created_at < cast($5 as date) + interval 1 day as in_backup
        from conversation_metrics as m
        left join qa_autoqa as a
          on a.source = m.source
          and a.conversation_id = m.conversation_id
        -- a human-agent rubric grades what a person wrote; a bot rubric what the bot did
        where m.human_replies > 0
          and m.owner_agent is not null
      ),

      -- never the same conversation twice in one cycle
      fresh as (
        select *
        from candidates as c
        where (c.in_main or c.in_backup)
          and not exists (
            select 1
            from qa_sample_items as i
            join qa_samples as s on s.sample_id = i.sample_id
            where s.cycle = $6
              and i.source = c.source
              and i.conversation_id = c.conversation_id
          )
      ),

      -- u: a number in (0, 1) fixed by the seed and the conversation
      keyed as (
        select
          *,
          (('0x' || substr(md5($7 || '|' || source || '|' || conversation_id), 1, 13))::ubigint + 0.5) / 4503599627370496.0 as u
        from fresh
      ),

      ranked as (
        select
          *,
          case when in_main then 1 else 2 end as tier,
          row_number() over (partition by agent_id order by case when in_main then 1 else 2 end, -ln(u) / risk_weight, source, conversation_id) as pick
        from keyed
      )

      select
        source,
        conversation_id,
        agent_id,
        tier,
        risk_weight
      from ranked
      where pick <= $8
      order by agent_id nulls last, pick"
    `);
  });

  it('pins a plain random sample of a fixed size', () => {
    const { sql, params } = sampleSql(parseSampleSpec({ name: 'n', cycle: 'w45', seed: 'abc', rubric_id: 'r', size: 20, reviewers: ['x'] }));
    expect(params).toEqual(['w45', 'abc', 20]);
    expect(sql).toContain('row_number() over (order by case when in_main then 1 else 2 end, u, source, conversation_id) as pick');
    expect(sql).toContain('true as in_main');
    expect(sql).toContain('false as in_backup');
    expect(sql).not.toContain('where m.owner_agent is not null');
  });
});

describe('filterSql', () => {
  it('ands every condition by default, and each list is one parameter', () => {
    const params: unknown[] = [];
    const sql = filterSql({ teams: ['billing'], agents: ['a1', 'a2'], conditions: ['escalated', 'transferred', 'low_autoqa'], match: 'all' }, params);
    expect(sql).toBe(
      'list_contains(cast($1 as json)::varchar[], m.team)\n      and list_contains(cast($2 as json)::varchar[], m.owner_agent)\n' +
        '      and (coalesce(m.escalations > 0, false) and coalesce(m.transfers > 0, false) and coalesce(a.autoqa_score < 60, false))',
    );
    expect(params).toEqual(['["billing"]', '["a1","a2"]']);
  });
});

describe('sample specs', () => {
  it('name the field and the problem', () => {
    expect(() => parseSampleSpec({ name: 'x', cycle: 'c', seed: 1, rubric_id: 'r', reviewers: ['a'] })).toThrow(
      'sample spec per_agent: give per_agent (a quota per agent) or size (a total), one of the two',
    );
    expect(() => parseSampleSpec({ name: 'x', cycle: 'c', seed: 1, rubric_id: 'r', size: 3, reviewers: ['a'], filter: { conditions: ['angry'] } })).toThrow(
      /sample spec filter.conditions.0: must be one of reopened, transferred/,
    );
    expect(() => parseSampleSpec({ name: 'x', cycle: 'c', seed: 1, rubric_id: 'r', size: 3, reviewers: ['a'], filter: { from: '1 Oct' } })).toThrow(
      'sample spec filter.from: must be a date YYYY-MM-DD',
    );
  });
});
