import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { CurationError, recordCuration, type CurationInput } from '../../../insights/curation.js';
import { requirePermission } from '$lib/server/auth.js';
import { loadPainPoints } from '$lib/server/pain-points.js';
import { warehouse } from '$lib/server/warehouse.js';
import { can } from '$lib/roles.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requirePermission(locals, url, 'viewPainPoints');
  // a month (YYYY-MM) or 'all'; anything else: the latest month with data
  const period = z
    .string()
    .regex(/^(\d{4}-\d{2}|all)$/)
    .optional()
    .catch(undefined)
    .parse(url.searchParams.get('month') ?? undefined);
  const data = await loadPainPoints(await warehouse(), period);
  // Product sees masked examples without conversation ids (no way back to a customer).
  const identities = can(user.role, 'viewConversations');
  return {
    identities,
    canCurate: can(user.role, 'curateTopics'),
    insights: data && {
      ...data,
      topics: data.topics.map((t) => ({
        ...t,
        examples: t.examples.map((e) => ({ month: e.month, text: e.text, ...(identities ? { source: e.source, conversationId: e.conversation_id } : {}) })),
      })),
    },
  };
};

export const actions: Actions = {
  // one act of curation on a topic of the last build; the next insights build applies it
  curate: async ({ locals, url, request }) => {
    const user = requirePermission(locals, url, 'curateTopics');
    const form = Object.fromEntries(await request.formData()) as Record<string, string>;
    try {
      const message = await recordCuration(await warehouse(), form as unknown as CurationInput, user.username);
      return { message };
    } catch (error) {
      if (error instanceof CurationError) return fail(400, { message: error.message, failed: true });
      throw error;
    }
  },
};
