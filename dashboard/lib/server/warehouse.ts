/**
 * The warehouse the dashboard reads. `parley serve` opens it in its own
 * process and hands it over through {@link provideWarehouse} before it loads
 * the built handler, so one process owns the DuckDB file; under `vite dev`
 * the app opens `PARLEY_DB` itself (a warehouse that `parley serve` or
 * another command has already brought up to date: migrations are not bundled).
 *
 * @example
 *   provideWarehouse(db);              // in `parley serve`
 *   const db = await warehouse();      // in a loader
 */
import { openWarehouse, resolveDbPath, type Warehouse } from '../../../warehouse/connection.js';

const KEY = Symbol.for('parley.dashboard.warehouse');
type Holder = { [KEY]?: Promise<Warehouse> };

/** Makes `db` the warehouse of every request of this process. */
export function provideWarehouse(db: Warehouse): void {
  (globalThis as Holder)[KEY] = Promise.resolve(db);
}

/** The process's warehouse (opened from PARLEY_DB on first use when none was provided). */
export function warehouse(): Promise<Warehouse> {
  const holder = globalThis as Holder;
  holder[KEY] ??= openWarehouse(resolveDbPath());
  return holder[KEY];
}

/** True when warehouse_meta says the data are generated demo data. */
export async function isDemo(db: Warehouse): Promise<boolean> {
  const row = await db.one<{ value: string }>("select value from warehouse_meta where key = 'demo'");
  return row?.value === 'true';
}
