/**
 * The command line contract of DESIGN.md: help, exit statuses (0 done,
 * 1 could not be done, 2 bad usage), one-line errors, and the machine formats
 * with the metric names of spec/metrics.md as field names.
 * `main` runs in-process with collecting streams and a --db in a temp dir.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../models/catalogue.js';
import { COMMANDS } from './main.js';
import { parley } from '../testing/cli.js';
import { repoRoot } from '../testing/paths.js';

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const twcsSample = path.resolve(repoRoot, '../shared/data/twcs/twcs_head5000.csv');

// Three conversations in two months, and one line that is not JSON.
const FIXTURE = [
  {
    id: 'c1',
    channel: 'email',
    created_at: '2026-09-14T10:00:00Z',
    customer: { id: 'u1' },
    intent: 'billing',
    messages: [
      { id: 'm1', at: '2026-09-14T10:00:00Z', author: { role: 'customer' }, body: 'I was charged twice' },
      { id: 'm2', at: '2026-09-14T10:05:00Z', author: { role: 'agent', id: 'a1' }, body: 'Refunded' },
    ],
    events: [
      { at: '2026-09-14T10:01:00Z', type: 'assign', agent_id: 'a1', team: 'billing' },
      { at: '2026-09-14T10:06:00Z', type: 'status', status: 'resolved' },
    ],
    surveys: [{ at: '2026-09-14T11:00:00Z', kind: 'csat', score: 5 }],
  },
  {
    id: 'c2',
    channel: 'webchat',
    created_at: '2026-10-02T09:00:00Z',
    customer: { id: 'u2' },
    messages: [
      { id: 'm1', at: '2026-10-02T09:00:00Z', author: { role: 'customer' }, body: 'Cannot log in' },
      { id: 'm2', at: '2026-10-02T09:00:05Z', author: { role: 'bot' }, body: 'Try resetting your password' },
    ],
    events: [{ at: '2026-10-02T09:02:00Z', type: 'status', status: 'resolved' }],
  },
  {
    id: 'c3',
    channel: 'webchat',
    created_at: '2026-10-03T15:00:00Z',
    customer: { id: 'u3' },
    messages: [{ id: 'm1', at: '2026-10-03T15:00:00Z', author: { role: 'customer' }, body: 'Hello?' }],
  },
];

let dir: string;
const db = (name: string) => path.join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-cli-'));
  writeFileSync(db('conversations.jsonl'), FIXTURE.map((c) => JSON.stringify(c)).join('\n') + '\n{not json\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('help', () => {
  it.each(COMMANDS.map((c) => [c.name]))('parley %s --help prints its usage and exits 0', async (name) => {
    const r = await parley(...name.split(' '), '--help');
    expect(r.code).toBe(0);
    expect(r.out.startsWith(`Usage: parley ${name}`)).toBe(true);
    expect(r.err).toBe('');
  });

  it('parley with no arguments shows the overview on stderr and exits 2', async () => {
    const r = await parley();
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('Usage: parley COMMAND');
  });

  it('parley --help shows the overview and exits 0', async () => {
    const r = await parley('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(c.name);
  });
});

describe('bad usage exits 2 with one line on stderr, and touches no warehouse', () => {
  it.each([
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['an unknown subcommand', ['metrics', 'nonsense'], /unknown command 'metrics nonsense'.*parley metrics summary/],
    ['an unknown flag', ['metrics', 'summary', '--nope'], /--nope/],
    ['a bad --format value', ['sql', 'select 1', '--format', 'xml'], /--format must be one of table, json, csv \(got "xml"\)/],
    ['a format another command has', ['metrics', 'conversations', '--format', 'json'], /--format must be one of jsonl, csv, table/],
    ['metrics summary --by nonsense', ['metrics', 'summary', '--by', 'month,nonsense'], /--by takes .*\(not nonsense\)/],
    ['ingest without files', ['ingest'], /name at least one file/],
    ['ingest of a file it cannot tell the format of', ['ingest', 'file.csv'], /cannot tell the format of file\.csv/],
    ['a bad --source name', ['ingest', 'x.jsonl', '--source', 'Not Valid'], /--source must be a lowercase name/],
    ['a bad --memory-limit', ['ingest', 'x.jsonl', '--memory-limit', 'lots'], /--memory-limit takes a size such as 2GB or 512MB \(got "lots"\)/],
    ['sql without a query', ['sql'], /give exactly one query/],
  ])('%s', async (_what, argv, message) => {
    const file = db(`usage-${argv.join('-').replace(/\W+/g, '_')}.duckdb`);
    const r = await parley(...argv, '--db', file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(message);
    expect(r.err.endsWith('\n')).toBe(true);
    expect(existsSync(file)).toBe(false);
  });
});

describe('ingest, build and metrics', () => {
  const warehouse = () => db('main.duckdb');

  it('metrics summary before build exits 1 saying to run parley build', async () => {
    const r = await parley('metrics', 'summary', '--db', db('unbuilt.duckdb'));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/run `parley build`/);
  });

  it('ingest --json prints one summary object with read = loaded + quarantined', async () => {
    const r = await parley('ingest', db('conversations.jsonl'), '--json', '--db', warehouse());
    expect(r.code).toBe(0);
    expect(lines(r.out)).toHaveLength(1);
    const summary = JSON.parse(r.out) as Record<string, number>;
    expect(Object.keys(summary).sort()).toEqual(['files', 'loaded', 'quarantined', 'read', 'seconds']);
    expect(summary).toMatchObject({ files: 1, read: 4, loaded: 3, quarantined: 1 });
    expect(summary['read']).toBe(summary['loaded']! + summary['quarantined']!);
    expect(typeof summary['seconds']).toBe('number');
  });

  it('an ingest that runs out of --memory-limit says so in one line, with what to do, and loads nothing', async () => {
    const file = db('tiny-memory.duckdb');
    const r = await parley('ingest', twcsSample, '--memory-limit', '8MB', '--db', file);
    expect(r.code).toBe(1);
    expect(lines(r.err).at(-1)).toMatch(/^parley ingest: DuckDB ran out of memory \(.* used\); raise --memory-limit, or split the export into smaller files \(the limit is 8MB\)$/);
    const count = await parley('sql', 'select count(*) as n from raw_conversations', '--db', file, '--format', 'json');
    expect(JSON.parse(count.out)).toEqual([{ n: 0 }]);
  });

  it('build exits 0', async () => {
    const r = await parley('build', '--db', warehouse());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^built \d+ models/);
  });

  it('metrics summary --by month --format json has the metric names as fields', async () => {
    const r = await parley('metrics', 'summary', '--by', 'month', '--format', 'json', '--db', warehouse());
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows.map((row) => [row['month'], row['conversations']])).toEqual([
      ['2026-09', 1],
      ['2026-10', 2],
    ]);
    const fields = Object.keys(rows[0]!);
    expect(fields).toEqual(expect.arrayContaining(['month', 'conversations', 'fcr_rate', 'first_response_s_median', 'first_response_s_p90', 'reopen_rate', 'csat_rate']));
    // every rate and total of the catalogue is a field under its own name
    for (const m of CATALOGUE) if (m.summary?.kind === 'rate' || m.summary?.kind === 'total') expect(fields).toContain(m.name);
  });

  it('metrics summary --format csv starts with a header of metric names', async () => {
    const r = await parley('metrics', 'summary', '--by', 'month', '--format', 'csv', '--db', warehouse());
    expect(r.code).toBe(0);
    const [header, ...rows] = lines(r.out);
    expect(header!.split(',')).toEqual(expect.arrayContaining(['month', 'conversations', 'fcr_rate', 'first_response_s_median']));
    expect(header!.split(',')[0]).toBe('month');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.startsWith('2026-09,1,')).toBe(true);
  });

  it('metrics conversations --format jsonl gives one object per conversation with metric names', async () => {
    const r = await parley('metrics', 'conversations', '--format', 'jsonl', '--db', warehouse());
    expect(r.code).toBe(0);
    const rows = lines(r.out).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((row) => row['conversation_id']).sort()).toEqual(['c1', 'c2', 'c3']);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['conversation_id', 'first_response_s', 'fcr', 'reopens', 'transfers', 'csat_score', 'effort_index', 'owner_agent']));
      for (const m of CATALOGUE) if (m.column === m.name) expect(row).toHaveProperty(m.name);
    }
    const c1 = rows.find((row) => row['conversation_id'] === 'c1')!;
    expect(c1).toMatchObject({ first_response_s: 300, owner_agent: 'a1', csat_score: 100 });
  });
});

describe('sql', () => {
  it('prints rows as JSON', async () => {
    const r = await parley('sql', 'select 1 as x', '--format', 'json', '--db', db('sql.duckdb'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ x: 1 }]);
  });

  it('a broken query exits 1 with one line', async () => {
    const r = await parley('sql', 'select * from no_such_table', '--db', db('sql.duckdb'));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^parley sql: .*no_such_table/);
  });
});

it('the bin runs: node cli/parley.js --help', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'cli', 'parley.js'), '--help'], { cwd: repoRoot });
  expect(stdout).toContain('Usage: parley COMMAND');
  expect(stdout).toContain('metrics summary');
});

it('parley … | head: once the reader has gone the command ends quietly, with no EPIPE stack trace', async () => {
  // `head -1`: take the first chunk of 300,000 lines of CSV, then close the pipe
  const child = spawn(process.execPath, [path.join(repoRoot, 'cli', 'parley.js'), 'sql', 'select range as n from range(300000)', '--format', 'csv', '--db', db('epipe.duckdb')], {
    cwd: repoRoot,
    env: {},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(first.startsWith('n\n')).toBe(true);
  expect(err).toBe('');
  expect(code).toBe(0);
});
