// @ts-check
/**
 * The CLI's bundle: cli/main.ts and the worker threads it starts, compiled by
 * esbuild into plain ES modules under dist/, so that `parley` loads in a
 * fraction of the CPU that tsx takes to compile the sources on every start.
 * Parley's own code is bundled, with the pure-JavaScript packages every command
 * loads at start ({@link INLINE}: DuckDB's JavaScript API, kysely, zod, yaml):
 * read from one file each, they start in about half the CPU that Node takes to
 * resolve and load their hundreds of module files. Every other package (the
 * native DuckDB binding, natural, playwright-core, vite, …) stays an import of
 * node_modules, loaded when a command needs it.
 * Commands loaded on demand (insights, demo, notebooks, serve's dashboard
 * parts) stay on demand: they are chunks of their own (esbuild's splitting).
 *
 * It never runs stale code: `dist/current.json` names the current build and
 * the modification time of every file it was made from (esbuild's list of
 * inputs, with package.json, tsconfig.json and this file); {@link ensureBundle}
 * stats them (a few milliseconds) and rebuilds when one differs or is gone.
 *
 * A build is the folder `dist/<id>/`, `id` a hash of its contents, written
 * under a temporary name and renamed into place, and `current.json` is replaced
 * by a rename too: two commands that rebuild at once, and a command that
 * starts while another rebuilds, each see a whole build. A build's files are
 * never rewritten, so a running process (`parley serve`) can still load the
 * chunks it has not loaded yet after a rebuild; the {@link KEEP} newest builds
 * are kept, older ones removed, but never one that a live process still runs
 * ({@link markInUse}).
 *
 * When the bundle cannot be made (esbuild missing, a source that does not
 * compile, a read-only folder), {@link loadEntry} says so in one line and loads
 * the sources through tsx, as `parley` did before the bundle.
 *
 * @example
 *   const build = await ensureBundle(root);   // '/…/dist/<id>' (built first when out of date)
 *   const { main } = await loadEntry(root, 'cli/main.ts', process.stderr);   // what cli/parley.js runs
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The entry points: the command line, and the worker threads warehouse/assets.ts's `entryModule` finds in the same build. */
export const ENTRIES = ['cli/main.ts', 'insights/text-worker.ts', 'insights/intent-worker.ts'];
/** The file at the top of each build (warehouse/assets.ts's BUNDLE_MARKER: keep the two equal). */
const MARKER = 'bundle.json';
/** Builds kept in dist/ (the current one and those before it). */
export const KEEP = 5;
/**
 * The packages bundled with Parley's code (a bare import of any other stays an import of node_modules). Each is
 * pure JavaScript and loaded by every command; the DuckDB API's `require` of its native binding stays a `require`.
 */
export const INLINE = ['@duckdb/node-api', 'kysely', 'yaml', 'zod'];
/**
 * Files that change what a build makes without being an input of it (paths from the root; this file is added).
 * npm rewrites `node_modules/.package-lock.json` on every install that changes node_modules, so it stands for the
 * files of the {@link INLINE} packages, which are not recorded one by one.
 */
const SETTINGS = ['package.json', 'tsconfig.json', 'package-lock.json', 'node_modules/.package-lock.json'];
/** A file changed from this close to the start of a build to its end may have been read before or after the change: recorded as changed. */
const UNSURE_MS = 100;
const SELF = fileURLToPath(import.meta.url);

/**
 * @typedef {{ id: string, inputs: Record<string, number> }} Current
 *   `inputs`: every file the build was made from, relative to the root, with the modification time it had (ms)
 */

/**
 * The build `dist/current.json` names, if there is one.
 * @param {string} dir the bundle folder (dist/)
 * @returns {Current | undefined}
 */
export function readCurrent(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The first input of `current` changed or gone since it was built (undefined: up to date).
 * @param {string} root
 * @param {Current} current
 * @returns {string | undefined}
 */
export function changedInput(root, current) {
  for (const [file, mtime] of Object.entries(current.inputs)) {
    const stat = fs.statSync(path.resolve(root, file), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs !== mtime) return file;
  }
  return undefined;
}

/**
 * Builds the bundle of `entries` into `dir/<id>/` and makes it the current one.
 * @param {{ root: string, dir?: string, entries?: string[] }} o
 * @returns {Promise<Current>}
 */
export async function buildBundle({ root, dir = path.join(root, 'dist'), entries = ENTRIES }) {
  const esbuild = await import('esbuild');
  const started = Date.now();
  // the build's folder is named after its contents, once made: a stand-in at the same depth until then
  // (the source maps name the sources relative to it)
  const outdir = path.join(dir, 'next');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: entries.map((e) => ({ in: e, out: e.replace(/\.ts$/, '') })),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [keepPackagesExternal],
    // the CommonJS packages bundled (the DuckDB API) call require(), which an ES module lacks
    banner: { js: "import { createRequire as __parleyCreateRequire } from 'node:module';\nconst require = __parleyCreateRequire(import.meta.url);" },
    // the root's tsconfig for every file (dashboard/'s extends .svelte-kit/'s, which a fresh clone lacks)
    tsconfig: path.join(root, 'tsconfig.json'),
    outdir,
    outExtension: { '.js': '.mjs' },
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    // class and function names as in the sources (bundling renames clashes)
    keepNames: true,
    // stack traces name the .ts sources under PARLEY_DEBUG (cli/parley.js) or node --enable-source-maps
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const hash = createHash('sha256');
  const files = result.outputFiles.map((f) => ({ rel: path.relative(outdir, f.path), contents: f.contents }));
  files.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  for (const f of files) hash.update(f.rel).update('\0').update(f.contents).update('\0');
  const id = hash.digest('hex').slice(0, 16);
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, id);
  if (!fs.existsSync(path.join(target, MARKER))) {
    const tmp = path.join(dir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(tmp, f.rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, f.rel), f.contents);
    }
    fs.writeFileSync(path.join(tmp, MARKER), JSON.stringify({ id, entries }) + '\n');
    try {
      fs.renameSync(tmp, target);
    } catch (error) {
      // another command made the same build first: its files are these
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(path.join(target, MARKER))) throw error;
    }
  }
  const now = new Date();
  fs.utimesSync(target, now, now);
  /** @type {Record<string, number>} */
  const inputs = {};
  const finished = Date.now();
  const sources = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
  for (const file of [...sources, ...SETTINGS, path.relative(root, SELF)]) {
    const stat = fs.statSync(path.resolve(root, file), { throwIfNoEntry: false });
    if (stat) inputs[file] = stat.mtimeMs >= started - UNSURE_MS && stat.mtimeMs <= finished + UNSURE_MS ? -1 : stat.mtimeMs;
  }
  /** @type {Current} */
  const current = { id, inputs };
  const tmp = path.join(dir, `.current-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  fs.writeFileSync(tmp, JSON.stringify(current) + '\n');
  fs.renameSync(tmp, path.join(dir, 'current.json'));
  prune(dir, id);
  return current;
}

/**
 * esbuild's resolution of bare imports: a package of {@link INLINE} (or a file of one) is bundled, every other stays
 * an import of node_modules, as `packages: 'external'` leaves them all.
 * @type {import('esbuild').Plugin}
 */
const keepPackagesExternal = {
  name: 'parley-external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return INLINE.includes(name ?? '') ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * Removes the builds beyond the {@link KEEP} newest (never `id`), and temporary folders of builds that died an hour ago.
 * @param {string} dir
 * @param {string} id
 */
function prune(dir, id) {
  const builds = [];
  const used = buildsInUse(dir);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === id || used.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    const mtime = fs.statSync(full).mtimeMs;
    if (entry.name.startsWith('.tmp-')) {
      if (mtime < Date.now() - 3_600_000) fs.rmSync(full, { recursive: true, force: true });
    } else if (fs.existsSync(path.join(full, MARKER))) builds.push({ full, mtime });
  }
  builds.sort((a, b) => b.mtime - a.mtime);
  for (const b of builds.slice(KEEP - 1)) fs.rmSync(b.full, { recursive: true, force: true });
}

/** Where the running processes' marks are: `dist/.in-use/<id>-<pid>`, outside the builds (their times order them). */
const IN_USE = '.in-use';

/**
 * Marks build `id` as used by this process until it exits, so that {@link prune} leaves it while the process may
 * still load chunks of it (a `parley serve` that runs for days, while later commands rebuild). A process killed
 * before its exit leaves its mark; the next prune finds it dead and removes the mark.
 * @param {string} dir the bundle folder (dist/)
 * @param {string} id
 */
export function markInUse(dir, id) {
  const mark = path.join(dir, IN_USE, `${id}-${process.pid}`);
  fs.mkdirSync(path.dirname(mark), { recursive: true });
  fs.writeFileSync(mark, '');
  process.once('exit', () => fs.rmSync(mark, { force: true }));
}

/**
 * The builds a live process marked ({@link markInUse}); the marks of processes that are gone are removed.
 * @param {string} dir
 * @returns {Set<string>}
 */
function buildsInUse(dir) {
  const used = new Set();
  const marks = path.join(dir, IN_USE);
  for (const name of fs.existsSync(marks) ? fs.readdirSync(marks) : []) {
    const m = /^(.+)-(\d+)$/.exec(name);
    if (m && alive(Number(m[2]))) used.add(m[1]);
    else fs.rmSync(path.join(marks, name), { force: true });
  }
  return used;
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return /** @type {{ code?: string }} */ (error).code === 'EPERM';
  }
}

/**
 * The folder of the current build, after building it when there is none or one of its
 * inputs changed. Throws when esbuild is missing or the sources do not compile.
 * @param {string} root the package root
 * @param {{ dir?: string, entries?: string[] }} [o] the bundle folder (default dist/) and the entry points (default {@link ENTRIES})
 * @returns {Promise<string>}
 */
export async function ensureBundle(root, { dir = path.join(root, 'dist'), entries = ENTRIES } = {}) {
  let current = readCurrent(dir);
  if (!current || changedInput(root, current) !== undefined || !fs.existsSync(path.join(dir, current.id, MARKER))) current = await buildBundle({ root, dir, entries });
  return path.join(dir, current.id);
}

/**
 * Imports the entry point `entry` (a source path, `cli/main.ts`) from the current build; when
 * the bundle cannot be made, writes why in one line to `err` and imports the source through tsx.
 * @param {string} root
 * @param {string} entry
 * @param {{ write(line: string): unknown }} err
 * @param {{ dir?: string, entries?: string[] }} [o] as for {@link ensureBundle}
 * @returns {Promise<any>}
 */
export async function loadEntry(root, entry, err, o) {
  let build;
  try {
    build = await ensureBundle(root, o);
  } catch (error) {
    err.write(`parley: cannot bundle the CLI (${reason(error)}): running the sources through tsx, which starts slower\n`);
    const { register } = await import('tsx/esm/api');
    register();
    return import(pathToFileURL(path.join(root, entry)).href);
  }
  markInUse(path.dirname(build), path.basename(build));
  return import(pathToFileURL(path.join(build, entry.replace(/\.ts$/, '.mjs'))).href);
}

/**
 * Why a build failed, in a line: esbuild's first error with its place, or the first line of the message.
 * @param {unknown} error
 */
function reason(error) {
  const e = /** @type {{ code?: string, message?: string, errors?: Array<{ text: string, location?: { file: string, line: number } | null }> }} */ (error);
  if (e.code === 'ERR_MODULE_NOT_FOUND' && /esbuild/.test(String(e.message))) return 'esbuild is not installed';
  const first = e.errors?.[0];
  if (first) return `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}`;
  return String(e.message ?? error).split('\n')[0];
}
