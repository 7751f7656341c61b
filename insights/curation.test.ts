/**
 * Topic curation survives rebuilds: acts recorded on one build's topics are
 * applied by every later build before topics are named and ranked.
 *
 * The warehouse: 20 conversations about a refund for a returned jacket, 20
 * about a late parcel and a courier, 10 about opening hours; each complaint
 * is its own topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { parley } from '../testing/cli.js';
import { agent, conversation, customer, on } from '../testing/fixtures.js';
import { testWarehouse } from '../testing/warehouse.js';
import type { Warehouse } from '../warehouse/connection.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildInsights } from './build.js';
import { CurationError, recordCuration } from './curation.js';

let db: Warehouse;
let dir: string;
let file: string;
const build = () => buildInsights(db, { minDf: 2, minCount: 5, now: TEST_NOW });
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-curation-'));
  file = path.join(dir, 'w.duckdb');
  const records: object[] = [];
  const at = on('2026-10-10');
  for (let i = 0; i < 20; i++) {
    records.push(conversation(`r${i}`, [customer(at('10:00'), 'Where is my refund for the returned jacket?'), agent(at('10:05'))], { intent: 'refund' }));
    records.push(conversation(`p${i}`, [customer(at('10:00'), 'The parcel is late and the courier never came.'), agent(at('10:05'))], { intent: 'delivery_delay' }));
  }
  for (let i = 0; i < 10; i++)
    records.push(conversation(`q${i}`, [customer(at('10:00'), 'What are your opening hours on Sunday?'), agent(at('10:05'))], { intent: 'product_question' }));
  db = (await testWarehouse({ records, build: true, path: file })).db;
  await build();
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const topics = async () =>
  db.all<{ topic_id: number; topic_key: string; name: string; terms: string[]; labels: string[] }>(
    'select topic_id, topic_key, name, terms, labels from insight_topics order by topic_id',
  );
const holding = async (term: string) => (await topics()).find((t) => t.terms.includes(term));

describe('topic curation', () => {
  it('renames, pins a term, splits one off and hides a topic at the next build, and again at every build after it', async () => {
    const refund = (await holding('refund'))!;
    const parcel = (await holding('parcel'))!;
    const hours = (await holding('open'))!;
    expect(new Set([refund.topic_id, parcel.topic_id, hours.topic_id]).size).toBe(3);
    expect(parcel.terms).toContain('courier');

    await recordCuration(db, { action: 'rename', topic: refund.topic_id, name: 'Refund not received' }, 'product', TEST_NOW);
    await recordCuration(db, { action: 'pin', topic: parcel.topic_id, term: 'jacket' }, 'product', TEST_NOW);
    await recordCuration(db, { action: 'split', topic: parcel.topic_id, term: 'courier' }, 'product', TEST_NOW);
    await recordCuration(db, { action: 'hide', topic: hours.topic_id }, 'product', TEST_NOW);

    for (let rebuild = 0; rebuild < 2; rebuild++) {
      await build();
      const now = await topics();
      const r = (await holding('refund'))!;
      expect(r.name).toBe('Refund not received');
      expect(r.terms).not.toContain('jacket');
      const p = (await holding('parcel'))!;
      expect(p.terms).toContain('jacket');
      expect(p.terms).not.toContain('courier');
      expect(now.find((t) => t.topic_key === 'courier')).toMatchObject({ terms: ['courier'], labels: ['courier'], name: expect.stringMatching(/courier/) });
      expect(now.some((t) => t.terms.includes('open'))).toBe(false);
      expect(now.length).toBe(3);
      // the month's table holds the curated topics only
      const months = await db.all<{ topic_id: number }>('select distinct topic_id from insight_topic_months order by topic_id');
      expect(months.map((m) => m.topic_id)).toEqual(now.map((t) => t.topic_id));
    }
  });

  it('merges a topic into another from the command line, and refuses what cannot be done in one line', async () => {
    db.close();
    const courier = async () => {
      const w = (await testWarehouse({ path: file })).db;
      try {
        return await w.all<{ topic_id: number; topic_key: string; terms: string[] }>('select topic_id, topic_key, terms from insight_topics order by topic_id');
      } finally {
        w.close();
      }
    };
    const before = await courier();
    const c = before.find((t) => t.topic_key === 'courier')!;
    const p = before.find((t) => t.terms.includes('parcel'))!;
    const merged = await parley('insights', 'curate', '--topic', String(c.topic_id), '--merge-into', String(p.topic_id), '--by', 'product', '--db', file);
    expect(merged.code, merged.err).toBe(0);
    expect(merged.out).toMatch(/goes into/);
    const unknown = await parley('insights', 'curate', '--topic', '99', '--hide', '--db', file);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no topic 99 in the last insights build/);
    expect((await parley('insights', 'curate', '--topic', '1', '--db', file)).code).toBe(2);
    expect((await parley('insights', 'build', '--db', file)).code).toBe(0);
    const after = await courier();
    expect(after.some((t) => t.topic_key === 'courier')).toBe(false);
    expect(after.find((t) => t.terms.includes('parcel'))!.terms).toContain('courier');
    const list = await parley('insights', 'curate', '--list', '--db', file);
    expect(list.out.match(/\b(rename|pin|split|hide|merge)\b/g)).toEqual(['rename', 'pin', 'split', 'hide', 'merge']);
    db = (await testWarehouse({ path: file })).db;
  });

  it('says why an act cannot be recorded', async () => {
    const t = (await topics())[0]!;
    await expect(recordCuration(db, { action: 'pin', topic: t.topic_id, term: 'zebra' }, null, TEST_NOW)).rejects.toThrow(CurationError);
    await expect(recordCuration(db, { action: 'merge', topic: t.topic_id, into: t.topic_id }, null, TEST_NOW)).rejects.toThrow(/into itself/);
  });
});
