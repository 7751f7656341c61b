/**
 * `parley user add NAME --role ROLE [--agent-id ID]`: a local dashboard
 * account. The password comes from stdin (piped) or a prompt; it never
 * appears on the command line.
 */
import { createInterface } from 'node:readline';
import { addAccount, ROLES, isRole } from '../../accounts/index.js';
import { CommandError, UsageError, withWarehouse, type Command, type Io } from '../command.js';

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
      try {
        await addAccount(db, { username: name, password, role, agentId: agentId ?? null });
      } catch (error) {
        throw new CommandError((error as Error).message);
      }
      io.out.write(`created the ${role} account "${name}" in ${db.path}\n`);
      return 0;
    });
  },
};
