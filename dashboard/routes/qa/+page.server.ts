import { fail } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { drawSampleFromForm, reviewerDone, reviewerDrafts, reviewerQueue, samplesOverview, ScorecardError } from '$lib/server/qa-workspace.js';
import { warehouse } from '$lib/server/warehouse.js';
import { filterOptions } from '$lib/server/filters.js';
import { can } from '$lib/roles.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requirePermission(locals, url, 'grade');
  const db = await warehouse();
  const [queue, done, drafts, overview, options] = await Promise.all([
    reviewerQueue(db, user.username),
    reviewerDone(db, user.username),
    reviewerDrafts(db, user.username),
    samplesOverview(db),
    filterOptions(db),
  ]);
  return { queue, done, drafts, queueDone: url.searchParams.get('queue') === 'done', ...overview, agents: options.agents, canDraw: can(user.role, 'coach') };
};

export const actions: Actions = {
  sample: async ({ locals, url, request }) => {
    const user = requirePermission(locals, url, 'coach');
    try {
      const result = await drawSampleFromForm(await warehouse(), user, await request.formData());
      return result.ok ? { message: result.message } : fail(400, { message: result.message });
    } catch (error) {
      if (error instanceof ScorecardError) return fail(400, { message: error.message });
      throw error;
    }
  },
};
