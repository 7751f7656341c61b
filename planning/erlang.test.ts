import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, serviceLevel } from './erlang.js';

/** Erlang C from its closed form, summed in log space: an independent check of the recursion. */
function erlangCClosedForm(s: number, a: number): number {
  const logTerm = (k: number) => k * Math.log(a) - Array.from({ length: k }, (_, i) => Math.log(i + 1)).reduce((x, y) => x + y, 0);
  const logTop = logTerm(s) + Math.log(s / (s - a));
  const logs = [...Array.from({ length: s }, (_, k) => logTerm(k)), logTop];
  const max = Math.max(...logs);
  const sum = logs.reduce((acc, l) => acc + Math.exp(l - max), 0);
  return Math.exp(logTop - max) / sum;
}

describe('Erlang C', () => {
  it('two servers offered one Erlang wait a third of the time (by hand: (1/2!·2/1) / (1 + 1 + 1) = 1/3)', () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // Erlang B by hand: B(1) = 1/(1+1) = 1/2, B(2) = (1·1/2)/(2 + 1/2) = 1/5
    expect(erlangB(2, 1)).toBeCloseTo(1 / 5, 12);
    // SL = 1 − C·e^(−(s − A)·t/h) with t = 20 s, h = 60 s
    expect(serviceLevel({ servers: 2, load: 1, targetS: 20, handleS: 60 })).toBeCloseTo(1 - Math.exp(-1 / 3) / 3, 12);
  });

  // Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
  // (callcentrehelper.com): 100 calls in 30 minutes, 180 s average handle time → A = 10 Erlangs,
  // target 80 % in 20 s. Published: with 11 agents the probability of waiting is 68.21 % and the
  // service level 39.0 %; 14 agents are the first to reach 80 % (88.8 %).
  it('reproduces the Call Centre Helper worked example (A = 10 Erlangs, 80/20)', () => {
    expect(erlangC(11, 10)).toBeCloseTo(0.6821, 4);
    expect(serviceLevel({ servers: 11, load: 10, targetS: 20, handleS: 180 })).toBeCloseTo(0.39, 2);
    expect(serviceLevel({ servers: 13, load: 10, targetS: 20, handleS: 180 })).toBeLessThan(0.8);
    expect(serviceLevel({ servers: 14, load: 10, targetS: 20, handleS: 180 })).toBeCloseTo(0.888, 3);
  });

  it('agrees with the closed form on a range of loads', () => {
    for (const [s, a] of [
      [3, 2.5],
      [11, 10],
      [55, 48],
      [120, 100.4],
    ] as const) {
      expect(erlangC(s, a)).toBeCloseTo(erlangCClosedForm(s, a), 10);
    }
  });

  it('stays finite and exact where A^s and s! overflow (s = 1000, A = 990)', () => {
    const c = erlangC(1000, 990);
    expect(Number.isFinite(c)).toBe(true);
    expect(c).toBeCloseTo(erlangCClosedForm(1000, 990), 9);
  });

  it('servers that cannot keep up always queue; no load never does', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(serviceLevel({ servers: 9, load: 10, targetS: 20, handleS: 180 })).toBe(0);
    expect(erlangC(3, 0)).toBe(0);
    expect(serviceLevel({ servers: 0, load: 0, targetS: 20, handleS: 180 })).toBe(1);
  });
});
