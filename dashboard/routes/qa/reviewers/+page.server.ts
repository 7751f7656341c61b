import { requirePermission } from '$lib/server/auth.js';
import { reviewerStats } from '$lib/server/reviewer-stats.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

// QA leads: the roles that draw samples and coach
export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'coach');
  return reviewerStats(await warehouse(), url.searchParams.get('month') ?? undefined);
};
