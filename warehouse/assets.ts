/**
 * Where Parley's own files are: the one place that knows the package root
 * (migrations, models SQL, rubrics, notebooks, the dashboard's build) and the
 * entry modules of worker threads, whether this code runs from the TypeScript
 * sources (tsx, vitest), from the CLI's esbuild bundle (cli/bundle.js writes
 * it under dist/) or from the dashboard's Vite bundle (build/). A bundle sits
 * inside the package, so the root is the nearest folder above this module
 * whose package.json is Parley's.
 *
 * @example
 *   asset('warehouse', 'migrations');            // /path/to/parley/warehouse/migrations
 *   entryModule('insights/text-worker.ts');     // { url: 'file:///…/dist/<build>/insights/text-worker.mjs', typescript: false }
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The file cli/bundle.js writes at the top of each build of the CLI (keep the two names equal). */
export const BUNDLE_MARKER = 'bundle.json';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** True when this module is the TypeScript source itself (tsx, vitest), not a bundle of it. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The nearest folder from `start` upwards for which `test` holds. */
function upwards(start: string, test: (dir: string) => boolean): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (test(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function isParley(dir: string): boolean {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'parley';
  } catch {
    return false;
  }
}

/** The folder of Parley's package.json. */
export const PACKAGE_ROOT: string =
  upwards(HERE, isParley) ??
  (() => {
    throw new Error(`cannot find Parley's package.json above ${HERE}`);
  })();

/** The build of the CLI this code runs from (the folder of its {@link BUNDLE_MARKER}); undefined from the sources or another bundle. */
export const BUNDLE_DIR: string | undefined = FROM_SOURCE ? undefined : upwards(HERE, (d) => d.startsWith(PACKAGE_ROOT) && existsSync(path.join(d, BUNDLE_MARKER)));

/** A path inside the package: `asset('models')`, `asset('scorecards', 'rubrics')`. */
export function asset(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}

/**
 * The module to start for an entry point of the sources (`insights/text-worker.ts`): its
 * compiled twin in the same build when this code runs from the CLI's bundle, else the
 * TypeScript file, which needs the tsx loader (`typescript: true`).
 */
export function entryModule(source: string): { url: string; typescript: boolean } {
  const compiled = BUNDLE_DIR && path.join(BUNDLE_DIR, source.replace(/\.ts$/, '.mjs'));
  if (compiled && existsSync(compiled)) return { url: pathToFileURL(compiled).href, typescript: false };
  return { url: pathToFileURL(asset(source)).href, typescript: true };
}
