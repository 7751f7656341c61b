import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate.js';
import { testWarehouse } from '../testing/warehouse.js';
import type { Warehouse } from '../warehouse/connection.js';
import { listNotebooks, loadNotebook, NOTEBOOKS_DIR, paramChoices, parseNotebook, renderNotebook, resolveParams } from './index.js';
import { NOTEBOOK_CSS } from './html.js';

// A small fixed warehouse: the seeded demo generator, a fixed end date, built in memory.
let db: Warehouse;
/** The demo's data end, and the moment these renders happen: June 2026 has just ended. */
const DATA_END = new Date('2026-07-01T00:00:00Z');
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-notebooks-'));
  try {
    const demo = await generateDemo({ conversations: 3000, seed: 7, end: new Date('2026-07-01T00:00:00Z'), outDir: dir });
    // costs, so that the monthly report's cost and retention section has figures (the demo writes outcomes.jsonl)
    const costs = { agent_cost_per_hour: 38, platform_fees_per_month: 1500, cost_per_automated_conversation: 0.4 };
    // two dates a team entered, for the annotation layer of the report's monthly charts
    const annotations = [
      { date: '2026-03-09', label: 'Release 4.2', kind: 'release' as const },
      { date: '2026-05-18', label: 'Chat outage', kind: 'outage' as const },
    ];
    db = (await testWarehouse({ files: demo.files, source: 'demo', now: new Date('2026-07-01T00:00:00Z'), build: { costs, annotations } })).db;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(() => db?.close());

const BROKEN = `---
title: Broken on purpose
params:
  month: { type: month, default: latest }
  who: { type: text, default: nobody }
---

Before: {good.n} for {who}.

\`\`\`sql good
select 42 as n, $month as m, $who as who
\`\`\`

\`\`\`sql broken
selec nonsense from nowhere
\`\`\`

\`\`\`sql unknown_param
select $teem as t
\`\`\`

\`\`\`chart missing_col
type: line
data: good
x: m
y: fcr_ratee
\`\`\`

\`\`\`chart from_broken
type: bar
data: broken
x: a
y: b
\`\`\`

\`\`\`table
data: good
columns: [n, who]
\`\`\`

\`\`\`sql writes
delete from raw_conversations
\`\`\`

\`\`\`sql needs requires=table_from_the_future
select * from table_from_the_future
\`\`\`

\`\`\`table
data: needs
\`\`\`

After: {good.n} in {month}; {bogus}.
`;

describe('renderNotebook: a broken block names itself and the rest renders', () => {
  it('reports each broken block by name with its problem, and still renders the text around them', async () => {
    const before = await db.one<{ n: number }>('select count(*) as n from raw_conversations');
    const { html, errors } = await renderNotebook(db, parseNotebook(BROKEN, 'broken'), { who: "x' or 1=1 --" }, { now: DATA_END });
    expect(errors.map((e) => `${e.block}: ${e.message}`)).toEqual([
      'sql "broken": Parser Error: syntax error at or near "selec"',
      'sql "unknown_param": unknown parameter $teem: this notebook declares $month, $month_previous, $month_year_ago, $who',
      'sql "writes": only a query (select … / with … select …) can run in a notebook; it never changes the warehouse',
      'chart "missing_col": y: column "fcr_ratee" is not in the result "good" (its columns: n, m, who)',
      'chart "from_broken": its data "broken" could not be computed (see the error of sql "broken")',
      `text at line ${BROKEN.split('\n').findIndex((l) => l.startsWith('After:')) + 1}: value {bogus}: no parameter and no one-row query has a column "bogus"`,
    ]);
    expect(html).toContain('Before: <span class="nb-value">42</span> for <span class="nb-value">x&#39; or 1=1 --</span>');
    expect(html).toContain('After: <span class="nb-value">42</span> in <span class="nb-value">June 2026</span>');
    expect(html).toContain('Not available yet.</strong> This part needs the table <code>table_from_the_future</code>');
    // the value was bound, not spliced: it comes back verbatim and the warehouse is untouched
    expect(html).toContain('<td>x&#39; or 1=1 --</td>');
    expect((await db.one<{ n: number }>('select count(*) as n from raw_conversations'))?.n).toBe(before?.n);
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('writes no script, no remote image and no javascript: link, even when the Markdown has them', async () => {
    const nb = parseNotebook('---\ntitle: T\n---\n\n<script>alert(1)</script>\n\n![logo](https://example.com/logo.png) [click](javascript:alert(1)) [docs](#top)\n');
    const { html } = await renderNotebook(db, nb, {}, { fragment: true });
    expect(html.startsWith('<article class="nb-page">')).toBe(true);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('[image not embedded: logo]');
    expect(html).toContain('click <a href="#top">docs</a>');
    expect(html).not.toMatch(/<script|<img|javascript:/);
  });

  it('an unknown or malformed parameter is reported and the default used', async () => {
    const { errors, params } = await renderNotebook(db, parseNotebook(BROKEN, 'broken'), { mnth: '2026-05', month: 'May' }, { now: DATA_END });
    expect(errors.slice(0, 2).map((e) => e.message)).toEqual([
      'unknown parameter "mnth": this notebook\'s parameters are month, who',
      'parameter month: "May" is not a month: write YYYY-MM, e.g. 2026-10',
    ]);
    expect(params['month']).toBe('2026-06');
  });
});

describe('parameters', () => {
  it('month "latest" is the latest complete month (notebooks/params.test.ts has the rule); derived months follow', async () => {
    const nb = parseNotebook('---\ntitle: T\nparams:\n  month: { type: month, default: latest }\n  team: { type: team, default: largest }\n---\n');
    const { values, problems } = await resolveParams(db, nb, {}, DATA_END);
    expect(problems).toEqual([]);
    expect(values).toEqual({ month: '2026-06', month_previous: '2026-05', month_year_ago: '2025-06', team: 'Tier 1 EMEA' });
    // the day before, June is still in progress: May
    expect((await resolveParams(db, nb, {}, new Date('2026-06-30T12:00:00Z'))).values['month']).toBe('2026-05');
    const choices = await paramChoices(db, nb);
    expect(choices['month']?.slice(0, 3)).toEqual(['2026-06', '2026-05', '2026-04']);
    expect(choices['team']).toContain('Billing Specialists');
  });
});

describe('the monthly report', () => {
  it('draws the configured dates on its monthly charts and says what its arrows mean', async () => {
    const { html, errors } = await renderNotebook(db, await loadNotebook(path.join(NOTEBOOKS_DIR, 'monthly-report.md')), { month: '2026-06' }, { now: DATA_END });
    expect(errors).toEqual([]);
    const charts = html.match(/<figure class="nb-chart">[\s\S]*?<\/figure>/g) ?? [];
    const annotated = charts.filter((c) => c.includes('<title>2026-03-09 · release: Release 4.2</title>'));
    // every chart over the twelve months to June carries both rules; none carries a date it does not cover
    expect(annotated.length).toBeGreaterThan(0);
    for (const c of annotated) expect(c).toContain('<title>2026-05-18 · outage: Chat outage</title>');
    expect(html).toContain('<span class="nb-flat">▲▼ too small to call</span>');
    expect(html).toContain('<p class="nb-legend"><span class="nb-good">▲▼</span> good news');
  });
});

describe('the shipped notebooks', () => {
  it('are listed with their titles and parameters', async () => {
    const list = await listNotebooks(NOTEBOOKS_DIR);
    expect(list.map((n) => n.id)).toEqual(['coaching-pack', 'monthly-report', 'pain-points', 'qa-calibration']);
    expect(list.every((n) => n.problems.length === 0)).toBe(true);
  });

  for (const [id, params] of [
    ['monthly-report', { month: '2026-05' }],
    ['coaching-pack', { month: '2026-05', team: 'Billing Specialists' }],
    ['pain-points', { month: '2026-05' }],
    ['qa-calibration', { month: '2026-05' }],
  ] as const) {
    it(`${id} renders without errors, the same bytes twice, equal to its snapshot`, async () => {
      const nb = await loadNotebook(path.join(NOTEBOOKS_DIR, `${id}.md`));
      const first = await renderNotebook(db, nb, params);
      expect(first.errors).toEqual([]);
      const second = await renderNotebook(db, nb, params);
      expect(second.html).toBe(first.html);
      // The stylesheet is one constant of html.ts: checked here once, kept out of the four snapshots.
      expect(first.html).toContain(`<style>\n${NOTEBOOK_CSS}\n</style>`);
      await expect(first.html.replace(NOTEBOOK_CSS, '/* NOTEBOOK_CSS of notebooks/html.ts */')).toMatchFileSnapshot(`__snapshots__/${id}.html`);
    });
  }
});
