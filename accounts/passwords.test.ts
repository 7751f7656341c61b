/**
 * Password checks go one at a time: a flood of sign-ins leaves the thread
 * pool (where DuckDB's queries and file reads run) free for the pages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { hashPassword, verifyPassword } from './passwords.js';

let w: TestWarehouse;
beforeEach(async () => {
  w = await testWarehouse();
});
afterEach(() => w.close());

describe('password checks', () => {
  it('run one at a time, so a query asked during eight of them is answered before the first ends', async () => {
    const stored = await hashPassword('a long passphrase');
    let done = 0;
    const checks = Array.from({ length: 8 }, () => verifyPassword('a wrong passphrase', stored).then((ok) => (done++, ok)));
    const row = await w.db.one<{ x: number }>('select 42 as x');
    expect({ answer: row?.x, checksDone: done }).toEqual({ answer: 42, checksDone: 0 });
    expect(await Promise.all(checks)).toEqual(Array(8).fill(false));
  });
});
