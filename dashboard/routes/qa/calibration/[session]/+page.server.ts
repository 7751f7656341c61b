import { error, fail } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { calibrationSession, closeSession } from '$lib/server/calibration.js';
import { ScorecardError } from '$lib/server/qa-workspace.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  const user = requirePermission(locals, url, 'grade');
  try {
    return await calibrationSession(await warehouse(), params.session, user);
  } catch (e) {
    if (e instanceof ScorecardError) error(404, e.message);
    throw e;
  }
};

export const actions: Actions = {
  close: async ({ locals, url, params }) => {
    const user = requirePermission(locals, url, 'grade');
    const o = await closeSession(await warehouse(), params.session, user);
    return o.ok ? { message: o.message } : fail(400, { message: o.message });
  },
};
