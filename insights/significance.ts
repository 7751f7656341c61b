/**
 * Is a rise news? A one-sided Poisson test of this period's count of
 * conversations mentioning a topic against what the previous periods lead us
 * to expect, scaled to this period's total volume:
 *
 *   expected = (baseline count + ½) ÷ baseline conversations × this period's conversations
 *   p        = P(X ≥ count | X ~ Poisson(expected))
 *
 * (the ½ keeps a topic never seen before from having an expectation of 0).
 * A rise is *emerging* when all three hold: the count reaches a minimum volume
 * (so ten messages are never news), it is at least `minRatio` times the
 * expectation, and p × tests < alpha (Bonferroni over the topics and terms
 * tested in the same period).
 */

/** The defaults of {@link emergingTest}. */
export const EMERGING_DEFAULTS = { minCount: 20, minRatio: 3, alpha: 0.01, tests: 1 } as const;

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9)
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised lower incomplete gamma P(a, x) (series below a+1, continued fraction above). */
function lowerGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, Math.exp(lnFront) * sum);
  }
  // Lentz's continued fraction for Q(a, x)
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.max(0, 1 - Math.exp(lnFront) * h);
}

/**
 * P(X ≥ k) for X ~ Poisson(lambda).
 *
 * @example
 *   poissonUpperTail(0, 3)  // 1
 *   poissonUpperTail(10, 2) // ≈ 4.65e-5
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  // P(X ≥ k) = P(k, lambda), the regularised lower incomplete gamma function
  return lowerGammaP(k, lambda);
}

export interface EmergingInput {
  /** conversations mentioning the topic in this period */
  count: number;
  /** all conversations in this period */
  total: number;
  /** conversations mentioning it in the baseline periods */
  baselineCount: number;
  /** all conversations in the baseline periods */
  baselineTotal: number;
}

export interface EmergingOptions {
  minCount?: number;
  minRatio?: number;
  alpha?: number;
  /** how many topics/terms were tested in the period (Bonferroni) */
  tests?: number;
}

export interface EmergingResult {
  expected: number;
  ratio: number;
  pValue: number;
  emerging: boolean;
}

/**
 * Tests one rise.
 *
 * @example
 *   emergingTest({ count: 10, total: 1000, baselineCount: 1, baselineTotal: 3000 }).emerging   // false: only 10
 *   emergingTest({ count: 120, total: 1000, baselineCount: 30, baselineTotal: 3000 }).emerging // true
 */
export function emergingTest(input: EmergingInput, options: EmergingOptions = {}): EmergingResult {
  const { minCount, minRatio, alpha, tests } = { ...EMERGING_DEFAULTS, ...options };
  const expected = input.baselineTotal > 0 ? ((input.baselineCount + 0.5) / input.baselineTotal) * input.total : 0.5;
  const ratio = expected > 0 ? input.count / expected : Infinity;
  const pValue = poissonUpperTail(input.count, expected);
  const emerging = input.count >= minCount && ratio >= minRatio && pValue * Math.max(1, tests) < alpha;
  return { expected, ratio, pValue, emerging };
}
