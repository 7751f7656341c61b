import { error } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { listCsv, listQuery } from '$lib/server/conversation-list.js';
import { csvResponse } from '$lib/server/csv-download.js';
import { warehouse } from '$lib/server/warehouse.js';
import { martsBuilt } from '$lib/server/mart-query.js';
import type { RequestHandler } from './$types';

/** The customer's conversations as CSV (every page, the page's order). */
export const GET: RequestHandler = async ({ locals, url, params }) => {
  requirePermission(locals, url, 'viewConversations');
  const db = await warehouse();
  if (!(await martsBuilt(db, 'conversation_metrics'))) error(404, 'The models are not built yet.');
  const q = listQuery.parse(Object.fromEntries(url.searchParams));
  // the customer filter stands alone: every date
  const csv = await listCsv(db, { from: '1970-01-01', to: '9999-12-31' }, q, { subjects: true, customer: { source: params.source, id: params.id } });
  return csvResponse(`customer-${params.source}-${params.id}-conversations`, csv);
};
