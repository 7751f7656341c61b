import { error } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { renderReport } from '$lib/server/reports.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  requirePermission(locals, url, 'viewAllScorecards');
  if (!/^[a-z0-9][a-z0-9-]{0,80}$/.test(params.id)) error(404, 'There is no such report.');
  const given = Object.fromEntries([...url.searchParams].filter(([k, v]) => v !== '' && /^[a-z_]{1,40}$/.test(k) && v.length <= 100));
  const report = await renderReport(await warehouse(), params.id, given);
  if (!report) error(404, `There is no report "${params.id}".`);
  return report;
};
