import { requirePermission } from '$lib/server/auth.js';
import { filterOptions, readFilters } from '$lib/server/filters.js';
import { loadOverview } from '$lib/server/overview.js';
import { warehouse } from '$lib/server/warehouse.js';
import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  if (locals.user?.role === 'agent') redirect(303, `/agents/${encodeURIComponent(locals.user.agentId ?? '')}`);
  requirePermission(locals, url, 'viewMetrics');
  const db = await warehouse();
  const filters = await readFilters(db, url);
  const [overview, options] = await Promise.all([loadOverview(db, filters), filterOptions(db)]);
  return { filters, options, ...overview };
};
