import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parley } from '../../testing/cli.js';
import { fixture } from '../../testing/paths.js';
import { goodConversation } from '../../testing/records.js';

describe('parley ingest: what the summary says about duplicates and removals', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-ingest-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a conversation twice in one file: the summary counts the earlier copy as a duplicate record quarantined', async () => {
    const f = path.join(dir, 'dup.jsonl');
    writeFileSync(
      f,
      [goodConversation('c1', { channel: 'email' }), goodConversation('c2'), goodConversation('c1', { channel: 'sms' })].map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    const r = await parley('ingest', f, '--db', path.join(dir, 'dup.duckdb'));
    expect(r.code).toBe(0);
    const out = r.out.split('\n');
    expect(out[0]).toMatch(/^loaded 2 conversations from 1 file in /);
    expect(out[1]).toBe(
      '1 conversation record refused and quarantined (1 duplicate record quarantined: a later record of the same conversation in the same file was loaded); see them with:',
    );
  });

  it('a ticket exported later as deleted: the summary says a conversation of an earlier load was removed', async () => {
    const t1 = readFileSync(fixture('zendesk-api.jsonl'), 'utf8').split('\n')[0]!;
    const first = path.join(dir, 'first.jsonl');
    const later = path.join(dir, 'later.jsonl');
    writeFileSync(first, t1 + '\n');
    writeFileSync(later, t1.replace('"status": "solved"', '"status": "deleted"') + '\n');
    const db = path.join(dir, 'zd.duckdb');
    expect((await parley('ingest', first, '--format', 'zendesk', '--db', db)).code).toBe(0);
    const r = await parley('ingest', later, '--format', 'zendesk', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^loaded 0 conversations from 1 file in .*; 1 conversation of earlier loads removed \(deleted, merged or gone from a full snapshot\)$/);
  });
});
