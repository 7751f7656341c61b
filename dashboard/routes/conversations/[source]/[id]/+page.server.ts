import { error } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { loadConversation } from '$lib/server/conversation.js';
import { loadConversationQa } from '$lib/server/conversation-qa.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  requirePermission(locals, url, 'viewConversations');
  const db = await warehouse();
  const conversation = await loadConversation(db, params.source, params.id);
  if (!conversation) error(404, `There is no conversation ${params.id} from ${params.source}.`);
  return { conversation, qa: await loadConversationQa(db, params.source, params.id) };
};
