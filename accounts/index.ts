/**
 * Accounts: local dashboard accounts, their roles, passwords and login
 * sessions, and the demo's accounts. Above warehouse/, below everything that
 * signs people in (the dashboard, `parley user`, the demo) and the loader
 * (which ends a demo when real data arrive).
 *
 * @example
 *   import { addAccount, signIn, sessionAccount } from '../accounts/index.js';
 *   await addAccount(db, { username: 'ada', password: 'correct horse', role: 'admin' });
 *   const account = await sessionAccount(db, (await signIn(db, 'ada', 'correct horse'))!);
 */
export {
  addAccount,
  accountNames,
  usernamesWithRole,
  listAccounts,
  setPassword,
  disableAccount,
  enableAccount,
  removeAccount,
  newAccountSchema,
  MIN_PASSWORD_LENGTH,
} from './accounts.js';
export type { Account, AccountRow, NewAccount } from './accounts.js';
export { AccountError } from './account.js';
export {
  signIn,
  SignInThrottledError,
  sessionAccount,
  signOut,
  listSessions,
  endSessions,
  LOGIN_SESSION_HOURS,
  SESSION_ID_LENGTH,
  isSessionId,
  loginSessionsWord,
} from './login-sessions.js';
export type { LoginSession, SessionTarget } from './login-sessions.js';
export { ACCOUNT_POLICY, ADDRESS_POLICY, gate, lockouts, recentLoginProblems, unlock } from './login-throttle.js';
export type { Gate, Lockout, LoginEvent, SignInBlock, ThrottlePolicy } from './login-throttle.js';
export { DEMO_SOURCE, endDemo, isDemoWarehouse, otherSources } from './demo-accounts.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { ROLES, isRole } from './roles.js';
export type { Role } from './roles.js';
