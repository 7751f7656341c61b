/**
 * `parley notebook list|render`: usage errors exit 2 in one line, a render
 * writes one self-contained HTML file, a broken block still writes the file
 * and exits 1 naming the block, and --pdf prints through Chromium.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../demo/generate.js';
import { parley } from '../../testing/cli.js';

let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-notebook-cli-'));
  db = path.join(dir, 'w.duckdb');
  const demo = await generateDemo({ conversations: 600, seed: 3, end: new Date('2026-04-01T00:00:00Z'), months: 3, outDir: path.join(dir, 'demo') });
  expect((await parley('ingest', ...demo.files, '--db', db)).code).toBe(0);
  expect((await parley('build', '--db', db)).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley notebook', () => {
  it('lists the shipped notebooks with their parameters', async () => {
    const r = await parley('notebook', 'list');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^monthly-report +Monthly leadership report\n +--param month=YYYY-MM \(default latest\)$/m);
    expect(r.out).toContain('coaching-pack');
  });

  it('refuses an unknown parameter, a malformed month and an unknown notebook in one line (exit 2)', async () => {
    const unknown = await parley('notebook', 'render', 'monthly-report', '--param', 'teem=x', '--db', db);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.err).toBe('parley notebook render: unknown parameter "teem" for monthly-report.md: it takes month; run \'parley notebook render --help\'\n');
    const month = await parley('notebook', 'render', 'monthly-report', '--param', 'month=October', '--db', db);
    expect(month.code).toBe(2);
    expect(month.err).toContain('"October" is not a month: write YYYY-MM');
    const missing = await parley('notebook', 'render', 'no-such-report', '--db', db);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no notebook "no-such-report"');
  });

  it('renders a shipped notebook to one self-contained HTML file', async () => {
    const out = path.join(dir, 'report.html');
    const r = await parley('notebook', 'render', 'monthly-report', '--param', 'month=2026-02', '--out', out, '--db', db);
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(r.err).toBe(`wrote ${out} (Monthly leadership report, month=2026-02)\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h1>Monthly leadership report</h1>');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('renders with DuckDB told to read no file, beside the check of each query', async () => {
    const file = path.join(dir, 'setting.md');
    writeFileSync(file, "---\ntitle: Setting\n---\n\nExternal access: {external}.\n\n```sql s\nselect current_setting('enable_external_access')::varchar as external\n```\n");
    const out = path.join(dir, 'setting.html');
    const r = await parley('notebook', 'render', file, '--out', out, '--db', db);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('External access: <span class="nb-value">false</span>.');
    // the warehouse opened afterwards reads files again (the setting held for that render only)
    const sql = await parley('sql', "select current_setting('enable_external_access')::varchar as external", '--format', 'json', '--db', db);
    expect(JSON.parse(sql.out)).toEqual([{ external: 'true' }]);
  });

  it('writes the file with a broken block in place and exits 1 naming it', async () => {
    const file = path.join(dir, 'broken.md');
    writeFileSync(file, '---\ntitle: Broken\n---\n\nStill here.\n\n```sql oops\nselect nope from nowhere\n```\n');
    const out = path.join(dir, 'broken.html');
    const r = await parley('notebook', 'render', file, '--out', out, '--db', db);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^broken\.md: sql "oops" \(line 7\): Catalog Error: Table with name nowhere does not exist!/);
    expect(readFileSync(out, 'utf8')).toContain('<p>Still here.</p>');
  });

  // Not skipped without Chromium: the command's own one-line reason says how to install it.
  it('prints a PDF through Chromium with --pdf', async () => {
    const pdf = path.join(dir, 'report.pdf');
    const r = await parley('notebook', 'render', 'monthly-report', '--pdf', pdf, '--db', db);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
