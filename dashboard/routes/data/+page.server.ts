import { z } from 'zod';
import { requirePermission } from '$lib/server/auth.js';
import { loadDataLog, QUARANTINE_PAGE } from '$lib/server/data-log.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

const query = z.object({
  load: z.coerce.number().int().nonnegative().optional().catch(undefined),
  page: z.coerce.number().int().nonnegative().max(100_000).catch(0),
});

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewData');
  const q = query.parse({ load: url.searchParams.get('load') ?? undefined, page: url.searchParams.get('page') ?? 0 });
  const db = await warehouse();
  return { ...(await loadDataLog(db, q)), load: q.load ?? null, page: q.page, pageSize: QUARANTINE_PAGE };
};
