/**
 * `parley sync zendesk` and the `sync` job against the Zendesk contract
 * server (testing/contract/zendesk.ts: the adapter fixture's five tickets —
 * 1 loads, 2–5 are quarantined — and copies 101–104 of ticket 1, three a
 * page): the account from parley.config.yaml, the credentials from the
 * environment or the credentials file, one line when one is missing.
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
import { startZendeskContract, type ZendeskContract } from '../../testing/contract/zendesk.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { testWarehouse } from '../../testing/warehouse.js';

let dir: string;
let zd: ZendeskContract;
let db: string;
let config: string;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-sync-cli-'));
  zd = await startZendeskContract({ copies: 4, pageSize: 3 });
  db = path.join(dir, 'w.duckdb');
  config = path.join(dir, 'parley.config.yaml');
  writeFileSync(config, `syncs:\n  zendesk:\n    base_url: ${zd.url}\n    credentials_file: zendesk.env\n`);
});
afterEach(async () => {
  await zd.close();
  rmSync(dir, { recursive: true, force: true });
});

async function parley(env: Record<string, string>, ...argv: string[]) {
  const out = collect();
  const err = collect();
  const code = await main(argv, { out: out.stream, err: err.stream, env, now: TEST_NOW });
  return { code, out: out.text(), err: err.text() };
}

describe('parley sync zendesk', () => {
  it('syncs with credentials from the environment, then resumes from the stored cursor', async () => {
    const env = { ...zd.credentials };
    const first = await parley(env, 'sync', 'zendesk', '--config', config, '--db', db);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /^synced zendesk \(source zendesk\) from the start: 3 pages, loaded 5 of 9 records in \d+\.\d s\n4 records quarantined; see them with:\n {2}parley sql "select file, line, reason from quarantine where load_id in \(1, 2, 3\)"\n$/,
    );
    const again = await parley(env, 'sync', 'zendesk', '--config', config, '--db', db, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ pages: 1, read: 0, loaded: 0, quarantined: 0, removed: 0 });
    const w = await openWarehouse(db);
    try {
      expect(await w.all('select conversation_id from raw_conversations order by 1')).toEqual(['1', '101', '102', '103', '104'].map((conversation_id) => ({ conversation_id })));
    } finally {
      w.close();
    }
  });

  it('reads the credentials file the config names, and names a missing variable in one line', async () => {
    writeFileSync(path.join(dir, 'zendesk.env'), `ZENDESK_EMAIL=${zd.credentials.ZENDESK_EMAIL}\n`);
    const missing = await parley({}, 'sync', 'zendesk', '--config', config, '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      `parley sync: ZENDESK_TOKEN is not set: export it in the environment of parley, or add a line ZENDESK_TOKEN=… to ${path.join(dir, 'zendesk.env')} (never on the command line)\n`,
    );
    writeFileSync(path.join(dir, 'zendesk.env'), `ZENDESK_EMAIL=${zd.credentials.ZENDESK_EMAIL}\nZENDESK_TOKEN=${zd.credentials.ZENDESK_TOKEN}\n`);
    const ok = await parley({}, 'sync', 'zendesk', '--config', config, '--db', db, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ pages: 3, read: 9, loaded: 5, quarantined: 4 });
  });

  it('says the token was refused without showing it, and refuses a platform it does not know', async () => {
    const r = await parley({ ...zd.credentials, ZENDESK_TOKEN: 'wrong-token-123' }, 'sync', 'zendesk', '--config', config, '--db', db);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^parley sync: the token was refused: the Zendesk API answered 401 to GET \/api\/v2\/incremental\/tickets\/cursor\.json .*; set ZENDESK_TOKEN to an active API token/,
    );
    expect(r.err).not.toContain('wrong-token-123');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    const u = await parley({}, 'sync', 'freshdesk', '--db', db);
    expect(u.code).toBe(2);
    expect(u.err).toBe(`parley sync: "freshdesk" is not a platform Parley syncs: name one of zendesk, intercom, chatwoot; run 'parley sync --help'\n`);
  });
});

describe('a sync job', () => {
  it('runs parley sync and rebuilds after it loaded something, logging pages, loaded and refused', async () => {
    writeFileSync(path.join(dir, 'zendesk.env'), `ZENDESK_EMAIL=${zd.credentials.ZENDESK_EMAIL}\nZENDESK_TOKEN=${zd.credentials.ZENDESK_TOKEN}\n`);
    const job = parseConfig({ jobs: { zendesk: { kind: 'sync', platform: 'zendesk', every: '15m', build: true } } }).jobs['zendesk']!;
    const w = await testWarehouse();
    try {
      const ctx = { run: main, base: dir, configFile: config, now: TEST_NOW, env: {} };
      expect(await runJob(w.db, 'zendesk', job, ctx)).toMatchObject({
        kind: 'sync',
        status: 'ok',
        files: 3,
        loaded: 5,
        refused: 4,
        detail: '3 pages from zendesk; rebuilt',
        error: null,
      });
      expect(await w.db.all('select conversation_id from conversation_metrics order by 1')).toHaveLength(5);
      // nothing new: no rebuild
      expect(await runJob(w.db, 'zendesk', job, ctx)).toMatchObject({ status: 'ok', files: 1, loaded: 0, detail: '1 page from zendesk' });
      zd.revoke();
      expect(await runJob(w.db, 'zendesk', job, ctx)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^parley sync: the token was refused: /) });
    } finally {
      w.close();
    }
  });

  it('runs from parley jobs run, which prints what it loaded', async () => {
    writeFileSync(config, `syncs:\n  zendesk:\n    base_url: ${zd.url}\njobs:\n  zendesk: { kind: sync, platform: zendesk, every: 15m }\n`);
    const r = await parley({ ...zd.credentials }, 'jobs', 'run', 'zendesk', '--config', config, '--db', db);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^zendesk ran in \d+\.\d s: loaded 5 records, refused 4 \(3 pages from zendesk\)\n$/);
  });

  it('is checked in the config: a sync job needs its platform', () => {
    expect(() => parseConfig({ jobs: { z: { kind: 'sync', every: '15m' } } }, 'parley.config.yaml')).toThrow(
      'parley.config.yaml: jobs.z.platform: a sync job needs platform: the platform to sync from (zendesk, intercom, chatwoot; its account under syncs:)',
    );
    expect(() => parseConfig({ syncs: { acme: { subdomain: 'acme' } } }, 'parley.config.yaml')).toThrow(
      'parley.config.yaml: syncs.acme.platform: say which platform this sync reads: platform: zendesk | intercom | chatwoot',
    );
    expect(parseConfig({ syncs: { zendesk: { subdomain: 'acme', start_time: '2025-01-01' } } }).syncs['zendesk']).toEqual({ subdomain: 'acme', start_time: 1735689600 });
  });
});
