/**
 * The annotations of a view: the dates a team entered in parley.config.yaml
 * (`config_annotations`, models/config-annotations.ts) and the incidents of
 * the emerging topics (insights' `insight_emerging`: each month's top rise,
 * when at least EMERGING_RATIO times what the months before predict), for
 * the trend charts of the dashboard and the monthly report.
 *
 * An annotation with a team or channel shows on views of that team or
 * channel and on views not filtered by one; an emerging topic is a month's
 * finding, so it is dated on the 1st of its month (where a monthly trend
 * draws that month's point).
 *
 * @example
 *   await loadAnnotations(db, { from: '2025-12-01', to: '2026-11-30', team: 'Billing' });
 *   // [{ date: '2026-03-09', label: 'Release 4.2', kind: 'release' }, { date: '2026-10-01', label: 'Rising: refund delay', kind: 'incident' }]
 */
import type { Warehouse } from '../warehouse/connection.js';
import type { ChartAnnotation } from '../charts/annotations.js';
import { tableExists } from '../warehouse/table-exists.js';

/** An emerging topic becomes an incident annotation at this many times its expected conversations. */
export const EMERGING_RATIO = 2;

export interface AnnotationScope {
  /** First and last day, YYYY-MM-DD. */
  from: string;
  to: string;
  team?: string | undefined;
  channel?: string | undefined;
}

export async function loadAnnotations(db: Warehouse, scope: AnnotationScope): Promise<ChartAnnotation[]> {
  const [configured, emerging] = await Promise.all([tableExists(db, 'config_annotations'), tableExists(db, 'insight_emerging')]);
  const parts: string[] = [];
  if (configured) {
    parts.push(`select day::varchar as date, label, kind from config_annotations
      where day between $1::date and $2::date
        and (team is null or $3::varchar is null or team = $3)
        and (channel is null or $4::varchar is null or channel = $4)`);
  }
  if (emerging) {
    parts.push(`select month || '-01' as date, 'Rising: ' || label as label, 'incident' as kind from insight_emerging
      where rank = 1 and ratio >= ${EMERGING_RATIO} and month between substr($1, 1, 7) and substr($2, 1, 7)`);
  }
  if (!parts.length) return [];
  const params = configured ? [scope.from, scope.to, scope.team ?? null, scope.channel ?? null] : [scope.from, scope.to];
  return db.all<{ date: string; label: string; kind: string }>(`${parts.join('\nunion all\n')}\norder by date, label`, params);
}
