/**
 * Local accounts (table `accounts` of migration 005-accounts.sql): a username,
 * a role and, for an agent, the roster id whose scorecard is theirs.
 *
 * @example
 *   await addAccount(db, { username: 'ada', password: 'correct horse', role: 'admin' });
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';
import { hashPassword } from './passwords.js';
import { ROLES, type Role } from './roles.js';

export interface Account {
  username: string;
  role: Role;
  /** For role `agent`: the roster id whose scorecard and reviews are theirs. */
  agentId: string | null;
}

export const MIN_PASSWORD_LENGTH = 8;

export const newAccountSchema = z.object({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, 'a username is 2–40 characters: lowercase letters, digits, . _ -'),
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
  const t = tables(db);
  return db.transaction(async () => {
    const taken = await t.selectFrom('accounts').select('username').where('username', '=', username).executeTakeFirst();
    if (taken) throw new Error(`the username "${username}" is taken: choose another`);
    await t
      .insertInto('accounts')
      .values({ username, password_hash: hash, role, agent_id: agentId, created_at: sql`now()` })
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
