/**
 * The per-day reply rollup (reply_daily, models/reply-daily.ts) against the
 * reply summary over reply_metrics joined to the conversations (summary.ts
 * replySummarySql), the direct computation: the same figures, to the last
 * bit, for ranges that cut the days, for agents, teams and channels, with
 * transfers between agents and teams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, assign, conversation, customer, note } from '../testing/fixtures.js';
import { replyDailySql, REPLY_DAILY_FIELDS, type ReplyDailyGroup } from './reply-daily.js';
import { replySummarySql } from './summary.js';

/** A small deterministic generator (no Math.random: the same conversations on every run). */
const random = (seed: number) => () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;

const AGENTS = [
  ['a1', 'T1'],
  ['a2', 'T1'],
  ['a3', 'T2'],
  ['a4', 'T2'],
] as const;

let w: TestWarehouse;
beforeAll(async () => {
  const next = random(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const at = (base: number, s: number) => new Date(base + s * 1000).toISOString().replace('.000Z', 'Z');
  const records = Array.from({ length: 160 }, (_, i) => {
    // created from 1 to 20 October, at any time of day (some just before midnight UTC)
    const base = Date.parse('2026-10-01T00:00:00Z') + Math.floor(next() * 20 * 86_400) * 1000;
    let t = 0;
    let [owner, team] = pick(AGENTS);
    const items = [assign(at(base, t), { agent_id: owner, team }), customer(at(base, t))];
    const turns = 1 + Math.floor(next() * 4);
    for (let k = 0; k < turns; k++) {
      if (k > 0) items.push(customer(at(base, (t += 60 + Math.floor(next() * 900)))));
      // a transfer to another agent (and maybe another team) before some replies
      if (next() < 0.25) {
        [owner, team] = pick(AGENTS);
        items.push(assign(at(base, (t += 30)), { agent_id: owner, team }));
      }
      if (next() < 0.2) items.push(note(at(base, (t += 10)), owner));
      // most turns answered, after 20 s to 3 h; the last may wait
      if (k < turns - 1 || next() < 0.85) items.push(agent(at(base, (t += 20 + Math.floor(next() * 10_800))), owner));
    }
    return conversation(`c${i}`, items, { channel: pick(['email', 'webchat', 'whatsapp']) });
  });
  w = await testWarehouse({ build: { sla_policies: [{ name: 'all', targets: { first_response: '10m', next_response: '15m' } }] }, records });
});
afterAll(() => w.close());

const fields = [...REPLY_DAILY_FIELDS];

/** The direct computation: reply_metrics joined to conversation_metrics over the range, the group and the channel. */
async function direct(from: string, to: string, g: ReplyDailyGroup, channel?: string) {
  const where = [`c.created_at >= $1::date and c.created_at < $2::date + 1`, `r.${g.column} = $3`, ...(channel ? ['c.channel = $4'] : [])].join(' and ');
  const [row] = await w.db.all(replySummarySql([], where, fields), [from, to, g.value, ...(channel ? [channel] : [])]);
  return { as: g.as, ...row } as Record<string, unknown>;
}

describe('reply_daily', () => {
  it('has the figures of the replies themselves, for any range, agent, team and channel', async () => {
    const groups: ReplyDailyGroup[] = [
      ...AGENTS.map(([a]) => ({ as: a, column: 'reply_agent' as const, value: a })),
      { as: 'T1', column: 'reply_team', value: 'T1' },
      { as: 'T2', column: 'reply_team', value: 'T2' },
    ];
    let compared = 0;
    for (const [from, to] of [
      ['2026-10-01', '2026-10-31'],
      ['2026-10-04', '2026-10-12'],
      ['2026-10-09', '2026-10-09'],
      ['2026-10-15', '2026-10-14'],
    ] as const) {
      for (const channel of [undefined, 'email', 'whatsapp']) {
        const q = replyDailySql({ from, to, groups, fields, ...(channel ? { channel } : {}) });
        const rolled = await w.db.all(q.sql, q.params);
        const expected = await Promise.all(groups.map((g) => direct(from, to, g, channel)));
        expect(rolled).toEqual(expected);
        compared += expected.filter((e) => e['reply_time_s_median'] !== null).length;
      }
    }
    // the comparison is of figures, not of empty groups
    expect(compared).toBeGreaterThan(20);
    const [whole] = await w.db.all(replyDailySql({ from: '2026-10-01', to: '2026-10-31', groups: [groups[4]!], fields }).sql, ['2026-10-01', '2026-10-31', 'T1', 'T1']);
    expect(whole).toMatchObject({ as: 'T1' });
    expect(whole!['sla_next_response_rate']).toBeGreaterThan(0);
    expect(whole!['sla_next_response_rate']).toBeLessThan(1);
  });

  it('answers a group alone, a field alone, and no group', async () => {
    const g: ReplyDailyGroup = { as: 'x', column: 'reply_agent', value: 'a2' };
    const d = await direct('2026-10-01', '2026-10-31', g);
    for (const only of fields) {
      const q = replyDailySql({ from: '2026-10-01', to: '2026-10-31', groups: [g], fields: [only] });
      expect(await w.db.all(q.sql, q.params)).toEqual([{ as: 'x', [only]: d[only] }]);
    }
    const none = replyDailySql({ from: '2026-10-01', to: '2026-10-31', groups: [], fields });
    expect(await w.db.all(none.sql, none.params)).toEqual([]);
  });
});
