import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requirePermission } from '$lib/server/auth.js';
import { loadDataLog, QUARANTINE_PAGE } from '$lib/server/data-log.js';
import { jobControl, jobLog, jobMessage } from '$lib/server/jobs.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { Actions, PageServerLoad } from './$types';

const query = z.object({
  load: z.coerce.number().int().nonnegative().optional().catch(undefined),
  page: z.coerce.number().int().nonnegative().max(100_000).catch(0),
});

export const load: PageServerLoad = async ({ locals, url }) => {
  requirePermission(locals, url, 'viewData');
  const q = query.parse({ load: url.searchParams.get('load') ?? undefined, page: url.searchParams.get('page') ?? 0 });
  const db = await warehouse();
  const control = jobControl();
  return {
    ...(await loadDataLog(db, q)),
    load: q.load ?? null,
    page: q.page,
    pageSize: QUARANTINE_PAGE,
    jobs: control?.jobs() ?? null,
    jobLog: await jobLog(db),
    maxUploadBytes: control?.maxUploadBytes ?? null,
  };
};

const SOURCE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const runForm = z.object({ job: z.string().min(1).max(200) });

function control() {
  const c = jobControl();
  if (!c) error(503, 'Jobs run only in `parley serve`: start the dashboard with it.');
  return c;
}

export const actions: Actions = {
  run: async ({ locals, url, request }) => {
    requirePermission(locals, url, 'viewData');
    const form = runForm.safeParse(Object.fromEntries(await request.formData()));
    if (!form.success) return fail(400, { message: 'Choose a job to run.', failed: true });
    const c = control();
    if (!c.jobs().some((j) => j.name === form.data.job)) return fail(400, { message: `There is no job "${form.data.job}" in parley.config.yaml.`, failed: true });
    const line = await c.run(form.data.job);
    return line.status === 'ok' ? { message: jobMessage(line) } : fail(500, { message: jobMessage(line), failed: true });
  },
  upload: async ({ locals, url, request }) => {
    requirePermission(locals, url, 'viewData');
    const c = control();
    const data = await request.formData();
    const file = data.get('export');
    if (!(file instanceof File) || file.size === 0) return fail(400, { message: 'Choose an export file to upload.', failed: true });
    if (file.size > c.maxUploadBytes) {
      return fail(413, {
        message: `${file.name} is larger than the upload limit (${(c.maxUploadBytes / 1e6).toFixed(0)} MB): raise uploads.max_size in parley.config.yaml, or use parley ingest.`,
        failed: true,
      });
    }
    const source = String(data.get('source') ?? '').trim();
    if (source && !SOURCE.test(source)) return fail(400, { message: `Write the source as a lowercase name such as "zendesk" or "acme-chat" (got "${source}").`, failed: true });
    let line;
    try {
      line = await c.upload({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }, { build: data.get('build') === 'on', source: source || undefined });
    } catch (e) {
      return fail(400, { message: (e as Error).message, failed: true });
    }
    return line.status === 'ok' ? { message: jobMessage(line) } : fail(400, { message: jobMessage(line), failed: true });
  },
};
