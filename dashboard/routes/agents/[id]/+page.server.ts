import { error, fail } from '@sveltejs/kit';
import { requireAgentAccess } from '$lib/server/auth.js';
import { agentInfo, loadAgentOperations } from '$lib/server/agent-scorecard.js';
import { filterOptions, ownOptions, readFilters } from '$lib/server/filters.js';
import { loadAgentQa } from '$lib/server/agent-qa.js';
import { acknowledgeFromForm, addCoachingFromForm, coachingFor } from '$lib/server/coaching.js';
import { fileDisputeFromForm } from '$lib/server/disputes.js';
import type { Outcome } from '$lib/server/form-outcome.js';
import { warehouse } from '$lib/server/warehouse.js';
import { can } from '$lib/roles.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
  const user = requireAgentAccess(locals, url, params.id);
  const db = await warehouse();
  const agent = await agentInfo(db, params.id);
  if (!agent) error(404, `There is no agent ${params.id}.`);
  const filters = await readFilters(db, url);
  const [ops, qa, coaching, options] = await Promise.all([
    loadAgentOperations(db, agent, filters),
    loadAgentQa(db, agent, filters),
    coachingFor(db, agent.agentId),
    // an agent's menus hold no other agent's id
    filterOptions(db).then((o) => ownOptions(o, user.role === 'agent' ? agent.agentId : undefined)),
  ]);
  return {
    agent,
    filters,
    options,
    ops,
    qa,
    coaching,
    canCoach: can(user.role, 'coach'),
    isSelf: user.role === 'agent',
    canOpenConversations: can(user.role, 'viewConversations'),
  };
};

const answer = (o: Outcome) => (o.ok ? { message: o.message } : fail(400, { message: o.message, failed: true }));

export const actions: Actions = {
  dispute: async ({ locals, url, params, request }) => {
    const user = requireAgentAccess(locals, url, params.id);
    return answer(await fileDisputeFromForm(await warehouse(), user, await request.formData()));
  },
  coach: async ({ locals, url, params, request }) => {
    const user = requireAgentAccess(locals, url, params.id);
    return answer(await addCoachingFromForm(await warehouse(), user, params.id, await request.formData()));
  },
  acknowledge: async ({ locals, url, params, request }) => {
    const user = requireAgentAccess(locals, url, params.id);
    return answer(await acknowledgeFromForm(await warehouse(), user, await request.formData()));
  },
};
