/**
 * Runs one piece of benchmark work in a fresh Node process and reports its
 * wall time and peak resident memory (the process's own maxRSS, which
 * includes DuckDB's native memory). Used by the bench scripts so that each
 * measurement starts cold and one does not inflate the next.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Measurement {
  seconds: number;
  peakMiB: number;
  /** CPU seconds of the child (user + system, all its threads). */
  cpuSeconds: number;
  output: string;
}

/** Runs `bench/work.ts <task> ...args` in a child process. */
export function measure(task: string, args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'work.ts'), task, ...args], {
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
