/**
 * The browser tests' moved clock (testing/e2e-clock.js): a process started
 * with it and an offset sees "now" moved by the offset, and every date it
 * is given stays the date given.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'e2e-clock.js');
const PROBE = `console.log(JSON.stringify({ now: Date.now(), date: new Date().getTime(), given: new Date(0).toISOString(), parts: new Date(2026, 0, 2).getTime(), utc: Date.UTC(2026, 0, 2), isDate: new Date() instanceof Date }))`;

function probe(offset: string | undefined): { now: number; date: number; given: string; parts: number; utc: number; isDate: boolean; real: number } {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC' };
  delete env['PARLEY_E2E_CLOCK_OFFSET_MS'];
  if (offset !== undefined) env['PARLEY_E2E_CLOCK_OFFSET_MS'] = offset;
  const real = Date.now();
  const out = execFileSync(process.execPath, [`--import=${PRELOAD}`, '-e', PROBE], { env, encoding: 'utf8' });
  return { ...JSON.parse(out), real };
}

describe('the browser tests clock', () => {
  const YEAR = 365 * 86_400_000;

  it('moves now, and only now, by the offset', () => {
    const p = probe(String(-YEAR));
    // the child started after `real` was read and within a minute of it
    expect(p.now - (p.real - YEAR)).toBeGreaterThanOrEqual(0);
    expect(p.now - (p.real - YEAR)).toBeLessThan(60_000);
    expect(Math.abs(p.date - p.now)).toBeLessThan(1_000);
    expect(p.given).toBe('1970-01-01T00:00:00.000Z');
    expect(p.parts).toBe(Date.UTC(2026, 0, 2));
    expect(p.utc).toBe(Date.UTC(2026, 0, 2));
    expect(p.isDate).toBe(true);
  });

  it('changes nothing without an offset', () => {
    const p = probe(undefined);
    expect(p.now - p.real).toBeGreaterThanOrEqual(0);
    expect(p.now - p.real).toBeLessThan(60_000);
  });
});
