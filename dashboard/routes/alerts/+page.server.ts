import { requirePermission } from '$lib/server/auth.js';
import { loadAlerts } from '$lib/server/alerts.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewAlerts');
  return await loadAlerts(await warehouse());
};
