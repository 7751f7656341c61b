import { requireOwnData } from '$lib/server/auth.js';
import { listCsv, listQuery } from '$lib/server/conversation-list.js';
import { csvResponse } from '$lib/server/csv-download.js';
import { ownFilters, readFilters } from '$lib/server/filters.js';
import { warehouse } from '$lib/server/warehouse.js';
import { can } from '$lib/roles.js';
import type { RequestHandler } from './$types';

/** The conversation list as CSV: the same filters, search, metric and order as /conversations, every page. */
export const GET: RequestHandler = async ({ locals, url }) => {
  const { user, ownAgent } = requireOwnData(locals, url, 'viewMetrics');
  const db = await warehouse();
  const filters = ownFilters(await readFilters(db, url), ownAgent);
  const q = listQuery.parse(Object.fromEntries(url.searchParams));
  const open = ownAgent !== undefined || can(user.role, 'viewConversations');
  const range = filters.month ?? `${filters.from}-to-${filters.to}`;
  return csvResponse(`conversations-${range}`, await listCsv(db, filters, q, { subjects: open }));
};
