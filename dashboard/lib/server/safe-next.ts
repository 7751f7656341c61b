/**
 * Where to go after sign-in: only a path of this site. The path is resolved
 * the way a browser resolves it (a backslash is a slash, `//host` is another
 * host), and anything that leaves this site's origin becomes `/`.
 *
 * @example
 *   safeNext('/agents/agt_001?month=2026-11'); // '/agents/agt_001?month=2026-11'
 *   safeNext('/\\evil.example/phish');          // '/'
 */
const SITE = 'http://parley.invalid';

export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(next, SITE);
  } catch {
    return '/';
  }
  return url.origin === SITE ? `${url.pathname}${url.search}${url.hash}` : '/';
}
