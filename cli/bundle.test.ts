/**
 * The CLI's bundle (cli/bundle.js): rebuilt when a source changes, never
 * rebuilt when none did, old builds pruned, tsx when it cannot be built; and
 * the real project's bundle, run by plain Node (no tsx), finds the package's
 * files (migrations, models SQL, rubrics, notebooks) and starts its worker
 * threads from its own compiled entries.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTRIES, KEEP, buildBundle, changedInput, ensureBundle, markInUse, readCurrent } from './bundle.js';
import { repoRoot } from '../testing/paths.js';
import { analyseBatch, TextCache } from '../insights/prepare.js';
import { SurfaceForms } from '../insights/text.js';
import type { TextBatch } from '../insights/workers.js';

const run = promisify(execFile);
const BUNDLE_JS = pathToFileURL(path.join(repoRoot, 'cli', 'bundle.js')).href;
// inside the repository (git-ignored), so that a project there finds node_modules (tsx) and Parley's package.json
const scratch = path.join(repoRoot, '.scratch');
mkdirSync(scratch, { recursive: true });
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tmp = (prefix: string) => {
  const d = mkdtempSync(path.join(scratch, prefix));
  made.push(d);
  return d;
};

/** Moves a file's modification time `seconds` ahead (an edit the build has not seen). */
const touch = (file: string, seconds = 10) => {
  const t = new Date(statSync(file).mtimeMs + seconds * 1000);
  utimesSync(file, t, t);
};

/** A small project: main.ts prints what b.ts exports, and loads lazy.ts on demand. */
function project(b: string, lazy = 'export const lazy = 1;'): string {
  const root = tmp('bundle-project-');
  writeFileSync(path.join(root, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
  writeFileSync(path.join(root, 'main.ts'), "import { value } from './b.js';\nexport const main = async () => `${value} ${(await import('./lazy.js')).lazy}`;\n");
  writeFileSync(path.join(root, 'b.ts'), b);
  writeFileSync(path.join(root, 'lazy.ts'), lazy);
  // written a minute ago: a file changed while a build reads the sources is taken for changed after it
  for (const f of readdirSync(root)) touch(path.join(root, f), -60);
  return root;
}

/** Runs main.ts of `root` as cli/parley.js runs cli/main.ts, in plain Node: what it prints, and its stderr. */
async function launch(root: string): Promise<{ out: string; err: string }> {
  const script = `
    import { loadEntry } from ${JSON.stringify(BUNDLE_JS)};
    const m = await loadEntry(${JSON.stringify(root)}, 'main.ts', process.stderr, { entries: ['main.ts'] });
    process.stdout.write(await m.main());`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
  return { out: stdout, err: stderr };
}

describe('the bundle of a project', () => {
  it('runs the edited source on the next run: a changed input rebuilds the bundle first', async () => {
    const root = project("export const value: string = 'first';\n");
    expect(await launch(root)).toEqual({ out: 'first 1', err: '' });
    const dir = path.join(root, 'dist');
    const built = readCurrent(dir)!;
    expect(Object.keys(built.inputs).sort()).toEqual(expect.arrayContaining(['b.ts', 'lazy.ts', 'main.ts', 'tsconfig.json']));
    expect(changedInput(root, built)).toBeUndefined();

    writeFileSync(path.join(root, 'b.ts'), "export const value: string = 'second';\n");
    touch(path.join(root, 'b.ts'));
    expect(changedInput(root, built)).toBe('b.ts');
    expect(await launch(root)).toEqual({ out: 'second 1', err: '' });
    const rebuilt = readCurrent(dir)!;
    expect(rebuilt.id).not.toBe(built.id);
    expect(changedInput(root, rebuilt)).toBeUndefined();
    // the build before stays (a running process may still load its chunks)
    expect(readdirSync(dir).filter((n) => n !== 'current.json')).toEqual(expect.arrayContaining([built.id, rebuilt.id]));
  }, 60_000);

  it('does not build again when no input changed', async () => {
    const root = project("export const value = 'same';\n");
    const dir = path.join(root, 'dist');
    const first = await ensureBundle(root, { dir, entries: ['main.ts'] });
    const written = statSync(path.join(dir, 'current.json')).mtimeMs;
    expect(await ensureBundle(root, { dir, entries: ['main.ts'] })).toBe(first);
    expect(statSync(path.join(dir, 'current.json')).mtimeMs).toBe(written);
    // a removed input is a change too
    rmSync(path.join(root, 'lazy.ts'));
    await expect(ensureBundle(root, { dir, entries: ['main.ts'] })).rejects.toThrow(/lazy/);
  }, 60_000);

  it(`keeps the ${KEEP} newest builds`, async () => {
    const root = project("export const value = 'v0';\n");
    const dir = path.join(root, 'dist');
    const ids: string[] = [];
    for (let i = 0; i < KEEP + 2; i++) {
      writeFileSync(path.join(root, 'b.ts'), `export const value = 'v${i}';\n`);
      ids.push((await buildBundle({ root, dir, entries: ['main.ts'] })).id);
      // the builds' folders in order of age, whatever the clock's resolution
      const t = new Date(Date.now() + i * 1000);
      utimesSync(path.join(dir, ids.at(-1)!), t, t);
    }
    expect(new Set(ids).size).toBe(KEEP + 2);
    expect(
      readdirSync(dir)
        .filter((n) => n !== 'current.json')
        .sort(),
    ).toEqual(ids.slice(-KEEP).sort());
  }, 60_000);

  it('never removes a build that a running process uses, and forgets the marks of processes that are gone', async () => {
    const root = project("export const value = 'v0';\n");
    const dir = path.join(root, 'dist');
    const first = (await buildBundle({ root, dir, entries: ['main.ts'] })).id;
    // this test's process runs the first build (as a parley serve started before the rebuilds would)
    markInUse(dir, first);
    utimesSync(path.join(dir, first), new Date(0), new Date(0));
    // a process that has exited marked another build
    const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const gone = path.join(dir, '.in-use', `deadbeef-${stdout}`);
    writeFileSync(gone, '');
    const ids: string[] = [];
    for (let i = 1; i <= KEEP + 1; i++) {
      writeFileSync(path.join(root, 'b.ts'), `export const value = 'v${i}';\n`);
      ids.push((await buildBundle({ root, dir, entries: ['main.ts'] })).id);
      const t = new Date(Date.now() + i * 1000);
      utimesSync(path.join(dir, ids.at(-1)!), t, t);
    }
    const kept = readdirSync(dir).filter((n) => !['current.json', '.in-use'].includes(n));
    expect(kept.sort()).toEqual([first, ...ids.slice(-KEEP)].sort());
    expect(readdirSync(path.join(dir, '.in-use'))).toEqual([`${first}-${process.pid}`]);
  }, 60_000);

  it('runs the sources through tsx, with one line on stderr, when they cannot be bundled', async () => {
    // a syntax error in a module loaded on demand only: esbuild refuses the whole bundle, tsx runs the rest
    const root = project("export const value = 'from tsx';\n", 'export const lazy = 2;\nexport const broken = ;\n');
    writeFileSync(path.join(root, 'main.ts'), "import { value } from './b.js';\nexport const main = async () => value;\nexport const later = () => import('./lazy.js');\n");
    const { out, err } = await launch(root);
    expect(out).toBe('from tsx');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^parley: cannot bundle the CLI \(lazy\.ts:2: .+\): running the sources through tsx/);
  }, 60_000);
});

describe("the project's own bundle, run by plain Node", () => {
  // the real entry points, and two more to start a worker and find its module from the bundle directly
  const dir = tmp('bundle-parley-');
  const entries = [...ENTRIES, 'insights/workers.ts', 'warehouse/assets.ts'];
  const built = ensureBundle(repoRoot, { dir, entries });
  // a script file, not --input-type=module -e: a worker thread inherits the flags, and --input-type refuses a file
  const node = async (script: string) => {
    const file = path.join(dir, `script-${made.length}-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, script);
    return (await run(process.execPath, [file], { cwd: dir })).stdout;
  };

  it('finds the migrations, the models SQL, the default rubric and the notebooks', async () => {
    const main = pathToFileURL(path.join(await built, 'cli', 'main.mjs')).href;
    const db = path.join(dir, 'w.duckdb');
    const out = await node(`
      const { main } = await import(${JSON.stringify(main)});
      for (const args of [['build', '--db', ${JSON.stringify(db)}], ['rubrics', 'list', '--db', ${JSON.stringify(db)}, '--format', 'json'], ['notebook', 'list']])
        if ((await main(args)) !== 0) process.exit(1);`);
    expect(out).toMatch(/^built \d+ models in/);
    expect(out).toMatch(/"rubric_id": "messaging_default"/);
    expect(out).toContain('monthly-report');
  }, 120_000);

  it('starts with the packages every command needs bundled in, and loads the others on demand (natural, nodemailer, playwright-core, vite, …)', async () => {
    // the modules of the bundle that cli/main.mjs imports statically, the packages they import and those they require()
    const build = await built;
    const seen = new Set<string>();
    const packages = new Set<string>();
    const required = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^import\s+(?:[^'"]*?\bfrom\s*)?["']([^"']+)["'];?$/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) walk(path.resolve(path.dirname(file), spec));
        else if (!spec.startsWith('node:')) packages.add(spec);
      }
      for (const m of text.matchAll(/__require\("([^"]+)"\)/g)) if (!builtinModules.includes(m[1]!)) required.add(m[1]!);
    };
    walk(path.join(build, 'cli', 'main.mjs'));
    expect(seen.size).toBeGreaterThan(1);
    // DuckDB's API, kysely, yaml and zod are in the bundle (INLINE): only the native binding is loaded from node_modules
    expect([...packages]).toEqual([]);
    expect([...required]).toEqual(['@duckdb/node-bindings']);
    const inputs = Object.keys(readCurrent(dir)!.inputs);
    expect(inputs.filter((f) => f.startsWith('node_modules/'))).toEqual(['node_modules/.package-lock.json']);
  }, 120_000);

  it("starts a worker thread from the bundle's compiled entry, which answers as the main thread does", async () => {
    const build = await built;
    const url = (file: string) => JSON.stringify(pathToFileURL(path.join(build, file)).href);
    const batch: TextBatch = {
      docs: Int32Array.from([0, 0, 1]),
      bodies: ['My parcel is stuck and nobody answers', 'still waiting for the refund', 'thanks, all sorted'],
      authors: ['a', 'a', null],
    };
    const out = await node(`
      const { startWorkers } = await import(${url('insights/workers.mjs')});
      const { entryModule } = await import(${url('warehouse/assets.mjs')});
      const [w] = startWorkers(1, 'text');
      const r = await w.ask({ type: 'text', batch: { docs: Int32Array.from([0, 0, 1]), bodies: ${JSON.stringify(batch.bodies)}, authors: ${JSON.stringify(batch.authors)} } });
      await w.close();
      process.stdout.write(JSON.stringify({ entry: entryModule('insights/text-worker.ts'), scores: [...r.scores], docs: [...r.docs], terms: r.terms }));`);
    const expected = analyseBatch(batch, new TextCache(), new SurfaceForms());
    expect(JSON.parse(out)).toEqual({
      entry: { url: pathToFileURL(path.join(build, 'insights', 'text-worker.mjs')).href, typescript: false },
      scores: [...expected.scores],
      docs: [...expected.docs],
      terms: expected.terms,
    });
  }, 120_000);
});
