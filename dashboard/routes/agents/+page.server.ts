import { requirePermission } from '$lib/server/auth.js';
import { listAgents } from '$lib/server/agent-scorecard.js';
import { filterOptions, readFilters } from '$lib/server/filters.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewAllScorecards');
  const db = await warehouse();
  const filters = await readFilters(db, url);
  const [agents, options] = await Promise.all([listAgents(db, filters), filterOptions(db)]);
  return { filters, options, agents };
};
