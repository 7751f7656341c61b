/**
 * The annotations of a view: the dates a team entered in parley.config.yaml
 * (`config_annotations`, models/config-annotations.ts) or on the dashboard
 * (`chart_annotations`, migration 014, by supervisors and admins: {@link
 * addAnnotation}), and the incidents of
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
 *   await addAnnotation(db, { date: '2026-11-20', label: 'Black Friday', kind: 'other' }, 'sup-1');
 */
import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../warehouse/connection.js';
import type { ChartAnnotation } from '../charts/annotations.js';
import { tableExists, tableNames } from '../warehouse/table-exists.js';
import { tables } from '../warehouse/tables.js';
import { annotationConfig, type AnnotationConfig } from './config-annotations.js';

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
  // one catalog query for the three (each costs a few ms: a trend asked for the first time asks them)
  const tables = await tableNames(db);
  const [configured, entered, emerging] = ['config_annotations', 'chart_annotations', 'insight_emerging'].map((t) => tables.has(t));
  const parts: string[] = [];
  // the same rule for a team's or channel's date, whether configured or entered
  const dated = (table: string) => `select day::varchar as date, label, kind from ${table}
      where day::date between $1::date and $2::date
        and (team is null or $3::varchar is null or team = $3)
        and (channel is null or $4::varchar is null or channel = $4)`;
  if (configured) parts.push(dated('config_annotations'));
  if (entered) parts.push(dated('chart_annotations'));
  if (emerging) {
    parts.push(`select month || '-01' as date, 'Rising: ' || label as label, 'incident' as kind from insight_emerging
      where rank = 1 and ratio >= ${EMERGING_RATIO} and month between substr($1, 1, 7) and substr($2, 1, 7)`);
  }
  if (!parts.length) return [];
  const params = configured || entered ? [scope.from, scope.to, scope.team ?? null, scope.channel ?? null] : [scope.from, scope.to];
  return db.all<{ date: string; label: string; kind: string }>(`${parts.join('\nunion all\n')}\norder by date, label`, params);
}

/** An annotation as the Annotations page lists it: where it comes from, and its id when it was entered on the dashboard. */
export interface ListedAnnotation extends ChartAnnotation {
  source: 'config' | 'dashboard';
  id: string | null;
  team: string | null;
  channel: string | null;
  createdBy: string | null;
}

/** Every configured and entered annotation, newest first. */
export async function listAnnotations(db: Warehouse): Promise<ListedAnnotation[]> {
  const [configured, entered] = await Promise.all([tableExists(db, 'config_annotations'), tableExists(db, 'chart_annotations')]);
  const parts: string[] = [];
  if (configured)
    parts.push(`select 'config' as source, null::varchar as id, day::varchar as date, label, kind, team, channel, null::varchar as created_by from config_annotations`);
  if (entered) parts.push(`select 'dashboard' as source, annotation_id as id, day::varchar as date, label, kind, team, channel, created_by from chart_annotations`);
  if (!parts.length) return [];
  const rows = await db.all<{
    source: 'config' | 'dashboard';
    id: string | null;
    date: string;
    label: string;
    kind: string;
    team: string | null;
    channel: string | null;
    created_by: string | null;
  }>(`${parts.join('\nunion all\n')}\norder by date desc, label`);
  return rows.map((r) => ({ source: r.source, id: r.id, date: r.date, label: r.label, kind: r.kind, team: r.team, channel: r.channel, createdBy: r.created_by }));
}

/** A refused annotation, with what to fix ('date: write the date as YYYY-MM-DD …'). */
export class AnnotationError extends Error {}

/**
 * Saves an annotation entered on the dashboard, checked like one in the
 * config (date, label under 80 characters, kind); returns its id. Empty team
 * and channel mean every view.
 */
export async function addAnnotation(db: Warehouse, input: Record<string, unknown>, by: string, now: Date = new Date()): Promise<string> {
  const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== '' && v !== null && v !== undefined));
  const parsed = annotationConfig.safeParse(clean);
  if (!parsed.success) throw new AnnotationError(parsed.error.issues.map((i) => `${i.path.join('.') || 'annotation'}: ${i.message}`).join('; '));
  const a: AnnotationConfig = parsed.data;
  const id = randomUUID();
  await tables(db)
    .insertInto('chart_annotations')
    .values({ annotation_id: id, day: a.date, label: a.label, kind: a.kind, team: a.team ?? null, channel: a.channel ?? null, created_by: by, created_at: now })
    .execute();
  return id;
}

/** Removes an annotation entered on the dashboard (one from the config is changed in the config); false when there was none. */
export async function removeAnnotation(db: Warehouse, id: string): Promise<boolean> {
  const result = await tables(db).deleteFrom('chart_annotations').where('annotation_id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
