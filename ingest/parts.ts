/**
 * An adapter's query in parts: the SQL that keeps one part of an export's
 * rows, and how many parts an export needs, so that the loader checks and
 * writes one part before it reads the next and memory stays flat as an
 * export grows (see `load.ts`). Together the parts yield every row once.
 *
 * @example
 *   const count = partsFor(staged.rows);                       // about ROWS_PER_PART rows each
 *   const sql = (part: Part) => `select … from _stage where ${inPart(part, 'ticket_id')}`;
 *   inPart({ index: 1, count: 3 }, 'ticket_id')                // "hash(ticket_id) % 3 = 1"
 */

/** One of `count` parts of an adapter's query. */
export interface Part {
  index: number;
  count: number;
}

/** The whole of a query, as one part. */
export const WHOLE: Part = { index: 0, count: 1 };

/** Staged export rows (messages, audits, tweets) per part of an adapter's query. */
export const ROWS_PER_PART = 400_000;
/** Bytes of a JSON export (one record per conversation) per part of an adapter's query. */
export const BYTES_PER_PART = 64 * 2 ** 20;

/** SQL: true when the key `expr` falls in `part` (by its hash; always true for a single part). */
export function inPart(part: Part, expr: string): string {
  return part.count <= 1 ? 'true' : `hash(${expr}) % ${part.count} = ${part.index}`;
}

/**
 * SQL: true when the row number `expr` (1…`total`) falls in `part`'s range —
 * for exports of one record per conversation, where a later part must hold
 * later records (the later record of a conversation wins).
 */
export function inRange(part: Part, total: number, expr: string): string {
  if (part.count <= 1) return 'true';
  const size = Math.ceil(total / part.count);
  return `${expr} > ${part.index * size} and ${expr} <= ${(part.index + 1) * size}`;
}

/** How many parts an adapter's query over a staged JSON export of `bytes` runs in: about {@link BYTES_PER_PART} each. */
export function partsForBytes(bytes: number, perPart = BYTES_PER_PART): number {
  return Math.max(1, Math.ceil(bytes / perPart));
}

/** How many parts an adapter's query over `rows` staged rows runs in: about {@link ROWS_PER_PART} rows each. */
export function partsFor(rows: number, perPart = ROWS_PER_PART): number {
  return Math.max(1, Math.ceil(rows / perPart));
}
