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
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';
import type { Account } from './accounts.js';
import { verifyPassword } from './passwords.js';
import type { Role } from './roles.js';

export const LOGIN_SESSION_HOURS = 12;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Checks the password and opens a login session: its token, or null when name or password is wrong. */
export async function signIn(db: Warehouse, username: string, password: string): Promise<string | null> {
  const t = tables(db);
  const row = await t.selectFrom('accounts').select('password_hash').where('username', '=', username).executeTakeFirst();
  // A missing user costs as much as a wrong password, so timing does not tell names apart.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) return null;
  const token = randomBytes(32).toString('base64url');
  await t
    .insertInto('sessions')
    .values({ token_hash: sha256(token), username, created_at: sql`now()`, expires_at: sql`now() + interval ${sql.raw(String(LOGIN_SESSION_HOURS))} hour` })
    .execute();
  return token;
}

/** Sessions recently looked up: token hash → account and when the entry lapses (a minute, or the session's end). */
const recent = new Map<string, { account: Account; until: number }>();
const RECENT_MS = 60_000;
const RECENT_MAX = 10_000;

/** The account of a live login session, or null. Lookups are kept a minute in memory; signing out drops them. */
export async function sessionAccount(db: Warehouse, token: string): Promise<Account | null> {
  const key = sha256(token);
  const hit = recent.get(key);
  if (hit && hit.until > Date.now()) return hit.account;
  recent.delete(key);
  const account = await lookUpSession(db, key);
  if (account) {
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(key, { account: account.account, until: Math.min(Date.now() + RECENT_MS, account.expires) });
  }
  return account?.account ?? null;
}

async function lookUpSession(db: Warehouse, tokenHash: string): Promise<{ account: Account; expires: number } | null> {
  const row = await tables(db)
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.username', 's.username')
    .select(['a.username', 'a.role', 'a.agent_id', 's.expires_at'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row ? { account: { username: row.username, role: row.role as Role, agentId: row.agent_id }, expires: row.expires_at.getTime() } : null;
}

/** Ends a login session (and clears the expired ones). */
export async function signOut(db: Warehouse, token: string): Promise<void> {
  recent.delete(sha256(token));
  await tables(db)
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('token_hash', '=', sha256(token)), eb('expires_at', '<=', sql<Date>`now()`)]))
    .execute();
}

const DUMMY_HASH = 'scrypt$32768$8$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
