import { CATALOGUE } from '../../../models/catalogue.js';
import { requirePermission } from '$lib/server/auth.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewMetrics');
  return {
    metrics: CATALOGUE.map((m) => ({ name: m.name, label: m.label, group: m.group, definition: m.definition, unit: m.unit })),
  };
};
