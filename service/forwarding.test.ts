/**
 * One owner, every command: while a server holds a warehouse, CLI commands
 * handed to it print the same stdout and stderr and exit with the same status
 * as the same commands on an unserved copy with the same data. The server is
 * a child process (testing/serve-child.ts: `parley serve` without the
 * dashboard) working in the repository's root, while the commands run here
 * in the warehouse's folder with relative paths. Loopback only, ephemeral ports.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { generateDemo } from '../demo/generate.js';
import { WarehouseLockedError, openWarehouse } from '../warehouse/connection.js';
import type { CliRun } from '../testing/cli.js';
import { collect } from './collect.js';
import { TEST_NOW } from '../testing/clock.js';
import { startServeChild } from '../testing/serve.js';
import { forward } from './client.js';
import { discoveryPath, newToken, readDiscovery, writeDiscovery, type Discovery } from './discovery.js';
import { COMMAND_PATH, NONCE_HEADER, PROOF_HEADER, proof } from './protocol.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `parley ARGV --db w.duckdb` in `cwd`, as a shell there would. */
async function parley(cwd: string, argv: string[], stdin?: string): Promise<CliRun> {
  const out = collect();
  const err = collect();
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const io = { out: out.stream, err: err.stream, env: {}, now: TEST_NOW, ...(stdin === undefined ? {} : { in: Readable.from([stdin]) }) };
    const code = await main([...argv, '--db', 'w.duckdb'], io);
    return { code, out: out.text(), err: err.text() };
  } finally {
    process.chdir(before);
  }
}

/** Starts a server on `db`; every child is stopped after the tests. */
const startServer = (db: string) => startServeChild(db, (child) => children.push(child));

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const children: ChildProcess[] = [];
let dir: string;
let served: string;
let plain: string;
let exports: string[];
let server: ChildProcess;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-service-'));
  served = path.join(dir, 'served');
  plain = path.join(dir, 'plain');
  const generated = path.join(dir, 'generated');
  const demo = await generateDemo({ conversations: 300, seed: 5, end: new Date('2026-04-01T00:00:00Z'), months: 2, outDir: path.join(generated, 'exports') });
  exports = demo.files.map((f) => path.relative(generated, f));
  for (const side of [served, plain]) {
    mkdirSync(side);
    cpSync(path.join(generated, 'exports'), path.join(side, 'exports'), { recursive: true });
  }
  server = await startServer(path.join(served, 'w.duckdb'));
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/**
 * What may differ between two runs: the folder, how long things took, and the
 * last digits of a mean (DuckDB sums doubles in parallel, in no fixed order,
 * so they vary between two runs without a server too).
 */
function normalise(text: string, side: string): string {
  return text
    .replaceAll(side, '<dir>')
    .replace(/-?\d+\.\d{6,}/g, (x) => String(Number(Number(x).toPrecision(12))))
    .replace(/\d+(\.\d+)? s\b/g, 'N s')
    .replace(/[\d,]+ records\/s/g, 'N records/s')
    .replace(/"seconds":[\d.e+-]+/g, '"seconds":N');
}

/** Runs the same command on both sides and expects the same result; returns the served one. */
async function same(argv: string[], stdin?: string): Promise<CliRun> {
  const alone = await parley(plain, argv, stdin);
  const forwarded = await parley(served, argv, stdin);
  expect({ code: forwarded.code, out: normalise(forwarded.out, served), err: normalise(forwarded.err, served) }).toEqual({
    code: alone.code,
    out: normalise(alone.out, plain),
    err: normalise(alone.err, plain),
  });
  return forwarded;
}

describe('a command while a server holds the warehouse', () => {
  it('cannot open the served file itself, so what follows went through the server', async () => {
    await expect(openWarehouse(path.join(served, 'w.duckdb'))).rejects.toBeInstanceOf(WarehouseLockedError);
    const d = readDiscovery(path.join(served, 'w.duckdb')) as Discovery;
    expect(d).toMatchObject({ pid: server.pid, db: path.join(served, 'w.duckdb') });
    expect(statSync(discoveryPath(path.join(served, 'w.duckdb'))).mode & 0o777).toBe(0o600);
  });

  it('ingest prints the same, as text and as --json, with paths relative to the caller', async () => {
    const text = await same(['ingest', ...exports]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^loaded [\d,]+ conversations(, [\d,]+ agents)?( and [\d,]+ customer outcomes)? from \d+ files/);
    const json = await same(['ingest', exports[0]!, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ files: 1, quarantined: 0 });
    const missing = await same(['ingest', 'exports/no-such-file.jsonl']);
    expect(missing.code).not.toBe(0);
    const usage = await same(['ingest']);
    expect(usage).toMatchObject({ code: 2, err: "parley ingest: name at least one file to load; run 'parley ingest --help'\n" });
  });

  it('build prints the same', async () => {
    const r = await same(['build']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^built \d+ models in N s|^built \d+ models in [\d.]+ s/);
  });

  it('sql and metrics print the same rows, and the same error', async () => {
    expect((await same(['sql', 'select channel, count(*) as n from conversation_metrics group by 1 order by 1', '--format', 'csv'])).out).toMatch(/^channel,n\n/);
    expect(await same(['sql', 'select nope'])).toMatchObject({ code: 1, out: '' });
    await same(['sql', "copy (select 1 as a) to 'copied.csv' (header)"]);
    expect(readFileSync(path.join(served, 'copied.csv'), 'utf8')).toBe('a\n1\n');
    expect((await same(['metrics', 'summary', '--by', 'month,channel', '--format', 'json'])).code).toBe(0);
    expect((await same(['metrics', 'conversations', '--format', 'csv'])).out.split('\n').length).toBeGreaterThan(100);
    expect((await same(['metrics', 'summary', '--format', 'yaml'])).code).toBe(2);
  });

  it('backup copies the served warehouse while the server holds it, and the copy opens on its own', async () => {
    const r = await parley(served, ['backup', 'backups/copy.duckdb']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^copied the warehouse to backups\/copy\.duckdb \([\d.]+ MB\) in [\d.]+ s\n$/);
    const copy = await openWarehouse(path.join(served, 'backups/copy.duckdb'));
    try {
      expect(await copy.one('select count(*) as n from conversation_metrics')).toEqual(
        await (async () => {
          const q = await parley(served, ['sql', 'select count(*) as n from conversation_metrics', '--format', 'json']);
          return JSON.parse(q.out)[0];
        })(),
      );
    } finally {
      copy.close();
    }
  });

  it('notebook render writes the same report where the caller said', async () => {
    const r = await same(['notebook', 'render', 'monthly-report', '--param', 'month=2026-03', '--out', 'out/report.html']);
    expect(r).toMatchObject({ code: 0, out: '', err: 'wrote out/report.html (Monthly leadership report, month=2026-03)\n' });
    expect(readFileSync(path.join(served, 'out/report.html'), 'utf8')).toBe(readFileSync(path.join(plain, 'out/report.html'), 'utf8'));
    expect(existsSync(path.join(repoRoot, 'out/report.html'))).toBe(false);
  });

  it('user add reads the password from the caller’s stdin and prints the same', async () => {
    expect(await same(['user', 'add', 'ada', '--role', 'admin'], 'a long passphrase\n')).toMatchObject({
      code: 0,
      out: `created the admin account "ada" in ${path.join(served, 'w.duckdb')}\n`,
    });
    expect((await same(['user', 'add', 'ada', '--role', 'admin'], 'a long passphrase\n')).code).toBe(1);
    expect((await same(['user', 'add', 'bob', '--role', 'admin'], 'short\n')).code).toBe(1);
  });

  it('user passwd (stdin), disable, enable, sessions, revoke and remove print the same', async () => {
    expect(await same(['user', 'passwd', 'ada'], 'a new passphrase\n')).toMatchObject({ code: 0, out: 'changed the password of "ada"; ended 0 login sessions\n' });
    expect(await same(['user', 'disable', 'ada'])).toMatchObject({ code: 1, out: '' });
    expect(await same(['user', 'add', 'bob', '--role', 'reviewer'], 'a long passphrase\n')).toMatchObject({ code: 0 });
    expect(await same(['user', 'disable', 'bob', '--json'])).toMatchObject({ code: 0, out: '{"username":"bob","changed":true,"sessionsEnded":0}\n' });
    expect(await same(['user', 'enable', 'bob'])).toMatchObject({ code: 0, out: 'enabled "bob"\n' });
    expect(await same(['user', 'sessions'])).toMatchObject({ code: 0, out: '(no rows)\n' });
    expect(await same(['user', 'revoke', '--all'])).toMatchObject({ code: 0, out: 'ended 0 login sessions of every account\n' });
    expect(await same(['user', 'remove', 'ada'])).toMatchObject({ code: 1 });
    expect(await same(['user', 'remove', 'bob'])).toMatchObject({ code: 0, out: 'removed the reviewer account "bob"; ended 0 login sessions\n' });
  });
});

describe('the command port', () => {
  it('refuses a request without the token, or with a wrong one (401), and proves the right one', async () => {
    const d = readDiscovery(path.join(served, 'w.duckdb')) as Discovery;
    const url = `http://127.0.0.1:${d.port}${COMMAND_PATH}`;
    const none = await fetch(url, { method: 'POST', body: '' });
    expect(none.status).toBe(401);
    const wrong = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${newToken()}` }, body: '' });
    expect(wrong.status).toBe(401);
    const right = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${d.token}`, [NONCE_HEADER]: 'n1' }, body: '{"argv":[]}\n' });
    expect(right.status).toBe(200);
    expect(right.headers.get(PROOF_HEADER)).toBe(proof(d.token, 'n1'));
    expect(await right.text()).toMatch(/^\{"error":"a malformed command request/);
  });

  it('a discovery file whose port does not answer is ignored and removed', async () => {
    const other = mkdtempSync(path.join(dir, 'silent-'));
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    writeDiscovery(path.join(other, 'w.duckdb'), { pid: process.pid, port: closed, token: newToken() });
    const io = { out: collect().stream, err: collect().stream };
    expect(await forward({ argv: ['sql', 'select 1'], db: 'w.duckdb', cwd: other, env: {}, io })).toBeUndefined();
    expect(existsSync(discoveryPath(path.join(other, 'w.duckdb')))).toBe(false);
  });
});

describe('a killed server', () => {
  it('leaves a file that blocks neither the next serve nor the next command', async () => {
    const db = path.join(served, 'w.duckdb');
    const count = ['sql', 'select count(*) as n from accounts', '--format', 'csv'];
    await kill9(server);
    expect(existsSync(discoveryPath(db))).toBe(true);
    // the next serve writes over the stale file and takes commands
    const next = await startServer(db);
    expect(readDiscovery(db)).toMatchObject({ pid: next.pid });
    expect(await parley(served, count)).toEqual({ code: 0, out: 'n\n1\n', err: '' });
    // the next command finds the pid gone, removes the file and opens the warehouse itself
    await kill9(next);
    expect(existsSync(discoveryPath(db))).toBe(true);
    expect(await parley(served, count)).toEqual({ code: 0, out: 'n\n1\n', err: '' });
    expect(existsSync(discoveryPath(db))).toBe(false);
  });
});
