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
  return annotationsIn(await readAnnotations(db), scope);
}

/** An annotation with what {@link annotationsIn} picks it by: its team and channel, or the month of an emerging topic. */
export interface ScopedAnnotation extends ChartAnnotation {
  team: string | null;
  channel: string | null;
  /** YYYY-MM of an emerging topic (shown on every team's and channel's views), null for a dated one. */
  month: string | null;
}

/**
 * Every annotation of the warehouse, ordered by date and label, with its
 * scope: one read, which {@link annotationsIn} narrows to any view (the
 * dashboard keeps it until the data change, so a date range asked for the
 * first time reads no table for its annotations).
 */
export async function readAnnotations(db: Warehouse): Promise<ScopedAnnotation[]> {
  // one catalog query for the three (each costs a few ms)
  const tables = await tableNames(db);
  const parts: string[] = [];
  for (const t of ['config_annotations', 'chart_annotations']) {
    if (tables.has(t)) parts.push(`select day::varchar as date, label, kind, team, channel, null::varchar as month from ${t}`);
  }
  if (tables.has('insight_emerging')) {
    parts.push(`select month || '-01' as date, 'Rising: ' || label as label, 'incident' as kind, null::varchar as team, null::varchar as channel, month from insight_emerging
      where rank = 1 and ratio >= ${EMERGING_RATIO}`);
  }
  if (!parts.length) return [];
  return db.all<ScopedAnnotation & Record<string, unknown>>(`${parts.join('\nunion all\n')}\norder by date, label`);
}

/**
 * The annotations of `all` that a view of `scope` shows, in their order: a
 * dated one within its days, of its team and channel (one without either
 * shows on every view, and a view without them shows every one); an emerging
 * topic when its month is among the scope's months.
 */
export function annotationsIn(all: readonly ScopedAnnotation[], scope: AnnotationScope): ChartAnnotation[] {
  const [fromMonth, toMonth] = [scope.from.slice(0, 7), scope.to.slice(0, 7)];
  const fits = (value: string | null, wanted: string | undefined) => value === null || wanted === undefined || value === wanted;
  return all
    .filter((a) =>
      a.month !== null ? a.month >= fromMonth && a.month <= toMonth : a.date >= scope.from && a.date <= scope.to && fits(a.team, scope.team) && fits(a.channel, scope.channel),
    )
    .map((a) => ({ date: a.date, label: a.label, kind: a.kind }));
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
