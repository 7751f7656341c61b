/**
 * Reports: the notebooks of notebooks/ (monthly report, pain points, QA
 * calibration, coaching pack) rendered inside the dashboard through
 * notebooks' own API, from the notebooks folder of the package
 * (notebooks/index.ts's NOTEBOOKS_DIR, found from the bundled app too).
 *
 * @example
 *   const list = await reportList(db);
 *   const r = await renderReport(db, 'monthly-report', { month: '2026-10' });
 *
 * A rendered report is kept until the data change (the warehouse's data
 * generation, as cache.ts keeps query results) for the same notebook text
 * and the same parameter values: rendering the monthly report runs dozens of
 * queries and draws its charts, seconds on millions of messages, and every
 * reader of the month asks for the same one. At most {@link REPORTS_KEPT}
 * are kept (a report's HTML, charts included, is up to a few hundred kB).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Warehouse } from '../../../warehouse/connection.js';
import { listNotebooks, loadNotebook, NOTEBOOK_CSS, NOTEBOOKS_DIR, paramChoices, renderNotebook, resolveParams } from '../../../notebooks/index.js';
import { memo } from './cache.js';

export async function reportList(db: Warehouse) {
  const entries = await listNotebooks(NOTEBOOKS_DIR);
  // the choices (the months with data, …) are read from the marts: kept until the data change, per notebook list
  return memo(db, `report-list\u0000${JSON.stringify(entries)}`, () => reportChoices(db, entries));
}

function reportChoices(db: Warehouse, entries: Awaited<ReturnType<typeof listNotebooks>>) {
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

export const REPORTS_KEPT = 16;
type Rendered = { title: string; html: string; css: string; errors: string[] };
const rendered = new Map<string, Promise<Rendered>>();

/** A notebook rendered as an article (HTML made and escaped by notebooks/), or null for an unknown id. */
export async function renderReport(db: Warehouse, id: string, given: Record<string, string>, now = new Date()): Promise<Rendered | null> {
  const entries = await listNotebooks(NOTEBOOKS_DIR);
  const entry = entries.find((e) => e.id === id);
  if (!entry) return null;
  const text = await readFile(entry.file, 'utf8');
  const notebook = await loadNotebook(entry.file);
  // the same notebook, data and resolved parameters (a default month from the data and `now`) render the same report
  const { values, problems } = await resolveParams(db, notebook, given, now);
  const key = [db.path, db.generation(), createHash('sha256').update(text).digest('hex'), JSON.stringify(values), JSON.stringify(problems)].join('\u0000');
  const kept = rendered.get(key);
  if (kept) {
    rendered.delete(key);
    rendered.set(key, kept);
    return kept;
  }
  const page = renderNotebook(db, notebook, given, { fragment: true, now }).then((result) => ({
    title: result.title,
    html: result.html,
    css: NOTEBOOK_CSS,
    errors: result.errors.map((e) => `${e.block}: ${e.message}`),
  }));
  rendered.set(key, page);
  page.catch(() => rendered.delete(key));
  if (rendered.size > REPORTS_KEPT) rendered.delete(rendered.keys().next().value!);
  return page;
}
