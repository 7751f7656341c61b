/**
 * A month the range ends inside, drawn as "so far": the line of a trend or a
 * sparkline runs dashed into its last point when that point is such a month
 * (charts/trend.ts, charts/sparkline.ts), so that a month of a few days does
 * not read as a fall.
 *
 * @example
 *   lineIntoLast(data, { x: 'x', y: 'y', stroke: 'currentColor' }, '2,2', true);
 *   // [the solid line to the point before the last, the dashed line from there to the last]
 */
import * as Plot from '@observablehq/plot';

/** The line through `data`, its last segment dashed (`dash`) when `lastIsPartial`. */
export function lineIntoLast<T>(data: readonly T[], line: Plot.LineYOptions, dash: string, lastIsPartial: boolean): Plot.Markish[] {
  if (!lastIsPartial || data.length < 2) return [Plot.lineY(data, line)];
  return [...(data.length > 2 ? [Plot.lineY(data.slice(0, -1), line)] : []), Plot.lineY(data.slice(-2), { ...line, strokeDasharray: dash })];
}

/**
 * {@link lineIntoLast}'s markup as Plot writes it, for the charts drawn without Plot
 * (charts/sparkline.ts, charts/trend.ts): through the points at `X`, `Y`, with d3-path's three
 * decimals, each line a `<g>` of the line mark's attributes `style`.
 */
export function lineIntoLastMarkup(X: readonly number[], Y: readonly number[], style: string, dash: string, lastIsPartial: boolean): string {
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const path = (from: number, to: number) => {
    let d = '';
    for (let i = from; i < to; i++) d += `${i === from ? 'M' : 'L'}${r3(X[i]!)},${r3(Y[i]!)}`;
    return d;
  };
  const n = X.length;
  if (!lastIsPartial || n < 2) return `<g ${style}><path d="${path(0, n)}" /></g>`;
  return `${n > 2 ? `<g ${style}><path d="${path(0, n - 1)}" /></g>` : ''}<g stroke-dasharray="${dash}" ${style}><path d="${path(n - 2, n)}" /></g>`;
}

/** d3's continuous scale, as Plot maps a domain onto a range: r0 × (1 − t) + r1 × t; the middle of the range for a domain of one value. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => {
    const t = span ? (v - d0) / span : 0.5;
    return r0 * (1 - t) + r1 * t;
  };
}
