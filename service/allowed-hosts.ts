/**
 * Which `Host` headers `parley serve` answers (issue 20, item 11). A page on
 * another site can point its own name at this machine (DNS rebinding) and
 * then read the dashboard as if it were its own; its requests carry its name
 * in `Host`. So the server answers only for:
 *   - the host of the configured origin (`ORIGIN`, as adapter-node reads it), and
 *   - when it listens on a loopback address: localhost, 127.0.0.1 and [::1] (and that address);
 *   - with no ORIGIN: the address it listens on, or for 0.0.0.0 / :: every address of this
 *     machine's interfaces (an address typed as digits cannot be rebound).
 * Anything else gets 421 and one line. Ports are not compared (a proxy may
 * pass the public port); names compare without case and a trailing dot.
 *
 * @example
 *   const allowed = allowedHosts({ bind: '127.0.0.1' });
 *   hostAllowed('localhost:5173', allowed);     // true
 *   hostAllowed('evil.example:5173', allowed);  // false
 *   hostAllowed('parley.example.com', allowedHosts({ bind: '0.0.0.0', origin: 'https://parley.example.com' })); // true
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface AllowedHosts {
  /** Host names (lowercase; IPv6 in brackets) the server answers for. */
  names: ReadonlySet<string>;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

const isLoopback = (address: string) => address === 'localhost' || address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
const isWildcard = (address: string) => address === '0.0.0.0' || address === '::' || address === '';
/** An address as it appears in a Host header: IPv6 in brackets. */
const asHost = (address: string) => (isIP(address) === 6 ? `[${address.toLowerCase()}]` : address.toLowerCase());

/**
 * The hosts to answer for, from the listening address `bind` and the
 * configured origin (null or undefined: none). `interfaces` are this
 * machine's addresses (for a wildcard bind); by default read from the system.
 */
export function allowedHosts({ bind, origin, interfaces }: { bind: string; origin?: string | null; interfaces?: readonly string[] }): AllowedHosts {
  const names = new Set<string>();
  if (origin) names.add(hostname(new URL(origin).host)!);
  if (isLoopback(bind)) for (const n of [...LOOPBACK_NAMES, asHost(bind)]) names.add(n);
  else if (!origin) {
    if (isWildcard(bind)) for (const a of interfaces ?? machineAddresses()) names.add(asHost(a));
    else names.add(asHost(bind));
  }
  return { names };
}

function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((i) => i.address.replace(/%.*$/, ''));
}

/** The host name of a Host header, lowercase and without port or trailing dot; null when malformed. */
export function hostname(header: string): string | null {
  const h = header.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(h);
  if (!m) return null;
  return m[1]!.replace(/\.$/, '');
}

/** True when a request with this Host header may be answered. */
export function hostAllowed(header: string | undefined, allowed: AllowedHosts): boolean {
  if (!header) return false;
  const name = hostname(header);
  return name !== null && allowed.names.has(name);
}

/** The one line a refused request gets (status 421). */
export function refusedHostLine(header: string | undefined): string {
  return `421 Misdirected Request: this Parley server does not answer for the host ${JSON.stringify(header ?? '')}; open it by its configured address (set ORIGIN when it is served under a name)\n`;
}
