import { requirePermission } from '$lib/server/auth.js';
import { listAgents } from '$lib/server/agent-scorecard.js';
import { readFilters } from '$lib/server/filters.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewAllScorecards');
  const db = await warehouse();
  const filters = await readFilters(db, url);
  return { filters, agents: await listAgents(db, filters) };
};
