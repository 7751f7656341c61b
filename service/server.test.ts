/**
 * The command port in-process, with a stand-in for cli/main.ts: output
 * streams back while the command runs, commands run one at a time, and each
 * runs with the caller's working directory, environment and terminal flags.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../warehouse/connection.js';
import { forward } from './client.js';
import { discoveryPath, readDiscovery } from './discovery.js';
import { collect } from './collect.js';
import { serveCommands, type CommandService, type Runner, type ServedIo } from './server.js';

/** What a command writes, kept; `isTTY` as the caller's terminal says. */
function collector(isTTY = false) {
  const c = collect();
  return { stream: Object.assign(c.stream, { isTTY }), text: c.text };
}

let dir: string;
let db: Warehouse;
let service: CommandService;
let runner: Runner = async () => 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-service-server-'));
  db = await openWarehouse(path.join(dir, 'w.duckdb'), { readers: 1 });
  await db.run('set threads = 1'); // as parley serve does; commands get 2
  service = await serveCommands(db, (argv, io) => runner(argv, io), { threads: 2 });
});

afterAll(async () => {
  await service.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (argv: string[], io = { out: collector().stream, err: collector().stream }, env: NodeJS.ProcessEnv = {}) => forward({ argv, db: 'w.duckdb', cwd: dir, env, io });

describe('serveCommands', () => {
  it('names itself in a discovery file beside the warehouse, and the exit status comes back', async () => {
    expect(readDiscovery(path.join(dir, 'w.duckdb'))).toMatchObject({ pid: process.pid, port: service.port, token: service.token });
    runner = async () => 3;
    expect(await send(['anything'])).toBe(3);
  });

  it('streams what the command writes while it runs, stderr and stdout in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    runner = async (_argv, io) => {
      io.err.write('reading a.jsonl…\n');
      await gate;
      io.out.write(Buffer.from('done\n'));
      return 0;
    };
    const err = collector();
    const out = collector();
    const pending = send(['ingest'], { out: out.stream, err: err.stream });
    await expect.poll(() => err.text(), { timeout: 5_000 }).toBe('reading a.jsonl…\n');
    expect(out.text()).toBe('');
    release();
    expect(await pending).toBe(0);
    expect(out.text()).toBe('done\n');
  });

  it('gives a command the threads it was told, and puts back the settings it changed (ingest sets memory_limit)', async () => {
    const setting = async (name: string) => (await db.one<{ value: string }>('select value from duckdb_settings() where name = $1', [name]))?.value;
    const memoryLimit = await setting('memory_limit');
    let during: string | undefined;
    runner = async (_argv, io) => {
      during = await setting('threads');
      await io.warehouse.run("set memory_limit = '512MB'");
      return 0;
    };
    expect(await send(['ingest'])).toBe(0);
    expect(during).toBe('2');
    expect(await setting('threads')).toBe('1');
    expect(await setting('memory_limit')).toBe(memoryLimit);
  });

  it('runs commands one at a time, in the order they came', async () => {
    const log: string[] = [];
    runner = async ([name]) => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      log.push(`end ${name}`);
      return 0;
    };
    await Promise.all([send(['a']), send(['b']), send(['c'])]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it("runs a command with the caller's cwd, env and tty, on the server's warehouse, which it cannot close", async () => {
    let seen: { cwd: string; env: NodeJS.ProcessEnv; tty: boolean; path: string } | undefined;
    runner = async (_argv, io: ServedIo) => {
      seen = { cwd: process.cwd(), env: io.env, tty: Boolean(io.err.isTTY), path: io.warehouse.path };
      io.warehouse.close();
      return 0;
    };
    const before = process.cwd();
    await send(['sql'], { out: collector().stream, err: collector(true).stream }, { PARLEY_DEBUG: '1' });
    expect(seen).toEqual({ cwd: dir, env: { PARLEY_DEBUG: '1' }, tty: true, path: path.join(dir, 'w.duckdb') });
    expect(process.cwd()).toBe(before);
    expect(await db.one('select 42 as n')).toEqual({ n: 42 });
  });

  it('refuses a command for another warehouse (a discovery file copied with a backup): the caller runs it itself', async () => {
    const copy = mkdtempSync(path.join(dir, 'copy-'));
    copyFileSync(discoveryPath(path.join(dir, 'w.duckdb')), discoveryPath(path.join(copy, 'w.duckdb')));
    const r = await forward({ argv: ['sql'], db: 'w.duckdb', cwd: copy, env: {}, io: { out: collector().stream, err: collector().stream } });
    expect(r).toBeUndefined();
    expect(readDiscovery(path.join(copy, 'w.duckdb'))).toBeUndefined();
  });

  it('removes its discovery file when it stops', async () => {
    const other = await openWarehouse(path.join(dir, 'other.duckdb'));
    const s = await serveCommands(other, async () => 0);
    expect(readDiscovery(path.join(dir, 'other.duckdb'))).toMatchObject({ port: s.port });
    await s.close();
    other.close();
    expect(readDiscovery(path.join(dir, 'other.duckdb'))).toBeUndefined();
  });
});
