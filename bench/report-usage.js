// Preloaded (`node --import`) by bench/measure.ts into what it times: a command as a user runs
// it (`node cli/parley.js …`) or a task of bench/work.js. Prints the process's CPU time and peak
// memory last, for measure.ts to read (from the main thread only: worker threads inherit the preload).
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeSync(1, `cpu_us ${usage.userCPUTime + usage.systemCPUTime}\nmaxrss_kib ${usage.maxRSS}\n`);
  });
}
