import { describe, expect, it } from 'vitest';
import { bindNamed } from './sql-params.js';

describe('bindNamed', () => {
  it('turns $name and ${name} into positional placeholders, reusing a position for a repeated name', () => {
    const b = bindNamed('select * from t where month = $month and team = ${team} or prev = $month', ['month', 'team']);
    expect(b).toEqual({ sql: 'select * from t where month = $1 and team = $2 or prev = $1', names: ['month', 'team'], problems: [] });
  });

  it('leaves placeholders inside strings, quoted identifiers and comments alone', () => {
    const sql = `select '$month' as a, "$team" as b -- $nope\n/* \${nope} */ from t where x = $month and y = 'it''s $x'`;
    const b = bindNamed(sql, ['month']);
    expect(b.problems).toEqual([]);
    expect(b.sql).toBe(`select '$month' as a, "$team" as b -- $nope\n/* \${nope} */ from t where x = $1 and y = 'it''s $x'`);
  });

  it('reports an unknown parameter with the declared ones', () => {
    const b = bindNamed('select $teem as t', ['month', 'team']);
    expect(b.problems).toEqual(['unknown parameter $teem: this notebook declares $month, $team']);
  });

  it('refuses positional placeholders', () => {
    expect(bindNamed('select $1', ['month']).problems[0]).toMatch(/positional parameters such as \$1 are not allowed/);
  });

  it('never splices a value into the SQL text', () => {
    // the value travels separately, so a hostile value cannot change the query
    const b = bindNamed('select * from t where team = $team', ['team']);
    expect(b.sql).not.toContain("'");
    expect(b.names).toEqual(['team']);
  });
});
