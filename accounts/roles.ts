/**
 * The roles an account can hold (column `accounts.role`). What each role may
 * do in the dashboard is dashboard/lib/roles.ts.
 *
 * @example
 *   isRole('reviewer'); // true
 */
export const ROLES = ['admin', 'supervisor', 'reviewer', 'leadership', 'product', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
