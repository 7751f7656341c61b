import { requirePermission } from '$lib/server/auth.js';
import { filterOptions, readFilters } from '$lib/server/filters.js';
import { can } from '$lib/roles.js';
import { loadSla } from '$lib/server/sla.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requirePermission(locals, url, 'viewSla');
  const db = await warehouse();
  const filters = await readFilters(db, url);
  const [sla, options] = await Promise.all([loadSla(db, filters), filterOptions(db)]);
  // leadership reads the figures; the threads behind them are for those who may read conversations
  return { filters, options, sla, openConversations: can(user.role, 'viewConversations') };
};
