/**
 * The parts the mart metric pages share (mart-metric-page.ts): their types,
 * the drill-down table and the note on filters a mart does not keep.
 *
 * @example
 *   drillTable('Days', [{ key: 'day', label: 'Day' }], rows); // { title, columns, rows (≤ 200), more }
 *   unusedFilters({ from, to, intent: 'billing' }, ['channel', 'team']); // ['This figure is not kept by intent: that filter is not applied.']
 *   unusedFilters({ from, to, tag: 'vip', status: 'open' }, ['channel']); // ['This figure is not kept by tag or status: those filters are not applied.']
 */
import type { Filters } from './filters.js';
import { appliedFilters } from '../filter-words.js';

export interface DrillColumn {
  key: string;
  label: string;
  numeric?: boolean;
}

export interface DrillCell {
  text: string;
  href?: string;
}

export interface DrillTable {
  title: string;
  columns: DrillColumn[];
  rows: Record<string, DrillCell>[];
  /** Rows not shown (the table shows the first `DRILL_LIMIT`). */
  more: number;
}

export interface MartChart {
  title: string;
  /** Rendered for a desktop column. */
  svg: string;
  /** The same chart rendered for a phone's width, so its text stays readable. */
  narrow: string;
  caption?: string;
}

export interface MartMetricPage {
  /** The period's figure, in words ('412 open at the end of 2026-11-30'). */
  total: string;
  charts: MartChart[];
  drill: DrillTable[];
  /** What the page does not do with the filters (a filter the mart does not keep), said plainly. */
  notes: string[];
}

/** Rows a drill-down table shows at most. */
export const DRILL_LIMIT = 200;
/** The width of a chart rendered for a phone (the card's inner width at a 390 px viewport). */
export const NARROW_WIDTH = 340;

/** A drill-down table of at most DRILL_LIMIT rows. */
export function drillTable(title: string, columns: DrillColumn[], rows: Record<string, DrillCell>[]): DrillTable {
  return { title, columns, rows: rows.slice(0, DRILL_LIMIT), more: Math.max(0, rows.length - DRILL_LIMIT) };
}

/**
 * Filters a mart does not keep, as one sentence ('This figure is not kept by intent or status: those filters are not
 * applied.'): every filter the bar can set (appliedFilters), named as the page names it, but those in `kept`.
 */
export function unusedFilters(f: Filters, kept: readonly (keyof Filters)[]): string[] {
  const unused = appliedFilters(f)
    .filter((a) => !(kept as readonly string[]).includes(a.key))
    .map((a) => (a.key.startsWith('dim.') ? a.key.slice(4) : (FILTER_NAMES[a.key] ?? a.key)));
  if (!unused.length) return [];
  return [`This figure is not kept by ${unused.join(' or ')}: ${unused.length > 1 ? 'those filters are' : 'that filter is'} not applied.`];
}

const FILTER_NAMES: Record<string, string> = { csat: 'CSAT', csat_score: 'CSAT score', sla: 'SLA', sla_policy: 'SLA policy' };
