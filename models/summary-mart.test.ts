/**
 * The `metric_summary` mart (summary.ts: exact fields summed from metric_daily's rows or per-group
 * parts, the others and the quantiles from scans of the conversations) holds,
 * for each of its groupings, exactly the rows that summarySql computes over
 * conversation_metrics directly: on a generated warehouse with costs and SLA
 * policies, and on an empty one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { metricSummaryInsertSql, SUMMARY_GROUPINGS, summaryAggregates, summarySql } from './summary.js';

const build = {
  timezone: 'Europe/Berlin',
  costs: { agent_cost_per_hour: 60, platform_fees_per_month: 210, cost_per_automated_conversation: 0.5, channels: { whatsapp: { platform_fees_per_month: 22 } } },
  sla_policies: [
    { name: 'chat', when: { channel: ['webchat', 'whatsapp'] }, targets: { first_response: '2m', next_response: '5m', resolution: '4h' } },
    { name: 'standard', targets: { first_response: '15m', next_response: '30m', resolution: '2d' } },
  ],
};

const FIELDS = summaryAggregates().map((a) => a.slice(a.lastIndexOf(' as ') + 4));

/** Rows as sorted JSON, numbers that are not whole at 12 significant digits (the mart's integer means divide in another precision). */
const canonical = (rows: Record<string, unknown>[], keys: readonly string[]) =>
  rows
    .map((r) =>
      JSON.stringify(Object.fromEntries([...keys, ...FIELDS].map((k) => [k, r[k]])), (_, v: unknown) =>
        typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v,
      ),
    )
    .sort();

async function martRows(w: TestWarehouse, grouping: readonly string[]) {
  return w.db.all<Record<string, unknown>>('select * from metric_summary where grouping = $1', [grouping.join(',')]);
}

describe('metric_summary on a generated warehouse', () => {
  let w: TestWarehouse;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-summary-mart-'));
    await generateDemo({ conversations: 1500, seed: 5, end: new Date('2026-11-01T00:00:00Z'), months: 3, outDir: dir });
    w = await testWarehouse({ files: [path.join(dir, 'conversations.jsonl')], build });
  });
  afterAll(() => {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(SUMMARY_GROUPINGS.map((g) => [g.join(',') || '(everything)', g] as const))('holds the rows of summarySql grouped by %s', async (_, grouping) => {
    const direct = await w.db.all<Record<string, unknown>>(summarySql(grouping));
    const mart = await martRows(w, grouping);
    expect(mart.length).toBeGreaterThan(0);
    expect(canonical(mart, grouping)).toEqual(canonical(direct, grouping));
  });

  it('has groups of at least 10 with every kind of field, costs among them', async () => {
    const [all] = await martRows(w, []);
    for (const f of [
      'conversations',
      'fcr_rate',
      'first_response_s_median',
      'first_response_s_mean',
      'reopens_mean',
      'csat_score_mean',
      'sla_next_response_rate',
      'cost_per_resolution',
    ]) {
      expect(all![f], f).not.toBeNull();
    }
  });

  it('recomputes the rows of some months alone as the full build made them (an incremental build)', async () => {
    const months = "month in ('2026-09', '2026-10')";
    const byMonth = SUMMARY_GROUPINGS.filter((g) => g.includes('month'));
    const before = await w.db.all<Record<string, unknown>>('select * from metric_summary');
    await w.db.run(`delete from metric_summary where grouping in (${byMonth.map((g) => `'${g.join(',')}'`).join(', ')}) and ${months}`);
    await w.db.run(metricSummaryInsertSql(byMonth, months));
    const keys = ['grouping', 'month', 'channel', 'intent', 'team', 'agent', 'resolution_type', 'sla_policy'];
    expect(canonical(await w.db.all('select * from metric_summary'), keys)).toEqual(canonical(before, keys));
  });

  it('holds the rows of summarySql for groupings by tag, a row per conversation and tag', async () => {
    const tagged: ('tag' | 'month')[][] = [['tag'], ['month', 'tag']];
    await w.db.run(metricSummaryInsertSql(tagged));
    try {
      for (const g of tagged) {
        const mart = await martRows(w, g);
        expect(mart.filter((r) => r['tag'] !== null).length, g.join(',')).toBeGreaterThan(1);
        expect(canonical(mart, g)).toEqual(canonical(await w.db.all(summarySql(g)), g));
      }
    } finally {
      await w.db.run("delete from metric_summary where grouping in ('tag', 'month,tag')");
    }
  });
});

describe('metric_summary on an empty warehouse', () => {
  it('has one row for everything, counting 0 conversations, as summarySql does', async () => {
    const w = await testWarehouse({ build: true });
    try {
      const rows = await w.db.all<Record<string, unknown>>('select * from metric_summary');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ grouping: '', conversations: 0, resolved_conversations: 0, fcr_rate_base: 0, sla_next_response_turns: 0, fcr_rate: null });
      expect(canonical(rows, [])).toEqual(canonical(await w.db.all(summarySql([])), []));
    } finally {
      w.close();
    }
  });
});
