// The live page's figures as JSON: what the page polls every few seconds.
import { json } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { sharedLive } from '$lib/server/live.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewLive');
  return json(await sharedLive(await warehouse()), { headers: { 'cache-control': 'no-store' } });
};
