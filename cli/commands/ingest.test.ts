/**
 * `parley ingest`'s atomicity rule as the user sees it: a command whose files
 * cannot all be read exits 1, names each such file in one line on stderr,
 * and leaves the warehouse as it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';
import { goodConversation } from '../../testing/records.js';
import { openWarehouse } from '../../warehouse/connection.js';

let dir: string;
const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const jsonl = (name: string, ids: string[]) => {
  const p = path.join(dir, name);
  writeFileSync(p, ids.map((id) => JSON.stringify(goodConversation(id))).join('\n') + '\n');
  return p;
};
async function conversations(db: string): Promise<number> {
  const w = await openWarehouse(db);
  try {
    return (await w.one<{ n: number }>('select count(*) as n from raw_conversations'))!.n;
  } finally {
    w.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-ingest-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley ingest: all files of one command land, or none', () => {
  it('good.jsonl and missing.jsonl: exit 1, the missing file named in one line, and the good one not loaded', async () => {
    const db = path.join(dir, 'a.duckdb');
    const r = await parley('ingest', jsonl('good.jsonl', ['g1', 'g2']), path.join(dir, 'missing.jsonl'), '--db', db);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(lines(r.err).at(-1)).toMatch(/^parley ingest: .*missing\.jsonl does not exist: check the path\. Nothing was loaded: a load lands whole or not at all$/);
    expect(await conversations(db)).toBe(0);
    // the same good file alone loads both conversations
    expect((await parley('ingest', path.join(dir, 'good.jsonl'), '--db', db)).code).toBe(0);
    expect(await conversations(db)).toBe(2);
  });

  it('a named pipe is refused in one line (exit 1) instead of failing with ESPIPE', async () => {
    const fifo = path.join(dir, 'stream.jsonl');
    execFileSync('mkfifo', [fifo]);
    const r = await parley('ingest', fifo, '--db', path.join(dir, 'b.duckdb'));
    expect(r.code).toBe(1);
    expect(lines(r.err)).toEqual([expect.stringMatching(/^parley ingest: .*stream\.jsonl is a named pipe \(FIFO\): Parley loads files only; save the stream to a file first/)]);
    expect(r.err).not.toMatch(/ESPIPE/);
  });

  it('the help states the rule', async () => {
    const r = await parley('ingest', '--help');
    expect(r.out).toMatch(/stops the whole load: exit status 1, each such file named on stderr, nothing loaded/);
  });
});
