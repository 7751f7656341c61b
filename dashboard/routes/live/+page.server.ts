import { requirePermission } from '$lib/server/auth.js';
import { sharedLive } from '$lib/server/live.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
  requirePermission(locals, url, 'viewLive');
  setHeaders({ 'cache-control': 'no-store' });
  return { live: await sharedLive(await warehouse()) };
};
