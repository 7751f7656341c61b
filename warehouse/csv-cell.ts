/**
 * One CSV cell as Parley writes it, in every CSV it writes (`--format csv`,
 * `parley sample export`, …): RFC 4180 quoting, and text that a spreadsheet
 * would run as a formula made inert. A text cell beginning with `=`, `+`,
 * `-`, `@`, a tab or a carriage return gets a leading single quote (OWASP's
 * advice against CSV injection); numbers stay numbers, so `-3` written as a
 * number is not touched. {@link unescapeCsvCell} undoes it when Parley reads
 * its own export back (`parley sample import`).
 *
 * @example
 *   csvCell('=HYPERLINK("http://x")')  // → "'=HYPERLINK(""http://x"")"
 *   csvCell(-3)                         // → -3
 *   csvCell('-3')                       // → '-3   (text that looks like a number is text)
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text as a spreadsheet may take it, made inert: `'` before a formula's first character. */
export function inertText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A value as one CSV cell (see the module comment). Dates as ISO strings, objects as JSON. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'string' ? value : JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const safe = inertText(text);
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A cell read back from a CSV Parley wrote: the quote {@link inertText} added is taken off again. */
export function unescapeCsvCell(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}
