import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';
import { agent, conversation, customer, on, status } from '../../testing/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'parley-retention-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const jun1 = on('2026-06-01');

describe('parley metrics retention', () => {
  it('ingest tells outcomes.jsonl by its name; after a build the command prints churn by band with its interval', async () => {
    const db = path.join(dir, 'w.duckdb');
    const conversations = path.join(dir, 'conversations.jsonl');
    const outcomes = path.join(dir, 'outcomes.jsonl');
    // four resolved conversations (fcr) of four customers; two of them churn within 90 days
    const records = ['u1', 'u2', 'u3', 'u4'].map((u) => conversation(u, [customer(jun1('09:00')), agent(jun1('09:10')), status(jun1('09:30'), 'resolved')], { customer: u }));
    writeFileSync(conversations, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(
      outcomes,
      [
        { customer_id: 'u1', event: 'churned', at: '2026-07-01T00:00:00Z' },
        { customer_id: 'u2', event: 'churned', at: '2026-08-01T00:00:00Z' },
        { customer_id: 'u3', event: 'renewed', at: '2026-11-01T00:00:00Z' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
    );
    expect(await parley('metrics', 'retention', '--db', path.join(dir, 'none.duckdb'))).toMatchObject({ code: 1 });
    const load = await parley('ingest', conversations, outcomes, '--json', '--db', db);
    expect(JSON.parse(load.out)).toMatchObject({ files: 2, read: 7, loaded: 7, quarantined: 0 });
    expect((await parley('build', '--db', db)).code).toBe(0);
    const json = await parley('metrics', 'retention', '--format', 'json', '--db', db);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.out) as Record<string, unknown>[];
    // 2 of 4: Wilson 95 % [0.1500, 0.8500]
    expect(rows[0]).toMatchObject({ grouping: 'all', band: 'all', conversations: 4, churned: 2, churn_rate_90d: 0.5 });
    expect(Number(rows[0]!['ci_low']).toFixed(4)).toBe('0.1500');
    expect(Number(rows[0]!['ci_high']).toFixed(4)).toBe('0.8500');
    const table = await parley('metrics', 'retention', '--db', db);
    expect(table.out).toMatch(/^all\s+all\s+4\s+2\s+50\.0%\s+15\.0%–85\.0%$/m);
  });
});
