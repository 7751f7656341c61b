import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { AccountError, SignInThrottledError, signIn } from '../../../accounts/index.js';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/session-cookie.js';
import { warehouse } from '$lib/server/warehouse.js';
import { safeNext } from '$lib/server/safe-next.js';
import type { Actions, PageServerLoad } from './$types';

const form = z.object({ username: z.string().trim().min(1).max(40), password: z.string().min(1).max(200) });

export const load: PageServerLoad = async ({ locals, url }) => {
  if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
  return {};
};

export const actions: Actions = {
  default: async ({ request, cookies, url, getClientAddress, setHeaders }) => {
    const parsed = form.safeParse(Object.fromEntries(await request.formData()));
    if (!parsed.success) return fail(400, { message: 'Enter a username and a password.', username: '' });
    const db = await warehouse();
    let token: string | null;
    try {
      // throttled per name and per client address (accounts/login-throttle.ts)
      token = await signIn(db, parsed.data.username, parsed.data.password, new Date(), { address: getClientAddress() });
    } catch (error) {
      if (error instanceof SignInThrottledError) {
        setHeaders({ 'retry-after': String(error.block.retryAfterS) });
        return fail(429, { message: error.message, username: parsed.data.username });
      }
      if (error instanceof AccountError) return fail(403, { message: error.message, username: parsed.data.username });
      throw error;
    }
    if (!token) return fail(400, { message: 'That username and password do not match.', username: parsed.data.username });
    cookies.set(SESSION_COOKIE, token, sessionCookieOptions(url));
    redirect(303, safeNext(url.searchParams.get('next')));
  },
};
