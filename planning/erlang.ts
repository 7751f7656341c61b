/**
 * Erlang C, the queue of issue 16's staffing model: `s` servers, offered
 * load `A` Erlangs (A = λ·h), Poisson arrivals, exponential handle times,
 * nobody abandons. Computed through Erlang B's recursion, which never forms
 * A^s or s! and so stays exact for hundreds of servers:
 *
 *   B(0) = 1,  B(k) = A·B(k−1) / (k + A·B(k−1)),  C(s, A) = s·B(s) / (s − A·(1 − B(s)))   (s > A)
 *
 * @example
 *   erlangC(2, 1); // 1/3
 *   serviceLevel({ servers: 2, load: 1, targetS: 20, handleS: 60 }); // 1 − ⅓·e^(−1/3) ≈ 0.761
 */

/** Erlang B (blocking probability) of `servers` servers offered `load` Erlangs. */
export function erlangB(servers: number, load: number): number {
  if (!Number.isInteger(servers) || servers < 0) throw new RangeError(`servers must be a whole number ≥ 0 (got ${servers})`);
  if (!(load >= 0)) throw new RangeError(`load must be ≥ 0 Erlangs (got ${load})`);
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (load * b) / (k + load * b);
  return b;
}

/** Erlang C: the probability that an arrival waits; 1 when the servers cannot keep up (s ≤ A). */
export function erlangC(servers: number, load: number): number {
  if (load === 0) return 0;
  if (servers <= load) return 1;
  const b = erlangB(servers, load);
  return (servers * b) / (servers - load * (1 - b));
}

export interface QueueInput {
  /** s: servers (agents × concurrency). */
  servers: number;
  /** A = λ·h, in Erlangs. */
  load: number;
  /** t: the target answer time, seconds. */
  targetS: number;
  /** h: the mean handle time, seconds. */
  handleS: number;
}

/**
 * The share answered within the target: SL = 1 − C(s, A)·e^(−(s − A)·t/h) for
 * s > A; 0 when s ≤ A (the queue grows without end); 1 with no load.
 */
export function serviceLevel({ servers, load, targetS, handleS }: QueueInput): number {
  if (load === 0) return 1;
  if (servers <= load) return 0;
  return 1 - erlangC(servers, load) * Math.exp((-(servers - load) * targetS) / handleS);
}
