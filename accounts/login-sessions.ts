/**
 * Login sessions of the dashboard (table `sessions` of migration
 * 005-accounts.sql; calibration sessions are another thing, in
 * scorecards/calibration.ts). A session token is 32 random bytes; only its
 * SHA-256 is stored.
 *
 * @example
 *   const token = await signIn(db, 'ada', 'correct horse'); // null when wrong
 *   const account = await sessionAccount(db, token!);
 *   await signOut(db, token!);
 *   await listSessions(db, { username: 'ada' }); // [{ session: '3f9a0c…', username: 'ada', ... }]
 *   await endSessions(db, { username: 'ada' }); // 1
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';
import { AccountError, type Account } from './account.js';
import { keepingCaches, oneAtATime, recordAttempt, signInBlock, type SignInBlock } from './login-throttle.js';
import { verifyPassword } from './passwords.js';
import type { Role } from './roles.js';

export const LOGIN_SESSION_HOURS = 12;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** A sign-in refused unchecked because of failed ones before it (accounts/login-throttle.ts): its line and when to try again. */
export class SignInThrottledError extends AccountError {
  constructor(readonly block: SignInBlock) {
    super(block.message);
    this.name = 'SignInThrottledError';
  }
}

/**
 * Checks the password and opens a login session: its token, or null when name
 * or password is wrong. A disabled account with the right password is refused
 * with an {@link AccountError} (so only someone who knows the password learns it is disabled).
 * After too many failed sign-ins of the name or from `address`, the attempt is
 * refused unchecked with a {@link SignInThrottledError}, the right password
 * included. Every attempt is logged (login_attempts); attempts on one name or
 * from one address run one at a time.
 *
 * @example
 *   await signIn(db, 'ada', 'correct horse', now, { address: '203.0.113.9' }); // token, null, or throws
 */
export async function signIn(db: Warehouse, username: string, password: string, now = new Date(), { address = null }: { address?: string | null } = {}): Promise<string | null> {
  return oneAtATime([`name:${username}`, ...(address === null ? [] : [`address:${address}`])], async () => {
    const block = await signInBlock(db, username, address, now);
    if (block) {
      await recordAttempt(db, { username, address, outcome: 'refused' }, now);
      throw new SignInThrottledError(block);
    }
    const t = tables(db);
    const row = await t.selectFrom('accounts').select(['password_hash', 'disabled_at']).where('username', '=', username).executeTakeFirst();
    // A missing user costs as much as a wrong password, so timing does not tell names apart.
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok) {
      await recordAttempt(db, { username, address, outcome: 'failed' }, now);
      return null;
    }
    if (row.disabled_at) {
      await recordAttempt(db, { username, address, outcome: 'disabled' }, now);
      throw new AccountError('This account is disabled: ask an admin to enable it.');
    }
    const token = randomBytes(32).toString('base64url');
    // no cached read depends on the sessions: the dashboard's caches stay
    await keepingCaches(
      db,
      t.insertInto('sessions').values({ token_hash: sha256(token), username, created_at: at(now), expires_at: at(new Date(now.getTime() + LOGIN_SESSION_HOURS * 3_600_000)) }),
    );
    await recordAttempt(db, { username, address, outcome: 'ok' }, now);
    return token;
  });
}

/**
 * Sessions recently looked up: token hash → account and when the entry lapses
 * (a minute, or the session's end). One map per process, shared through
 * globalThis: the dashboard's bundle and a command run inside `parley serve`
 * (which ends sessions) hold separate copies of this module.
 */
const RECENT_KEY = Symbol.for('parley.accounts.recentSessions');
const recent: Map<string, { account: Account; until: number }> = ((globalThis as { [RECENT_KEY]?: Map<string, { account: Account; until: number }> })[RECENT_KEY] ??= new Map());
const RECENT_MS = 60_000;
const RECENT_MAX = 10_000;

/** The account of a live login session, or null. Lookups are kept a minute in memory; signing out drops them. */
export async function sessionAccount(db: Warehouse, token: string, now = new Date()): Promise<Account | null> {
  const key = sha256(token);
  const hit = recent.get(key);
  if (hit && hit.until > now.getTime()) return hit.account;
  recent.delete(key);
  const account = await lookUpSession(db, key, now);
  if (account) {
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(key, { account: account.account, until: Math.min(now.getTime() + RECENT_MS, account.expires) });
  }
  return account?.account ?? null;
}

async function lookUpSession(db: Warehouse, tokenHash: string, now: Date): Promise<{ account: Account; expires: number } | null> {
  const row = await tables(db)
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.username', 's.username')
    .select(['a.username', 'a.role', 'a.agent_id', 's.expires_at'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', at(now))
    .where('a.disabled_at', 'is', null)
    .executeTakeFirst();
  return row ? { account: { username: row.username, role: row.role as Role, agentId: row.agent_id }, expires: row.expires_at.getTime() } : null;
}

/** Ends a login session (and clears the expired ones). */
export async function signOut(db: Warehouse, token: string, now = new Date()): Promise<void> {
  recent.delete(sha256(token));
  await tables(db)
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('token_hash', '=', sha256(token)), eb('expires_at', '<=', at(now))]))
    .execute();
}

/** A live login session as `parley user sessions` lists it; `session` is the first 12 hex digits of the token's SHA-256. */
export interface LoginSession {
  session: string;
  username: string;
  role: string;
  created_at: Date;
  expires_at: Date;
}

export const SESSION_ID_LENGTH = 12;

/** True for a session id as {@link listSessions} shows it. */
export const isSessionId = (s: string): boolean => new RegExp(`^[0-9a-f]{${SESSION_ID_LENGTH}}$`).test(s);

/** `1 login session`, `3 login sessions`. */
export const loginSessionsWord = (n: number): string => `${n} login session${n === 1 ? '' : 's'}`;

/**
 * The live login sessions at `now`, of one account or of all, newest first.
 *
 * @example
 *   await listSessions(db, { username: 'ada' }, now);
 */
export async function listSessions(db: Warehouse, { username }: { username?: string } = {}, now = new Date()): Promise<LoginSession[]> {
  let q = tables(db)
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.username', 's.username')
    .select([sql<string>`left(s.token_hash, ${sql.lit(SESSION_ID_LENGTH)})`.as('session'), 's.username', 'a.role', 's.created_at', 's.expires_at'])
    .where('s.expires_at', '>', at(now))
    .orderBy('s.created_at', 'desc')
    .orderBy('s.username');
  if (username !== undefined) q = q.where('s.username', '=', username);
  return q.execute();
}

/** Which login sessions {@link endSessions} ends. */
export type SessionTarget = { username: string } | { session: string } | { all: true };

/**
 * Ends login sessions (and clears the expired ones): an account's, one by its
 * id from {@link listSessions}, or all. Resolves to how many live ones ended;
 * a browser on one of them is signed out at its next request.
 *
 * @example
 *   await endSessions(db, { username: 'ada' }, now); // 2
 */
export async function endSessions(db: Warehouse, target: SessionTarget, now = new Date()): Promise<number> {
  // no transaction of its own: callers that change an account end its sessions inside theirs
  const t = tables(db);
  let live = t.selectFrom('sessions').select(['token_hash', 'username']).where('expires_at', '>', at(now));
  if ('username' in target) live = live.where('username', '=', target.username);
  else if ('session' in target) live = live.where(sql<boolean>`starts_with(token_hash, ${target.session})`);
  const hashes = (await live.execute()).map((s) => s.token_hash);
  for (const h of hashes) recent.delete(h);
  // an account's cached lookups go too, whichever session they came from
  if ('username' in target) for (const [k, v] of recent) if (v.account.username === target.username) recent.delete(k);
  if ('all' in target) recent.clear();
  await t
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', at(now)), ...(hashes.length ? [eb('token_hash', 'in', hashes)] : [])]))
    .execute();
  return hashes.length;
}

/** A Date as a timestamptz in a query. */
function at(now: Date) {
  return sql<Date>`cast(${now.toISOString()} as timestamptz)`;
}

const DUMMY_HASH = 'scrypt$32768$8$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
