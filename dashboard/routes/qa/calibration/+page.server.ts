import { fail, redirect } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { createSessionFromForm, listSessions } from '$lib/server/calibration.js';
import { samplesOverview } from '$lib/server/qa-workspace.js';
import { warehouse } from '$lib/server/warehouse.js';
import { can } from '$lib/roles.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requirePermission(locals, url, 'grade');
  const db = await warehouse();
  const [sessions, overview] = await Promise.all([listSessions(db, user), samplesOverview(db)]);
  return { sessions, samples: overview.samples, reviewers: overview.reviewers.filter((r) => r !== user.username), canOpen: can(user.role, 'coach') };
};

export const actions: Actions = {
  open: async ({ locals, url, request }) => {
    const user = requirePermission(locals, url, 'coach');
    const o = await createSessionFromForm(await warehouse(), user, await request.formData());
    if (!o.ok) return fail(400, { message: o.message });
    redirect(303, `/qa/calibration/${o.sessionId}`);
  },
};
