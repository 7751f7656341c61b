/**
 * Notebooks: Markdown reports with named SQL blocks, charts, tables,
 * comparisons and a plain-language summary, rendered by Parley into one
 * self-contained HTML file. This is the API the CLI and the dashboard use.
 *
 * @example
 *   const list = await listNotebooks('notebooks');              // [{ id: 'monthly-report', title: 'Monthly leadership report', file, params }]
 *   const nb = await loadNotebook('notebooks/monthly-report.md');
 *   const choices = await paramChoices(db, nb);                 // { month: ['2026-11', '2026-10', …] }
 *   const { html, errors } = await renderNotebook(db, nb, { month: '2026-10' });
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { asset } from '../warehouse/assets.js';
import { parseNotebook, type Notebook, type ParamSpec } from './parse.js';

export { parseNotebook } from './parse.js';
export type { Block, ChartSpec, Notebook, ParamSpec, ParamType, TableSpec, CompareSpec, ChangesSpec } from './parse.js';
export { renderNotebook } from './render.js';
export type { RenderError, RenderOptions, RenderResult } from './render.js';
export { paramChoices, resolveParams, type ParamValues } from './params.js';
export { NOTEBOOK_CSS } from './html.js';
export { findNotableChanges } from './notable-changes-sql.js';
export type { NotableChange } from './notable-changes-sql.js';

/** The folder of the notebooks shipped with Parley. */
export const NOTEBOOKS_DIR = asset('notebooks');

export interface NotebookEntry {
  /** The file name without `.md`: what `renderNotebook` and URLs use. */
  id: string;
  title: string;
  description?: string;
  file: string;
  params: ParamSpec[];
  /** Problems found while parsing (the notebook still renders, showing them). */
  problems: string[];
}

/** How many parsed notebooks {@link loadNotebook} keeps (the shipped ones are four). */
const PARSED_KEPT = 32;
const parsed = new Map<string, Notebook>();

/**
 * Reads and parses one notebook file. The parse of the same text is kept (LRU, by the text, so
 * an edited file is parsed anew): the dashboard lists and loads the notebooks on every request
 * of the reports pages, and parsing their YAML was most of such a warm request's CPU. The kept
 * notebook is shared: callers read it, never change it.
 */
export async function loadNotebook(file: string): Promise<Notebook> {
  const text = await readFile(file, 'utf8');
  const id = path.basename(file).replace(/\.md$/, '');
  const key = `${id}\u0000${text}`;
  const kept = parsed.get(key);
  parsed.delete(key);
  const notebook = kept ?? parseNotebook(text, id);
  parsed.set(key, notebook);
  if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  return notebook;
}

/**
 * The notebooks (`*.md`, not README.md) in `dir`, sorted by id.
 *
 * @example
 *   (await listNotebooks(NOTEBOOKS_DIR)).map((n) => n.id) // ['coaching-pack', 'monthly-report', 'pain-points', 'qa-calibration']
 */
export async function listNotebooks(dir: string = NOTEBOOKS_DIR): Promise<NotebookEntry[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md').sort();
  const out: NotebookEntry[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    const nb = await loadNotebook(file);
    out.push({ id: nb.id, title: nb.title, ...(nb.description ? { description: nb.description } : {}), file, params: nb.params, problems: nb.problems });
  }
  return out;
}
