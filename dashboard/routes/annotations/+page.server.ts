import { fail } from '@sveltejs/kit';
import { addAnnotation, AnnotationError, listAnnotations, removeAnnotation } from '../../../models/annotations.js';
import { ANNOTATION_KINDS } from '../../../models/config-annotations.js';
import { can } from '$lib/roles.js';
import { requirePermission } from '$lib/server/auth.js';
import { filterOptions } from '$lib/server/filters.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { Actions, PageServerLoad } from './$types';

// The dated annotations of the trend charts: those of parley.config.yaml (read-only here) and those
// entered on this page by supervisors and admins.
export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requirePermission(locals, url, 'viewMetrics');
  const db = await warehouse();
  const [annotations, options] = await Promise.all([listAnnotations(db), filterOptions(db)]);
  return { annotations, kinds: [...ANNOTATION_KINDS], teams: options.teams, channels: options.channels, canAnnotate: can(user.role, 'annotate') };
};

export const actions: Actions = {
  add: async ({ locals, url, request }) => {
    const user = requirePermission(locals, url, 'annotate');
    const form = Object.fromEntries(await request.formData()) as Record<string, string>;
    try {
      await addAnnotation(await warehouse(), { date: form['date'], label: form['label'], kind: form['kind'], team: form['team'], channel: form['channel'] }, user.username);
      return { message: `Annotation "${form['label']}" on ${form['date']} added: it shows on the trend charts and in the report.` };
    } catch (error) {
      if (error instanceof AnnotationError) return fail(400, { message: error.message, failed: true });
      throw error;
    }
  },
  remove: async ({ locals, url, request }) => {
    requirePermission(locals, url, 'annotate');
    const id = String((await request.formData()).get('id') ?? '');
    const removed = await removeAnnotation(await warehouse(), id);
    return removed ? { message: 'Annotation removed.' } : fail(404, { message: 'There is no such annotation (removed already?).', failed: true });
  },
};
