/**
 * The browser tests' clock: every Parley process of `npx playwright test`
 * (the demo, ingest, build and the server) runs with its clock moved by the
 * same offset, so that they all see the same fixed moment when the run starts
 * (`E2E_NOW` in playwright.config.ts) and the time then runs on as usual. The
 * demo's year of conversations, the dashboard's default ranges, the live
 * queue and every "now" of the server are then the same on every day the
 * tests run: a browser test can no longer pass today and fail on the 1st.
 *
 * Loaded before the program by `NODE_OPTIONS=--import=…/testing/e2e-clock.js`
 * with `PARLEY_E2E_CLOCK_OFFSET_MS` set (playwright.config.ts does both for
 * its web server); without the variable it changes nothing. It replaces the
 * global `Date` with a subclass whose `now()` and argument-less constructor add
 * the offset; timers, `performance.now()` and DuckDB's own clock are left as
 * they are (Parley's SQL takes its moments as parameters).
 *
 * @example
 *   PARLEY_E2E_CLOCK_OFFSET_MS=-1000 node --import ./testing/e2e-clock.js -e 'console.log(new Date())'
 */
const offset = Number(process.env['PARLEY_E2E_CLOCK_OFFSET_MS'] ?? '');

if (Number.isFinite(offset) && process.env['PARLEY_E2E_CLOCK_OFFSET_MS']) {
  const RealDate = Date;
  const shiftedNow = () => RealDate.now() + offset;
  class ShiftedDate extends RealDate {
    /** @param {...any} args */
    constructor(...args) {
      if (args.length === 0) super(shiftedNow());
      // @ts-expect-error: the Date constructor's overloads, forwarded as given
      else super(...args);
    }
    static now() {
      return shiftedNow();
    }
  }
  globalThis.Date = /** @type {DateConstructor} */ (/** @type {unknown} */ (ShiftedDate));
}
