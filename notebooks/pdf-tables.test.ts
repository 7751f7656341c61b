/**
 * Every table of the shipped reports fits the printed page: each notebook's
 * HTML is laid out in Chromium for print (playwright-core and the system's
 * Chromium, as notebooks/pdf.ts prints it) at the width of the page's
 * content, and every table's rendered width is measured against it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate.js';
import { seedDemoAccounts, seedDemoQa } from '../demo/seed.js';
import { testWarehouse } from '../testing/warehouse.js';
import type { Warehouse } from '../warehouse/connection.js';
import { loadNotebook, NOTEBOOKS_DIR, renderNotebook } from './index.js';
import { CHROMIUM_FLAGS, chromiumPath } from './pdf.js';
import { NOTEBOOK_CSS } from './html.js';

/** The demo's data run through November 2026; the reports are rendered on 1 December. */
const END = new Date('2026-12-01T00:00:00Z');
const NOW = new Date('2026-12-01T12:00:00Z');
let db: Warehouse;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-pdf-tables-'));
  try {
    const demo = await generateDemo({ conversations: 3000, seed: 42, end: END, outDir: dir });
    db = (await testWarehouse({ files: demo.files, source: 'demo', now: END, build: true })).db;
    // reviews for the coaching pack's QA table, insights for the pain points' topics
    await seedDemoAccounts(db, NOW);
    await seedDemoQa(db, NOW);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
afterAll(() => db?.close());

/** A4 is 210 mm wide; the stylesheet's @page margins are 12 mm on each side: 186 mm of content, at 96 px to 25.4 mm. */
const CONTENT_PX = Math.round((186 * 96) / 25.4); // 703

describe('the printed reports', () => {
  it('the stylesheet prints on A4 with 12 mm side margins (the width measured against below)', () => {
    expect(NOTEBOOK_CSS).toContain('@page { size: A4; margin: 14mm 12mm; }');
    expect(CONTENT_PX).toBe(703);
  });

  for (const id of ['monthly-report', 'coaching-pack', 'pain-points']) {
    it(`${id}: every table is no wider than the page`, async () => {
      const notebook = await loadNotebook(path.join(NOTEBOOKS_DIR, `${id}.md`));
      const { html, errors } = await renderNotebook(db, notebook, {}, { now: NOW });
      expect(errors).toEqual([]);
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
      try {
        const page = await browser.newPage({ viewport: { width: CONTENT_PX, height: 1000 } });
        await page.setContent(html, { waitUntil: 'load' });
        await page.emulateMedia({ media: 'print' });
        // a string: this project's type check has no DOM library (the function runs in the page)
        const tables = (await page.evaluate(`[...document.querySelectorAll('table')].map((t) => ({
          head: [...t.querySelectorAll('thead th')].map((th) => th.textContent).join(' | '),
          width: t.getBoundingClientRect().width,
          right: Math.max(...[...t.querySelectorAll('th, td')].map((c) => c.getBoundingClientRect().right)),
          rows: t.querySelectorAll('tbody tr').length,
        }))`)) as { head: string; width: number; right: number; rows: number }[];
        // the reports' own tables, not the charts' legends only
        expect(tables.filter((t) => t.rows > 0).length).toBeGreaterThanOrEqual(id === 'monthly-report' ? 8 : 3);
        for (const t of tables) {
          expect(t.width, `"${t.head}" is ${t.width} px wide on a page of ${CONTENT_PX} px`).toBeLessThanOrEqual(CONTENT_PX);
          expect(t.right, `a cell of "${t.head}" reaches past the page's edge`).toBeLessThanOrEqual(CONTENT_PX);
        }
      } finally {
        await browser.close();
      }
    }, 60_000);
  }
});
