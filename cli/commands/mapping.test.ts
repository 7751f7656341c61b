import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';
import { fixture, repoRoot, sharedData } from '../../testing/paths.js';

const example = (f: string) => path.join(repoRoot, 'ingest/adapters/examples', f);

describe('parley mapping check', () => {
  it('shows the first records field by field and every row it would quarantine, and writes no warehouse', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-mapping-check-'));
    const db = path.join(dir, 'w.duckdb');
    try {
      const r = await parley('mapping', 'check', fixture('nested-bad.json'), '--mapping', fixture('nested-bad.yaml'), '--records', '1', '--db', db);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const lines = r.out.split('\n');
      expect(lines[0]).toBe('nested-bad.json through nested-bad.yaml: the first 1 records, field by field');
      expect(lines.slice(1, 9)).toEqual([
        '  record 1 message 1 (line 2)',
        '    conversation_id  "N1"',
        '    message_id       "m1"',
        '    timestamp        "2026-10-05T08:00:00Z"',
        '    author_role      "CLIENT"',
        '    author_name      "Acme"',
        '    body             "My parcel is late"',
        '  record 1 message 2 (line 3)',
      ]);
      expect(r.out).toContain(
        '    → quarantined: nested-bad.json record 1 message 3 (conversation N1): columns.author_role "ROBOT" is not in values.author_role of nested-bad.yaml (it maps CLIENT, AGENT): add it there',
      );
      expect(r.out).toContain('nested-bad.json: would read 6, load 1 conversations and quarantine 5\n');
      expect(r.out).toContain('  line 8: nested-bad.json record 4: has no items: the mapping says its messages are there (messages: in nested-bad.yaml)\n');
      expect(existsSync(db)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks the shipped IBM Twitter mapping on the published file: all loads', async () => {
    const r = await parley('mapping', 'check', sharedData('ibm-twitter', 'test.json'), '--mapping', example('ibm-twitter-mapping.yaml'), '--records', '2');
    expect(r.code).toBe(0);
    expect(r.out).toContain('test.json: would read 500, load 500 conversations and quarantine 0\n');
    expect(r.out).toMatch(/ {4}author_id {8}"tw_[0-9a-f]{16}"/);
  });

  it('refuses a broken mapping in one line, and bad usage', async () => {
    const r = await parley('mapping', 'check', fixture('nested-bad.json'), '--mapping', fixture('nested-broken-sql.yaml'));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/nested-broken-sql\.yaml: columns\.author_role: the expression fails: /);
    expect((await parley('mapping', 'check', fixture('nested-bad.json'))).code).toBe(2);
    expect((await parley('mapping', 'check', fixture('nested-bad.json'), '--mapping', fixture('nested-bad.yaml'), '--records', '0')).code).toBe(2);
  });
});
