/**
 * `parley sync intercom`, `parley sync chatwoot` and their `sync` jobs against
 * the contract servers (testing/contract/): the Intercom fixture's first three
 * conversations (103 is quarantined: a "visitor" author) and the Chatwoot
 * fixture's four (303 and 304 are quarantined), one page each; the account
 * from parley.config.yaml, the token from the environment.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { collect } from '../../service/collect.js';
import { runJob } from '../../service/jobs.js';
import { parseConfig } from '../../models/config.js';
import { TEST_NOW } from '../../testing/clock.js';
import { intercomFixture, intercomServer, type IntercomServer } from '../../testing/contract/intercom.js';
import { chatwootServer, type ChatwootServer } from '../../testing/contract/chatwoot.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { testWarehouse } from '../../testing/warehouse.js';

let dir: string;
let db: string;
let config: string;
let ic: IntercomServer;
let cw: ChatwootServer;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-sync-platforms-'));
  ic = await intercomServer({ token: 'ic-token-abcd', conversations: intercomFixture().slice(0, 3) });
  cw = await chatwootServer({ token: 'cw-token-abcd', accountId: 3 });
  db = path.join(dir, 'w.duckdb');
  config = path.join(dir, 'parley.config.yaml');
  writeFileSync(config, `syncs:\n  intercom:\n    base_url: ${ic.url}\n  chatwoot:\n    base_url: ${cw.url}\n    account_id: 3\n`);
});
afterEach(async () => {
  await ic.close();
  await cw.close();
  rmSync(dir, { recursive: true, force: true });
});

async function parley(env: Record<string, string>, ...argv: string[]) {
  const out = collect();
  const err = collect();
  const code = await main(argv, { out: out.stream, err: err.stream, env, now: TEST_NOW });
  return { code, out: out.text(), err: err.text() };
}

async function stored(): Promise<string[]> {
  const w = await openWarehouse(db);
  try {
    return (await w.all<{ id: string }>("select source || ':' || conversation_id as id from raw_conversations order by 1")).map((r) => r.id);
  } finally {
    w.close();
  }
}

describe('parley sync intercom and chatwoot', () => {
  it('sync each platform with the token from the environment, then again from the stored cursor', async () => {
    const first = await parley({ INTERCOM_TOKEN: 'ic-token-abcd' }, 'sync', 'intercom', '--config', config, '--db', db);
    expect(first.err).toBe('');
    expect(first.out).toMatch(
      /^synced intercom \(source intercom\) from the start: 1 page, loaded 2 of 3 records in \d+\.\d s\n1 records quarantined; see them with:\n {2}parley sql "select file, line, reason from quarantine where load_id in \(1\)"\n$/,
    );
    const cw1 = await parley({ CHATWOOT_TOKEN: 'cw-token-abcd' }, 'sync', 'chatwoot', '--config', config, '--db', db, '--json');
    expect(cw1.err).toBe('');
    expect(JSON.parse(cw1.out)).toMatchObject({ pages: 1, read: 4, loaded: 2, quarantined: 2, removed: 0 });
    expect(cw.requests[0]!.path).toBe('/api/v1/accounts/3/agents');
    expect(await stored()).toEqual(['chatwoot:301', 'chatwoot:302', 'intercom:101', 'intercom:102']);
    // again: Intercom searches from 101's updated_at (≥, so 101 once more); Chatwoot's page 1 starts at 301's activity
    const again = await parley({ INTERCOM_TOKEN: 'ic-token-abcd' }, 'sync', 'intercom', '--config', config, '--db', db, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ pages: 1, read: 1, loaded: 1 });
    expect(ic.requests.at(-2)!.body).toEqual({ query: { field: 'updated_at', operator: '>', value: 1767607810 }, pagination: { per_page: 50 } });
  });

  it('a Chatwoot sync without an account id, and one whose token is refused, say what to fix in one line', async () => {
    writeFileSync(config, `syncs:\n  chatwoot:\n    base_url: ${cw.url}\n`);
    const missing = await parley({ CHATWOOT_TOKEN: 'cw-token-abcd' }, 'sync', 'chatwoot', '--config', config, '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      'parley sync: CHATWOOT_ACCOUNT_ID is not set: export it in the environment of parley, or name a file holding it with credentials_file: under the sync in parley.config.yaml (never on the command line)\n',
    );
    const refused = await parley({ CHATWOOT_TOKEN: 'wrong-token-999', CHATWOOT_ACCOUNT_ID: '3' }, 'sync', 'chatwoot', '--config', config, '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^parley sync: the token was refused: the Chatwoot API answered 401 to GET \/api\/v1\/accounts\/3\/agents .*; set CHATWOOT_TOKEN to /);
    expect(refused.err).not.toContain('wrong-token-999');
    expect(refused.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('sync jobs for intercom and chatwoot', () => {
  it('run parley sync and rebuild after they loaded something', async () => {
    const jobs = parseConfig({
      jobs: { ic: { kind: 'sync', platform: 'intercom', every: '15m', build: true }, cw: { kind: 'sync', platform: 'chatwoot', every: '15m', build: true } },
    }).jobs;
    const w = await testWarehouse();
    try {
      const ctx = { run: main, base: dir, configFile: config, now: TEST_NOW, env: { INTERCOM_TOKEN: 'ic-token-abcd', CHATWOOT_TOKEN: 'cw-token-abcd' } };
      expect(await runJob(w.db, 'ic', jobs['ic']!, ctx)).toMatchObject({ kind: 'sync', status: 'ok', files: 1, loaded: 2, refused: 1, detail: '1 page from intercom; rebuilt' });
      expect(await runJob(w.db, 'cw', jobs['cw']!, ctx)).toMatchObject({ kind: 'sync', status: 'ok', files: 1, loaded: 2, refused: 2, detail: '1 page from chatwoot; rebuilt' });
      expect(await w.db.all('select source, conversation_id from conversation_metrics order by 1, 2')).toEqual([
        { source: 'chatwoot', conversation_id: '301' },
        { source: 'chatwoot', conversation_id: '302' },
        { source: 'intercom', conversation_id: '101' },
        { source: 'intercom', conversation_id: '102' },
      ]);
    } finally {
      w.close();
    }
  });
});
