/**
 * Every request: find the session from its HttpOnly cookie, note whether the
 * warehouse holds demo data, and add security headers.
 */
import type { Handle } from '@sveltejs/kit';
import { sessionAccount } from '../accounts/index.js';
import { SESSION_COOKIE } from './lib/server/session-cookie.js';
import { isDemo, warehouse } from './lib/server/warehouse.js';

// A demo warehouse stops being one when other data are loaded into it (possibly by a command
// run inside this server), so `true` is asked again on each request; `false` stays.
let demo: boolean | undefined;

export const handle: Handle = async ({ event, resolve }) => {
  const db = await warehouse();
  if (demo !== false) demo = await isDemo(db);
  event.locals.demo = demo;
  const token = event.cookies.get(SESSION_COOKIE);
  event.locals.user = token ? await sessionAccount(db, token) : null;
  const response = await resolve(event);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('x-frame-options', 'DENY');
  return response;
};
