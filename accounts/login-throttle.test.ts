/**
 * Sign-in throttling, on a fixed clock: per name, 5 failures free, then
 * 1, 2, 4, 8, 16 s between attempts and a 15-minute lock at 10; per address,
 * 10 free in 15 minutes, then 1 s doubling and a lock at 20. A refused
 * attempt is not checked, the right password included; an unlock or (for a
 * name) a sign-in starts the count again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWarehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { TEST_NOW } from '../testing/clock.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, SignInThrottledError, addAccount, disableAccount, gate, lockouts, recentLoginProblems, signIn, unlock } from './index.js';

const PASS = 'a long passphrase';
const WRONG = 'a wrong passphrase';
/** TEST_NOW (12:00:00 UTC) plus `s` seconds. */
const t = (s: number) => new Date(TEST_NOW.getTime() + s * 1000);
const IP = '203.0.113.9';

describe('the gate', () => {
  const at = (...seconds: number[]) => seconds.map(t);
  it('stays open for 4 failures of a name, then waits 1, 2, 4, 8, 16 s after the latest, and locks 15 min at 10', () => {
    expect(gate(at(0, 1, 2, 3), ACCOUNT_POLICY, t(3))).toEqual({ open: true });
    expect(gate(at(0, 1, 2, 3, 4), ACCOUNT_POLICY, t(4.5))).toEqual({ open: false, locked: false, until: t(5), failures: 5 });
    expect(gate(at(0, 1, 2, 3, 4), ACCOUNT_POLICY, t(5))).toEqual({ open: true });
    expect(gate(at(0, 1, 2, 3, 4, 5), ACCOUNT_POLICY, t(5))).toMatchObject({ until: t(7) });
    expect(gate(at(0, 1, 2, 3, 4, 5, 6, 7, 8), ACCOUNT_POLICY, t(8))).toMatchObject({ locked: false, until: t(24) });
    expect(gate(at(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ACCOUNT_POLICY, t(9))).toEqual({ open: false, locked: true, until: t(9 + 900), failures: 10 });
    expect(gate(at(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ACCOUNT_POLICY, t(909))).toEqual({ open: true });
  });

  it('counts a name’s failures over the 24 hours before its latest, an address’s over 15 minutes', () => {
    const day = 24 * 3600;
    // four failures a day and a second before the fifth: only one counts
    expect(gate(at(-day - 4, -day - 3, -day - 2, -day - 1, 0), ACCOUNT_POLICY, t(0))).toEqual({ open: true });
    expect(gate(at(-day + 1, -day + 2, -day + 3, -day + 4, 0), ACCOUNT_POLICY, t(0))).toMatchObject({ open: false, until: t(1) });
    const ten = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(gate(at(...ten.slice(0, 9)), ADDRESS_POLICY, t(9))).toEqual({ open: true });
    expect(gate(at(...ten), ADDRESS_POLICY, t(9))).toEqual({ open: false, locked: false, until: t(10), failures: 10 });
    // ten failures 15 min 1 s to 15 min 10 s before the eleventh: they no longer count
    expect(gate(at(...ten.map((s) => s - 910), 0), ADDRESS_POLICY, t(0))).toEqual({ open: true });
    // 19 failures: 2^9 = 512 s; 20: locked for 15 minutes
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    expect(gate(at(...twenty.slice(0, 19)), ADDRESS_POLICY, t(18))).toMatchObject({ locked: false, until: t(18 + 512) });
    expect(gate(at(...twenty), ADDRESS_POLICY, t(19))).toMatchObject({ locked: true, until: t(19 + 900) });
  });
});

let w: TestWarehouse;
beforeEach(async () => {
  w = await testWarehouse();
  await addAccount(w.db, { username: 'ada', password: PASS, role: 'admin' }, TEST_NOW);
  await addAccount(w.db, { username: 'bob', password: PASS, role: 'reviewer' }, TEST_NOW);
});
afterEach(() => w.close());

const outcomes = async () =>
  (await w.db.all<{ outcome: string; n: number }>('select outcome, count(*)::integer as n from login_attempts group by outcome order by outcome')).map((r) => [r.outcome, r.n]);

/** signIn at `now`: its token, null, or the line of the error it threw. */
const attempt = (username: string, password: string, now: Date, address: string | null = IP) =>
  signIn(w.db, username, password, now, { address }).catch((error: Error) => (error instanceof SignInThrottledError ? `throttled: ${error.message}` : `error: ${error.message}`));

describe('signing in', () => {
  it('checks only 5 of 20 parallel guesses at one name; the other 15 are refused unchecked', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => attempt('bob', WRONG, TEST_NOW)));
    expect(answers.filter((a) => a === null)).toHaveLength(5);
    expect(new Set(answers.filter((a) => a !== null))).toEqual(new Set(['throttled: Too many failed sign-ins for this account: try again in 1 s.']));
    expect(await outcomes()).toEqual([
      ['failed', 5],
      ['refused', 15],
    ]);
  });

  it('locks a name after 10 failures: the right password does not sign in until the lock ends or an admin unlocks', async () => {
    // 5 free, then each try after its wait: +1 s, +2 s, +4 s, +8 s, +16 s
    for (const s of [0, 0, 0, 0, 0, 1, 3, 7, 15, 31]) expect(await attempt('bob', WRONG, t(s))).toBeNull();
    expect(await attempt('bob', PASS, t(300))).toBe('throttled: Too many failed sign-ins: this account is locked until 12:15 UTC; an admin can unlock it sooner.');
    expect(await lockouts(w.db, t(300))).toEqual([{ kind: 'account', key: 'bob', locked: true, until: t(31 + 900), failures: 10 }]);
    // other names are not touched
    expect(await attempt('ada', PASS, t(300))).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // the lock ends 15 minutes after the 10th failure; another failure locks it again
    expect(await attempt('bob', WRONG, t(931))).toBeNull();
    expect(await attempt('bob', PASS, t(932))).toMatch(/^throttled: .* locked until 12:30 UTC/);
    expect(await unlock(w.db, { username: 'bob' }, 'ada', t(940))).toEqual({ wasBlocked: true });
    expect(await lockouts(w.db, t(940))).toEqual([]);
    expect(await attempt('bob', PASS, t(941))).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await unlock(w.db, { username: 'bob' }, 'ada', t(942))).toEqual({ wasBlocked: false });
    expect(await outcomes()).toEqual([
      ['failed', 11],
      ['ok', 2],
      ['refused', 2],
      ['unlocked', 2],
    ]);
  });

  it('starts a name’s count again after a sign-in', async () => {
    for (let i = 0; i < 4; i++) expect(await attempt('bob', WRONG, t(i))).toBeNull();
    expect(await attempt('bob', PASS, t(4))).not.toBeNull();
    expect(await attempt('bob', WRONG, t(5))).toBeNull();
    // four failures before the sign-in no longer count: one failure, open
    expect(await attempt('bob', PASS, t(5))).not.toBeNull();
  });

  it('throttles an unknown name like a real one, and the right password of a disabled account is no failure', async () => {
    for (let i = 0; i < 5; i++) expect(await attempt('nobody', WRONG, t(i), null)).toBeNull();
    expect(await attempt('nobody', WRONG, t(4.5), null)).toBe('throttled: Too many failed sign-ins for this account: try again in 1 s.');
    await disableAccount(w.db, 'bob', TEST_NOW);
    for (let i = 0; i < 6; i++) expect(await attempt('bob', PASS, t(i), null)).toBe('error: This account is disabled: ask an admin to enable it.');
    expect(await lockouts(w.db, t(4.5))).toEqual([{ kind: 'account', key: 'nobody', locked: false, until: t(5), failures: 5 }]);
  });

  it('throttles an address after 10 failures over any names, and an unlock of the address opens it', async () => {
    for (let i = 0; i < 10; i++) expect(await attempt(`guess${i}`, WRONG, t(i))).toBeNull();
    expect(await attempt('ada', PASS, t(9.5))).toBe('throttled: Too many failed sign-ins for this address: try again in 1 s.');
    // from another address the account signs in
    expect(await attempt('ada', PASS, t(9.5), '198.51.100.7')).not.toBeNull();
    // a sign-in from the address does not reset it: after the wait, 10 → 11 failures wait 2 s
    expect(await attempt('ada', PASS, t(10))).not.toBeNull();
    expect(await attempt('guess10', WRONG, t(10))).toBeNull();
    expect(await attempt('ada', PASS, t(11))).toBe('throttled: Too many failed sign-ins for this address: try again in 1 s.');
    expect(await lockouts(w.db, t(11))).toEqual([{ kind: 'address', key: IP, locked: false, until: t(12), failures: 11 }]);
    expect(await unlock(w.db, { address: IP }, 'ada', t(11))).toEqual({ wasBlocked: true });
    expect(await attempt('ada', PASS, t(11))).not.toBeNull();
  });

  it('lists the failed, refused and disabled attempts and the unlocks of the last 24 hours, newest first', async () => {
    await attempt('bob', WRONG, t(-25 * 3600));
    await attempt('bob', WRONG, t(0));
    await attempt('bob', PASS, t(1));
    await unlock(w.db, { username: 'bob' }, 'ada', t(2));
    expect((await recentLoginProblems(w.db, t(3))).map((e) => [e.attempted_at, e.username, e.address, e.outcome, e.actor])).toEqual([
      [t(2), 'bob', null, 'unlocked', 'ada'],
      [t(0), 'bob', IP, 'failed', null],
    ]);
  });
});

describe('a sign-in flood', () => {
  it('leaves the data generation, so the dashboard’s cached pages stay warm', async () => {
    // as `parley serve` opens it: reads on reader connections (the main one writes)
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-throttle-'));
    const db = await openWarehouse(path.join(dir, 'w.duckdb'), { readers: 2 });
    try {
      await migrate(db, undefined, TEST_NOW);
      await addAccount(db, { username: 'bob', password: PASS, role: 'reviewer' }, TEST_NOW);
      const before = db.generation();
      const answers = await Promise.all(
        [PASS, WRONG, WRONG, WRONG, WRONG, WRONG, WRONG, PASS].map((p) => signIn(db, 'bob', p, TEST_NOW, { address: IP }).catch((e: Error) => e.name)),
      );
      // the right password, 5 failures, then refused; the last right password is refused too
      expect(answers.map((a) => (typeof a === 'string' && a.length === 43 ? 'token' : a))).toEqual([
        'token',
        null,
        null,
        null,
        null,
        null,
        'SignInThrottledError',
        'SignInThrottledError',
      ]);
      expect(db.generation()).toBe(before);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
