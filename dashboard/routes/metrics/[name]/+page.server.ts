import { error } from '@sveltejs/kit';
import { CATALOGUE } from '../../../../models/catalogue.js';
import { requirePermission } from '$lib/server/auth.js';
import { filterOptions, readFilters } from '$lib/server/filters.js';
import { loadMetricPage } from '$lib/server/metric-page.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  requirePermission(locals, url, 'viewMetrics');
  const m = CATALOGUE.find((c) => c.name === params.name);
  if (!m) error(404, `There is no metric "${params.name}" in the catalogue.`);
  const db = await warehouse();
  const filters = await readFilters(db, url);
  const [page, options] = await Promise.all([loadMetricPage(db, m, filters), filterOptions(db)]);
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
    ...page,
  };
};
