/**
 * The import rule of README's "How it is built": a folder imports only the
 * folders below it in LAYERS, never one beside or above it, production code
 * never imports test support, and no chain of imports comes back to where it
 * started. Read from the source files themselves (static imports, re-exports
 * and dynamic `import()`), so a new import that breaks the rule fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Low to high. A folder may import the folders of lower rank; folders of the
 * same rank are independent of each other.
 */
export const LAYERS: Record<string, number> = {
  charts: 0,
  mail: 1,
  warehouse: 1,
  accounts: 2,
  ingest: 3,
  models: 4,
  sync: 4,
  lake: 5,
  scorecards: 5,
  insights: 5,
  planning: 5,
  notebooks: 6,
  alerts: 6,
  demo: 6,
  dashboard: 7,
  delivery: 7,
  service: 8,
  cli: 9,
  bench: 10,
};
/** Test support: tests may import it, production code never does. */
const TEST_SUPPORT = 'testing';
const SKIP = new Set(['node_modules', 'build', '.svelte-kit', '.scratch', 'test-results', 'playwright-report', 'coverage', '__snapshots__', 'fixtures']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || SKIP.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|js|svelte)$/.test(name)) out.push(full);
  }
  return out;
}

const isTest = (rel: string) => /\.test\.ts$/.test(rel) || rel.startsWith(`${TEST_SUPPORT}/`) || rel.startsWith('tests/');

/** The project files `file` imports, as paths relative to the root (packages left out). */
export function importsOf(file: string, text: string): string[] {
  // comments hold examples of imports (`@example import … from '../scorecards/index.js'`)
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  const out: string[] = [];
  for (const spec of specs) {
    let target: string;
    if (spec.startsWith('$lib/')) target = path.join(ROOT, 'dashboard/lib', spec.slice('$lib/'.length));
    else if (spec.startsWith('.')) target = path.resolve(path.dirname(file), spec);
    else continue;
    out.push(path.relative(ROOT, target).replace(/\.js$/, '.ts'));
  }
  return out;
}

const top = (rel: string) => rel.split('/')[0]!;

const files = Object.keys(LAYERS)
  .concat(TEST_SUPPORT, 'tests')
  .flatMap((dir) => {
    try {
      return sourceFiles(path.join(ROOT, dir));
    } catch {
      return [];
    }
  });
const graph = new Map(files.map((f) => [path.relative(ROOT, f), importsOf(f, readFileSync(f, 'utf8'))]));

describe('the import rule', () => {
  it('reads the project', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('cli/main.ts')).toContain('cli/command.ts');
  });

  it('has a layer for every top-level folder of code', () => {
    const folders = new Set([...graph.keys()].filter((f) => f.includes('/')).map(top));
    for (const folder of folders) expect(folder in LAYERS || folder === TEST_SUPPORT || folder === 'tests', `${folder}/ has no place in LAYERS`).toBe(true);
  });

  it('imports only downwards, and production code never imports test support', () => {
    const wrong: string[] = [];
    for (const [from, targets] of graph) {
      if (isTest(from)) continue;
      for (const to of targets) {
        if (top(to) === top(from)) continue;
        if (isTest(to)) wrong.push(`${from} imports test support ${to}`);
        else if (!(LAYERS[top(to)]! < LAYERS[top(from)]!)) wrong.push(`${from} imports ${to} (${top(to)}/ is not below ${top(from)}/)`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
