import { error } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { listQuery, PAGE_SIZE } from '$lib/server/conversation-list.js';
import { loadCustomer } from '$lib/server/customer.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  // a customer's page lists their conversations (subjects, ids): for those who may read conversations
  requirePermission(locals, url, 'viewConversations');
  const db = await warehouse();
  const q = listQuery.parse(Object.fromEntries(url.searchParams));
  const customer = await loadCustomer(db, params.source, params.id, q);
  if (!customer) error(404, `There is no customer ${params.id} from ${params.source}.`);
  return { customer, query: q, pageSize: PAGE_SIZE };
};
