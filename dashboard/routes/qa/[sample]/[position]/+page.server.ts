import { error, fail, redirect } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { loadConversation } from '$lib/server/conversation.js';
import { gradeItem, loadItem, nextItemPath, savedByReviewer, ScorecardError } from '$lib/server/qa-workspace.js';
import { deleteDraft, getDraft, saveDraft } from '../../../../../scorecards/index.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { Account } from '$lib/server/auth.js';
import type { Actions, PageServerLoad } from './$types';

async function item(user: Account, sample: string, position: string) {
  const db = await warehouse();
  const n = Number(position);
  if (!Number.isInteger(n) || n < 1) error(404, 'There is no such sample item.');
  let found;
  try {
    found = await loadItem(db, sample, n);
  } catch (e) {
    if (e instanceof ScorecardError) error(404, e.message);
    throw e;
  }
  if (!found) error(404, `Sample ${sample} has no item ${n}.`);
  if (found.item.reviewer_id && found.item.reviewer_id !== user.username && user.role !== 'admin' && user.role !== 'supervisor') {
    error(403, `This conversation is assigned to ${found.item.reviewer_id}.`);
  }
  return { db, found };
}

export const load: PageServerLoad = async ({ locals, url, params }) => {
  const user = requirePermission(locals, url, 'grade');
  const { db, found } = await item(user, params.sample, params.position);
  const conversation = await loadConversation(db, found.item.source, found.item.conversation_id);
  if (!conversation) error(404, `The conversation ${found.item.conversation_id} is no longer in the warehouse.`);
  // after save-and-next: the review just saved, named on the page it opened
  const savedId = url.searchParams.get('saved');
  const draft = await getDraft(db, params.sample, found.item.position, user.username);
  return {
    ...found,
    conversation,
    startedAt: Date.now(),
    previous: savedId ? await savedByReviewer(db, user.username, savedId) : null,
    draft: draft ? { form: draft.form, savedAt: draft.saved_at.toISOString().slice(0, 16).replace('T', ' ') } : null,
  };
};

export const actions: Actions = {
  default: async ({ locals, url, params, request }) => {
    const user = requirePermission(locals, url, 'grade');
    const { db, found } = await item(user, params.sample, params.position);
    const form = await request.formData();
    // "Save draft": what is rated so far, to come back to (nothing is scored)
    if (form.get('then') === 'draft') {
      const fields = Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === 'string'));
      const d = await saveDraft(db, { sample_id: params.sample, position: found.item.position, reviewer_id: user.username, form: fields });
      return { draftSaved: { at: d.saved_at.toISOString().slice(0, 16).replace('T', ' '), fields: Object.keys(d.form).filter((k) => k.startsWith('rating:')).length } };
    }
    const result = await gradeItem(db, user, { sample_id: params.sample }, found.item, found.criteria, form);
    if (!result.ok) return fail(400, { message: result.message });
    await deleteDraft(db, params.sample, found.item.position, user.username);
    // "Save and next" (Ctrl+Enter): the next ungraded item of the reviewer's queue, naming the review just saved
    if (form.get('then') === 'next') {
      const next = await nextItemPath(db, user.username, { sample_id: params.sample, position: found.item.position });
      redirect(303, `${next}${next.includes('?') ? '&' : '?'}saved=${encodeURIComponent(result.reviewId)}`);
    }
    return { saved: result };
  },
};
