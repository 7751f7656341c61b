import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, assign, conversation, csat, customer, on, status } from '../testing/fixtures.js';
import { defaultKind, loadFiles } from '../ingest/load.js';
import { buildWarehouse } from './incremental.js';
import { parseConfig } from './config.js';
import { TEST_NOW } from '../testing/clock.js';

const jun1 = on('2026-06-01');
const aug10 = on('2026-08-10');
const oct1 = on('2026-10-01');

const records = [
  // r1 (u1): fcr, satisfied (5 of 5), resolved 1 June 09:30; u1 churns 1 August, within 90 days (to 30 August)
  conversation('r1', [customer(jun1('09:00')), agent(jun1('09:10')), status(jun1('09:30'), 'resolved'), csat(jun1('09:40'), 5)], { customer: 'u1' }),
  // r2 (u2): fcr, satisfied; u2 renews and expands, never churns
  conversation('r2', [customer(jun1('09:00')), agent(jun1('09:10')), status(jun1('09:30'), 'resolved'), csat(jun1('09:40'), 4)], { customer: 'u2' }),
  // r3 (u3): reopened, so not fcr; dissatisfied (1 of 5); effort 100(1 − e^(−3/8)) = 31.3, medium; u3 churns on 1 October, after the 90 days
  conversation(
    'r3',
    [
      customer(jun1('09:00')),
      agent(jun1('09:10')),
      status(jun1('09:30'), 'resolved'),
      customer(jun1('10:00')),
      agent(jun1('10:10')),
      status(jun1('10:30'), 'resolved'),
      csat(jun1('10:40'), 1),
    ],
    { customer: 'u3' },
  ),
  // r4 (u4): transferred, so not fcr; no survey; effort 100(1 − e^(−2/8)) = 22.1, medium; u4 churns 15 July
  conversation(
    'r4',
    [
      assign(jun1('09:00'), { agent_id: 'a1' }),
      customer(jun1('09:00')),
      agent(jun1('09:10')),
      assign(jun1('09:20'), { agent_id: 'a2' }),
      agent(jun1('09:30'), 'a2'),
      status(jun1('10:00'), 'resolved'),
    ],
    { customer: 'u4' },
  ),
  // r5 (u1 again): fcr, no survey, resolved 10 August: u1's churn on 1 August came before it
  conversation('r5', [customer(aug10('09:00')), agent(aug10('09:10')), status(aug10('09:30'), 'resolved')], { customer: 'u1' }),
  // r6 (u5): resolved 1 October; its 90 days reach past the outcomes' horizon (20 November), so it is left out
  conversation('r6', [customer(oct1('09:00')), agent(oct1('09:10')), status(oct1('09:30'), 'resolved')], { customer: 'u5' }),
];

const outcomeLines = [
  '{"customer_id":"u1","event":"churned","at":"2026-08-01T00:00:00Z"}',
  '{"customer_id":"u2","event":"renewed","at":"2026-07-01T00:00:00Z"}',
  '{"customer_id":"u3","event":"churned","at":"2026-10-01T00:00:00Z"}',
  '{"customer_id":"u4","event":"churned","at":"2026-07-15T00:00:00+00:00"}',
  '{"customer_id":"u2","event":"expanded","at":"2026-11-20T00:00:00Z"}',
  '{"customer_id":"u9","event":"cancelled","at":"2026-11-01T00:00:00Z"}',
  '{"customer_id":"u1","event":"churned","at":"2026-08-01T00:00:00Z"}',
  '{"customer_id":"","event":"churned","at":"2026-11-01T00:00:00Z"}',
  '{"customer_id":"u7","event":"renewed","at":"2027-06-01T00:00:00Z"}',
  '{"customer_id":"u8","event":"renewed"',
];

let w: TestWarehouse;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-outcomes-'));
  const file = path.join(dir, 'outcomes.jsonl');
  writeFileSync(file, outcomeLines.join('\n') + '\n');
  w = await testWarehouse({ records, files: [file], build: true });
});
afterAll(() => {
  w.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('outcomes.jsonl', () => {
  it('is told by its name', () => {
    expect(defaultKind('exports/outcomes.jsonl')).toBe('outcomes');
    expect(defaultKind('customer-outcomes-2026-11.jsonl.gz')).toBe('outcomes');
    expect(defaultKind('conversations.jsonl')).toBe('conversation');
  });

  it('loads valid outcomes once each and quarantines the bad records with the reason', async () => {
    const file = w.load.perFile.find((f) => f.file.endsWith('outcomes.jsonl'))!;
    expect({ read: file.read, loaded: file.loaded, quarantined: file.quarantined, format: file.format }).toEqual({ read: 10, loaded: 6, quarantined: 4, format: 'outcomes' });
    const q = (await w.quarantine()).filter((r) => r.file.endsWith('outcomes.jsonl'));
    expect(q.map((r) => [r.line, r.reason])).toEqual([
      [6, 'event: "cancelled" is not an outcome: use one of churned, renewed, expanded'],
      [8, "customer_id: is empty (the customer's id, as in the conversations' customer.id)"],
      [9, 'at: 2027-06-01T00:00:00Z is more than a day after the load: a clock or time-zone error'],
      [10, expect.stringMatching(/^not valid JSON/)],
    ]);
    // line 7 repeats line 1: one outcome
    expect(await w.db.all("select customer_id, event, strftime(occurred_at, '%Y-%m-%d') as day from raw_customer_outcomes order by occurred_at, customer_id")).toEqual([
      { customer_id: 'u2', event: 'renewed', day: '2026-07-01' },
      { customer_id: 'u4', event: 'churned', day: '2026-07-15' },
      { customer_id: 'u1', event: 'churned', day: '2026-08-01' },
      { customer_id: 'u3', event: 'churned', day: '2026-10-01' },
      { customer_id: 'u2', event: 'expanded', day: '2026-11-20' },
    ]);
  });
});

describe('churn within 90 days after a resolved conversation', () => {
  const rows = async () =>
    (
      await w.db.all<{ grouping: string; band: string; conversations: number; churned: number; churn_rate_90d: number; ci_low: number; ci_high: number }>(
        'select * from retention_outcomes',
      )
    ).map((r) => [r.grouping, r.band, r.conversations, r.churned, round(r.churn_rate_90d), round(r.ci_low), round(r.ci_high)]);
  const round = (x: number) => Math.round(x * 1e4) / 1e4;

  it('counts each resolved conversation whose 90 days are closed, by FCR, CSAT band and effort band, with 95 % Wilson intervals', async () => {
    // r1–r5 count (r6's window is open); r1 and r4 churned.
    // Wilson 95 %: 2/5 → [0.1176, 0.7693]; 1/3 → [0.0615, 0.7923]; 1/2 → [0.0945, 0.9055]; 0/1 → [0, 0.7935]
    expect(await rows()).toEqual([
      ['all', 'all', 5, 2, 0.4, 0.1176, 0.7693],
      ['csat_band', 'dissatisfied', 1, 0, 0, 0, 0.7935],
      ['csat_band', 'no answer', 2, 1, 0.5, 0.0945, 0.9055],
      ['csat_band', 'satisfied', 2, 1, 0.5, 0.0945, 0.9055],
      ['effort_band', 'low', 3, 1, 0.3333, 0.0615, 0.7923],
      ['effort_band', 'medium', 2, 1, 0.5, 0.0945, 0.9055],
      ['fcr', 'fcr', 3, 1, 0.3333, 0.0615, 0.7923],
      ['fcr', 'not fcr', 2, 1, 0.5, 0.0945, 0.9055],
      // built without sla_policies: no conversation has an SLA
      ['sla', 'no sla', 5, 2, 0.4, 0.1176, 0.7693],
    ]);
  });

  it('follows outcomes loaded after a build: the next (incremental) build recomputes it', async () => {
    const later = await testWarehouse({ records, build: true });
    try {
      const file = path.join(dir, 'outcomes-later.jsonl');
      writeFileSync(file, outcomeLines.slice(0, 5).join('\n') + '\n');
      await loadFiles(later.db, [{ file }], { now: TEST_NOW });
      const result = await buildWarehouse(later.db, parseConfig({}), { now: TEST_NOW });
      expect(result.kind).toBe('incremental');
      expect(await later.db.one('select conversations, churned from retention_outcomes where "grouping" = \'all\'')).toEqual({ conversations: 5, churned: 2 });
    } finally {
      later.close();
    }
  });

  it('is empty without outcomes', async () => {
    const plain = await testWarehouse({ records, build: true });
    try {
      expect(await plain.db.all('select * from retention_outcomes')).toEqual([]);
    } finally {
      plain.close();
    }
  });
});
