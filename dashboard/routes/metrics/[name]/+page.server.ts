import { error } from '@sveltejs/kit';
import { CATALOGUE } from '../../../../models/catalogue.js';
import { requireOwnData } from '$lib/server/auth.js';
import { filterOptions, ownFilters, ownOptions, readFilters } from '$lib/server/filters.js';
import { loadMetricPage } from '$lib/server/metric-page.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  // an agent (from their scorecard) sees the metric over their own conversations only
  const { ownAgent } = requireOwnData(locals, url, 'viewMetrics');
  const m = CATALOGUE.find((c) => c.name === params.name);
  if (!m) error(404, `There is no metric "${params.name}" in the catalogue.`);
  const db = await warehouse();
  const filters = ownFilters(await readFilters(db, url), ownAgent);
  const [page, options] = await Promise.all([loadMetricPage(db, m, filters), filterOptions(db).then((o) => ownOptions(o, ownAgent))]);
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
    ...page,
  };
};
