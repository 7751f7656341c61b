/**
 * `parley user list | add | passwd | disable | enable | remove | sessions |
 * revoke | unlock`: the local dashboard accounts and their login sessions (the same
 * as the dashboard's Accounts page, /admin/users). A password comes from
 * stdin (piped) or a prompt; it never appears on the command line.
 */
import { createInterface } from 'node:readline';
import {
  AccountError,
  ROLES,
  SESSION_ID_LENGTH,
  isSessionId,
  loginSessionsWord,
  addAccount,
  disableAccount,
  enableAccount,
  endSessions,
  isRole,
  listAccounts,
  listSessions,
  removeAccount,
  setPassword,
  unlock,
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  type SessionTarget,
} from '../../accounts/index.js';
import type { Warehouse } from '../../warehouse/connection.js';
import { CommandError, UsageError, oneOf, withWarehouse, type Command, type Io } from '../command.js';
import { write, type Format } from '../output.js';

/** Reads one line: the password, typed without echo on a terminal or piped on stdin. */
async function readPassword(io: Io, input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown } = io.in ?? process.stdin): Promise<string> {
  if (input.isTTY) io.err.write('Password (at least 8 characters, not shown): ');
  const rl = createInterface({ input, terminal: false });
  const muted = input.isTTY && typeof input.setRawMode === 'function';
  if (muted) input.setRawMode?.(false);
  try {
    for await (const line of rl) return line.replace(/\r$/, '');
    return '';
  } finally {
    rl.close();
    if (input.isTTY) io.err.write('\n');
  }
}

export const userAddCommand: Command = {
  name: 'user add',
  summary: 'create a dashboard account (the first one: --role admin); the password is read from stdin',
  usage: 'parley user add NAME --role admin|supervisor|reviewer|leadership|product|agent [--agent-id ID]',
  help: `
Creates a local account for \`parley serve\`. The password is read from stdin (one line) or
asked for at the terminal, and stored as a salted scrypt hash.

  --role ROLE     one of ${ROLES.join(', ')}
  --agent-id ID   for --role agent: the roster's agent id, whose scorecard the account sees

Example:
  printf '%s\\n' 'a long passphrase' | parley user add ada --role admin`,
  options: { role: { type: 'string' }, 'agent-id': { type: 'string' } },
  allowPositionals: true,
  stdin: true,
  async run({ values, positionals }, io) {
    const [name, ...extra] = positionals;
    if (!name || extra.length) throw new UsageError('give exactly one NAME', this.name);
    const role = values['role'];
    if (typeof role !== 'string' || !isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`, this.name);
    const agentId = values['agent-id'] as string | undefined;
    if (agentId && role !== 'agent') throw new UsageError('--agent-id goes only with --role agent', this.name);
    const password = await readPassword(io);
    return withWarehouse(values, io, async (db) => {
      await refusals(() => addAccount(db, { username: name, password, role, agentId: agentId ?? null }, io.now));
      io.out.write(`created the ${role} account "${name}" in ${db.path}\n`);
      return 0;
    });
  },
};

/** An account operation's refusal (AccountError) becomes the command's one-line error, exit 1. */
async function refusals<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AccountError) throw new CommandError(error.message);
    throw error;
  }
}

/** The one NAME a subcommand takes. */
function oneName(command: Command, positionals: string[]): string {
  const [name, ...extra] = positionals;
  if (!name || extra.length) throw new UsageError('give exactly one NAME (see parley user list)', command.name);
  return name;
}

/** Prints a change: one line for people, or `--json`'s object. */
function report(io: Io, values: Record<string, unknown>, line: string, json: Record<string, unknown>): number {
  io.out.write(values['json'] ? JSON.stringify(json) + '\n' : line + '\n');
  return 0;
}

const FORMAT_HELP = '  --format F  table (default), json or csv';

/** A `user VERB NAME [--json]` command: `act` changes the account and says what it did, as a line and as JSON. */
function accountCommand(
  spec: Pick<Command, 'name' | 'summary' | 'usage' | 'help'>,
  act: (db: Warehouse, name: string, io: Io) => Promise<{ line: string; json: Record<string, unknown> }>,
): Command {
  return {
    ...spec,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const name = oneName(this, positionals);
      return withWarehouse(values, io, async (db) => {
        const { line, json } = await refusals(() => act(db, name, io));
        return report(io, values, line, { username: name, ...json });
      });
    },
  };
}

export const userListCommand: Command = {
  name: 'user list',
  summary: 'dashboard accounts: role, active or disabled, live login sessions',
  usage: 'parley user list [--format table|json|csv]',
  help: `
Every account by name, with its role, agent id, status (active or disabled), how many login
sessions are live, when it was made and whether \`parley demo\` seeded it.

${FORMAT_HELP}`,
  options: { format: { type: 'string' } },
  async run({ values }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const rows = await withWarehouse(values, io, (db) => listAccounts(db, io.now));
    write(io.out, rows as never, format, ['username', 'role', 'agent_id', 'status', 'sessions', 'created_at', 'disabled_at', 'demo']);
    return 0;
  },
};

export const userPasswdCommand: Command = {
  name: 'user passwd',
  summary: "set an account's password (read from stdin) and end its login sessions",
  usage: 'parley user passwd NAME [--json]',
  help: `
Sets a new password (one line on stdin, or asked for at the terminal; at least 8 characters)
and ends every login session of the account, so a browser signed in with the old one must
sign in again.

  --json  print {"username", "sessionsEnded"}

Example:
  printf '%s\\n' 'a new passphrase' | parley user passwd ada`,
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  stdin: true,
  async run({ values, positionals }, io) {
    const name = oneName(this, positionals);
    const password = await readPassword(io);
    return withWarehouse(values, io, async (db) => {
      const { sessionsEnded } = await refusals(() => setPassword(db, name, password, io.now));
      return report(io, values, `changed the password of "${name}"; ended ${loginSessionsWord(sessionsEnded)}`, { username: name, sessionsEnded });
    });
  },
};

export const userDisableCommand = accountCommand(
  {
    name: 'user disable',
    summary: 'stop an account from signing in and end its login sessions',
    usage: 'parley user disable NAME [--json]',
    help: `
The account keeps its name and history (reviews, notes) but cannot sign in; its login
sessions end at once. The last admin who can sign in cannot be disabled. Undo with
\`parley user enable NAME\`.

  --json  print {"username", "changed", "sessionsEnded"}`,
  },
  async (db, name, io) => {
    const { changed, sessionsEnded } = await disableAccount(db, name, io.now);
    const line = changed ? `disabled "${name}"; ended ${loginSessionsWord(sessionsEnded)}` : `"${name}" was disabled already`;
    return { line, json: { changed, sessionsEnded } };
  },
);

export const userEnableCommand = accountCommand(
  {
    name: 'user enable',
    summary: 'let a disabled account sign in again',
    usage: 'parley user enable NAME [--json]',
    help: `
  --json  print {"username", "changed"}`,
  },
  async (db, name) => {
    const { changed } = await enableAccount(db, name);
    return { line: changed ? `enabled "${name}"` : `"${name}" was enabled already`, json: { changed } };
  },
);

export const userRemoveCommand = accountCommand(
  {
    name: 'user remove',
    summary: 'delete an account and its login sessions (never the last admin)',
    usage: 'parley user remove NAME [--json]',
    help: `
Deletes the account and ends its login sessions; reviews and notes keep the name they were
written under. The last admin who can sign in cannot be removed: add another admin first.
To keep the name, use \`parley user disable\` instead.

  --json  print {"username", "role", "sessionsEnded"}`,
  },
  async (db, name, io) => {
    const { role, sessionsEnded } = await removeAccount(db, name, io.now);
    return { line: `removed the ${role} account "${name}"; ended ${loginSessionsWord(sessionsEnded)}`, json: { role, sessionsEnded } };
  },
);

export const userSessionsCommand: Command = {
  name: 'user sessions',
  summary: "live login sessions: one account's, or everyone's",
  usage: 'parley user sessions [NAME] [--format table|json|csv]',
  help: `
Lists the live dashboard login sessions, newest first: the session id (end one with
\`parley user revoke --session ID\`), the account, its role, when it began and when it ends.

${FORMAT_HELP}`,
  options: { format: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    if (positionals.length > 1) throw new UsageError('give at most one NAME', this.name);
    const name = positionals[0];
    const rows = await withWarehouse(values, io, async (db) => {
      if (name !== undefined) await refusals(() => knownAccount(db, name, io.now));
      return listSessions(db, name === undefined ? {} : { username: name }, io.now);
    });
    write(io.out, rows as never, format, ['session', 'username', 'role', 'created_at', 'expires_at']);
    return 0;
  },
};

export const userRevokeCommand: Command = {
  name: 'user revoke',
  summary: "end login sessions: an account's, one by id, or all",
  usage: 'parley user revoke NAME | --session ID | --all [--json]',
  help: `
Ends live login sessions; a browser on one is sent to the sign-in page at its next request.

  NAME          every session of that account
  --session ID  one session, by the id \`parley user sessions\` shows
  --all         every session of every account
  --json        print {"sessionsEnded"}`,
  options: { session: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const session = values['session'];
    const chosen = [positionals.length > 0, session !== undefined, values['all'] === true].filter(Boolean).length;
    if (chosen !== 1 || positionals.length > 1) throw new UsageError('give one NAME, or --session ID, or --all', this.name);
    if (session !== undefined && (typeof session !== 'string' || !isSessionId(session))) {
      throw new UsageError(`--session takes a ${SESSION_ID_LENGTH}-character id as parley user sessions shows it`, this.name);
    }
    const name = positionals[0];
    const target: SessionTarget = name !== undefined ? { username: name } : typeof session === 'string' ? { session } : { all: true };
    return withWarehouse(values, io, async (db) => {
      if (name !== undefined) await refusals(() => knownAccount(db, name, io.now));
      const sessionsEnded = await endSessions(db, target, io.now);
      if (typeof session === 'string' && sessionsEnded === 0) throw new CommandError(`no live login session ${session}: see parley user sessions`);
      const whose = name !== undefined ? ` of "${name}"` : typeof session === 'string' ? '' : ' of every account';
      return report(io, values, `ended ${loginSessionsWord(sessionsEnded)}${whose}`, { sessionsEnded });
    });
  },
};

export const userUnlockCommand: Command = {
  name: 'user unlock',
  summary: 'let a name or an address locked by failed sign-ins try again at once',
  usage: 'parley user unlock NAME | --address ADDR [--json]',
  help: `
Failed sign-ins are counted per name and per client address. After ${ACCOUNT_POLICY.freeFailures} failures of a name, each
further try waits 1, 2, 4, 8 then 16 s; at ${ACCOUNT_POLICY.lockAt} the name is locked for ${ACCOUNT_POLICY.lockMs / 60_000} minutes (and again at
each failure after that, until it signs in). An address waits after ${ADDRESS_POLICY.freeFailures} failures in ${ADDRESS_POLICY.windowMs / 60_000} minutes
and is locked at ${ADDRESS_POLICY.lockAt}. While it waits or is locked, even the right password does not sign in.
This lifts the wait or lock at once (its failures so far no longer count) and logs the unlock;
the dashboard's Accounts page lists what is locked.

  NAME          an account
  --address A   a client address, as the Accounts page shows it
  --json        print {"username" or "address", "wasBlocked"}`,
  options: { address: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const address = values['address'];
    if (positionals.length + (address === undefined ? 0 : 1) !== 1 || positionals.length > 1) throw new UsageError('give one NAME, or --address ADDR', this.name);
    if (address !== undefined && (typeof address !== 'string' || !address.trim())) throw new UsageError('--address takes an address', this.name);
    return withWarehouse(values, io, async (db) => {
      const name = positionals[0];
      if (name !== undefined) await refusals(() => knownAccount(db, name, io.now));
      const key = name !== undefined ? { username: name } : { address: (address as string).trim() };
      const { wasBlocked } = await unlock(db, key, 'command line', io.now);
      const what = name !== undefined ? `"${name}"` : `the address ${key.address}`;
      return report(io, values, wasBlocked ? `unlocked ${what}` : `${what} was not locked`, { ...key, wasBlocked });
    });
  },
};

/** Refuses a name that has no account. */
async function knownAccount(db: Warehouse, name: string, now?: Date): Promise<void> {
  if (!(await listAccounts(db, now)).some((a) => a.username === name)) throw new AccountError(`there is no account "${name}": see parley user list`);
}

export const USER_COMMANDS: readonly Command[] = [
  userListCommand,
  userAddCommand,
  userPasswdCommand,
  userDisableCommand,
  userEnableCommand,
  userRemoveCommand,
  userSessionsCommand,
  userRevokeCommand,
  userUnlockCommand,
];
