import { error } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { listCsv, listQuery } from '$lib/server/conversation-list.js';
import { csvResponse } from '$lib/server/csv-download.js';
import { warehouse } from '$lib/server/warehouse.js';
import { martsBuilt } from '$lib/server/mart-query.js';
import type { RequestHandler } from './$types';

/** The account's conversations as CSV (every page, the page's order). */
export const GET: RequestHandler = async ({ locals, url, params }) => {
  requirePermission(locals, url, 'viewConversations');
  const db = await warehouse();
  if (!(await martsBuilt(db, 'conversation_metrics'))) error(404, 'The models are not built yet.');
  const q = listQuery.parse(Object.fromEntries(url.searchParams));
  // the account filter stands alone: every date
  const csv = await listCsv(db, { from: '1970-01-01', to: '9999-12-31' }, q, { subjects: true, account: { source: params.source, account: params.account } });
  return csvResponse(`account-${params.source}-${params.account}-conversations`, csv);
};
