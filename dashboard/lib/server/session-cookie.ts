/**
 * The login session cookie: HttpOnly, SameSite=Lax, Secure when served over https.
 *
 * @example
 *   cookies.set(SESSION_COOKIE, token, sessionCookieOptions(url));
 */
import { LOGIN_SESSION_HOURS } from '../../../accounts/index.js';

export const SESSION_COOKIE = 'parley_session';

export function sessionCookieOptions(url: URL) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: url.protocol === 'https:',
    maxAge: LOGIN_SESSION_HOURS * 3600,
  };
}
