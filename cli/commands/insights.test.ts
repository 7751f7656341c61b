/**
 * `parley insights build` and `parley insights top` end to end on a small
 * hand-written warehouse: exit statuses, one-line errors, the printed lists.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';

describe('parley insights', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-insights-cli-'));
    db = path.join(dir, 'w.duckdb');
    const lines: string[] = [];
    const months = ['2026-01', '2026-02', '2026-03', '2026-04'];
    let n = 0;
    for (const month of months) {
      // a steady complaint every month; in April a burst of a new one
      const texts = [...Array(30).fill('The app keeps crashing after the update'), ...(month === '2026-04' ? Array(40).fill('The scanner shows a red light and beeps') : [])];
      for (const text of texts) {
        n++;
        lines.push(
          JSON.stringify({
            id: `c${n}`,
            channel: 'webchat',
            created_at: `${month}-10T10:00:00Z`,
            customer: { id: `cus${n}` },
            intent: n % 2 ? 'technical_issue' : undefined,
            messages: [{ id: 'm1', at: `${month}-10T10:00:00Z`, author: { role: 'customer' }, body: text }],
          }),
        );
      }
    }
    writeFileSync(path.join(dir, 'c.jsonl'), lines.join('\n') + '\n');
    expect((await parley('ingest', path.join(dir, 'c.jsonl'), '--db', db)).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('asks for the models first, then for the insights, in one line each', async () => {
    const before = await parley('insights', 'build', '--db', db);
    expect(before.code).toBe(1);
    expect(before.err).toMatch(/^parley insights build: .*run `parley build` first\n$/);
    expect((await parley('build', '--db', db)).code).toBe(0);
    const top = await parley('insights', 'top', '--db', db);
    expect(top.code).toBe(1);
    expect(top.err).toMatch(/run `parley insights build` first\n$/);
  });

  it("builds, then prints a month's pain points and what emerged", async () => {
    const built = await parley('insights', 'build', '--db', db, '--json');
    expect(built.code).toBe(0);
    const summary = JSON.parse(built.out);
    expect(summary.messages).toBe(160);
    const top = await parley('insights', 'top', '--month', '2026-04', '--db', db, '--format', 'json');
    expect(top.code).toBe(0);
    const [report] = JSON.parse(top.out);
    expect(report.month).toBe('2026-04');
    expect(report.pain_points.length).toBeGreaterThan(0);
    expect(report.emerging.map((e: { label: string }) => e.label).join(' ')).toMatch(/scanner|red light|beep/);
    expect(report.emerging.map((e: { label: string }) => e.label).join(' ')).not.toMatch(/crash/);
    const table = await parley('insights', 'top', '--month', '2026-04', '--db', db);
    expect(table.out).toMatch(/Top pain points, 2026-04/);
    expect(table.out).toMatch(/Emerging in 2026-04/);
  });

  it('rejects a malformed month as bad usage and an unknown one as not doable', async () => {
    expect((await parley('insights', 'top', '--month', 'April', '--db', db)).code).toBe(2);
    const none = await parley('insights', 'top', '--month', '2020-01', '--db', db);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no insights for 2020-01/);
  });
});
