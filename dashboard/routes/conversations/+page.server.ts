import { requirePermission } from '$lib/server/auth.js';
import { listConversations, listQuery, PAGE_SIZE } from '$lib/server/conversation-list.js';
import { filterOptions, readFilters } from '$lib/server/filters.js';
import { warehouse } from '$lib/server/warehouse.js';
import { can } from '$lib/roles.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requirePermission(locals, url, 'viewMetrics');
  const db = await warehouse();
  const filters = await readFilters(db, url);
  const q = listQuery.parse(Object.fromEntries(url.searchParams));
  const open = can(user.role, 'viewConversations');
  const [list, options] = await Promise.all([listConversations(db, filters, q, { subjects: open }), filterOptions(db)]);
  return { ...list, filters, options, query: q, pageSize: PAGE_SIZE, open };
};
