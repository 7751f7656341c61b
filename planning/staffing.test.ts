import { describe, expect, it } from 'vitest';
import { parseDuration, parseTarget, staffInterval } from './staffing.js';

// The Call Centre Helper worked example (see erlang.test.ts): 100 conversations in 30 minutes,
// h = 180 s, 80 % within 20 s: 14 agents, and with 30 % shrinkage ⌈14 ÷ 0.7⌉ = 20 on the roster.
const cch = { intervalS: 1800, handleS: 180, concurrency: 1, targetShare: 0.8, targetS: 20, shrinkage: 0 };

describe('agents per interval', () => {
  it('finds the smallest N reaching the target, as the worked example does', () => {
    const r = staffInterval(100, cch);
    expect(r.agents).toBe(14);
    expect(r.service_level).toBeCloseTo(0.888, 3);
    expect(r.occupancy).toBeCloseTo(10 / 14, 12);
  });

  it('rounds up after taking shrinkage out: ⌈14 ÷ (1 − 0.3)⌉ = 20, not 21', () => {
    expect(staffInterval(100, { ...cch, shrinkage: 0.3 }).agents).toBe(20);
    // 15 ÷ 0.7 = 21.43 → 22
    expect(staffInterval(100, { ...cch, targetShare: 0.9, shrinkage: 0.3 }).agents).toBe(22);
  });

  it('counts N·c servers at concurrency c: A = 10 needs 5 agents at concurrency 3 (12 servers: 64 %; 15: 94 %)', () => {
    const r = staffInterval(100, { ...cch, concurrency: 3 });
    expect(r.agents).toBe(5);
    expect(r.occupancy).toBeCloseTo(10 / 15, 12);
    expect(r.service_level).toBeCloseTo(0.9415, 4);
  });

  it('with --agents, reports what that many reach (4 agents × 3 = 12 servers: SL 64.0 %, occupancy 83 %)', () => {
    const r = staffInterval(100, { ...cch, concurrency: 3, agents: 4 });
    expect(r.agents).toBe(4);
    expect(r.service_level).toBeCloseTo(0.6402, 4);
    expect(r.occupancy).toBeCloseTo(10 / 12, 12);
    const swamped = staffInterval(100, { ...cch, agents: 9 });
    expect(swamped).toEqual({ agents: 9, service_level: 0, occupancy: 1 });
  });

  it('an interval with no conversations needs nobody', () => {
    expect(staffInterval(0, cch)).toEqual({ agents: 0, service_level: 1, occupancy: 0 });
  });
});

describe('option values', () => {
  it('reads 80/120 and durations', () => {
    expect(parseTarget('80/120')).toEqual({ share: 0.8, seconds: 120 });
    expect(parseTarget('90%/30s')).toEqual({ share: 0.9, seconds: 30 });
    expect(parseTarget('120/80')).toBeUndefined();
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('28d')).toBe(28 * 86400);
    expect(parseDuration('1w')).toBeUndefined();
  });
});
