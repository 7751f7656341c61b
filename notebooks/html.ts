/**
 * The HTML pieces of a rendered notebook — tables, comparison cards, error
 * and "not available yet" boxes — and the page around them with its inline
 * stylesheet. Pure string functions; every value is escaped here.
 *
 * @example
 *   escapeHtml('<b>') // '&lt;b&gt;'
 *   page({ title: 'Monthly report', subtitle: 'October 2026', body: '<p>…</p>' }) // '<!doctype html>…'
 */
import { columnLabel, formatChange, formatColumn, formatMonth, higherIsBetter } from './format.js';
import { fieldMetric } from '../models/summary.js';
import { moveSize } from './notable-changes.js';
import type { Row } from '../warehouse/connection.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A problem shown in place of a block: names the block and what to fix. */
export function errorBox(label: string, line: number, message: string): string {
  const where = /at line \d+$/.test(label) ? '' : ` <span class="nb-where">(line ${line})</span>`;
  return `<div class="nb-error" role="alert"><strong>${escapeHtml(label)}</strong>${where}: ${escapeHtml(message)}</div>\n`;
}

/** An honest placeholder for a section whose tables this warehouse does not have yet. */
export function unavailableBox(missing: readonly string[]): string {
  const tables = missing.map((t) => `<code>${escapeHtml(t)}</code>`).join(', ');
  return `<div class="nb-unavailable"><strong>Not available yet.</strong> This part needs ${missing.length > 1 ? 'the tables' : 'the table'} ${tables}, which this warehouse does not have yet.</div>\n`;
}

/** A cell's text: month keys read as months, everything else formatted by its column. */
function cellText(column: string, value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}$/.test(value)) return formatMonth(value, false);
  return formatColumn(column, value);
}

/** From this many columns a table is wide: in print even its first column wraps. */
export const WIDE_COLUMNS = 7;

export interface TableColumn {
  column: string;
  label: string;
}

/** A formatted table of rows; numbers right-aligned; at most `limit` rows with a note of the rest. */
export function tableHtml(rows: readonly Row[], columns: readonly TableColumn[], limit: number, title?: string, emptyText = 'No rows.'): string {
  const shown = rows.slice(0, limit);
  const numeric = new Set(columns.filter((c) => rows.some((r) => typeof r[c.column] === 'number')).map((c) => c.column));
  // a plain numeric column (not a catalogue metric) shows one number of decimals throughout
  const decimals = new Map(
    columns
      .filter((c) => numeric.has(c.column) && !fieldMetric(c.column))
      .map((c) => [c.column, Math.min(2, Math.max(0, ...shown.map((r) => (typeof r[c.column] === 'number' ? (String(r[c.column]).split('.')[1] ?? '').length : 0))))]),
  );
  const cell = (column: string, value: unknown): string => {
    const d = decimals.get(column);
    if (d !== undefined && typeof value === 'number') {
      const text = value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
      return value < 0 ? `−${text.slice(1)}` : text;
    }
    return cellText(column, value);
  };
  const head = columns.map((c) => `<th${numeric.has(c.column) ? ' class="num"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  const body = shown
    .map((r) => `<tr>${columns.map((c) => `<td${numeric.has(c.column) ? ' class="num"' : ''}>${escapeHtml(cell(c.column, r[c.column]))}</td>`).join('')}</tr>`)
    .join('\n');
  const empty = rows.length === 0 ? `<tr><td colspan="${columns.length}" class="nb-empty">${escapeHtml(emptyText)}</td></tr>` : '';
  const more = rows.length > limit ? `<p class="nb-note">${(rows.length - limit).toLocaleString('en-US')} more rows not shown.</p>` : '';
  const caption = title ? `<caption>${escapeHtml(title)}</caption>` : '';
  // seven columns or more: the first column may wrap too, so that the table fits the page (print CSS)
  // a short table stays on one printed page; a long one breaks between rows, its header repeated
  const classes = ['nb-table', ...(columns.length >= WIDE_COLUMNS ? ['nb-wide'] : []), ...(shown.length <= 15 ? ['nb-short'] : [])].join(' ');
  return `<div class="${classes}"><table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}${empty}</tbody></table>${more}</div>\n`;
}

export interface Comparison {
  heading: string;
  key: string | null;
  row: Row | undefined;
}

/** Whether a change is too small to call (the summary's own notability rule: size, and noise for rates). */
function minor(metric: string, now: Row, then: Row): boolean {
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return (
    moveSize({
      column: metric,
      current: num(now[metric]),
      previous: num(then[metric]),
      currentBase: num(now[`${metric}_base`]),
      previousBase: num(then[`${metric}_base`]),
    }) < 1
  );
}

function changeHtml(metric: string, now: Row, c: Comparison): string {
  if (!c.row) return `<span class="nb-delta nb-na">no data</span>`;
  const a = now[metric];
  const b = c.row[metric];
  if (typeof a !== 'number' || typeof b !== 'number') return `<span class="nb-delta nb-na">–</span>`;
  const delta = a - b;
  const hib = higherIsBetter(metric);
  const tone = delta === 0 || hib === null || minor(metric, now, c.row) ? 'flat' : delta > 0 === hib ? 'good' : 'bad';
  const arrow = delta > 0 ? '▲' : delta < 0 ? '▼' : '●';
  return `<span class="nb-delta nb-${tone}" title="${escapeHtml(`${c.heading}: ${formatColumn(metric, b)}`)}">${arrow} ${escapeHtml(formatChange(metric, delta))}</span>`;
}

/** What the arrows of a comparison mean: their colour is good or bad news per the catalogue, grey when the change is too small to call. */
export function compareLegend(): string {
  return (
    `<p class="nb-legend">` +
    `<span class="nb-good">▲▼ better</span> · <span class="nb-bad">▲▼ worse</span> · ` +
    `<span class="nb-flat">▲▼ too small to call</span> (under the notable-change threshold, or within noise for a rate) · ` +
    `<span class="nb-flat">●</span> no change. The arrow points the way the figure moved.</p>\n`
  );
}

/** What the marks of the summary of changes mean. */
export function changesLegend(): string {
  return `<p class="nb-legend"><span class="nb-good">▲▼</span> good news, <span class="nb-bad">▲▼</span> bad news (the arrow points the way the figure moved); <span class="nb-flat">●</span> a figure with no better direction.</p>\n`;
}

/** The current row's metrics against earlier rows, as cards or as a table; an earlier row with no data gets one note. */
export function compareHtml(metrics: readonly string[], now: Row, nowHeading: string, comparisons: readonly Comparison[], layout: 'cards' | 'table', title?: string): string {
  const heading = title ? `<h4 class="nb-compare-title">${escapeHtml(title)}</h4>` : '';
  const against = comparisons.filter((c) => c.row);
  const missing = comparisons.filter((c) => !c.row);
  const note = missing.length
    ? `<p class="nb-note">No data ${missing.map((c) => `for ${escapeHtml(c.key && /^\d{4}-\d{2}$/.test(c.key) ? formatMonth(c.key) : c.heading)} (${escapeHtml(c.heading)})`).join(' or ')} in the warehouse.</p>\n`
    : '';
  if (layout === 'cards') {
    const cards = metrics.map((m) => {
      const lines = against.map((c) => `<div class="nb-vs">${changeHtml(m, now, c)} <span class="nb-vs-label">vs ${escapeHtml(c.heading)}</span></div>`).join('');
      return `<div class="nb-card"><div class="nb-card-label">${escapeHtml(columnLabel(m))}</div><div class="nb-card-value">${escapeHtml(formatColumn(m, now[m]))}</div>${lines}</div>`;
    });
    return `${heading}<div class="nb-cards">\n${cards.join('\n')}\n</div>\n${against.length ? compareLegend() : ''}${note}`;
  }
  const shown = (c: Comparison) => (c.key && /^\d{4}-\d{2}$/.test(c.key) ? formatMonth(c.key, false) : c.heading);
  const head = [
    '<th></th>',
    `<th class="num">${escapeHtml(nowHeading)}</th>`,
    ...against.flatMap((c) => [`<th class="num">${escapeHtml(shown(c))}</th>`, `<th class="num">vs ${escapeHtml(c.heading)}</th>`]),
  ].join('');
  const body = metrics.map((m) => {
    const cells = against.flatMap((c) => [`<td class="num">${escapeHtml(formatColumn(m, c.row![m]))}</td>`, `<td class="num">${changeHtml(m, now, c)}</td>`]);
    return `<tr><th scope="row">${escapeHtml(columnLabel(m))}</th><td class="num nb-strong">${escapeHtml(formatColumn(m, now[m]))}</td>${cells.join('')}</tr>`;
  });
  return `${heading}<div class="nb-table"><table class="nb-compare"><thead><tr>${head}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table></div>\n${against.length ? compareLegend() : ''}${note}`;
}

export const NOTEBOOK_CSS = `
:root { --ink: #1d2733; --muted: #5b6776; --line: #e3e7ec; --accent: #2b5b84; --good: #1f7a4d; --bad: #b3362d; --bg-soft: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink); font: 15px/1.55 'Inter', 'Segoe UI', system-ui, -apple-system, sans-serif; }
.nb-page { max-width: 820px; margin: 0 auto; padding: 40px 32px 64px; }
.nb-header { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 24px; }
.nb-kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: var(--accent); font-weight: 600; }
.nb-header h1 { font-size: 30px; line-height: 1.2; margin: 4px 0 6px; }
.nb-subtitle { color: var(--muted); margin: 0; }
.nb-params { margin: 10px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 13px; color: var(--muted); }
.nb-params dt { display: inline; font-weight: 600; color: var(--ink); }
.nb-params dd { display: inline; margin: 0 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 8px; padding-top: 6px; border-top: 1px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
h4 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); }
p, ul, ol { margin: 8px 0 12px; }
code { font: 13px ui-monospace, 'SFMono-Regular', Menlo, monospace; background: var(--bg-soft); padding: 1px 4px; border-radius: 3px; }
blockquote { margin: 12px 0; padding: 4px 14px; border-left: 3px solid var(--line); color: var(--muted); }
.nb-value { font-weight: 600; font-variant-numeric: tabular-nums; }
.nb-changes { list-style: none; padding: 14px 18px; margin: 14px 0 20px; background: var(--bg-soft); border-radius: 8px; }
.nb-changes li { position: relative; padding-left: 22px; margin: 6px 0; }
.nb-changes li::before { content: '●'; position: absolute; left: 0; top: 0; font-size: 12px; color: var(--muted); }
.nb-changes li.nb-good::before { content: '▲'; color: var(--good); }
.nb-changes li.nb-bad::before { content: '▼'; color: var(--bad); }
.nb-changes li.nb-good.nb-down::before { content: '▼'; }
.nb-changes li.nb-bad.nb-up::before { content: '▲'; }
.nb-changes li.nb-met::before { content: '✓'; color: var(--good); }
.nb-changes li.nb-missed::before { content: '✗'; color: var(--bad); }
.nb-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; margin: 12px 0 18px; }
.nb-card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; break-inside: avoid; }
.nb-card-label { font-size: 12px; color: var(--muted); }
.nb-card-value { font-size: 24px; font-weight: 650; margin: 2px 0 6px; font-variant-numeric: tabular-nums; }
.nb-vs { font-size: 12px; line-height: 1.5; }
.nb-vs-label { color: var(--muted); }
.nb-delta { font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.nb-good { color: var(--good); }
.nb-bad { color: var(--bad); }
.nb-flat, .nb-na { color: var(--muted); font-weight: 500; }
.nb-legend { font-size: 12px; color: var(--muted); margin: -8px 0 16px; }
.nb-legend span { font-weight: 600; }
.nb-table { overflow-x: auto; margin: 10px 0 16px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
tbody th { font-weight: 500; }
.num { text-align: right; }
td.num, .nb-delta { white-space: nowrap; }
thead th { overflow-wrap: normal; hyphens: manual; }
tbody td:first-child { white-space: nowrap; }
.nb-strong { font-weight: 650; }
.nb-empty { color: var(--muted); font-style: italic; }
.nb-note { font-size: 12px; color: var(--muted); margin: 4px 0; }
.nb-chart { margin: 14px 0 20px; break-inside: avoid; }
.nb-chart h4 { margin: 0 0 4px; color: var(--ink); }
.nb-chart figcaption, .nb-chart .nb-caption { font-size: 12px; color: var(--muted); }
.nb-chart svg { max-width: 100%; height: auto; }
.nb-error { border: 1px solid #e8b4ae; background: #fdf1ef; color: #7a231b; border-radius: 6px; padding: 10px 14px; margin: 12px 0; font-size: 14px; }
.nb-where { color: #9a4a42; font-size: 12px; }
.nb-inline-error { color: #b3362d; background: #fdf1ef; border-radius: 3px; padding: 0 3px; font-weight: 600; }
.nb-caveat { border-left: 4px solid #c98a00; background: #fff8e6; padding: 8px 14px; margin: 0 0 20px; font-size: 14px; break-inside: avoid; }
.nb-caveat-note { color: #7a5200; }
.nb-unavailable { border: 1px dashed #c5ccd5; background: var(--bg-soft); color: var(--muted); border-radius: 6px; padding: 10px 14px; margin: 12px 0; font-size: 14px; }
.nb-problems { border-left: 4px solid var(--bad); background: #fdf1ef; padding: 8px 14px; margin: 0 0 20px; font-size: 14px; }
.nb-queries { margin-top: 40px; border-top: 1px solid var(--line); padding-top: 12px; font-size: 13px; color: var(--muted); }
.nb-queries pre { background: var(--bg-soft); padding: 10px; border-radius: 6px; overflow-x: auto; font-size: 12px; color: var(--ink); }
.nb-footer { margin-top: 28px; font-size: 12px; color: var(--muted); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 12.5px; }
  .nb-page { padding: 0; max-width: none; }
  .nb-queries { display: none; }
  h2 { break-after: avoid; }
  .nb-chart, .nb-cards, .nb-short, .nb-compare { break-inside: avoid; }
  /* tables fit the page's width: smaller type, tighter cells, headings and text wrap; rows never split */
  .nb-table { overflow: visible; }
  table { font-size: 10.5px; }
  th, td { padding: 4px 5px; }
  thead th { font-size: 10px; }
  .nb-wide tbody td:first-child { white-space: normal; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
}
`.trim();

export interface PageParts {
  title: string;
  kicker?: string;
  subtitle?: string;
  /** Parameter label → shown value. */
  params?: ReadonlyArray<[string, string]>;
  problems?: readonly string[];
  body: string;
  footer?: string;
}

/** The inner part of a rendered notebook (for embedding in a page that carries NOTEBOOK_CSS). */
export function articleHtml(p: PageParts): string {
  const params = p.params?.length ? `<dl class="nb-params">${p.params.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>` : '';
  const problems = p.problems?.length ? `<div class="nb-problems" role="alert">${p.problems.map((x) => `<div>${escapeHtml(x)}</div>`).join('')}</div>\n` : '';
  return [
    `<article class="nb-page">`,
    `<header class="nb-header">${p.kicker ? `<div class="nb-kicker">${escapeHtml(p.kicker)}</div>` : ''}<h1>${escapeHtml(p.title)}</h1>${p.subtitle ? `<p class="nb-subtitle">${escapeHtml(p.subtitle)}</p>` : ''}${params}</header>`,
    problems + p.body,
    p.footer ? `<footer class="nb-footer">${p.footer}</footer>` : '',
    `</article>`,
  ].join('\n');
}

/** A whole self-contained HTML document: inline CSS, no script, no external resource. */
export function page(p: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<style>
${NOTEBOOK_CSS}
</style>
</head>
<body>
${articleHtml(p)}
</body>
</html>
`;
}
