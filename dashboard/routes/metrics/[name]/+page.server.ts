import { error } from '@sveltejs/kit';
import { CATALOGUE } from '../../../../models/catalogue.js';
import { requireOwnData } from '$lib/server/auth.js';
import { filterOptions, ownFilters, ownOptions, readFilters, trendRange } from '$lib/server/filters.js';
import { loadMetricPage } from '$lib/server/metric-page.js';
import { isMartMetric, loadMartMetricPage } from '$lib/server/mart-metric-page.js';
import { warehouse } from '$lib/server/warehouse.js';
import { chartAnnotations } from '$lib/server/mart-query.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  // an agent (from their scorecard) sees the metric over their own conversations only
  const { ownAgent } = requireOwnData(locals, url, 'viewMetrics');
  const m = CATALOGUE.find((c) => c.name === params.name);
  if (!m) error(404, `There is no metric "${params.name}" in the catalogue.`);
  const db = await warehouse();
  const filters = ownFilters(await readFilters(db, url), ownAgent);
  // releases, outages and emerging topics over the twelve months of the trends (read once until the data change, as the overview reads them)
  const annotations = await chartAnnotations(db, { from: trendRange(filters).from, to: filters.to, team: filters.team, channel: filters.channel });
  const [page, mart, options] = await Promise.all([
    // a mart metric has no conversation summary to chart: its page is the mart's
    isMartMetric(m.name)
      ? { trend: '', trendP90: '', breakdowns: [], distribution: '', narrow: { trend: '', trendP90: '', distribution: '' }, total: '–' }
      : loadMetricPage(db, m, filters, annotations),
    isMartMetric(m.name) ? loadMartMetricPage(db, m.name, filters, annotations) : null,
    filterOptions(db).then((o) => ownOptions(o, ownAgent)),
  ]);
  return {
    metric: {
      name: m.name,
      label: m.label,
      definition: m.definition,
      unit: m.unit,
      group: m.group,
      higherIsBetter: m.higherIsBetter,
      usesInferredResolution: m.usesInferredResolution,
      computedIn: m.computedIn ?? null,
      summary: m.summary?.kind ?? null,
    },
    filters,
    options,
    ownAgent: ownAgent ?? null,
    mart,
    ...page,
  };
};
