import { fail } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { correctIntentFromForm, intentReview } from '$lib/server/intent-review.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'grade');
  return { review: await intentReview(await warehouse()) };
};

export const actions: Actions = {
  correct: async ({ locals, url, request }) => {
    const user = requirePermission(locals, url, 'grade');
    const result = await correctIntentFromForm(await warehouse(), user, await request.formData());
    return result.ok ? { message: result.message } : fail(400, { message: result.message, failed: true });
  },
};
