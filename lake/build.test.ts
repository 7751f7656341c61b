import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twcsAdapter } from '../ingest/adapters/twcs.js';
import { loadFiles } from '../ingest/load.js';
import { buildModels } from '../models/build.js';
import { parseConfig, type ConfigInput } from '../models/config.js';
import { saveReview } from '../scorecards/index.js';
import { TEST_NOW } from '../testing/clock.js';
import { sharedData } from '../testing/paths.js';
import { gradesFor, scorecardWarehouse } from '../testing/scorecards.js';
import type { TestWarehouse } from '../testing/warehouse.js';
import { buildFromLake, lakeTableSelect, openLake } from './build.js';
import { exportLake } from './export.js';
import { readManifest, type Manifest } from './manifest.js';
import { martNames } from './tables.js';

const CONFIG: ConfigInput = {
  sla_policies: [
    { name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '10m', next_response: '10m', resolution: '4h' } },
    { name: 'twitter', when: { source: 'twcs' }, hours: 'business', targets: { first_response: '1h' } },
  ],
};

describe('parley build --lake', () => {
  let w: TestWarehouse;
  let dir: string;
  let manifest: Manifest;
  beforeAll(async () => {
    // the scorecards' hand-written conversations of three agents (source canonical) with reviews,
    // and 5,000 real tweets (source twcs): every mart has rows, the QA marts too
    w = await scorecardWarehouse({ perAgent: 6 });
    const prepared = await twcsAdapter.prepare(w.db, [sharedData('twcs/twcs_head5000.csv')], {});
    try {
      await loadFiles(w.db, prepared.inputs, { now: TEST_NOW });
    } finally {
      await prepared.cleanup();
    }
    const items = await w.db.all<{ conversation_id: string }>("select conversation_id from conversation_metrics where source = 'canonical' order by 1 limit 3");
    for (const [i, c] of items.entries()) {
      await saveReview(
        w.db,
        { source: 'canonical', conversation_id: c.conversation_id, reviewer_id: `r${(i % 2) + 1}`, rubric_id: 'messaging_default', grades: gradesFor({ clarity: 2 + i }) },
        TEST_NOW,
      );
    }
    await buildModels(w.db, parseConfig(CONFIG), { now: TEST_NOW });
    dir = mkdtempSync(path.join(tmpdir(), 'parley-lake-build-'));
    // the raw layer and the QA tables only: the marts in the lake are the lake build's own
    await exportLake(w.db, dir, { layers: ['raw', 'inputs'], now: TEST_NOW });
    await buildFromLake(dir, parseConfig(CONFIG), { now: TEST_NOW });
    manifest = readManifest(dir)!;
  }, 180_000);
  afterAll(() => {
    w?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports the QA tables the models read beside the raw layer', () => {
    const inputs = Object.entries(manifest.tables)
      .filter(([, t]) => t.layer === 'inputs')
      .map(([name]) => name);
    expect(inputs).toEqual(['qa_audit', 'qa_calibration_sessions', 'qa_disputes', 'qa_review_criteria', 'qa_reviews']);
    expect(manifest.tables['qa_reviews']!.rows).toBe(3);
  });

  it('every mart built over the lake is the file warehouse’s, row for row', async () => {
    const marts = martNames();
    expect(marts).toContain('conversation_metrics');
    expect(marts).toContain('metric_summary');
    for (const mart of marts) {
      const table = manifest.tables[mart];
      expect(table, mart).toBeDefined();
      const lake = lakeTableSelect(dir, table!);
      const [{ n }] = (await w.db.all<{ n: number }>(`select count(*) as n from ${mart}`)) as [{ n: number }];
      expect(table!.rows, mart).toBe(n);
      // DOUBLEs to 9 decimals: DuckDB sums in parallel in no fixed order, so a mean can differ in its last bits between any
      // two builds; but conversation_costs adds up whole units (its minutes were differences of running sums): bit for bit
      const exact = mart === 'conversation_costs';
      const columns = table!.columns.map((c) => (c.type === 'DOUBLE' && !exact ? `round("${c.name}", 9) as "${c.name}"` : `"${c.name}"`)).join(', ');
      const inWarehouse = `select ${columns} from ${mart}`;
      const inLake = `select ${columns} from (${lake})`;
      const onlyInWarehouse = await w.db.one<{ n: number }>(`select count(*) as n from (${inWarehouse} except all ${inLake})`);
      const onlyInLake = await w.db.one<{ n: number }>(`select count(*) as n from (${inLake} except all ${inWarehouse})`);
      expect([mart, onlyInWarehouse!.n, onlyInLake!.n]).toEqual([mart, 0, 0]);
    }
    // the comparison has something to compare: conversations of both sources, scored reviews
    expect(manifest.tables['conversation_metrics']!.partitions.map((p) => p.values['source'])).toEqual(expect.arrayContaining(['canonical', 'twcs']));
    expect(manifest.tables['qa_reviews_scored']!.rows).toBe(3);
    expect(manifest.tables['reply_metrics']!.rows).toBeGreaterThan(1000);
  });

  it('a second build over the same lake rewrites no mart', async () => {
    const again = await buildFromLake(dir, parseConfig(CONFIG), { now: TEST_NOW });
    expect(again.export.rewritten).toEqual([]);
  });

  it('reads only the files the manifest names: a stray file in a partition is ignored', async () => {
    const p = manifest.tables['raw_messages']!.partitions[0]!;
    const stray = path.join(dir, path.dirname(p.file), 'part_0.parquet.tmp');
    writeFileSync(stray, 'half a file');
    const lake = await openLake(dir, TEST_NOW);
    try {
      const row = await lake.one<{ n: number }>('select count(*) as n from raw_messages');
      const want = await w.db.one<{ n: number }>('select count(*) as n from raw_messages');
      expect(row!.n).toBe(want!.n);
    } finally {
      lake.close();
      rmSync(stray);
    }
  });

  it('a lake of another schema version is refused with the fix', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'parley-lake-old-'));
    try {
      writeFileSync(path.join(other, 'manifest.json'), JSON.stringify({ ...manifest, schema_version: 1 }));
      await expect(openLake(other, TEST_NOW)).rejects.toThrow(/schema version 1 .*export it again/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
