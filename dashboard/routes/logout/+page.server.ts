import { redirect } from '@sveltejs/kit';
import { signOut } from '../../../accounts/index.js';
import { SESSION_COOKIE } from '$lib/server/session-cookie.js';
import { warehouse } from '$lib/server/warehouse.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => redirect(303, '/');

export const actions: Actions = {
  default: async ({ cookies }) => {
    const token = cookies.get(SESSION_COOKIE);
    if (token) await signOut(await warehouse(), token);
    cookies.delete(SESSION_COOKIE, { path: '/' });
    redirect(303, '/login');
  },
};
