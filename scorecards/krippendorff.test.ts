/**
 * Krippendorff's alpha against the worked example of K. Krippendorff,
 * "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers
 * (A–D) × 12 units, values 1–5, "." = missing. The paper gives
 * nominal α = 0.743, ordinal α = 0.815, interval α = 0.849.
 */
import { describe, expect, it } from 'vitest';
import { byUnit, coincidences, exactMatchShare, krippendorffAlpha } from './krippendorff.js';

const _ = null;
// prettier-ignore
const PAPER = [
  /* A */ [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  /* B */ [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  /* C */ [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  /* D */ [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];

describe("Krippendorff's alpha on the paper's 4 × 12 example with missing values", () => {
  const units = byUnit(PAPER);

  it('counts the pairable values as the paper does (n = 40; unit 12 has one value and drops out)', () => {
    const c = coincidences(units);
    expect(c.total).toBeCloseTo(40, 10);
    expect(c.values).toEqual([1, 2, 3, 4, 5]);
    // the paper's marginals n_c: 9, 13, 10, 5, 3
    expect(c.n.map((x) => Number(x.toFixed(6)))).toEqual([9, 13, 10, 5, 3]);
    // o_11 = 3·2/2 (unit 1) + 3·2/3 (unit 8) + 2·1/1 (unit 11) = 7, the paper's first cell
    expect(c.o[0]![0]).toBeCloseTo(7, 12);
  });

  it('gives nominal α = 0.743', () => {
    expect(krippendorffAlpha(units, 'nominal')!).toBeCloseTo(0.743, 3);
  });

  it('gives ordinal α = 0.815', () => {
    expect(krippendorffAlpha(units, 'ordinal')!).toBeCloseTo(0.815, 3);
  });

  it('gives interval α = 0.849', () => {
    expect(krippendorffAlpha(units, 'interval')!).toBeCloseTo(0.849, 3);
  });
});

describe("Krippendorff's alpha edge cases", () => {
  it('is 1 for perfect agreement with variation between units', () => {
    expect(
      krippendorffAlpha(
        [
          [1, 1],
          [2, 2],
          [3, 3, 3],
        ],
        'ordinal',
      ),
    ).toBe(1);
  });

  it('is null when every value is the same (no expected disagreement)', () => {
    expect(
      krippendorffAlpha(
        [
          [2, 2],
          [2, 2, 2],
        ],
        'ordinal',
      ),
    ).toBeNull();
  });

  it('is null with no unit rated twice', () => {
    expect(
      krippendorffAlpha(
        [
          [1, null],
          [null, 2],
        ],
        'nominal',
      ),
    ).toBeNull();
  });

  it('matches a hand-worked nominal case: [[1,1],[2,2],[1,2]] → 1 − 5·2 / (3·3·2) = 0.444…', () => {
    // o_11 = 2, o_22 = 2, o_12 = o_21 = 1; n = (3, 3), total 6
    // α = 1 − (6 − 1) × (o_12 + o_21) ÷ (n_1 n_2 + n_2 n_1) = 1 − 5 × 2 ÷ 18
    expect(
      krippendorffAlpha(
        [
          [1, 1],
          [2, 2],
          [1, 2],
        ],
        'nominal',
      ),
    ).toBeCloseTo(1 - 10 / 18, 12);
  });

  it('is below zero when reviewers disagree systematically', () => {
    expect(
      krippendorffAlpha(
        [
          [1, 2],
          [2, 1],
          [1, 2],
          [2, 1],
        ],
        'nominal',
      )!,
    ).toBeLessThan(0);
  });
});

describe('exact match share', () => {
  it('counts equal pairs within units', () => {
    expect(
      exactMatchShare([
        [1, 1, 2],
        [3, 3],
      ]),
    ).toBe(0.5);
  });
  it('is null without pairs', () => {
    expect(exactMatchShare([[1], [null, 2]])).toBeNull();
  });
});
