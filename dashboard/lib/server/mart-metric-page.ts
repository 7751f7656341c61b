/**
 * The pages of the metrics computed in their own marts rather than per
 * conversation (catalogue `computedIn`): backlog, concurrency, QA score,
 * internal quality score and agreement. Each has its chart from its mart and
 * a drill-down of the rows the figure is made of — the days, the agents, the
 * reviews, the criteria — with their values. The arithmetic of each figure is
 * in the SQL here, pinned by the tests beside it.
 *
 * @example
 *   const page = await loadMartMetricPage(db, 'backlog', { from: '2026-11-01', to: '2026-11-30' });
 *   page?.total;            // '412 open at the end of 2026-11-30'
 *   page?.drill.rows[0];    // { day: { text: '2026-11-30' }, opened: { text: '96' }, …, backlog: { text: '412' } }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import type { ChartAnnotation } from '../../../charts/annotations.js';
import { loadBacklogPage, loadConcurrencyPage } from './workload-pages.js';
import { loadAgreementPage, loadInternalQualityPage, loadQaScorePage } from './qa-metric-pages.js';
import type { Filters } from './filters.js';
import { memo } from './cache.js';
import type { MartMetricPage } from './mart-page-parts.js';

export type { DrillCell, DrillColumn, DrillTable, MartChart, MartMetricPage } from './mart-page-parts.js';

export const MART_METRICS = ['backlog', 'concurrency', 'qa_score', 'internal_quality_score', 'agreement'] as const;
export type MartMetric = (typeof MART_METRICS)[number];

export function isMartMetric(name: string): name is MartMetric {
  return (MART_METRICS as readonly string[]).includes(name);
}

/**
 * The page of a mart metric for `f`; `annotations` go on its trend charts. Kept until the data
 * change (as metric-page.ts keeps a conversation metric's page): drawing its charts is most of a
 * warm request's CPU, and its marts (and the QA tables) change only with the data generation.
 */
export function loadMartMetricPage(db: Warehouse, name: MartMetric, f: Filters, annotations: readonly ChartAnnotation[] = []): Promise<MartMetricPage> {
  return memo(db, `mart-metric\u0000${name}\u0000${JSON.stringify(f)}\u0000${JSON.stringify(annotations)}`, () => computeMartMetricPage(db, name, f, annotations));
}

function computeMartMetricPage(db: Warehouse, name: MartMetric, f: Filters, annotations: readonly ChartAnnotation[]): Promise<MartMetricPage> {
  switch (name) {
    case 'backlog':
      return loadBacklogPage(db, f, annotations);
    case 'concurrency':
      return loadConcurrencyPage(db, f, annotations);
    case 'qa_score':
      return loadQaScorePage(db, f);
    case 'internal_quality_score':
      return loadInternalQualityPage(db, f, annotations);
    case 'agreement':
      return loadAgreementPage(db, f);
  }
}
