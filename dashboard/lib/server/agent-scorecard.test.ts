/**
 * The scorecard's figures credited by reply (spec/metrics.md v2 "Reply-level
 * mart"): after a hand-over each agent answers for the replies they wrote,
 * and the team column counts the replies written while the team was in force.
 * Expected values are worked out from the timestamps below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingReads, testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { agent, assign, conversation, customer, on } from '../../../testing/fixtures.js';
import { listAgents, loadAgentOperations } from './agent-scorecard.js';

const tue = on('2026-10-06');
const f = { from: '2026-10-01', to: '2026-10-31' };
const ten = (make: (i: number) => ReturnType<typeof conversation>) => Array.from({ length: 10 }, (_, i) => make(i));

let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({
    build: { sla_policies: [{ name: 'all', targets: { first_response: '5m', next_response: '5m' } }] },
    records: [
      // a1 answers in 2m, hands over to a2 (the team stays T1), a2 answers the next turn in 10m (> 5m: breached)
      ...ten((i) =>
        conversation(`handed-over-${i}`, [
          assign(tue('09:00'), { agent_id: 'a1', team: 'T1' }),
          customer(tue('09:00')),
          agent(tue('09:02'), 'a1'),
          assign(tue('09:05'), { agent_id: 'a2' }),
          customer(tue('09:10')),
          agent(tue('09:20'), 'a2'),
        ]),
      ),
      // a1 answers in 2m, then the next turn in 3m (met); tagged vip
      ...ten((i) =>
        conversation(
          `own-${i}`,
          [assign(tue('09:00'), { agent_id: 'a1', team: 'T1' }), customer(tue('09:00')), agent(tue('09:02'), 'a1'), customer(tue('09:10')), agent(tue('09:13'), 'a1')],
          { tags: ['vip'] },
        ),
      ),
    ],
  });
});
afterAll(() => w.close());

const credited = async (agentId: string) => {
  const ops = await loadAgentOperations(w.db, { agentId, name: null, team: 'T1', active: null }, f);
  return ops.rows.filter((r) => r.label.includes('own replies')).map((r) => [r.label, r.agent, r.team]);
};

describe("the scorecard's figures credited by reply", () => {
  it("credit each reply to the agent who wrote it, and the team with every reply in the team's time", async () => {
    // a1: 20 replies of 2m and 10 of 3m: median 2m, p90 3m; next response: 10 turns, all met
    // team T1: those 30 and a2's 10 of 10m: median (2m + 3m) / 2 = 2m 30s, p90 10m; next response 10 of 20 met
    expect(await credited('a1')).toEqual([
      ['Reply time, own replies (median)', '2m 00s', '2m 30s'],
      ['Reply time, own replies (p90)', '3m 00s', '10m 00s'],
      ['Next response within SLA, own replies', '100.0%', '50.0%'],
    ]);
    // a2 owns the hand-overs but wrote only the 10 late replies
    expect((await credited('a2')).map((r) => r[1])).toEqual(['10m 00s', '10m 00s', '0.0%']);
  });

  it('narrows the agent and the team alike by the filters (a tag here)', async () => {
    const ops = await loadAgentOperations(w.db, { agentId: 'a1', name: null, team: 'T1', active: null }, { ...f, tag: 'vip' });
    const rows = Object.fromEntries(ops.rows.map((r) => [r.label, [r.agent, r.team]]));
    // only the ten own-* conversations carry the tag: a1 owns them all, and they are the team's only ones
    expect(rows['Conversations owned']).toEqual(['10', '10']);
    // their 20 replies: ten of 2m and ten of 3m, for a1 and the team alike; a2's late replies are out
    expect(rows['Reply time, own replies (median)']).toEqual(['2m 30s', '2m 30s']);
    expect(rows['Reply time, own replies (p90)']).toEqual(['3m 00s', '3m 00s']);
    expect(rows['Next response within SLA, own replies']).toEqual(['100.0%', '100.0%']);
    expect(ops.conversationsHref).toBe('/conversations?from=2026-10-01&to=2026-10-31&agent=a1&tag=vip');
    // without the tag the team has all 20
    const all = await loadAgentOperations(w.db, { agentId: 'a1', name: null, team: 'T1', active: null }, f);
    expect(all.rows.find((r) => r.label === 'Conversations owned')).toMatchObject({ agent: '10', team: '20' });
  });

  it('reads the reply figures of a date range from the per-day rollup, the agent and the team in one query', async () => {
    const seen: string[] = [];
    const a1 = { agentId: 'a1', name: null, team: 'T1', active: null };
    const range = { from: '2026-10-02', to: '2026-10-30' };
    const ops = await loadAgentOperations(recordingReads(w.db, seen), a1, range);
    expect(seen.filter((sql) => sql.includes('reply_daily'))).toHaveLength(1);
    expect(seen.filter((sql) => sql.includes('reply_metrics'))).toEqual([]);
    expect(ops.rows.filter((r) => r.label.includes('own replies')).map((r) => [r.agent, r.team])).toEqual([
      ['2m 00s', '2m 30s'],
      ['3m 00s', '10m 00s'],
      ['100.0%', '50.0%'],
    ]);
    // a channel is the rollup's too; another channel has none of these replies
    seen.length = 0;
    const email = await loadAgentOperations(recordingReads(w.db, seen), a1, { ...range, channel: 'email' });
    expect(seen.filter((sql) => sql.includes('reply_metrics'))).toEqual([]);
    expect(email.rows.filter((r) => r.label.includes('own replies')).map((r) => r.agent)).toEqual(['–', '–', '–']);
  });

  it('has the same reply figures over the replies when the rollup is missing (a warehouse built before it)', async () => {
    const a1 = { agentId: 'a1', name: null, team: 'T1', active: null };
    const range = { from: '2026-10-03', to: '2026-10-29' };
    const rolled = await loadAgentOperations(w.db, a1, range);
    await w.db.run('drop table reply_daily');
    const seen: string[] = [];
    const direct = await loadAgentOperations(recordingReads(w.db, seen), a1, range);
    expect(seen.filter((sql) => sql.includes('reply_metrics')).length).toBe(2);
    expect(direct).toEqual(rolled);
  });
});

describe('the agents index', () => {
  let r: TestWarehouse;
  beforeAll(async () => {
    r = await testWarehouse({
      records: [
        // a1 (roster: Ana, Billing) owns three conversations over two days, a2 (Ben, Tech) one, a9 (not in the roster, team Support) two
        ...['c1', 'c2'].map((id) => conversation(id, [assign(tue('09:00'), { agent_id: 'a1' }), customer(tue('09:00')), agent(tue('09:05'), 'a1')])),
        conversation('c3', [assign(on('2026-10-08')('09:00'), { agent_id: 'a1' }), customer(on('2026-10-08')('09:00')), agent(on('2026-10-08')('09:05'), 'a1')]),
        conversation('c4', [assign(tue('10:00'), { agent_id: 'a2' }), customer(tue('10:00')), agent(tue('10:05'), 'a2')], { channel: 'email' }),
        ...['c5', 'c6'].map((id) => conversation(id, [assign(tue('11:00'), { agent_id: 'a9', team: 'Support' }), customer(tue('11:00')), agent(tue('11:05'), 'a9')])),
      ],
      agents: [
        { id: 'a1', name: 'Ana', team: 'Billing' },
        { id: 'a2', name: 'Ben', team: 'Tech' },
      ],
      build: true,
    });
  });
  afterAll(() => r.close());

  it('counts each agent from the per-day mart as the conversations count them, and falls back to them for an agent without a roster team', async () => {
    const expected = [
      { agent_id: 'a1', name: 'Ana', team: 'Billing', conversations: 3 },
      { agent_id: 'a9', name: null, team: 'Support', conversations: 2 },
      { agent_id: 'a2', name: 'Ben', team: 'Tech', conversations: 1 },
    ];
    // a9 has no roster team: the index counts the conversations (the team is theirs)
    const seen: string[] = [];
    expect(await listAgents(recordingReads(r.db, seen), f)).toEqual(expected);
    expect(seen.some((sql) => sql.includes('from conversation_metrics cm'))).toBe(true);
    // without a9's conversations, every agent's team is the roster's: the index is the per-day mart's alone
    await r.db.run("delete from conversation_metrics where owner_agent = 'a9'; delete from metric_daily where owner_agent = 'a9'");
    const daily: string[] = [];
    const fromDaily = await listAgents(recordingReads(r.db, daily), f);
    expect(fromDaily).toEqual(expected.filter((a) => a.agent_id !== 'a9'));
    expect(daily.some((sql) => sql.includes('metric_daily')) && !daily.some((sql) => sql.includes('from conversation_metrics'))).toBe(true);
    // one day of the range, and a filter the mart does not keep: the conversations count them, with the same figures
    expect(await listAgents(r.db, { from: '2026-10-08', to: '2026-10-08' })).toEqual([{ agent_id: 'a1', name: 'Ana', team: 'Billing', conversations: 1 }]);
    expect(await listAgents(r.db, { ...f, channel: 'email' })).toEqual([{ agent_id: 'a2', name: 'Ben', team: 'Tech', conversations: 1 }]);
  });
});
