/**
 * Running the accounts: a new password or disabling ends an account's login
 * sessions, a disabled account cannot sign in, the last admin stays, and
 * sessions are listed and ended by account, by id or all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { AccountError, addAccount, disableAccount, enableAccount, endSessions, listAccounts, listSessions, removeAccount, sessionAccount, setPassword, signIn } from './index.js';

const now = new Date('2026-10-05T09:00:00Z');
const later = new Date('2026-10-05T10:00:00Z');
const PASS = 'a long passphrase';

let w: TestWarehouse;
beforeEach(async () => {
  w = await testWarehouse();
  await addAccount(w.db, { username: 'ada', password: PASS, role: 'admin' }, now);
  await addAccount(w.db, { username: 'bob', password: PASS, role: 'reviewer' }, now);
});
afterEach(() => w.close());

describe('a new password', () => {
  it('ends every login session of the account, and only the new password opens one', async () => {
    const first = (await signIn(w.db, 'bob', PASS, now))!;
    const second = (await signIn(w.db, 'bob', PASS, now))!;
    const ada = (await signIn(w.db, 'ada', PASS, now))!;
    expect(await sessionAccount(w.db, first, now)).toMatchObject({ username: 'bob' });
    expect(await setPassword(w.db, 'bob', 'a new passphrase', later)).toEqual({ sessionsEnded: 2 });
    // the lookup kept a minute in memory is gone too
    expect(await sessionAccount(w.db, first, later)).toBeNull();
    expect(await sessionAccount(w.db, second, later)).toBeNull();
    expect(await sessionAccount(w.db, ada, later)).toMatchObject({ username: 'ada' });
    expect(await signIn(w.db, 'bob', PASS, later)).toBeNull();
    expect(await signIn(w.db, 'bob', 'a new passphrase', later)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is refused when short or for an unknown account, in one line', async () => {
    await expect(setPassword(w.db, 'bob', 'short', now)).rejects.toThrow(new AccountError('a password has at least 8 characters'));
    await expect(setPassword(w.db, 'nobody', PASS, now)).rejects.toThrow('there is no account "nobody": see parley user list');
  });
});

describe('a disabled account', () => {
  it('loses its sessions and cannot sign in, with a clear message; enabled, it can again', async () => {
    const token = (await signIn(w.db, 'bob', PASS, now))!;
    expect(await disableAccount(w.db, 'bob', later)).toEqual({ changed: true, sessionsEnded: 1 });
    expect(await sessionAccount(w.db, token, later)).toBeNull();
    await expect(signIn(w.db, 'bob', PASS, later)).rejects.toThrow('This account is disabled: ask an admin to enable it.');
    // a wrong password says only that the pair does not match
    expect(await signIn(w.db, 'bob', 'wrong passphrase', later)).toBeNull();
    expect(await disableAccount(w.db, 'bob', later)).toEqual({ changed: false, sessionsEnded: 0 });
    const rows = await listAccounts(w.db, later);
    expect(rows.map((r) => [r.username, r.status, r.disabled_at])).toEqual([
      ['ada', 'active', null],
      ['bob', 'disabled', later],
    ]);
    expect(await enableAccount(w.db, 'bob')).toEqual({ changed: true });
    expect(await enableAccount(w.db, 'bob')).toEqual({ changed: false });
    expect(await signIn(w.db, 'bob', PASS, later)).not.toBeNull();
  });
});

describe('the last admin', () => {
  it('cannot be removed or disabled; with another admin it can, and its sessions end', async () => {
    await expect(removeAccount(w.db, 'ada', now)).rejects.toThrow('"ada" is the last admin: add another admin before you remove it (parley user add NAME --role admin)');
    await expect(disableAccount(w.db, 'ada', now)).rejects.toThrow('"ada" is the last admin');
    // a disabled admin does not count: nobody could sign in to run the accounts
    await addAccount(w.db, { username: 'cy', password: PASS, role: 'admin' }, now);
    await disableAccount(w.db, 'cy', now);
    await expect(removeAccount(w.db, 'ada', now)).rejects.toThrow('"ada" is the last admin');
    await enableAccount(w.db, 'cy');
    const token = (await signIn(w.db, 'ada', PASS, now))!;
    expect(await removeAccount(w.db, 'ada', later)).toEqual({ role: 'admin', sessionsEnded: 1 });
    expect(await sessionAccount(w.db, token, later)).toBeNull();
    expect((await listAccounts(w.db, later)).map((a) => a.username)).toEqual(['bob', 'cy']);
    expect(await removeAccount(w.db, 'bob', later)).toEqual({ role: 'reviewer', sessionsEnded: 0 });
  });
});

describe('login sessions', () => {
  it('are listed live only, and end by account, by id or all', async () => {
    await signIn(w.db, 'ada', PASS, now);
    await signIn(w.db, 'bob', PASS, later);
    await signIn(w.db, 'bob', PASS, new Date('2026-10-04T09:00:00Z')); // ended by the time of `later`
    const all = await listSessions(w.db, {}, later);
    expect(all.map((s) => [s.username, s.role, s.created_at])).toEqual([
      ['bob', 'reviewer', later],
      ['ada', 'admin', now],
    ]);
    expect(all[0]!.session).toMatch(/^[0-9a-f]{12}$/);
    expect(all[0]!.expires_at).toEqual(new Date('2026-10-05T22:00:00Z'));
    expect((await listAccounts(w.db, later)).map((a) => a.sessions)).toEqual([1, 1]);
    expect(await listSessions(w.db, { username: 'ada' }, later)).toHaveLength(1);
    expect(await endSessions(w.db, { session: all[1]!.session }, later)).toBe(1);
    expect((await listSessions(w.db, {}, later)).map((s) => s.username)).toEqual(['bob']);
    await signIn(w.db, 'ada', PASS, later);
    expect(await endSessions(w.db, { username: 'bob' }, later)).toBe(1);
    expect(await endSessions(w.db, { all: true }, later)).toBe(1);
    expect(await listSessions(w.db, {}, later)).toEqual([]);
    // the expired one was cleared on the way
    expect(await w.db.all('select * from sessions')).toEqual([]);
  });
});
