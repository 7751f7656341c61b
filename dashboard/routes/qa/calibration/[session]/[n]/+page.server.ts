import { error, fail } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { loadConversation } from '$lib/server/conversation.js';
import { gradeItem, rubricView, ScorecardError } from '$lib/server/qa-workspace.js';
import { warehouse } from '$lib/server/warehouse.js';
import { getCalibrationSession } from '$lib/server/calibration.js';
import type { Account } from '$lib/server/auth.js';
import type { Actions, PageServerLoad } from './$types';

async function target(user: Account, sessionId: string, n: string) {
  const db = await warehouse();
  let session;
  try {
    session = await getCalibrationSession(db, sessionId);
  } catch (e) {
    if (e instanceof ScorecardError) error(404, e.message);
    throw e;
  }
  const conv = session.conversations[Number(n) - 1];
  if (!conv) error(404, `Session ${sessionId} has no conversation ${n}.`);
  if (user.username !== session.facilitator_id && !session.reviewers.includes(user.username)) error(403, 'You are not part of this calibration session.');
  const { criteria } = await rubricView(db, session.rubric_id, session.rubric_version);
  return { db, session, conv, criteria };
}

export const load: PageServerLoad = async ({ locals, url, params }) => {
  const user = requirePermission(locals, url, 'grade');
  const { db, session, conv, criteria } = await target(user, params.session, params.n);
  const conversation = await loadConversation(db, conv.source, conv.conversation_id);
  if (!conversation) error(404, `The conversation ${conv.conversation_id} is no longer in the warehouse.`);
  return { session: { id: session.session_id, name: session.name, closed: session.closed_at !== null }, n: Number(params.n), criteria, conversation, startedAt: Date.now() };
};

export const actions: Actions = {
  default: async ({ locals, url, params, request }) => {
    const user = requirePermission(locals, url, 'grade');
    const { db, session, conv, criteria } = await target(user, params.session, params.n);
    if (session.closed_at !== null) return fail(409, { message: 'This session is closed: its grades are read-only.' });
    const result = await gradeItem(db, user, { session_id: params.session }, conv, criteria, await request.formData());
    return result.ok ? { saved: result } : fail(400, { message: result.message });
  },
};
