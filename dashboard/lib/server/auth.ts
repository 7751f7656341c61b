/**
 * The role check every server load and form action starts with.
 *
 * @example
 *   export const load = async ({ locals, url }) => {
 *     const user = requirePermission(locals, url, 'viewMetrics');
 *     ...
 *   };
 */
import { error, redirect } from '@sveltejs/kit';
import { can, type Permission } from '../roles.js';
import type { Account } from '../../../accounts/index.js';

export type { Account } from '../../../accounts/index.js';

/** The signed-in account; anyone else is sent to the sign-in page. */
export function requireUser(locals: App.Locals, url: URL): Account {
  if (!locals.user) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  return locals.user;
}

/** The signed-in account when it holds `permission`; 403 otherwise. */
export function requirePermission(locals: App.Locals, url: URL, permission: Permission): Account {
  const user = requireUser(locals, url);
  if (!can(user.role, permission)) error(403, `Your role (${user.role}) may not open this page.`);
  return user;
}

/** For agent-scoped pages: supervisors and admins see any agent; an agent only their own id. */
export function requireAgentAccess(locals: App.Locals, url: URL, agentId: string): Account {
  const user = requireUser(locals, url);
  if (can(user.role, 'viewAllScorecards')) return user;
  if (user.role === 'agent' && user.agentId === agentId) return user;
  error(403, user.role === 'agent' ? 'You can open only your own scorecard.' : `Your role (${user.role}) may not open scorecards.`);
}

/**
 * For pages an agent may open over their own data (a metric page, the
 * conversation list, a conversation, a review of them): roles holding
 * `permission` see everything; an agent sees only what is theirs, so the
 * page forces `ownAgent` on its filters. Anyone else gets 403.
 */
export function requireOwnData(locals: App.Locals, url: URL, permission: Permission): { user: Account; ownAgent?: string } {
  const user = requireUser(locals, url);
  if (can(user.role, permission)) return { user };
  if (user.role === 'agent' && user.agentId) return { user, ownAgent: user.agentId };
  error(403, `Your role (${user.role}) may not open this page.`);
}
