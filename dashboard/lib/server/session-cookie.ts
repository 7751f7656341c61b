/**
 * The session cookie: HttpOnly, SameSite=Lax, Secure when served over https.
 *
 * @example
 *   cookies.set(SESSION_COOKIE, token, sessionCookieOptions(url));
 */
import { SESSION_HOURS } from './accounts.js';

export const SESSION_COOKIE = 'parley_session';

export function sessionCookieOptions(url: URL) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: url.protocol === 'https:',
    maxAge: SESSION_HOURS * 3600,
  };
}
