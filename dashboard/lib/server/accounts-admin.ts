/**
 * The accounts page (/admin/users) over accounts/: the same operations as
 * `parley user …`, read from form data. Every rule (the last admin, ending
 * sessions on a new password or on disabling) lives in accounts/; the page
 * adds one of its own: an admin does not disable or remove the account they
 * are signed in with.
 *
 * @example
 *   const page = await accountsPage(db);                  // accounts and live sessions
 *   const o = await accountAction(db, admin, 'disable', formData);   // { ok: true, message: 'Disabled "bob"; …' }
 */
import { z } from 'zod';
import type { Warehouse } from '../../../warehouse/connection.js';
import {
  ROLES,
  addAccount,
  isSessionId,
  loginSessionsWord,
  disableAccount,
  enableAccount,
  endSessions,
  listAccounts,
  listSessions,
  lockouts,
  recentLoginProblems,
  removeAccount,
  unlock,
  setPassword,
  type Account,
} from '../../../accounts/index.js';
import { can } from '../roles.js';
import { attempt, type Outcome } from './form-outcome.js';

export const ACCOUNT_ACTIONS = ['add', 'passwd', 'disable', 'enable', 'remove', 'revoke', 'unlock'] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];

/** What the page shows: every account, the live login sessions, the names and addresses throttled now, and the recent failed sign-ins. */
export async function accountsPage(db: Warehouse, now = new Date()) {
  return {
    accounts: await listAccounts(db, now),
    sessions: await listSessions(db, {}, now),
    roles: ROLES,
    lockouts: await lockouts(db, now),
    loginProblems: await recentLoginProblems(db, now),
  };
}

const username = z.string().trim().min(1, 'choose an account').max(40);

/** One form of the page: done with a message, or refused with one. */
export async function accountAction(db: Warehouse, user: Account, action: AccountAction, form: FormData, now = new Date()): Promise<Outcome> {
  if (!can(user.role, 'manageAccounts')) return { ok: false, message: `Your role (${user.role}) may not manage accounts.` };
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  if (action === 'revoke' && field('session')) {
    const session = field('session')!;
    if (!isSessionId(session)) return { ok: false, message: 'That is not a session id.' };
    return attempt(async () => ((await endSessions(db, { session }, now)) ? `Ended session ${session}.` : `Session ${session} had already ended.`));
  }
  if (action === 'unlock' && field('address')) {
    const address = field('address')!.trim().slice(0, 100);
    return attempt(async () => ((await unlock(db, { address }, user.username, now)).wasBlocked ? `Unlocked the address ${address}.` : `The address ${address} was not locked.`));
  }
  const name = username.safeParse(field('username'));
  if (!name.success) return { ok: false, message: 'Choose an account.' };
  const who = name.data;
  if ((action === 'disable' || action === 'remove') && who === user.username) {
    return { ok: false, message: `You are signed in as "${who}": another admin can ${action} this account.` };
  }
  return attempt(async () => {
    switch (action) {
      case 'add': {
        const role = field('role') ?? '';
        const agentId = field('agent_id')?.trim() || null;
        const made = await addAccount(db, { username: who, password: field('password') ?? '', role: role as never, agentId }, now);
        return `Created the ${made.role} account "${made.username}".`;
      }
      case 'passwd': {
        const { sessionsEnded } = await setPassword(db, who, field('password') ?? '', now);
        return `Changed the password of "${who}"; ended ${loginSessionsWord(sessionsEnded)}.`;
      }
      case 'disable': {
        const { changed, sessionsEnded } = await disableAccount(db, who, now);
        return changed ? `Disabled "${who}"; ended ${loginSessionsWord(sessionsEnded)}.` : `"${who}" was disabled already.`;
      }
      case 'enable':
        return (await enableAccount(db, who)).changed ? `Enabled "${who}".` : `"${who}" was enabled already.`;
      case 'remove': {
        const { role, sessionsEnded } = await removeAccount(db, who, now);
        return `Removed the ${role} account "${who}"; ended ${loginSessionsWord(sessionsEnded)}.`;
      }
      case 'unlock':
        return (await unlock(db, { username: who }, user.username, now)).wasBlocked ? `Unlocked "${who}": it may sign in at once.` : `"${who}" was not locked.`;
      case 'revoke':
        return `Ended ${loginSessionsWord(await endSessions(db, { username: who }, now))} of "${who}".`;
    }
  });
}
