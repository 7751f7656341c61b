/**
 * Quoting for SQL text built in code: the one rule for a string literal and
 * an identifier (DuckDB's, which is standard SQL's: the quote doubled).
 * Values a query takes as parameters go as parameters (`$1`); these are for
 * what DuckDB does not take as one (`set`, `attach`, table functions' file
 * names, generated DDL).
 *
 * @example
 *   sqlString("O'Brien")   // 'O''Brien'
 *   ident('my "t"')        // "my ""t"""
 */

/** `s` to go inside a SQL string literal, its quotes doubled: `'${sqlEscape(label)} line ' || _line`. */
export const sqlEscape = (s: string) => s.replace(/'/g, "''");

/** A SQL string literal. */
export const sqlString = (s: string) => `'${sqlEscape(s)}'`;

/** A quoted SQL identifier. */
export const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
