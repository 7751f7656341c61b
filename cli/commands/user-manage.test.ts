/**
 * `parley user list | passwd | disable | enable | remove | sessions | revoke | unlock`:
 * what each prints (table and --json / --format json), its exit status, and
 * the one line it refuses with.
 */
import { TEST_NOW } from '../../testing/clock.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { sessionAccount, signIn } from '../../accounts/index.js';
import { parley, parleyWithStdin } from '../../testing/cli.js';

/** What a refused command gives: exit 1, nothing on stdout, its one line on stderr. */
const refused = (err: string) => ({ code: 1, out: '', err });

const dir = mkdtempSync(path.join(tmpdir(), 'parley-user-manage-'));
const db = path.join(dir, 'w.duckdb');
const PASS = 'a long passphrase';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Signs `username` in directly on the warehouse file: the session's token. */
async function session(username: string, password = PASS): Promise<string> {
  const w = await openWarehouse(db);
  try {
    return (await signIn(w, username, password, TEST_NOW))!;
  } finally {
    w.close();
  }
}

async function live(token: string): Promise<boolean> {
  const w = await openWarehouse(db);
  try {
    return (await sessionAccount(w, token, TEST_NOW)) !== null;
  } finally {
    w.close();
  }
}

beforeAll(async () => {
  expect((await parleyWithStdin(`${PASS}\n`, 'user', 'add', 'ada', '--role', 'admin', '--db', db)).code).toBe(0);
  expect((await parleyWithStdin(`${PASS}\n`, 'user', 'add', 'bob', '--role', 'reviewer', '--db', db)).code).toBe(0);
  expect((await parleyWithStdin(`${PASS}\n`, 'user', 'add', 'amara', '--role', 'agent', '--agent-id', 'agt_001', '--db', db)).code).toBe(0);
});

describe('parley user list', () => {
  it('prints a table of the accounts, or their rows as JSON', async () => {
    await session('bob');
    const table = await parley('user', 'list', '--db', db);
    expect(table.code).toBe(0);
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^username\s+role\s+agent_id\s+status\s+sessions\s+created_at\s+disabled_at\s+demo$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, 5))).toEqual([
      ['ada', 'admin', '–', 'active', '0'],
      ['amara', 'agent', 'agt_001', 'active', '0'],
      ['bob', 'reviewer', '–', 'active', '1'],
    ]);
    const json = await parley('user', 'list', '--format', 'json', '--db', db);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.out) as Record<string, unknown>[];
    expect(rows.map((r) => [r['username'], r['role'], r['status'], r['sessions'], r['demo'], r['disabled_at']])).toEqual([
      ['ada', 'admin', 'active', 0, false, null],
      ['amara', 'agent', 'active', 0, false, null],
      ['bob', 'reviewer', 'active', 1, false, null],
    ]);
    expect(rows[0]!['created_at']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await parley('user', 'list', '--format', 'yaml', '--db', db)).code).toBe(2);
  });
});

describe('parley user sessions and revoke', () => {
  it('lists live sessions, one account’s or all, and ends them by account, id or all', async () => {
    await parley('user', 'revoke', '--all', '--db', db);
    const a = await session('ada');
    await session('bob');
    const mine = await parley('user', 'sessions', 'ada', '--format', 'json', '--db', db);
    expect(mine.code).toBe(0);
    const [s] = JSON.parse(mine.out) as { session: string; username: string; role: string }[];
    expect(s).toMatchObject({ username: 'ada', role: 'admin' });
    expect(s!.session).toMatch(/^[0-9a-f]{12}$/);
    const table = await parley('user', 'sessions', '--db', db);
    expect(table.out.split('\n')[0]).toMatch(/^session\s+username\s+role\s+created_at\s+expires_at$/);
    expect(table.out.trimEnd().split('\n')).toHaveLength(4);

    expect(await parley('user', 'revoke', '--session', s!.session, '--db', db)).toEqual({ code: 0, out: 'ended 1 login session\n', err: '' });
    expect(await live(a)).toBe(false);
    expect(await parley('user', 'revoke', '--session', s!.session, '--db', db)).toEqual(
      refused(`parley user revoke: no live login session ${s!.session}: see parley user sessions\n`),
    );
    expect(await parley('user', 'revoke', 'bob', '--json', '--db', db)).toEqual({ code: 0, out: '{"sessionsEnded":1}\n', err: '' });
    await session('amara');
    expect(await parley('user', 'revoke', '--all', '--db', db)).toEqual({ code: 0, out: 'ended 1 login session of every account\n', err: '' });
    expect((await parley('user', 'sessions', '--db', db)).out).toBe('(no rows)\n');
  });

  it('refuses a bad call in one line: exit 2 for usage, 1 for an unknown account', async () => {
    const none = await parley('user', 'revoke', '--db', db);
    expect(none.code).toBe(2);
    expect(none.err).toBe("parley user revoke: give one NAME, or --session ID, or --all; run 'parley user revoke --help'\n");
    expect((await parley('user', 'revoke', 'bob', '--all', '--db', db)).code).toBe(2);
    expect((await parley('user', 'revoke', '--session', 'xyz', '--db', db)).code).toBe(2);
    expect(await parley('user', 'sessions', 'nobody', '--db', db)).toEqual(refused('parley user sessions: there is no account "nobody": see parley user list\n'));
  });
});

describe('parley user passwd', () => {
  it('reads the new password from stdin and ends the account’s sessions', async () => {
    const token = await session('bob');
    const run = await parleyWithStdin('a newer passphrase\n', 'user', 'passwd', 'bob', '--db', db);
    expect(run).toEqual({ code: 0, out: 'changed the password of "bob"; ended 1 login session\n', err: '' });
    expect(await live(token)).toBe(false);
    expect(await session('bob', PASS)).toBeNull();
    expect(await session('bob', 'a newer passphrase')).not.toBeNull();
    const json = await parleyWithStdin(`${PASS}\n`, 'user', 'passwd', 'bob', '--json', '--db', db);
    expect(json).toEqual({ code: 0, out: '{"username":"bob","sessionsEnded":1}\n', err: '' });
  });

  it('refuses a short password, an unknown account and a missing NAME', async () => {
    expect(await parleyWithStdin('short\n', 'user', 'passwd', 'bob', '--db', db)).toEqual(refused('parley user passwd: a password has at least 8 characters\n'));
    expect((await parleyWithStdin(`${PASS}\n`, 'user', 'passwd', 'nobody', '--db', db)).err).toBe('parley user passwd: there is no account "nobody": see parley user list\n');
    expect((await parleyWithStdin(`${PASS}\n`, 'user', 'passwd', '--db', db)).code).toBe(2);
  });
});

describe('parley user disable and enable', () => {
  it('disables an account (its sessions end, sign-in is refused) and enables it again', async () => {
    const token = await session('amara');
    expect(await parley('user', 'disable', 'amara', '--db', db)).toEqual({ code: 0, out: 'disabled "amara"; ended 1 login session\n', err: '' });
    expect(await live(token)).toBe(false);
    await expect(session('amara')).rejects.toThrow('This account is disabled: ask an admin to enable it.');
    expect(await parley('user', 'disable', 'amara', '--json', '--db', db)).toEqual({
      code: 0,
      out: '{"username":"amara","changed":false,"sessionsEnded":0}\n',
      err: '',
    });
    expect(JSON.parse((await parley('user', 'list', '--format', 'json', '--db', db)).out)[1]).toMatchObject({ username: 'amara', status: 'disabled' });
    expect(await parley('user', 'enable', 'amara', '--db', db)).toEqual({ code: 0, out: 'enabled "amara"\n', err: '' });
    expect(await parley('user', 'enable', 'amara', '--json', '--db', db)).toEqual({ code: 0, out: '{"username":"amara","changed":false}\n', err: '' });
    expect(await session('amara')).not.toBeNull();
  });

  it('refuses to disable the last admin, in one line', async () => {
    expect(await parley('user', 'disable', 'ada', '--db', db)).toEqual(
      refused('parley user disable: "ada" is the last admin: add another admin before you disable it (parley user add NAME --role admin)\n'),
    );
  });
});

describe('parley user remove', () => {
  it('refuses the last admin; removes an account and its sessions', async () => {
    await parley('user', 'revoke', '--all', '--db', db);
    expect(await parley('user', 'remove', 'ada', '--db', db)).toEqual(
      refused('parley user remove: "ada" is the last admin: add another admin before you remove it (parley user add NAME --role admin)\n'),
    );
    const token = await session('amara');
    expect(await parley('user', 'remove', 'amara', '--db', db)).toEqual({ code: 0, out: 'removed the agent account "amara"; ended 1 login session\n', err: '' });
    expect(await live(token)).toBe(false);
    expect(await parley('user', 'remove', 'amara', '--db', db)).toEqual(refused('parley user remove: there is no account "amara": see parley user list\n'));
    expect(await parleyWithStdin(`${PASS}\n`, 'user', 'add', 'cy', '--role', 'admin', '--db', db)).toMatchObject({ code: 0 });
    expect(await parley('user', 'remove', 'ada', '--json', '--db', db)).toEqual({ code: 0, out: '{"username":"ada","role":"admin","sessionsEnded":0}\n', err: '' });
    expect(JSON.parse((await parley('user', 'list', '--format', 'json', '--db', db)).out).map((r: { username: string }) => r.username)).toEqual(['bob', 'cy']);
  });
});

describe('parley user unlock', () => {
  it('lets a name locked by 10 failed sign-ins sign in at once, and says when nothing was locked', async () => {
    const w = await openWarehouse(db);
    try {
      // the sign-ins of the tests above happened at TEST_NOW, after the failures below: forget them
      await w.run('delete from login_attempts');
      // ten wrong passwords from 11:55:00, each after its wait (5 free, then 1, 2, 4, 8, 16 s): locked 15 minutes from 11:55:31
      for (const s of [0, 0, 0, 0, 0, 1, 3, 7, 15, 31]) expect(await signIn(w, 'bob', 'a wrong passphrase', new Date(TEST_NOW.getTime() + (s - 300) * 1000))).toBeNull();
      await expect(signIn(w, 'bob', PASS, TEST_NOW)).rejects.toThrow('Too many failed sign-ins: this account is locked until 12:10 UTC; an admin can unlock it sooner.');
    } finally {
      w.close();
    }
    expect(await parley('user', 'unlock', 'bob', '--db', db)).toEqual({ code: 0, out: 'unlocked "bob"\n', err: '' });
    expect(await parley('user', 'unlock', 'bob', '--json', '--db', db)).toEqual({ code: 0, out: '{"username":"bob","wasBlocked":false}\n', err: '' });
    expect(await parley('user', 'unlock', '--address', '192.0.2.1', '--db', db)).toEqual({ code: 0, out: 'the address 192.0.2.1 was not locked\n', err: '' });
    expect(await session('bob')).not.toBeNull();
    expect(await parley('user', 'unlock', 'nobody', '--db', db)).toEqual(refused('parley user unlock: there is no account "nobody": see parley user list\n'));
    expect((await parley('user', 'unlock', '--db', db)).code).toBe(2);
    expect((await parley('user', 'unlock', 'bob', '--address', '192.0.2.1', '--db', db)).code).toBe(2);
  });
});
