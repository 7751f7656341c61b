/**
 * Plain baselines the intent classifier is measured against (insights/README.md,
 * insights/intent-benchmark.test.ts): TF-IDF over lower-cased word tokens of
 * two or more characters (scikit-learn's TfidfVectorizer defaults: raw counts,
 * smooth idf = ln((1 + n) / (1 + df)) + 1, rows L2-normalised, no stop words,
 * no stemming), then
 *
 *   - nearest centroid: the class whose mean training vector has the highest cosine;
 *   - logistic regression: multinomial (softmax), L2 penalty with C = 1 as
 *     scikit-learn's default (minimises C · Σ log-loss + ½‖W‖²), fitted by
 *     full-batch gradient descent with Adagrad steps to convergence.
 *
 * Deterministic: no random numbers.
 */

export type SparseVector = Map<number, number>;

/** scikit-learn's default token pattern `\b\w\w+\b`, lower-cased. */
export function plainTokens(text: string): string[] {
  return text.toLowerCase().match(/\b\w\w+\b/gu) ?? [];
}

export interface TfidfModel {
  vocabulary: Map<string, number>;
  idf: Float64Array;
  transform(text: string): SparseVector;
}

/** Fits TF-IDF on the training texts. */
export function fitTfidf(texts: readonly string[]): TfidfModel {
  const vocabulary = new Map<string, number>();
  const df: number[] = [];
  for (const t of texts) {
    for (const w of new Set(plainTokens(t))) {
      let i = vocabulary.get(w);
      if (i === undefined) {
        i = vocabulary.size;
        vocabulary.set(w, i);
        df.push(0);
      }
      df[i]!++;
    }
  }
  const n = texts.length;
  const idf = Float64Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
  return {
    vocabulary,
    idf,
    transform(text) {
      const v: SparseVector = new Map();
      for (const w of plainTokens(text)) {
        const i = vocabulary.get(w);
        if (i !== undefined) v.set(i, (v.get(i) ?? 0) + 1);
      }
      let norm = 0;
      for (const [i, c] of v) {
        const x = c * idf[i]!;
        v.set(i, x);
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      if (norm > 0) for (const [i, x] of v) v.set(i, x / norm);
      return v;
    },
  };
}

/** Nearest centroid by cosine over L2-normalised vectors. */
export function nearestCentroid(train: ReadonlyArray<{ x: SparseVector; y: string }>): (x: SparseVector) => string {
  const sums = new Map<string, Map<number, number>>();
  for (const { x, y } of train) {
    let s = sums.get(y);
    if (!s) sums.set(y, (s = new Map()));
    for (const [i, v] of x) s.set(i, (s.get(i) ?? 0) + v);
  }
  const centroids = [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([y, s]) => {
      let norm = 0;
      for (const v of s.values()) norm += v * v;
      norm = Math.sqrt(norm) || 1;
      return { y, c: new Map([...s].map(([i, v]) => [i, v / norm])) };
    });
  return (x) => {
    let best = centroids[0]!.y;
    let bestScore = -Infinity;
    for (const { y, c } of centroids) {
      let s = 0;
      for (const [i, v] of x) s += v * (c.get(i) ?? 0);
      if (s > bestScore) {
        bestScore = s;
        best = y;
      }
    }
    return best;
  };
}

export interface SoftmaxModel {
  classes: string[];
  features: number;
  /** row-major: feature * classes + class; the last `classes` numbers are the biases */
  weights: Float64Array;
}

/** A sparse vector as parallel typed arrays (the fitting loop's form). */
export interface PackedVector {
  idx: Int32Array;
  val: Float64Array;
}

export function pack(x: SparseVector): PackedVector {
  return { idx: Int32Array.from(x.keys()), val: Float64Array.from(x.values()) };
}

/**
 * Multinomial logistic regression with an L2 penalty: minimises
 * C · Σ log-loss + ½‖W‖² (biases not penalised), by full-batch gradient
 * descent with Adagrad steps.
 */
export function fitSoftmax(
  train: ReadonlyArray<{ x: SparseVector | PackedVector; y: string }>,
  features: number,
  { c = 1, iterations = 300, rate = 0.5 }: { c?: number; iterations?: number; rate?: number } = {},
): SoftmaxModel {
  const classes = [...new Set(train.map((t) => t.y))].sort();
  const k = classes.length;
  const index = new Map(classes.map((y, j) => [y, j]));
  const rows = train.map((t) => ({ x: t.x instanceof Map ? pack(t.x) : t.x, y: index.get(t.y)! }));
  const w = new Float64Array((features + 1) * k);
  const g = new Float64Array(w.length);
  const h = new Float64Array(w.length);
  const p = new Float64Array(k);
  const bias = features * k;
  for (let it = 0; it < iterations; it++) {
    // gradient of ½‖W‖² + C Σ loss
    for (let i = 0; i < bias; i++) g[i] = w[i]!;
    for (let i = bias; i < g.length; i++) g[i] = 0;
    for (const { x, y } of rows) {
      scores(w, x, k, bias, p);
      softmaxInPlace(p);
      p[y]! -= 1;
      const { idx, val } = x;
      for (let n = 0; n < idx.length; n++) {
        const base = idx[n]! * k;
        const v = c * val[n]!;
        for (let j = 0; j < k; j++) g[base + j]! += v * p[j]!;
      }
      for (let j = 0; j < k; j++) g[bias + j]! += c * p[j]!;
    }
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      if (gi === 0) continue;
      h[i]! += gi * gi;
      w[i]! -= (rate * gi) / Math.sqrt(h[i]!);
    }
  }
  return { classes, features, weights: w };
}

function scores(w: Float64Array, x: PackedVector, k: number, bias: number, out: Float64Array): void {
  for (let j = 0; j < k; j++) out[j] = w[bias + j]!;
  const { idx, val } = x;
  for (let n = 0; n < idx.length; n++) {
    const base = idx[n]! * k;
    const v = val[n]!;
    for (let j = 0; j < k; j++) out[j]! += w[base + j]! * v;
  }
}

function softmaxInPlace(p: Float64Array): void {
  let max = -Infinity;
  for (const v of p) if (v > max) max = v;
  let sum = 0;
  for (let j = 0; j < p.length; j++) sum += p[j] = Math.exp(p[j]! - max);
  for (let j = 0; j < p.length; j++) p[j]! /= sum;
}

/** Class probabilities of a softmax model (same order as `model.classes`). */
export function softmaxProbabilities(model: SoftmaxModel, x: SparseVector | PackedVector): Float64Array {
  const k = model.classes.length;
  const p = new Float64Array(k);
  scores(model.weights, x instanceof Map ? pack(x) : x, k, model.features * k, p);
  softmaxInPlace(p);
  return p;
}

export function softmaxPredict(model: SoftmaxModel, x: SparseVector | PackedVector): string {
  const p = softmaxProbabilities(model, x);
  let best = 0;
  for (let j = 1; j < p.length; j++) if (p[j]! > p[best]!) best = j;
  return model.classes[best]!;
}
