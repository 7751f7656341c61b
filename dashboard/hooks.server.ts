/**
 * Every request: find the session from its HttpOnly cookie, note whether the
 * warehouse holds demo data, and add security headers. Every page, form
 * answer and data request passes here and may hold customer data, so none is
 * kept by the browser or a proxy (`cache-control: no-store`); the built
 * scripts and styles under /_app/ are served before this hook and stay cacheable.
 * The Content-Security-Policy comes from svelte.config.js (`kit.csp`).
 */
import type { Handle } from '@sveltejs/kit';
import { sessionAccount } from '../accounts/index.js';
import { SESSION_COOKIE } from './lib/server/session-cookie.js';
import { memo } from './lib/server/cache.js';
import { isDemo, warehouse } from './lib/server/warehouse.js';

export const handle: Handle = async ({ event, resolve }) => {
  const db = await warehouse();
  // asked again after each load (a non-demo export may be loaded while it serves)
  event.locals.demo = await memo(db, 'demo', () => isDemo(db));
  const token = event.cookies.get(SESSION_COOKIE);
  event.locals.user = token ? await sessionAccount(db, token) : null;
  const response = await resolve(event);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('x-frame-options', 'DENY');
  response.headers.set('cache-control', 'no-store');
  return response;
};
