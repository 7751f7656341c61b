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
