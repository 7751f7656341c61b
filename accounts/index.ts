/**
 * Accounts: local dashboard accounts, their roles, passwords and login
 * sessions. Above warehouse/, below everything that signs people in (the
 * dashboard, `parley user`, the demo).
 *
 * @example
 *   import { addAccount, signIn, sessionAccount } from '../accounts/index.js';
 *   await addAccount(db, { username: 'ada', password: 'correct horse', role: 'admin' });
 *   const account = await sessionAccount(db, (await signIn(db, 'ada', 'correct horse'))!);
 */
export { addAccount, accountNames, usernamesWithRole, newAccountSchema, MIN_PASSWORD_LENGTH } from './accounts.js';
export type { Account, NewAccount } from './accounts.js';
export { signIn, sessionAccount, signOut, LOGIN_SESSION_HOURS } from './login-sessions.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { ROLES, isRole } from './roles.js';
export type { Role } from './roles.js';
