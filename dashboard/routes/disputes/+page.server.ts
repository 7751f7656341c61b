import { error, fail } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth.js';
import { disputesInbox, resolveDisputeFromForm } from '$lib/server/disputes.js';
import { warehouse } from '$lib/server/warehouse.js';
import { can } from '$lib/roles.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requireUser(locals, url);
  if (!can(user.role, 'resolveDisputes') && user.role !== 'agent') error(403, `Your role (${user.role}) may not open disputes.`);
  return { disputes: await disputesInbox(await warehouse(), user), canResolve: can(user.role, 'resolveDisputes') };
};

export const actions: Actions = {
  resolve: async ({ locals, url, request }) => {
    const user = requireUser(locals, url);
    if (!can(user.role, 'resolveDisputes')) error(403, `Your role (${user.role}) does not answer disputes.`);
    const o = await resolveDisputeFromForm(await warehouse(), user, await request.formData());
    return o.ok ? { message: o.message } : fail(400, { message: o.message, failed: true });
  },
};
