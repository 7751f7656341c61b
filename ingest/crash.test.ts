import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWarehouse } from '../warehouse/connection.js';
import { goodConversation, syntheticLines } from '../testing/records.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, '..', 'testing', 'ingest-child.ts');
let dir: string;
let dbPath: string;
let big: string;
const BIG = 20_000;

/** Runs the loader in a child process; kills it with SIGKILL at the first stdout line matching `killAt`. */
function ingestInChild(files: string[], killAt?: RegExp, chunkBytes?: number): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...files], {
      env: { ...process.env, PARLEY_DB: dbPath, ...(chunkBytes ? { PARLEY_TEST_CHUNK_BYTES: String(chunkBytes) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (killAt && !killed && killAt.test(output)) {
        killed = true;
        p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('error', reject);
    p.on('close', () => resolve({ killed, output }));
  });
}

async function counts() {
  const db = await openWarehouse(dbPath);
  try {
    return await db.one(
      'select (select count(*) from raw_conversations) as conversations, (select count(*) from raw_messages) as messages, (select count(*) from load_log) as loads',
    );
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-crash-'));
  dbPath = path.join(dir, 'w.duckdb');
  big = path.join(dir, 'big.jsonl');
  const out = createWriteStream(big);
  for (const line of syntheticLines(BIG, 10)) if (!out.write(line + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(() => r()));
  const small = path.join(dir, 'small.jsonl');
  writeFileSync(small, [goodConversation('before1'), goodConversation('before2')].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const first = await ingestInChild([small]);
  expect(first.output).toMatch(/done/);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash safety', () => {
  const before = { conversations: 2, messages: 4, loads: 1 };

  it('SIGKILL while lines stream in leaves the warehouse as it was', async () => {
    expect(await counts()).toEqual(before);
    const run = await ingestInChild([big], /reading \d+/);
    expect(run.killed).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('SIGKILL while the raw tables are written leaves the warehouse as it was', async () => {
    const run = await ingestInChild([big], /writing \d+/);
    expect(run.killed).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('SIGKILL after chunks were checked and staged (outside the transaction) leaves the warehouse as it was', async () => {
    // about 1 MiB chunks: the kill comes when the third chunk is checked, two are staged
    const run = await ingestInChild([big], /(checking \d+\n(.|\n)*){3}/, 2 ** 20);
    expect(run.killed).toBe(true);
    expect(run.output).not.toMatch(/writing/);
    expect(await counts()).toEqual(before);
    // the chunks' copies (ingest/direct-read.ts) are left beside the warehouse: the next load clears them
    expect(readdirSync(`${dbPath}.chunks`).length).toBeGreaterThan(0);
  });

  it('running the same load again completes it', async () => {
    const run = await ingestInChild([big]);
    expect(run.output).toMatch(/done \{"loaded":20000\}/);
    expect(await counts()).toEqual({ conversations: BIG + 2, messages: BIG * 10 + 4, loads: 2 });
    expect(existsSync(`${dbPath}.chunks`)).toBe(false);
  });
});
