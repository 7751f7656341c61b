/**
 * Every table of the dashboard downloads as CSV, as it is shown: the layout
 * calls {@link enhanceTables} after each navigation, which gives each
 * `.table-wrap` a "Download CSV" button (tables already served whole by an
 * endpoint — the conversation list, a customer's conversations — are marked
 * `data-csv="server"` and skipped). The CSV holds the header and body rows'
 * text, each cell through warehouse/csv-cell.ts, so a cell that a
 * spreadsheet would run as a formula is inert.
 *
 * @example
 *   afterNavigate(() => enhanceTables(document.querySelector('main')));
 */
import { csvCell } from '../../warehouse/csv-cell.js';

/** The text of each row's cells (header rows first, as the table orders them), white space collapsed. */
export function tableRows(table: Element): string[][] {
  return [...table.querySelectorAll('tr')].map((tr) => [...tr.children].filter((c) => /^(TD|TH)$/i.test(c.tagName)).map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** Rows as CSV text (CRLF line ends), every cell formula-safe. */
export function rowsToCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A file name for a table: the page's title and the nearest heading before the table, as one slug. */
export function tableFileName(pageTitle: string, heading: string | undefined): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/·\s*parley$/i, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  const [page, head] = [slug(pageTitle), heading ? slug(heading) : ''];
  return [page, head === page ? '' : head].filter(Boolean).join('-').slice(0, 100) || 'table';
}

/** The nearest h1–h3 before `el` in document order (its own earlier siblings, then its ancestors'). */
function headingBefore(el: Element): string | undefined {
  for (let node: Element | null = el; node; node = node.parentElement) {
    for (let s = node.previousElementSibling; s; s = s.previousElementSibling) {
      const h = /^H[1-3]$/.test(s.tagName) ? s : s.querySelector('h1, h2, h3');
      if (h) return (h.textContent ?? '').replace(/\s+/g, ' ').trim();
    }
  }
  return undefined;
}

/** Adds the download button to each table-wrap under `root` that has none (and is not served by an endpoint). */
export function enhanceTables(root: Element | null): void {
  if (!root) return;
  for (const wrap of root.querySelectorAll<HTMLElement>('.table-wrap:not([data-csv])')) {
    const table = wrap.querySelector('table');
    if (!table) continue;
    wrap.dataset['csv'] = 'client';
    const button = wrap.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = 'table-csv';
    button.textContent = 'Download CSV';
    const name = tableFileName(wrap.ownerDocument.title, headingBefore(wrap));
    button.setAttribute('aria-label', `Download this table as CSV (${name}.csv)`);
    button.addEventListener('click', () => {
      const blob = new Blob([rowsToCsv(tableRows(table))], { type: 'text/csv;charset=utf-8' });
      const url = URL.createObjectURL(blob);
      const a = wrap.ownerDocument.createElement('a');
      a.href = url;
      a.download = `${name}.csv`;
      wrap.ownerDocument.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    wrap.prepend(button);
  }
}
