import { describe, expect, it } from 'vitest';
import { openWarehouse } from './connection.js';
import { binder } from './params.js';

describe('binder', () => {
  it('numbers each bound value in order, after an offset, and the query runs', async () => {
    const params: unknown[] = [];
    const bind = binder(params);
    const sql = `select ${bind(2)}::integer * ${bind(21)}::integer as x, ${bind('a')} as s`;
    expect(sql).toBe('select $1::integer * $2::integer as x, $3 as s');
    expect(params).toEqual([2, 21, 'a']);
    const rest: unknown[] = [];
    const tail = `${binder(rest, params.length)('b')} as t`;
    expect(tail).toBe('$4 as t');
    const db = await openWarehouse(':memory:');
    try {
      expect(await db.all(`${sql}, ${tail}`, [...params, ...rest])).toEqual([{ x: 42, s: 'a', t: 'b' }]);
    } finally {
      db.close();
    }
  });
});
