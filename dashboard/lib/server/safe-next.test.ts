/** Sign-in goes on only to a path of this site, however the path is spelled. */
import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.js';

describe('safeNext', () => {
  it('keeps a path of this site, with its query and fragment', () => {
    expect(safeNext('/agents/agt_001?month=2026-11#qa')).toBe('/agents/agt_001?month=2026-11#qa');
    expect(safeNext('/')).toBe('/');
  });

  it('refuses every way out to another host', () => {
    for (const next of ['/\\evil.example/phish', '//evil.example/phish', '/\\/evil.example', 'https://evil.example/', 'evil.example', '\\\\evil.example', '/%5Cevil.example']) {
      const to = safeNext(next);
      expect(new URL(to, 'http://parley.invalid').origin, `${next} → ${to}`).toBe('http://parley.invalid');
    }
    expect(safeNext('/\\evil.example/phish')).toBe('/');
    expect(safeNext('//evil.example/phish')).toBe('/');
  });

  it('takes nothing as the overview', () => {
    expect(safeNext(null)).toBe('/');
    expect(safeNext('')).toBe('/');
  });
});
