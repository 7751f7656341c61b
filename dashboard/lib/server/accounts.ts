/**
 * Local accounts and sessions (tables of migration 005-accounts.sql).
 * Session tokens are 32 random bytes; only their SHA-256 is stored.
 *
 * @example
 *   await addAccount(db, { username: 'ada', password: 'correct horse', role: 'admin' });
 *   const token = await signIn(db, 'ada', 'correct horse'); // null when wrong
 *   const account = await sessionAccount(db, token!);
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import { ROLES, type Role } from '../roles.js';
import { hashPassword, verifyPassword } from './passwords.js';

export interface Account {
  username: string;
  role: Role;
  /** For role `agent`: the roster id whose scorecard and reviews are theirs. */
  agentId: string | null;
}

export const SESSION_HOURS = 12;
export const MIN_PASSWORD_LENGTH = 8;

export const newAccountSchema = z.object({
  username: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, 'a username is 2–40 characters: lowercase letters, digits, . _ -'),
  password: z.string().min(MIN_PASSWORD_LENGTH, `a password has at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
  role: z.enum(ROLES),
  agentId: z.string().min(1).max(100).nullish(),
});
export type NewAccount = z.input<typeof newAccountSchema>;

/** Creates an account; throws one clear line when the name is taken or the input is invalid. */
export async function addAccount(db: Warehouse, input: NewAccount): Promise<Account> {
  const parsed = newAccountSchema.safeParse(input);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const { username, password, role } = parsed.data;
  const agentId = parsed.data.agentId ?? null;
  if (role === 'agent' && !agentId) throw new Error('an agent account needs --agent-id (the agent id of the roster)');
  const hash = await hashPassword(password);
  return db.transaction(async () => {
    const taken = await db.one('select 1 as x from accounts where username = $1', [username]);
    if (taken) throw new Error(`the username "${username}" is taken: choose another`);
    await db.run('insert into accounts values ($1, $2, $3, $4, now())', [username, hash, role, agentId]);
    return { username, role, agentId };
  });
}

/** How many accounts exist. */
export async function accountCount(db: Warehouse): Promise<number> {
  return (await db.one<{ n: number }>('select count(*) as n from accounts'))?.n ?? 0;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Checks the password and opens a session: its token, or null when name or password is wrong. */
export async function signIn(db: Warehouse, username: string, password: string): Promise<string | null> {
  const row = await db.one<{ password_hash: string }>('select password_hash from accounts where username = $1', [username]);
  // A missing user costs as much as a wrong password, so timing does not tell names apart.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) return null;
  const token = randomBytes(32).toString('base64url');
  await db.run(
    `insert into sessions values ($1, $2, now(), now() + interval ${SESSION_HOURS} hour)`,
    [sha256(token), username],
  );
  return token;
}

/** Sessions recently looked up: token hash → account and when the entry lapses (a minute, or the session's end). */
const recent = new Map<string, { account: Account; until: number }>();
const RECENT_MS = 60_000;
const RECENT_MAX = 10_000;

/** The account of a live session, or null. Lookups are kept a minute in memory; signing out drops them. */
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
  const row = await db.one<{ username: string; role: Role; agent_id: string | null; expires_at: Date }>(
    `select a.username, a.role, a.agent_id, s.expires_at
     from sessions s join accounts a using (username)
     where s.token_hash = $1 and s.expires_at > now()`,
    [tokenHash],
  );
  return row ? { account: { username: row.username, role: row.role, agentId: row.agent_id }, expires: row.expires_at.getTime() } : null;
}

/** Ends a session. */
export async function signOut(db: Warehouse, token: string): Promise<void> {
  recent.delete(sha256(token));
  await db.run('delete from sessions where token_hash = $1 or expires_at <= now()', [sha256(token)]);
}

const DUMMY_HASH = 'scrypt$32768$8$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
