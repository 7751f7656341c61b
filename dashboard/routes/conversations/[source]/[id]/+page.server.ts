import { error } from '@sveltejs/kit';
import { requireOwnData } from '$lib/server/auth.js';
import { loadConversation } from '$lib/server/conversation.js';
import { loadConversationQa } from '$lib/server/conversation-qa.js';
import { warehouse } from '$lib/server/warehouse.js';
import { can } from '$lib/roles.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  // an agent opens only a conversation they own or were reviewed on, and sees only their own reviews of it
  const { user, ownAgent } = requireOwnData(locals, url, 'viewConversations');
  const db = await warehouse();
  const conversation = await loadConversation(db, params.source, params.id);
  const qa = conversation ? await loadConversationQa(db, params.source, params.id, ownAgent) : null;
  const theirs = !ownAgent || (conversation !== null && (conversation.ownerAgent === ownAgent || (qa?.reviews.length ?? 0) > 0));
  if (!conversation || !qa || !theirs) error(404, ownAgent ? 'There is no such conversation of yours.' : `There is no conversation ${params.id} from ${params.source}.`);
  return { conversation, qa, ownAgent: ownAgent ?? null, customers: can(user.role, 'viewConversations') };
};
