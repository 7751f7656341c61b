import { fail } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/auth.js';
import { ACCOUNT_ACTIONS, accountAction, accountsPage, type AccountAction } from '$lib/server/accounts-admin.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const user = requirePermission(locals, url, 'manageAccounts');
  return { ...(await accountsPage(await warehouse())), me: user.username };
};

/** Each action: the admin check, then accounts/ through lib/server/accounts-admin.ts. */
const action =
  (name: AccountAction) =>
  async ({ locals, url, request }: { locals: App.Locals; url: URL; request: Request }) => {
    const user = requirePermission(locals, url, 'manageAccounts');
    const o = await accountAction(await warehouse(), user, name, await request.formData());
    return o.ok ? { message: o.message } : fail(400, { message: o.message, failed: true });
  };

export const actions: Actions = Object.fromEntries(ACCOUNT_ACTIONS.map((a) => [a, action(a)]));
