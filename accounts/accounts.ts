/**
 * Local accounts (table `accounts` of migration 005-accounts.sql): a username,
 * a role and, for an agent, the roster id whose scorecard is theirs.
 *
 * An account can be disabled (it keeps its name, but cannot sign in and its
 * sessions end), given a new password (its sessions end), or removed — never
 * the last admin who can sign in.
 *
 * @example
 *   await addAccount(db, { username: 'ada', password: 'correct horse', role: 'admin' });
 *   await listAccounts(db, now);          // [{ username: 'ada', role: 'admin', status: 'active', sessions: 0, ... }]
 *   await setPassword(db, 'ada', 'a new passphrase', now); // { sessionsEnded: 1 }
 *   await disableAccount(db, 'bob', now); // { changed: true, sessionsEnded: 2 }
 *   await removeAccount(db, 'ada', now);  // AccountError: "ada" is the last admin …
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';
import { AccountError, type Account } from './account.js';
import { endSessions } from './login-sessions.js';
import { hashPassword } from './passwords.js';
import { ROLES, type Role } from './roles.js';

export type { Account } from './account.js';

export const MIN_PASSWORD_LENGTH = 8;

export const newAccountSchema = z.object({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, 'a username is 2–40 characters: lowercase letters, digits, . _ -'),
  password: z.string().min(MIN_PASSWORD_LENGTH, `a password has at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
  role: z.enum(ROLES),
  agentId: z.string().min(1).max(100).nullish(),
  /** Seeded by `parley demo`: disabled when real data are loaded into the warehouse. */
  demo: z.boolean().optional(),
});

const passwordSchema = newAccountSchema.shape.password;
export type NewAccount = z.input<typeof newAccountSchema>;

/** Creates an account; throws one clear line when the name is taken or the input is invalid. */
export async function addAccount(db: Warehouse, input: NewAccount, now = new Date()): Promise<Account> {
  const parsed = newAccountSchema.safeParse(input);
  if (!parsed.success) throw new AccountError(parsed.error.issues.map((i) => i.message).join('; '));
  const { username, password, role } = parsed.data;
  const agentId = parsed.data.agentId ?? null;
  if (role === 'agent' && !agentId) throw new AccountError('an agent account needs --agent-id (the agent id of the roster)');
  const hash = await hashPassword(password);
  const t = tables(db);
  return db.transaction(async () => {
    const taken = await t.selectFrom('accounts').select('username').where('username', '=', username).executeTakeFirst();
    if (taken) throw new AccountError(`the username "${username}" is taken: choose another`);
    await t
      .insertInto('accounts')
      .values({ username, password_hash: hash, role, agent_id: agentId, created_at: at(now), demo: parsed.data.demo ?? false })
      .execute();
    return { username, role, agentId };
  });
}

/**
 * The usernames of the accounts holding one of `roles`, in order.
 *
 * @example
 *   await usernamesWithRole(db, ['reviewer', 'supervisor']); // ['ada', 'reviewer', ...]
 */
export async function usernamesWithRole(db: Warehouse, roles: readonly Role[]): Promise<string[]> {
  if (!roles.length) return [];
  const rows = await tables(db).selectFrom('accounts').select('username').where('role', 'in', roles).orderBy('username').execute();
  return rows.map((r) => r.username);
}

/** The usernames of every account. */
export async function accountNames(db: Warehouse): Promise<string[]> {
  return (await tables(db).selectFrom('accounts').select('username').execute()).map((r) => r.username);
}

/** An account as `parley user list` and the accounts page show it. */
export interface AccountRow {
  username: string;
  role: Role;
  agent_id: string | null;
  status: 'active' | 'disabled';
  /** Live login sessions. */
  sessions: number;
  created_at: Date;
  disabled_at: Date | null;
  demo: boolean;
}

/**
 * Every account with its status and live sessions at `now`, by name.
 *
 * @example
 *   (await listAccounts(db, now)).map((a) => `${a.username} ${a.status}`); // ['ada active', 'bob disabled']
 */
export async function listAccounts(db: Warehouse, now = new Date()): Promise<AccountRow[]> {
  const rows = await tables(db)
    .selectFrom('accounts as a')
    .leftJoin('sessions as s', (join) => join.onRef('s.username', '=', 'a.username').on('s.expires_at', '>', at(now)))
    .select(['a.username', 'a.role', 'a.agent_id', 'a.created_at', 'a.disabled_at', 'a.demo', sql<number>`count(s.token_hash)::integer`.as('sessions')])
    .groupBy(['a.username', 'a.role', 'a.agent_id', 'a.created_at', 'a.disabled_at', 'a.demo'])
    .orderBy('a.username')
    .execute();
  return rows.map((r) => ({
    username: r.username,
    role: r.role as Role,
    agent_id: r.agent_id,
    status: r.disabled_at ? 'disabled' : 'active',
    sessions: r.sessions,
    created_at: r.created_at,
    disabled_at: r.disabled_at,
    demo: r.demo === true,
  }));
}

/** A Date as a timestamptz in a query. */
function at(now: Date) {
  return sql<Date>`cast(${now.toISOString()} as timestamptz)`;
}

async function existing(db: Warehouse, username: string) {
  const row = await tables(db).selectFrom('accounts').select(['username', 'role', 'disabled_at']).where('username', '=', username).executeTakeFirst();
  if (!row) throw new AccountError(`there is no account "${username}": see parley user list`);
  return row;
}

/** Refuses when `username` is the only admin who can sign in (so nobody could run the accounts any more). */
async function refuseLastAdmin(db: Warehouse, username: string, doing: string): Promise<void> {
  const others = await tables(db)
    .selectFrom('accounts')
    .select('username')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('username', '<>', username)
    .executeTakeFirst();
  if (!others) throw new AccountError(`"${username}" is the last admin: add another admin before you ${doing} it (parley user add NAME --role admin)`);
}

/**
 * Gives an account a new password and ends its login sessions.
 *
 * @example
 *   await setPassword(db, 'ada', 'a new passphrase', now); // { sessionsEnded: 1 }
 */
export async function setPassword(db: Warehouse, username: string, password: string, now = new Date()): Promise<{ sessionsEnded: number }> {
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new AccountError(parsed.error.issues.map((i) => i.message).join('; '));
  const hash = await hashPassword(parsed.data);
  return db.transaction(async () => {
    await existing(db, username);
    await tables(db).updateTable('accounts').set({ password_hash: hash }).where('username', '=', username).execute();
    return { sessionsEnded: await endSessions(db, { username }, now) };
  });
}

/**
 * Disables an account: it keeps its name and history, cannot sign in, and its
 * sessions end. The last admin who can sign in cannot be disabled.
 * `changed` is false when it was disabled already.
 */
export async function disableAccount(db: Warehouse, username: string, now = new Date()): Promise<{ changed: boolean; sessionsEnded: number }> {
  return db.transaction(async () => {
    const row = await existing(db, username);
    if (row.disabled_at) return { changed: false, sessionsEnded: await endSessions(db, { username }, now) };
    if (row.role === 'admin') await refuseLastAdmin(db, username, 'disable');
    await tables(db)
      .updateTable('accounts')
      .set({ disabled_at: at(now) })
      .where('username', '=', username)
      .execute();
    return { changed: true, sessionsEnded: await endSessions(db, { username }, now) };
  });
}

/** Lets a disabled account sign in again; `changed` is false when it was not disabled. */
export async function enableAccount(db: Warehouse, username: string): Promise<{ changed: boolean }> {
  return db.transaction(async () => {
    const row = await existing(db, username);
    if (!row.disabled_at) return { changed: false };
    await tables(db).updateTable('accounts').set({ disabled_at: null }).where('username', '=', username).execute();
    return { changed: true };
  });
}

/**
 * Removes an account and its sessions (reviews and notes keep the name they
 * were written under). The last admin who can sign in cannot be removed.
 */
export async function removeAccount(db: Warehouse, username: string, now = new Date()): Promise<{ role: Role; sessionsEnded: number }> {
  return db.transaction(async () => {
    const row = await existing(db, username);
    if (row.role === 'admin' && !row.disabled_at) await refuseLastAdmin(db, username, 'remove');
    const sessionsEnded = await endSessions(db, { username }, now);
    await tables(db).deleteFrom('sessions').where('username', '=', username).execute();
    await tables(db).deleteFrom('accounts').where('username', '=', username).execute();
    return { role: row.role as Role, sessionsEnded };
  });
}
