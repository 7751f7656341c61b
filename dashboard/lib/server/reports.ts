/**
 * Reports: the notebooks of notebooks/ (monthly report, pain points, QA
 * calibration, coaching pack) rendered inside the dashboard through
 * notebooks' own API. The folder is found from the project root that
 * `parley serve` passes in PARLEY_ROOT (the app is bundled, so it cannot
 * locate notebooks/ from its own file).
 *
 * @example
 *   const list = await reportList(db);
 *   const r = await renderReport(db, 'monthly-report', { month: '2026-10' });
 */
import path from 'node:path';
import type { Warehouse } from '../../../warehouse/connection.js';
import { listNotebooks, loadNotebook, NOTEBOOK_CSS, paramChoices, renderNotebook } from '../../../notebooks/index.js';

function notebooksDir(): string {
  return path.join(process.env['PARLEY_ROOT'] ?? process.cwd(), 'notebooks');
}

export async function reportList(db: Warehouse) {
  const entries = await listNotebooks(notebooksDir());
  return Promise.all(
    entries.map(async (e) => {
      const choices = await paramChoices(db, e);
      return {
        id: e.id,
        title: e.title,
        description: e.description ?? null,
        params: e.params.map((p) => ({ name: p.name, label: p.label ?? p.name, choices: choices[p.name] ?? [] })),
      };
    }),
  );
}

/** A notebook rendered as an article (HTML made and escaped by notebooks/), or null for an unknown id. */
export async function renderReport(db: Warehouse, id: string, given: Record<string, string>) {
  const entries = await listNotebooks(notebooksDir());
  const entry = entries.find((e) => e.id === id);
  if (!entry) return null;
  const notebook = await loadNotebook(entry.file);
  const result = await renderNotebook(db, notebook, given, { fragment: true });
  return { title: result.title, html: result.html, css: NOTEBOOK_CSS, errors: result.errors.map((e) => `${e.block}: ${e.message}`) };
}
