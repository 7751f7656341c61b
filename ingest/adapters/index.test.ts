import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parley } from '../../testing/cli.js';
import { ADAPTER_LIST, ADAPTERS, detectFormat } from './index.js';
import { ADAPTER_FORMATS } from './types.js';
import { fixture, repoRoot, sharedData } from '../../testing/paths.js';

describe('what an export is', () => {
  it("every adapter says whether an export is a full snapshot or a change set, as the README's adapter table does", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z]+)` \| ([^|]+) \| (full snapshot|change set) \|$/gm)].map((m) => ({ format: m[1]!, reads: m[2]!, input: m[3]! }));
    for (const adapter of ADAPTER_LIST) {
      const documented = rows.filter((r) => r.format === adapter.format);
      if (typeof adapter.input === 'string') {
        expect(
          documented.map((r) => r.input),
          adapter.format,
        ).toEqual([adapter.input]);
      } else {
        expect(documented.find((r) => /API JSON/.test(r.reads))?.input, `${adapter.format} API JSON`).toBe(adapter.input.json);
        expect(documented.find((r) => /tables/.test(r.reads))?.input, `${adapter.format} tables`).toBe(adapter.input.tables);
      }
    }
    // only a landing of every ticket may remove what it does not hold
    expect(ADAPTER_LIST.filter((a) => JSON.stringify(a.input).includes('full snapshot')).map((a) => a.format)).toEqual(['zendesk']);
  });
});

describe('format detection', () => {
  it('has an adapter for every --format', () => {
    expect(Object.keys(ADAPTERS).sort()).toEqual([...ADAPTER_FORMATS].sort());
    for (const [format, adapter] of Object.entries(ADAPTERS)) expect(adapter.format).toBe(format);
  });

  it.each([
    [sharedData('twcs/twcs_head5000.csv'), 'twcs'],
    [sharedData('servicenow/incident_event_log.csv.gz'), 'servicenow'],
    [sharedData('zendesk-seeds'), 'zendesk'],
    [sharedData('zendesk-seeds/ticket_data.csv'), 'zendesk'],
    [sharedData('intercom-seeds'), 'intercom'],
    [fixture('zendesk-api.jsonl'), 'zendesk'],
    [fixture('intercom-api.json'), 'intercom'],
    [fixture('chatwoot.jsonl'), 'chatwoot'],
    [fixture('does-not-exist.jsonl'), 'canonical'],
  ])('%s is %s', async (file, format) => {
    expect((await detectFormat(file))?.format).toBe(format);
  });

  it('leaves a CSV it does not know to the user (--format or --mapping)', async () => {
    expect(await detectFormat(path.join(repoRoot, 'ingest/adapters/examples/freshdesk-conversations.csv'))).toBeUndefined();
    expect(await detectFormat(fixture('mapping-bad.csv'))).toBeUndefined();
  });
});

describe('parley ingest with adapters', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-adapters-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says on stderr which format it chose, and loads every format of one command in one load', async () => {
    const db = path.join(dir, 'auto.duckdb');
    const r = await parley('ingest', sharedData('twcs/twcs_head5000.csv'), fixture('chatwoot.jsonl'), '--db', db);
    expect(r.code).toBe(0);
    expect(r.err).toContain('as Twitter support threads (twcs) (its header has tweet_id, inbound and in_response_to_tweet_id; --format to choose)');
    expect(r.err).toContain('chatwoot.jsonl as Chatwoot');
    expect(r.out).toMatch(/^loaded 1,314 conversations from 2 files/);
    expect(r.out.split('\n')[1]).toBe('2 chatwoot records refused and quarantined; see them with:');
    const sources = await parley('sql', 'select source, count(*) as n from raw_conversations group by 1 order by 1', '--db', db, '--format', 'json');
    expect(JSON.parse(sources.out)).toEqual([
      { source: 'chatwoot', n: 2 },
      { source: 'twcs', n: 1312 },
    ]);
  });

  it('loads any CSV through --mapping, and --json prints the summary contract', async () => {
    const example = (f: string) => path.join(repoRoot, 'ingest/adapters/examples', f);
    const r = await parley('ingest', example('freshdesk-conversations.csv'), '--mapping', example('freshdesk-mapping.yaml'), '--json', '--db', path.join(dir, 'm.duckdb'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ files: 1, read: 2, loaded: 2, quarantined: 0 });
  });

  it('refuses an export with a renamed column in one line, exit 1, no stack trace', async () => {
    const r = await parley('ingest', fixture('zendesk-renamed'), '--db', path.join(dir, 'r.duckdb'));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n').pop()).toBe(
      "parley ingest: ticket.csv (the Zendesk ticket table) has no column requester_id; found: id, created_at, requester, status. Export it again with the platform's column names, or load it with --format mapping and a mapping file",
    );
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('asks for --mapping with --format mapping, and for --format when it cannot tell', async () => {
    const a = await parley('ingest', fixture('mapping-bad.csv'), '--format', 'mapping', '--db', path.join(dir, 'u.duckdb'));
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--format mapping needs --mapping FILE/);
    const b = await parley('ingest', fixture('mapping-bad.csv'), '--db', path.join(dir, 'u.duckdb'));
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/cannot tell the format of .*mapping-bad\.csv .*--mapping FILE for any other CSV or JSON export/);
  });
});
