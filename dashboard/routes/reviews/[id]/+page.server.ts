import { requireUser } from '$lib/server/auth.js';
import { loadReviewPage } from '$lib/server/review-page.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  const user = requireUser(locals, url);
  return { ...(await loadReviewPage(await warehouse(), params.id, user)), isSelf: user.role === 'agent' };
};
