/**
 * The accounts page's forms: each runs the accounts/ operation and answers
 * with one line; only admins may, and not on their own account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAccount, listAccounts, signIn, type Account } from '../../../accounts/index.js';
import { testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { accountAction, accountsPage } from './accounts-admin.js';

const now = new Date('2026-10-05T09:00:00Z');
const admin: Account = { username: 'ada', role: 'admin', agentId: null };
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse();
  await addAccount(w.db, { username: 'ada', password: 'a long passphrase', role: 'admin' }, now);
});
afterAll(() => w.close());

describe('the accounts page', () => {
  it('adds, disables, enables, sets a password and removes, each with one line', async () => {
    const add = form({ username: 'bob', role: 'reviewer', agent_id: '', password: 'a long passphrase' });
    expect(await accountAction(w.db, admin, 'add', add, now)).toEqual({ ok: true, message: 'Created the reviewer account "bob".' });
    expect(await accountAction(w.db, admin, 'add', add, now)).toEqual({ ok: false, message: 'the username "bob" is taken: choose another' });
    expect(await accountAction(w.db, admin, 'disable', form({ username: 'bob' }), now)).toEqual({ ok: true, message: 'Disabled "bob"; ended 0 login sessions.' });
    expect((await accountsPage(w.db, now)).accounts.map((a) => [a.username, a.status])).toEqual([
      ['ada', 'active'],
      ['bob', 'disabled'],
    ]);
    expect(await accountAction(w.db, admin, 'enable', form({ username: 'bob' }), now)).toEqual({ ok: true, message: 'Enabled "bob".' });
    expect(await accountAction(w.db, admin, 'passwd', form({ username: 'bob', password: 'short' }), now)).toEqual({
      ok: false,
      message: 'a password has at least 8 characters',
    });
    expect(await accountAction(w.db, admin, 'passwd', form({ username: 'bob', password: 'a new passphrase' }), now)).toEqual({
      ok: true,
      message: 'Changed the password of "bob"; ended 0 login sessions.',
    });
    expect(await accountAction(w.db, admin, 'revoke', form({ session: 'not-an-id' }), now)).toEqual({ ok: false, message: 'That is not a session id.' });
    expect(await accountAction(w.db, admin, 'remove', form({ username: 'bob' }), now)).toEqual({
      ok: true,
      message: 'Removed the reviewer account "bob"; ended 0 login sessions.',
    });
  });

  it('refuses other roles, and an admin disabling or removing their own account', async () => {
    const supervisor: Account = { username: 'sam', role: 'supervisor', agentId: null };
    expect(await accountAction(w.db, supervisor, 'disable', form({ username: 'ada' }), now)).toEqual({ ok: false, message: 'Your role (supervisor) may not manage accounts.' });
    expect(await accountAction(w.db, admin, 'remove', form({ username: 'ada' }), now)).toEqual({
      ok: false,
      message: 'You are signed in as "ada": another admin can remove this account.',
    });
    expect((await listAccounts(w.db, now)).map((a) => a.username)).toEqual(['ada']);
  });

  it('shows a locked account and the failed sign-ins, and unlocks the account and the address', async () => {
    await addAccount(w.db, { username: 'cy', password: 'a long passphrase', role: 'reviewer' }, now);
    const at = (s: number) => new Date(now.getTime() + s * 1000);
    // 10 wrong passwords, each after its wait (5 free, then 1, 2, 4, 8, 16 s): locked until 09:15:31
    for (const s of [0, 0, 0, 0, 0, 1, 3, 7, 15, 31]) expect(await signIn(w.db, 'cy', 'a wrong passphrase', at(s), { address: '192.0.2.1' })).toBeNull();
    const page = await accountsPage(w.db, at(60));
    expect(page.lockouts).toEqual([
      { kind: 'account', key: 'cy', locked: true, until: at(931), failures: 10 },
      // the address: 10 failures in 15 minutes, so 1 s after the latest (long past at 09:01)
    ]);
    expect(page.loginProblems).toHaveLength(10);
    expect(page.loginProblems[0]).toEqual({ attempted_at: at(31), username: 'cy', address: '192.0.2.1', outcome: 'failed', actor: null });
    expect(await accountAction(w.db, admin, 'unlock', form({ username: 'cy' }), at(60))).toEqual({ ok: true, message: 'Unlocked "cy": it may sign in at once.' });
    expect(await accountAction(w.db, admin, 'unlock', form({ username: 'cy' }), at(61))).toEqual({ ok: true, message: '"cy" was not locked.' });
    expect((await accountsPage(w.db, at(61))).lockouts).toEqual([]);
    // the account's unlock leaves the address's count: an 11th failure from it makes it wait 2 s
    expect(await signIn(w.db, 'dee', 'a wrong passphrase', at(62), { address: '192.0.2.1' })).toBeNull();
    expect((await accountsPage(w.db, at(63))).lockouts).toEqual([{ kind: 'address', key: '192.0.2.1', locked: false, until: at(64), failures: 11 }]);
    expect(await accountAction(w.db, admin, 'unlock', form({ address: '192.0.2.1' }), at(63))).toEqual({ ok: true, message: 'Unlocked the address 192.0.2.1.' });
    expect((await accountsPage(w.db, at(63))).lockouts).toEqual([]);
    expect(await signIn(w.db, 'cy', 'a long passphrase', at(63), { address: '192.0.2.1' })).not.toBeNull();
  });
});
