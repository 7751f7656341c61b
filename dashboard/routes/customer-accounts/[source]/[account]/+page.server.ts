import { error } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { listQuery, PAGE_SIZE } from '$lib/server/conversation-list.js';
import { loadCustomerAccount } from '$lib/server/customer-account.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  // as the customer page: it lists conversations (subjects, ids) and customers, for those who may read conversations
  requirePermission(locals, url, 'viewConversations');
  const db = await warehouse();
  const q = listQuery.parse(Object.fromEntries(url.searchParams));
  const account = await loadCustomerAccount(db, params.source, params.account, q);
  if (!account) error(404, `There is no account ${params.account} from ${params.source}.`);
  return { account, query: q, pageSize: PAGE_SIZE };
};
