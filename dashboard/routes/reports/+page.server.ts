import { requirePermission } from '$lib/server/auth.js';
import { reportList } from '$lib/server/reports.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewAllScorecards');
  return { reports: await reportList(await warehouse()) };
};
