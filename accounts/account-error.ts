/**
 * What an account operation refuses, in one line that says what to do
 * (the CLI prints it, the dashboard shows it beside the form).
 *
 * @example
 *   throw new AccountError('"ada" is the last admin: add another admin first (parley user add NAME --role admin)');
 */
export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountError';
  }
}
