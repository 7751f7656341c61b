import type { Account } from './lib/server/auth.js';

declare global {
  namespace App {
    interface Locals {
      /** The signed-in account, or null. */
      user: Account | null;
      /** True when the warehouse holds demo data (warehouse_meta demo=true). */
      demo: boolean;
    }
  }
}

export {};
