/**
 * An account as a signed-in request sees it, and what an account operation
 * refuses with: one line that says what to do (the CLI prints it, the
 * dashboard shows it beside the form).
 *
 * @example
 *   throw new AccountError('"ada" is the last admin: add another admin first (parley user add NAME --role admin)');
 */
import type { Role } from './roles.js';

export interface Account {
  username: string;
  role: Role;
  /** For role `agent`: the roster id whose scorecard and reviews are theirs. */
  agentId: string | null;
}

export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountError';
  }
}
