/**
 * Whether running independent models at the same time could pay (issue 14):
 * one full build in this process, each step's wall time and CPU time taken
 * between `buildModels`' `onStep` calls, then the model DAG's critical path
 * and the wall time a schedule on two lanes (two connections) would take.
 * `npm run bench:build -- --lanes` runs it on the bench's warehouse after the
 * timed builds; alone:
 *
 *   node --import tsx bench/build-lanes.ts WAREHOUSE.duckdb CONFIG.yaml [--cores 2] [--memory-limit 2GB]
 *
 * It builds WAREHOUSE itself (as bench:build does). Per step:
 *
 * - CPU: `process.cpuUsage()` (every thread: DuckDB's too), less Node's main
 *   thread (the sampler below runs there);
 * - the share of time one thread, not two, had work: every 2 ms the states of
 *   the process's threads (/proc/self/task/*\/stat) are sampled and the
 *   runnable ones counted. On a loaded machine every runnable thread gets about
 *   the same share of a core whether one or two of ours are runnable, so the
 *   share of samples with one runnable thread is about the share of the step's
 *   wall time it would spend on one core on an idle machine, and the step's
 *   wall time at rest is CPU × (one + more) / (one + 2 × more), at least the
 *   CPU time of its busiest thread. Wall times measured on a loaded machine
 *   say nothing of this; these estimates do not need it idle.
 *
 * The commit of the marts and the closing of the warehouse (its checkpoint)
 * are steps of their own, `commit` and `close`; `close` runs on Node's main
 * thread, where the sampler cannot run meanwhile, so its wall time at rest
 * is taken as its busiest thread's CPU time.
 *
 * The two-lane estimate is a fluid simulation over those at-rest figures: a
 * step alone runs at CPU / wall-at-rest cores; steps that run at once share
 * the cores, each slowed in proportion when their demands add up to more; a
 * step starts when every model it reads has finished and a lane is free (the
 * longest path to the end first). It assumes that running at once costs no
 * extra CPU, so it is what two lanes could gain at best.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openWarehouse } from '../warehouse/connection.js';
import { loadConfig } from '../models/config.js';
import { buildModels, discoverModels, generatedModels } from '../models/build.js';
import { applyMemoryLimit } from '../cli/memory-limit.js';
import { fmt } from './measure.js';

interface Measured {
  model: string;
  wall: number;
  cpu: number;
  /** The CPU time of the busiest thread (the step's wall time at rest is at least this). */
  busiest: number;
  /** Samples with exactly one, and with two or more, threads runnable (Node's main thread left out). */
  one: number;
  more: number;
}

/** Each thread of this process: CPU seconds (user + sys; /proc ticks of 10 ms) and whether it is runnable. */
function threads(): Map<string, { cpu: number; runnable: boolean }> {
  const out = new Map<string, { cpu: number; runnable: boolean }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { cpu: (Number(f[11]) + Number(f[12])) / 100, runnable: f[0] === 'R' });
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** Runs a full build of `dbPath` and returns the report (a table per step, then the estimates). */
export async function profileBuild(dbPath: string, configFile: string, cores = 2, memoryLimit?: string): Promise<string> {
  const main = String(process.pid);
  const measured: Measured[] = [];
  let samples = { one: 0, more: 0 };
  const sampler = setInterval(() => {
    let n = 0;
    for (const [tid, t] of threads()) if (tid !== main && t.runnable) n++;
    if (n === 1) samples.one++;
    else if (n > 1) samples.more++;
  }, 2);
  let t = performance.now();
  let c = process.cpuUsage();
  let before = threads();
  const started = { t, c };
  // the time after the last step (the build state, the commit of the marts) is a step of its own, 'commit',
  // and closing the warehouse (a checkpoint) another, 'close', which runs on the main thread (and stops the sampler)
  const record = (model: string, onMain = false) => {
    const now = performance.now();
    const c1 = process.cpuUsage();
    const after = threads();
    const delta = [...after].map(([tid, x]) => [tid, x.cpu - (before.get(tid)?.cpu ?? 0)] as const);
    const mainCpu = delta.find(([tid]) => tid === main)?.[1] ?? 0;
    const cpu = Math.max(0, (c1.user - c.user + c1.system - c.system) / 1e6 - (onMain ? 0 : mainCpu));
    const busiest = Math.max(0, ...delta.filter(([tid]) => onMain || tid !== main).map(([, d]) => d));
    measured.push({ model, wall: (now - t) / 1000, cpu, busiest, ...samples });
    samples = { one: 0, more: 0 };
    t = performance.now();
    c = process.cpuUsage();
    before = threads();
  };
  const db = await openWarehouse(dbPath);
  if (memoryLimit) await applyMemoryLimit(db, memoryLimit);
  try {
    // one connection: each step's CPU is its own (a full build runs its models on two)
    await buildModels(db, loadConfig(configFile), { onStep: (step) => record(step.model), lanes: 1 });
    record('commit');
  } finally {
    clearInterval(sampler);
    db.close();
  }
  record('close', true);
  const totalWall = (performance.now() - started.t) / 1000;
  const end = process.cpuUsage();
  const totalCpu = (end.user - started.c.user + end.system - started.c.system) / 1e6;

  const rest = (m: Measured) => Math.max(m.busiest, m.one + m.more > 0 ? (m.cpu * (m.one + m.more)) / (m.one + cores * m.more) : m.cpu / cores, 1e-3);
  const cost = new Map(measured.map((m) => [m.model, { cpu: m.cpu, wall: rest(m) }]));
  const names = measured.map((m) => m.model);
  // what each step reads: the models' own dependencies; the generated marts, what their SQL names; the commit, every other step; the close, the commit
  const models = discoverModels();
  // the generated models (metric_daily, the summary's scans, metric_summary) as the build makes them
  const deps = new Map<string, string[]>([...models, ...generatedModels(models)].map((m) => [m.name, m.dependsOn]));
  deps.set(
    'commit',
    names.filter((n) => n !== 'commit' && n !== 'close'),
  );
  deps.set('close', ['commit']);
  const reads = (n: string) => (deps.get(n) ?? []).filter((d) => cost.has(d));
  const users = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const n of names) for (const d of reads(n)) users.get(d)!.push(n);
  // the longest path (at rest) from each step to the end; the steps are in an order that runs each after what it reads
  const tail = new Map<string, number>();
  for (const n of [...names].reverse()) tail.set(n, cost.get(n)!.wall + Math.max(0, ...users.get(n)!.map((u) => tail.get(u)!)));
  const longest: string[] = [];
  for (let at = names.filter((n) => reads(n).length === 0).sort((a, b) => tail.get(b)! - tail.get(a)!)[0]; at;) {
    longest.push(at);
    at = [...users.get(at)!].sort((a, b) => tail.get(b)! - tail.get(a)!)[0];
  }

  const simulate = (lanes: number): number => {
    const left = new Map(names.map((n) => [n, cost.get(n)!.cpu]));
    const demand = (n: string) => Math.min(cores, Math.max(0.05, cost.get(n)!.cpu / cost.get(n)!.wall));
    const done = new Set<string>();
    const running = new Set<string>();
    let clock = 0;
    while (done.size < names.length) {
      const ready = names.filter((n) => !done.has(n) && !running.has(n) && reads(n).every((d) => done.has(d))).sort((a, b) => tail.get(b)! - tail.get(a)!);
      while (running.size < lanes && ready.length) running.add(ready.shift()!);
      const want = [...running].reduce((s, n) => s + demand(n), 0);
      const scale = want > cores ? cores / want : 1;
      const step = Math.min(...[...running].map((n) => left.get(n)! / (demand(n) * scale)));
      clock += step;
      for (const n of [...running]) {
        left.set(n, left.get(n)! - demand(n) * scale * step);
        if (left.get(n)! <= 1e-9) {
          running.delete(n);
          done.add(n);
        }
      }
    }
    return clock;
  };

  const lines = [`${'step'.padEnd(30)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(7)} ${'1 thread'.padStart(8)} ${'at rest s'.padStart(9)} ${'cores'.padStart(5)}`];
  for (const m of [...measured].sort((a, b) => b.cpu - a.cpu)) {
    const one = `${fmt((100 * m.one) / Math.max(1, m.one + m.more), 0)}%`;
    lines.push(
      `${m.model.padEnd(30)} ${fmt(m.wall, 3).padStart(7)} ${fmt(m.cpu, 3).padStart(7)} ${one.padStart(8)} ${fmt(rest(m), 3).padStart(9)} ${fmt(m.cpu / rest(m), 2).padStart(5)}`,
    );
  }
  const sumCpu = measured.reduce((s, m) => s + m.cpu, 0);
  const serial = simulate(1);
  const two = simulate(2);
  lines.push(
    '',
    `build in this process: ${fmt(totalWall, 2)} s wall, ${fmt(totalCpu, 2)} s CPU (${fmt(totalCpu / totalWall, 2)} cores: the machine's load, not the build)`,
    `steps at rest, one after another: ${fmt(serial, 2)} s wall for ${fmt(sumCpu, 2)} s CPU (${fmt(sumCpu / serial, 2)} cores)`,
    `critical path at rest: ${fmt(tail.get(longest[0]!)!, 2)} s (${longest.join(' → ')})`,
    `every core busy all the time: ${fmt(sumCpu / cores, 2)} s`,
    `two lanes at best: ${fmt(two, 2)} s, ${fmt(serial - two, 2)} s (${fmt((100 * (serial - two)) / serial, 1)}%) less than one; three lanes: ${fmt(simulate(3), 2)} s`,
  );
  return lines.join('\n') + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { cores: { type: 'string' }, 'memory-limit': { type: 'string' } } });
  const [dbPath, configFile] = positionals;
  if (!dbPath || !configFile) throw new Error('usage: node --import tsx bench/build-lanes.ts WAREHOUSE.duckdb CONFIG.yaml [--cores 2] [--memory-limit 2GB]');
  process.stdout.write(await profileBuild(dbPath, configFile, Number(values.cores ?? 2), values['memory-limit']));
}
