import { requirePermission } from '$lib/server/auth.js';
import { loadPlanning, planningInputs, PLANNING_DEFAULTS } from '$lib/server/planning.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewPlanning');
  const inputs = planningInputs(url.searchParams);
  return { inputs, defaults: PLANNING_DEFAULTS, planning: await loadPlanning(await warehouse(), inputs) };
};
