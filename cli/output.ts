/**
 * Printing rows: `table` for people (values formatted by the catalogue's
 * units), `json`, `jsonl` and `csv` for machines (seconds, fractions 0–1,
 * ISO timestamps, metric names as field names). CSV cells go through
 * warehouse/csv-cell.ts: a text cell that a spreadsheet would run as a
 * formula (`=…`, `+…`, `-…`, `@…`) is written with a leading `'`.
 *
 * @example
 *   write(process.stdout, rows, 'csv');
 */
import { CATALOGUE, formatValue, type Metric } from '../models/catalogue.js';
import { fieldMetric } from '../models/summary.js';
import { csvCell } from '../warehouse/csv-cell.js';

export type Format = 'table' | 'json' | 'jsonl' | 'csv';

/** A value as machines read it: Dates as ISO strings, bigints as numbers or strings. */
export function machineValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(machineValue);
  return value;
}

function machineRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, machineValue(v)]));
}

/** The catalogue entry a column reports, if any (`fcr_rate`, `resolved`, `first_response_s_p90`, ...). */
export function metricOfColumn(column: string): Metric | undefined {
  const exact = CATALOGUE.find((m) => m.name === column || m.column === column);
  if (exact) return exact;
  const field = fieldMetric(column);
  // a rate's base is a count; a mean of a count is a count
  return field?.stat === 'base' ? { ...field.metric, unit: 'count' } : field?.metric;
}

function tableCell(column: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (value instanceof Date) {
    const iso = value.toISOString();
    // a DATE column arrives as midnight UTC: show the day alone
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/\.000Z$/, 'Z');
  }
  const m = metricOfColumn(column);
  if (m && typeof value === 'number') return formatValue(m, value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  if (typeof value === 'object') return JSON.stringify(machineValue(value));
  return String(value);
}

/** Renders rows as an aligned text table; numbers right-aligned. */
export function renderTable(rows: readonly Record<string, unknown>[], columns = rows[0] ? Object.keys(rows[0]) : []): string {
  if (rows.length === 0) return '(no rows)\n';
  const cells = rows.map((r) => columns.map((c) => tableCell(c, r[c])));
  const numeric = columns.map((c) => rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** Writes rows to `out` in `format`. */
export function write(
  out: NodeJS.WritableStream,
  rows: readonly Record<string, unknown>[],
  format: Format,
  columns?: string[],
  { header = true }: { header?: boolean } = {},
): void {
  switch (format) {
    case 'json':
      out.write(JSON.stringify(rows.map(machineRow), null, 2) + '\n');
      break;
    case 'jsonl':
      for (const r of rows) out.write(JSON.stringify(machineRow(r)) + '\n');
      break;
    case 'csv': {
      const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
      if (header) out.write(cols.map(csvCell).join(',') + '\n');
      for (const r of rows) out.write(cols.map((c) => csvCell(r[c])).join(',') + '\n');
      break;
    }
    case 'table':
      out.write(renderTable(rows, columns));
      break;
  }
}
