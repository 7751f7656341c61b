/**
 * The one way the dashboard sends a table as CSV: a `+server.ts` beside the
 * page answers GET with the page's query (its filters) and hands the CSV text
 * (built with csv-cell.ts, formula-safe) to {@link csvResponse}, which names
 * the file and keeps it out of shared caches.
 *
 * @example
 *   return csvResponse('conversations-2026-11-01-to-2026-11-30', await listCsv(db, filters, q, o));
 */

/** A CSV download named `<name>.csv` (the name cut to letters, digits, `.`, `_` and `-`). */
export function csvResponse(name: string, csv: string): Response {
  const file = `${name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120) || 'table'}.csv`;
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${file}"`,
      'cache-control': 'private, no-store',
    },
  });
}
