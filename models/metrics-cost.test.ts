import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, bot, conversation, customer, horizon, on, status } from '../testing/fixtures.js';
import { parseConfig } from './config.js';

const oct6 = on('2026-10-06');
const oct9 = on('2026-10-09');

// October: 10 webchat conversations handled by people, 11 whatsapp ones by the bot alone.
const records = [
  // a1 owns c1 and c2 (the workload test's case): active 09:05–10:00 with level 1 for 25 min,
  // 2 for 10 min (09:30–09:40), 1 for 20 min → c1 gets 25 + 10/2 = 30 min, c2 10/2 + 20 = 25 min
  conversation('c1', [customer(oct6('09:00')), agent(oct6('09:05')), customer(oct6('09:20')), agent(oct6('09:25')), status(oct6('09:40'), 'resolved')]),
  conversation('c2', [customer(oct6('09:30')), agent(oct6('09:30')), status(oct6('10:00'), 'resolved')]),
  // p1–p8: a3 alone, open from the reply at 14:00 to the resolution at 14:20 → 20 min each
  ...[10, 11, 12, 13, 14, 15, 16, 17].map((d, i) => {
    const day = on(`2026-10-${d}`);
    return conversation(`p${i + 1}`, [customer(day('14:00')), agent(day('14:00'), 'a3'), status(day('14:20'), 'resolved')]);
  }),
  // b1–b10: contained by the bot
  ...Array.from({ length: 10 }, (_, i) => conversation(`b${i + 1}`, [customer(oct9('10:00')), bot(oct9('10:01')), status(oct9('10:05'), 'resolved')], { channel: 'whatsapp' })),
  // b11: the bot's resolution was reopened, so it is not contained: it costs and is no resolution
  conversation(
    'b11',
    [customer(oct9('10:00')), bot(oct9('10:01')), status(oct9('10:05'), 'resolved'), customer(oct9('10:30')), bot(oct9('10:31')), status(oct9('10:35'), 'resolved')],
    { channel: 'whatsapp' },
  ),
  // alone in November
  horizon('2026-11-20T00:00:00Z'),
];

const costs = {
  agent_cost_per_hour: 60,
  platform_fees_per_month: 210,
  cost_per_automated_conversation: 0.5,
  channels: { whatsapp: { platform_fees_per_month: 22, cost_per_automated_conversation: 0.8 } },
};

let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({ records, build: { costs } });
});
afterAll(() => w.close());

const cost = (id: string) =>
  w.db.one(
    'select resolution_type, resolved_for_cost, round(agent_minutes, 6) as agent_minutes, round(agent_cost, 6) as agent, round(automation_cost, 6) as automation, round(platform_cost, 6) as platform, round(cost, 6) as cost from conversation_costs where conversation_id = $1',
    [id],
  );
const round = (rows: Record<string, unknown>[], field: string) =>
  rows.map((r) => ({ ...r, [field]: typeof r[field] === 'number' ? Math.round((r[field] as number) * 1e6) / 1e6 : r[field] }));

describe('cost per conversation', () => {
  it('shares each agent minute among the conversations the agent had open and active in it', async () => {
    // platform: 210 over October's 21 conversations = 10 each; webchat has no fee of its own
    expect(await cost('c1')).toEqual({ resolution_type: 'people', resolved_for_cost: true, agent_minutes: 30, agent: 30, automation: 0, platform: 10, cost: 40 });
    expect(await cost('c2')).toEqual({ resolution_type: 'people', resolved_for_cost: true, agent_minutes: 25, agent: 25, automation: 0, platform: 10, cost: 35 });
    expect(await cost('p1')).toEqual({ resolution_type: 'people', resolved_for_cost: true, agent_minutes: 20, agent: 20, automation: 0, platform: 10, cost: 30 });
  });

  it('charges the channel its own automation rate and fees, and a reopened bot conversation is no resolution', async () => {
    // 0.8 whatsapp's rate; platform 10 + whatsapp's 22 over its 11 conversations = 12
    expect(await cost('b1')).toEqual({ resolution_type: 'bot', resolved_for_cost: true, agent_minutes: 0, agent: 0, automation: 0.8, platform: 12, cost: 12.8 });
    expect(await cost('b11')).toEqual({ resolution_type: 'bot', resolved_for_cost: false, agent_minutes: 0, agent: 0, automation: 0.8, platform: 12, cost: 12.8 });
    // November's only conversation carries November's fee
    expect((await cost('horizon'))?.['platform']).toBe(210);
  });

  it('adds up, per month, to the agents’ active hours at the rate plus the fees plus the automated conversations', async () => {
    const oct = await w.db.one<{ minutes: number; total: number }>(
      "select sum(agent_minutes) as minutes, round(sum(cost), 6) as total from conversation_costs join conversation_metrics using (source, conversation_id) where month = '2026-10'",
    );
    const active = await w.db.one<{ minutes: number }>("select sum(active_minutes)::double as minutes from agent_concurrency_daily where strftime(day, '%Y-%m') = '2026-10'");
    // 55 + 8 × 20 agent minutes; 215 × 1 + 11 × 0.8 + 210 + 22 = 455.8
    expect(oct).toEqual({ minutes: 215, total: 455.8 });
    expect(active?.minutes).toBe(215);
  });
});

describe('exact shares', () => {
  // a9 first works h alone for a week, replying every 20 minutes (10,080 active minutes), then owns
  // t1–t3 together for 10 minutes: a third of each of those minutes goes to each
  const week = Array.from({ length: 7 * 72 }, (_, i) => agent(new Date(Date.parse('2026-10-01T00:00:00Z') + i * 20 * 60_000).toISOString(), 'a9'));
  const shared = [
    conversation('h', [customer('2026-10-01T00:00:00Z'), ...week, status('2026-10-08T00:00:00Z', 'resolved')]),
    ...['t1', 't2', 't3'].map((id) => conversation(id, [customer(oct9('09:00')), agent(oct9('09:00'), 'a9'), status(oct9('09:10'), 'resolved')])),
    horizon('2026-11-20T00:00:00Z'),
  ];
  const minutes = async (t: TestWarehouse) => {
    const rows = await t.db.all<{ id: string; m: number }>('select conversation_id as id, active_minutes as m from conversation_costs where active_minutes > 0 order by 1');
    return Object.fromEntries(rows.map((r) => [r.id, r.m]));
  };

  it('are exact whatever the minutes the agent had before (not a difference of two long running sums)', async () => {
    const t = await testWarehouse({ records: shared, build: { costs } });
    try {
      // as running sums of DOUBLEs, t1's minutes were 10,083.33… − 10,080 = 3.3333333333339397
      expect(await minutes(t)).toEqual({ h: 10080, t1: 10 / 3, t2: 10 / 3, t3: 10 / 3 });
      const active = await t.db.one<{ m: number }>("select sum(active_minutes)::double as m from agent_concurrency_daily where agent_id = 'a9'");
      expect(active?.m).toBe(10090);
    } finally {
      t.close();
    }
  });

  it('are the same to the last bit when the conversations are loaded in another order', async () => {
    const [a, b] = [
      await testWarehouse({ records: [...records, ...shared.slice(0, -1)], build: { costs } }),
      await testWarehouse({ records: [...shared.slice(0, -1), ...records].reverse(), build: { costs } }),
    ];
    try {
      const m = await minutes(a);
      expect(m['t1']).toBe(10 / 3);
      expect(await minutes(b)).toEqual(m);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('cost_per_resolution', () => {
  it('is cost ÷ resolutions by month, channel and resolution type', async () => {
    // October: 455.8 over 10 people resolutions and 10 contained = 22.79
    const byMonth = round(await w.summary(['month']), 'cost_per_resolution');
    expect(byMonth.map((r) => [r['month'], r['cost_per_resolution'], r['cost_per_resolution_base']])).toEqual([
      ['2026-10', 22.79, 20],
      ['2026-11', null, 0],
    ]);
    // people: (40 + 35 + 8 × 30) ÷ 10 = 31.5; bot: 11 × 12.8 ÷ 10 contained = 14.08
    const byType = round(await w.summary(['month', 'channel', 'resolution_type']), 'cost_per_resolution');
    expect(byType.filter((r) => r['month'] === '2026-10').map((r) => [r['channel'], r['resolution_type'], r['cost_per_resolution'], r['cost_per_resolution_base']])).toEqual([
      ['webchat', 'people', 31.5, 10],
      ['whatsapp', 'bot', 14.08, 10],
    ]);
    const mart = await w.db.all(
      "select resolution_type, round(cost_per_resolution, 6) as c from metric_summary where grouping = 'month,resolution_type' and month = '2026-10' order by 1",
    );
    expect(mart).toEqual([
      { resolution_type: 'bot', c: 14.08 },
      { resolution_type: 'people', c: 31.5 },
    ]);
  });

  it('is null without a costs section', async () => {
    const plain = await testWarehouse({ records, build: true });
    try {
      const [all] = await plain.summary([]);
      expect(all?.['cost_per_resolution']).toBeNull();
      expect(all?.['cost_per_resolution_base']).toBe(20);
    } finally {
      plain.close();
    }
  });
});

describe('rostered hours', () => {
  it('count instead of active hours when agents.jsonl gives hours_per_week, shared by active minutes within the month', async () => {
    // a3 is rostered 7 h a week. October's days inside the data: 6 (first created_at) to 31 = 26 days,
    // so 7 × 26 / 7 = 26 h = 1560 min, over a3's 8 × 20 = 160 active minutes: each p gets 195 min = 195 at 60/h.
    // a1 has no hours: c1 and c2 keep their active minutes. a3 has no conversation in November: nothing is counted there.
    const rostered = await testWarehouse({
      records,
      agents: [
        { id: 'a3', name: 'Ada', hours_per_week: 7 },
        { id: 'a1', name: 'Bo' },
      ],
      build: { costs },
    });
    try {
      const row = (id: string) =>
        rostered.db.one(
          'select agent_hours_basis as basis, active_minutes as active, round(agent_minutes, 6) as minutes, round(cost, 6) as cost from conversation_costs where conversation_id = $1',
          [id],
        );
      expect(await row('p1')).toEqual({ basis: 'rostered', active: 20, minutes: 195, cost: 205 });
      expect(await row('c1')).toEqual({ basis: 'active', active: 30, minutes: 30, cost: 40 });
      expect(await row('b1')).toMatchObject({ basis: null, minutes: 0 });
      // people: (40 + 35 + 8 × 205) ÷ 10 = 171.5
      const byType = round(await rostered.summary(['month', 'resolution_type']), 'cost_per_resolution');
      expect(byType.filter((r) => r['month'] === '2026-10').map((r) => [r['resolution_type'], r['cost_per_resolution']])).toEqual([
        ['bot', 14.08],
        ['people', 171.5],
      ]);
    } finally {
      rostered.close();
    }
  });

  it('are a number from 0 to 168: another value is quarantined with the reason', async () => {
    const bad = await testWarehouse({
      agents: [
        { id: 'a1', hours_per_week: 200 },
        { id: 'a2', hours_per_week: 'full time' },
        { id: 'a3', hours_per_week: 37.5 },
      ],
    });
    try {
      expect((await bad.quarantine()).map((q) => [q.line, q.reason])).toEqual([
        [1, 'hours_per_week: must be from 0 to 168 hours a week'],
        [2, 'hours_per_week: must be a number of hours a week, such as 37.5'],
      ]);
      expect(await bad.db.all('select agent_id, hours_per_week from raw_agents')).toEqual([{ agent_id: 'a3', hours_per_week: 37.5 }]);
    } finally {
      bad.close();
    }
  });
});

describe('the costs section', () => {
  it('names the key and the fix for each problem', () => {
    expect(() => parseConfig({ costs: { agent_cost_per_hour: '38 EUR' } }, 'parley.config.yaml')).toThrow(
      'parley.config.yaml: costs.agent_cost_per_hour: agent_cost_per_hour is a number (an amount in your currency, no symbol)',
    );
    expect(() => parseConfig({ costs: { agent_cost_per_hour: 38, channels: { whatsapp: { platform_fees_per_month: -1 } } } })).toThrow(
      'configuration: costs.channels.whatsapp.platform_fees_per_month: platform_fees_per_month cannot be negative',
    );
    expect(() => parseConfig({ costs: { agent_cost_per_hour: 38, fees: 3 } })).toThrow('costs: "fees" is not a setting here');
    expect(() => parseConfig({ costs: { platform_fees_per_month: 3 } })).toThrow('costs.agent_cost_per_hour:');
    expect(parseConfig({ costs: { agent_cost_per_hour: 38 } }).costs).toEqual({
      agent_cost_per_hour: 38,
      platform_fees_per_month: 0,
      cost_per_automated_conversation: 0,
      channels: {},
    });
  });
});
