import { requireOwnData } from '$lib/server/auth.js';
import { listConversations, listQuery, PAGE_SIZE } from '$lib/server/conversation-list.js';
import { filterOptions, ownFilters, ownOptions, readFilters } from '$lib/server/filters.js';
import { warehouse } from '$lib/server/warehouse.js';
import { can } from '$lib/roles.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  // an agent lists only the conversations they own, and opens them
  const { user, ownAgent } = requireOwnData(locals, url, 'viewMetrics');
  const db = await warehouse();
  const filters = ownFilters(await readFilters(db, url), ownAgent);
  const q = listQuery.parse(Object.fromEntries(url.searchParams));
  const open = ownAgent !== undefined || can(user.role, 'viewConversations');
  const [list, options] = await Promise.all([listConversations(db, filters, q, { subjects: open }), filterOptions(db).then((o) => ownOptions(o, ownAgent))]);
  return { ...list, filters, options, query: q, pageSize: PAGE_SIZE, open, customers: can(user.role, 'viewConversations'), ownAgent: ownAgent ?? null };
};
