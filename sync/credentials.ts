/**
 * Credentials of an API sync: from the environment, or from a file that
 * `parley.config.yaml` names (`credentials_file:` of the sync), never from
 * the command line (it would sit in the shell's history and in `ps`). The
 * file holds `NAME=value` lines (`#` comments, blank lines and quotes
 * around a value allowed), the names the environment would have. A
 * variable set in the environment wins over the file (which is read only
 * when the environment lacks a required one). A missing one is one
 * line naming it and where to set it.
 *
 * @example
 *   const c = readCredentials(['ZENDESK_EMAIL', 'ZENDESK_TOKEN'], { env: process.env, file: 'secrets/zendesk.env' });
 *   // { ZENDESK_EMAIL: 'ops@acme.example', ZENDESK_TOKEN: '…' }
 */
import { readFileSync } from 'node:fs';
import { SyncError } from './http.js';

export interface CredentialSources {
  env: NodeJS.ProcessEnv;
  /** The credentials file named in the configuration, if any. */
  file?: string | undefined;
}

/** The variables `names` (each required) and `optional` (when set), from the environment or the file. */
export function readCredentials(names: readonly string[], from: CredentialSources, optional: readonly string[] = []): Record<string, string> {
  // the file is read only when the environment lacks something it could hold
  const lacking = names.some((n) => nonEmpty(from.env[n]) === undefined);
  const fromFile = from.file && lacking ? readCredentialsFile(from.file) : {};
  const out: Record<string, string> = {};
  for (const name of [...names, ...optional]) {
    const value = nonEmpty(from.env[name]) ?? nonEmpty(fromFile[name]);
    if (value !== undefined) out[name] = value;
    else if (names.includes(name)) {
      throw new SyncError(
        'credentials',
        `${name} is not set: export it in the environment of parley${from.file ? `, or add a line ${name}=… to ${from.file}` : ', or name a file holding it with credentials_file: under the sync in parley.config.yaml'} (never on the command line)`,
      );
    }
  }
  return out;
}

/** `NAME=value` lines of a credentials file; a file that cannot be read, or a line that is not such, is one line naming it (never the value). */
export function readCredentialsFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SyncError('credentials', `the credentials file ${file} ${code === 'ENOENT' ? 'does not exist' : 'cannot be read'}: check credentials_file: in parley.config.yaml`);
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new SyncError('credentials', `${file} line ${i + 1} is not NAME=value: write one variable a line, such as ZENDESK_TOKEN=…`);
    out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  });
  return out;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
