/**
 * `parley build`: full the first time, incremental after a load, full again
 * with --full; --json says which and why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';
import { agent, conversation, customer, horizon, on, status } from '../../testing/fixtures.js';
import { monthOfConversations } from '../../testing/month-fixtures.js';

const oct6 = on('2026-10-06');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-build-'));
  const write = (name: string, records: object[]) => writeFileSync(path.join(dir, name), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  write('first.jsonl', [conversation('c1', [customer(oct6('09:00')), agent(oct6('09:05')), status(oct6('09:10'), 'resolved')])]);
  write('then.jsonl', [conversation('c2', [customer(oct6('10:00')), agent(oct6('10:05'))], { customer: 'cust-c1' })]);
  // November (the latest complete month at TEST_NOW): FCR 7 of 10 = 70%
  write('november.jsonl', [...monthOfConversations('2026-11', { escalated: 3 }), horizon('2026-11-30T23:00:00Z')]);
  writeFileSync(path.join(dir, 'alerts.yaml'), 'alerts:\n  rules:\n    fcr-low: { kind: threshold, metric: fcr_rate, below: 75% }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley build', () => {
  it('is incremental after a load, and full with --full', async () => {
    const db = path.join(dir, 'w.duckdb');
    expect((await parley('ingest', path.join(dir, 'first.jsonl'), '--db', db)).code).toBe(0);
    expect((await parley('build', '--db', db)).out).toMatch(/^built \d+ models in [\d.]+ s \(time zone UTC\)\n$/);
    expect((await parley('ingest', path.join(dir, 'then.jsonl'), '--db', db)).code).toBe(0);
    const inc = await parley('build', '--db', db);
    expect(inc.code).toBe(0);
    expect(inc.out).toMatch(/^built incrementally in [\d.]+ s: 1 conversations changed, 2 of 2 recomputed \(time zone UTC\)\n$/);
    const full = await parley('build', '--full', '--db', db, '--json');
    expect(full.code).toBe(0);
    const json = JSON.parse(full.out) as { phases: { phase: string; seconds: number; cpu_seconds: number }[] };
    expect(json).toMatchObject({ kind: 'full', reason: 'asked for a full build' });
    // the time outside the models, phase by phase, in the order they ran
    const phases = json.phases.map((p) => p.phase);
    expect(phases.filter((p) => ['start', 'open', 'catalog', 'configuration tables', 'swap in the marts', 'alerts', 'close'].includes(p))).toEqual([
      'start',
      'open',
      'catalog',
      'configuration tables',
      'swap in the marts',
      'alerts',
      'close',
    ]);
    for (const p of json.phases) expect(p.seconds >= 0 && p.cpu_seconds >= 0).toBe(true);
    const rows = await parley('sql', 'select conversation_id, recontact_7d from conversation_metrics order by 1', '--db', db, '--format', 'json');
    expect(JSON.parse(rows.out)).toEqual([
      { conversation_id: 'c1', recontact_7d: true },
      { conversation_id: 'c2', recontact_7d: null },
    ]);
  });

  it('evaluates the alert rules after the build, firing each condition once', async () => {
    const db = path.join(dir, 'alerts.duckdb');
    const config = path.join(dir, 'alerts.yaml');
    expect((await parley('ingest', path.join(dir, 'november.jsonl'), '--db', db)).code).toBe(0);
    const first = await parley('build', '--db', db, '--config', config);
    expect(first.out.split('\n')[1]).toBe('alerts: 1 fired (fcr-low); see /alerts');
    const again = await parley('build', '--full', '--db', db, '--config', config);
    expect(again.out).not.toContain('alerts:');
    const rows = await parley('sql', 'select alert_key, title from alerts', '--db', db, '--format', 'json');
    expect(JSON.parse(rows.out)).toEqual([{ alert_key: 'fcr-low:fcr_rate<0.75:2026-11', title: 'FCR rate 70.0% in November 2026: below 75.0%' }]);
  });

  it('takes --memory-limit: a size, and a build that needs more says so in one line with what to do', async () => {
    const db = path.join(dir, 'limited.duckdb');
    expect((await parley('ingest', path.join(dir, 'first.jsonl'), '--db', db)).code).toBe(0);
    const bad = await parley('build', '--memory-limit', 'lots', '--db', db);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--memory-limit takes a size such as 2GB or 512MB \(got "lots"\)/);
    const tiny = await parley('build', '--memory-limit', '1MB', '--db', db);
    expect(tiny.code).toBe(1);
    expect(tiny.err.trim().split('\n').at(-1)).toMatch(/^parley build: DuckDB ran out of memory \(.* used\); raise --memory-limit \(the limit is 1MB\)$/);
    const enough = await parley('build', '--memory-limit', '512MB', '--db', db);
    expect(enough.code).toBe(0);
    expect(enough.out).toMatch(/^built \d+ models/);
  });
});
