/**
 * Retention (issue 20, item 8): `retention: { message_bodies: 24m }` blanks
 * the text older than 24 months on each build, keeps what the metrics read
 * (timings, roles, events, scores), and rewrites the file without the text.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { agent, conversation, csat, customer, horizon, on, status } from '../testing/fixtures.js';
import { testWarehouse } from '../testing/warehouse.js';
import { parley } from '../testing/cli.js';
import { openWarehouse } from '../warehouse/connection.js';
import { parseConfig } from './config.js';
import { buildWarehouse } from './incremental.js';
import { retentionCutoff } from './retention.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-retention-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retentionCutoff', () => {
  it('counts back whole days, weeks, calendar months and years from now', () => {
    // TEST_NOW is 2026-12-01T12:00:00Z
    expect(retentionCutoff('24m', TEST_NOW).toISOString()).toBe('2024-12-01T12:00:00.000Z');
    expect(retentionCutoff('90d', TEST_NOW).toISOString()).toBe('2026-09-02T12:00:00.000Z');
    expect(retentionCutoff('2w', TEST_NOW).toISOString()).toBe('2026-11-17T12:00:00.000Z');
    expect(retentionCutoff('1y', TEST_NOW).toISOString()).toBe('2025-12-01T12:00:00.000Z');
  });
});

describe('the retention setting', () => {
  it('is validated: a period is a whole number and d, w, m or y', () => {
    expect(parseConfig({ retention: { message_bodies: '24m' } }).retention).toEqual({ message_bodies: '24m' });
    expect(() => parseConfig({ retention: { message_bodies: '24 months' } }, 'parley.config.yaml')).toThrow(
      'parley.config.yaml: retention.message_bodies: write a retention period as a whole number and a unit: 90d, 12w, 24m (months) or 2y',
    );
    expect(() => parseConfig({ retention: { bodies: '24m' } }, 'parley.config.yaml')).toThrow('parley.config.yaml: retention: "bodies" is not a setting here: check the spelling');
    expect(parseConfig({}).retention).toBeUndefined();
  });

  it('blanks the text older than the period on a build, keeps the timings, and rewrites the file without it', async () => {
    const file = path.join(dir, 'w.duckdb');
    const old = on('2024-06-03');
    const recent = on('2026-10-06');
    const w = await testWarehouse({
      path: file,
      records: [
        conversation('old', [
          customer(old('09:00'), 'my old address is 12 Babbage Lane'),
          agent(old('09:10'), 'a1', { body: 'Noted the Babbage Lane address' }),
          status(old('09:20'), 'resolved'),
          { ...csat(old('10:00'), 5), comment: 'Babbage thanks you' },
        ]),
        conversation('recent', [customer(recent('09:00'), 'new address is 7 Hopper Road'), agent(recent('09:05'), 'a1'), status(recent('09:30'), 'resolved')]),
        horizon('2026-11-30T00:00:00Z'),
      ],
      now: TEST_NOW,
      build: true,
    });
    // loaded and built without retention: the text is in the file
    w.close();
    expect(readFileSync(file).includes('Babbage Lane')).toBe(true);

    const db = await openWarehouse(file);
    const result = await buildWarehouse(db, parseConfig({ retention: { message_bodies: '24m' } }), { now: TEST_NOW });
    expect(result.retention).toEqual({ period: '24m', cutoff: new Date('2024-12-01T12:00:00Z'), messages: 2, surveyComments: 1, quarantined: 0 });
    expect(await db.all("select conversation_id, body, author_role, sent_at from raw_messages where conversation_id <> 'horizon' order by conversation_id, seq")).toEqual([
      { conversation_id: 'old', body: '', author_role: 'customer', sent_at: new Date('2024-06-03T09:00:00Z') },
      { conversation_id: 'old', body: '', author_role: 'agent', sent_at: new Date('2024-06-03T09:10:00Z') },
      { conversation_id: 'recent', body: 'new address is 7 Hopper Road', author_role: 'customer', sent_at: new Date('2026-10-06T09:00:00Z') },
      { conversation_id: 'recent', body: 'reply', author_role: 'agent', sent_at: new Date('2026-10-06T09:05:00Z') },
    ]);
    expect(await db.all('select comment, score from raw_surveys')).toEqual([{ comment: null, score: 5 }]);
    // the metrics read the timings: first response 10 minutes, resolved, CSAT 100
    expect(await db.one("select first_response_s, resolved, csat_score from conversation_metrics where conversation_id = 'old'")).toEqual({
      first_response_s: 600,
      resolved: true,
      csat_score: 100,
    });
    db.close();
    const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}.wal`) ? readFileSync(`${file}.wal`) : Buffer.alloc(0)]);
    expect(bytes.includes('Babbage')).toBe(false);
    expect(bytes.includes('Hopper Road')).toBe(true);
  });

  it('parley build says what retention blanked; a second build has nothing more to blank', async () => {
    const file = path.join(dir, 'cli.duckdb');
    const old = on('2023-01-10');
    const w = await testWarehouse({ path: file, records: [conversation('old', [customer(old('08:00'), 'ancient text')]), horizon('2026-11-30T00:00:00Z')], now: TEST_NOW });
    w.close();
    const config = path.join(dir, 'parley.config.yaml');
    writeFileSync(config, 'retention:\n  message_bodies: 24m\n');
    const first = await parley('build', '--config', config, '--db', file);
    expect(first.err).toBe('');
    expect(first.out.split('\n')[1]).toBe(
      'retention 24m: blanked the text of 1 messages, 0 survey comments and 0 quarantined records from before 2024-12-01; the warehouse file was rewritten without it',
    );
    const second = await parley('build', '--config', config, '--db', file);
    expect(second.out).not.toContain('retention');
  });
});
