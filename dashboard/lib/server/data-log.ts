/**
 * The Data page's loader: the load log and the quarantine (what was refused
 * and why), newest first, paged.
 *
 * @example
 *   const { loads, quarantine } = await loadDataLog(db, { load: 3, page: 0 });
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import type { LoadLog } from '../../../warehouse/tables.js';
import { memo } from './mart-query.js';

export const QUARANTINE_PAGE = 50;

/** A row of the load log as the Data page shows it. */
export type LoadRow = Omit<LoadLog, 'checksum' | 'bytes'>;

export type QuarantineRow = {
  load_id: number;
  file: string;
  line: number | null;
  reason: string;
  raw: string | null;
  quarantined_at: Date;
};

/** The load log and a page of the quarantine (memoised until the data change: a load, handed to the server or run by a job, drops it). */
export function loadDataLog(db: Warehouse, o: { load?: number | undefined; page: number }) {
  return memo(db, `data-log\u0000${o.load ?? ''}\u0000${o.page}`, () => readDataLog(db, o));
}

async function readDataLog(db: Warehouse, o: { load?: number | undefined; page: number }) {
  const loads = await db.all<LoadRow>(
    `select load_id, file, format, source, "read", loaded, quarantined, replaced, started_at, duration_s, problem
     from load_log order by load_id desc, file limit 200`,
  );
  const where = o.load === undefined ? 'true' : 'load_id = $1';
  const params = o.load === undefined ? [] : [o.load];
  const n = params.length;
  const [quarantine, total] = await Promise.all([
    db.all<QuarantineRow>(
      `select load_id, file, line, reason, left(raw, 2000) as raw, quarantined_at from quarantine where ${where}
       order by load_id desc, file, line limit $${n + 1} offset $${n + 2}`,
      [...params, QUARANTINE_PAGE, o.page * QUARANTINE_PAGE],
    ),
    db.one<{ n: number }>(`select count(*) as n from quarantine where ${where}`, params),
  ]);
  return { loads, quarantine, quarantineTotal: total?.n ?? 0 };
}
