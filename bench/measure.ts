/**
 * Runs one piece of benchmark work in a fresh Node process and reports its
 * wall time and peak resident memory (the process's own maxRSS, which
 * includes DuckDB's native memory). Used by the bench scripts so that each
 * measurement starts cold and one does not inflate the next.
 *
 * `parley` runs the command as a user runs it, `node cli/parley.js …` (the
 * CLI's bundle, cli/bundle.js), and `parley-at ROOT …` the same command of
 * another checkout (the code before a change), as its own cli/parley.js runs
 * it. `build-lanes` runs bench/build-lanes.ts through tsx; every other task is a piece of bench/work.js (plain JavaScript, no tsx:
 * a baseline pays for nothing but itself). bench/report-usage.js, preloaded
 * into each, prints the process's CPU time and peak memory.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Measurement {
  seconds: number;
  peakMiB: number;
  /** User and system CPU time of the process (steadier than wall time on a loaded machine). */
  cpuSeconds: number;
  output: string;
}

/** The command line of a task: `parley`, `parley-at ROOT`, or a task of bench/work.js. */
function commandOf(task: string, args: string[]): string[] {
  const usage = ['--import', pathToFileURL(path.join(here, 'report-usage.js')).href];
  if (task === 'parley') return [...usage, path.join(here, '..', 'cli', 'parley.js'), ...args];
  if (task === 'parley-at') {
    const [root, ...rest] = args;
    if (!root) throw new Error('parley-at takes the root of a checkout first');
    return [...usage, path.resolve(root, 'cli', 'parley.js'), ...rest];
  }
  // the build step by step: TypeScript of the models' own code, so through tsx
  if (task === 'build-lanes') return ['--import', 'tsx', ...usage, path.join(here, 'build-lanes.ts'), ...args];
  return [...usage, path.join(here, 'work.js'), task, ...args];
}

/** Runs a task (see the top of this file) in a child process. */
export function measure(task: string, args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, commandOf(task, args), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${task} failed (exit ${code}): ${out}`));
      const match = /^maxrss_kib (\d+)$/m.exec(out);
      const cpu = /^cpu_us (\d+)$/m.exec(out);
      resolve({
        seconds,
        peakMiB: match ? Number(match[1]) / 1024 : NaN,
        cpuSeconds: cpu ? Number(cpu[1]) / 1e6 : NaN,
        output: out.replace(/^(maxrss_kib|cpu_us) \d+\n?/gm, ''),
      });
    });
  });
}

export const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
