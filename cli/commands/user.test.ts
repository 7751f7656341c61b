/**
 * `parley user add` and the dashboard's accounts: slow salted hashes, one
 * account per name, roles checked, sessions that open only with the right
 * password and end on sign-out.
 */
import { TEST_NOW } from '../../testing/clock.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { hashPassword, sessionAccount, signIn, signOut, verifyPassword } from '../../accounts/index.js';
import { can } from '../../dashboard/lib/roles.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'parley-user-'));
const db = path.join(dir, 'w.duckdb');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function userAdd(args: string[], password: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['cli/parley.js', 'user', 'add', ...args, '--db', db], { cwd: root }, (error, out, err) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
    child.stdin!.end(`${password}\n`);
  });
}

describe('passwords', () => {
  it('are hashed with scrypt and a salt of their own, and verified in constant time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });
});

describe('parley user add', () => {
  it('creates the first admin from a password on stdin, and that password opens a session', async () => {
    const run = await userAdd(['ada', '--role', 'admin'], 'a long passphrase');
    expect(run).toMatchObject({ code: 0 });
    expect(run.out).toContain('created the admin account "ada"');
    const w = await openWarehouse(db);
    try {
      expect(await signIn(w, 'ada', 'wrong passphrase', TEST_NOW)).toBeNull();
      expect(await signIn(w, 'nobody', 'a long passphrase', TEST_NOW)).toBeNull();
      const token = await signIn(w, 'ada', 'a long passphrase', TEST_NOW);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await sessionAccount(w, token!, TEST_NOW)).toEqual({ username: 'ada', role: 'admin', agentId: null });
      const stored = await w.all<{ token_hash: string }>('select token_hash from sessions');
      expect(stored.map((s) => s.token_hash)).not.toContain(token);
      await signOut(w, token!, TEST_NOW);
      expect(await sessionAccount(w, token!, TEST_NOW)).toBeNull();
    } finally {
      w.close();
    }
  });

  it('refuses a taken name, a short password, an agent without --agent-id and an unknown role, in one line', async () => {
    const taken = await userAdd(['ada', '--role', 'reviewer'], 'another passphrase');
    expect(taken.code).toBe(1);
    expect(taken.err.trim()).toBe('parley user add: the username "ada" is taken: choose another');
    const short = await userAdd(['bob', '--role', 'reviewer'], 'short');
    expect(short.code).toBe(1);
    expect(short.err).toContain('at least 8 characters');
    const agent = await userAdd(['cal', '--role', 'agent'], 'a long passphrase');
    expect(agent.code).toBe(1);
    expect(agent.err).toContain('--agent-id');
    const role = await userAdd(['dee', '--role', 'boss'], 'a long passphrase');
    expect(role.code).toBe(2);
    expect(role.err.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('maps an agent account to its roster id; an agent sees no other scorecard', async () => {
    expect((await userAdd(['amara', '--role', 'agent', '--agent-id', 'agt_001'], 'a long passphrase')).code).toBe(0);
    const w = await openWarehouse(db);
    try {
      const token = await signIn(w, 'amara', 'a long passphrase', TEST_NOW);
      const account = await sessionAccount(w, token!, TEST_NOW);
      expect(account).toEqual({ username: 'amara', role: 'agent', agentId: 'agt_001' });
      expect(can(account!.role, 'viewAllScorecards')).toBe(false);
      expect(can(account!.role, 'viewConversations')).toBe(false);
      expect(can('product', 'viewConversations')).toBe(false);
      expect(can('supervisor', 'resolveDisputes')).toBe(true);
    } finally {
      w.close();
    }
  });
});
