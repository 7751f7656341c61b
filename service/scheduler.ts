/**
 * The server's own work: each job of parley.config.yaml's `jobs` runs when
 * its schedule says (schedule.ts), in the one-at-a-time queue that forwarded
 * CLI commands use, so a job never overlaps a command or another job. A job
 * still waiting or running when it is due again is not queued twice. Runs
 * missed while the server was down are not made up: the next is counted from
 * the start. The Data page and `parley jobs run` start a job at once (also
 * through the queue).
 *
 * The clock is a parameter: tests call `tick(now)` with the moments they
 * choose and start no timer.
 *
 * @example
 *   const scheduler = startScheduler(db, config.jobs, { queue: commands.queue, ctx: { run: main, base } });
 *   await scheduler.run('nightly-build');
 *   scheduler.close();
 */
import type { JobConfig } from '../models/config.js';
import type { Warehouse } from '../warehouse/connection.js';
import { runJob, runUpload, type JobContext, type JobResult } from './jobs.js';
import type { Queue } from './queue.js';
import { describeSchedule, nextRun } from './schedule.js';

export interface ScheduledJob {
  name: string;
  kind: string;
  /** "every 15m", "daily at 02:00 UTC" */
  schedule: string;
  next: Date;
  /** Waiting in the queue or running. */
  busy: boolean;
}

export interface Scheduler {
  jobs(): ScheduledJob[];
  /** Queues every job due at `now`; resolves when those have run. */
  tick(now: Date): Promise<JobResult[]>;
  /** Queues `name` now; resolves when it has run. */
  run(name: string): Promise<JobResult>;
  /** Loads uploaded files (already saved) through the queue, as job "upload". */
  upload(files: readonly string[], o: { build: boolean; source?: string | undefined }): Promise<JobResult>;
  close(): void;
}

export interface SchedulerOptions {
  queue: Queue;
  /** How jobs run (JobContext without `now`: the clock gives it). */
  ctx: Omit<JobContext, 'now'>;
  /** The clock (default: the real one). */
  now?: () => Date;
  /** Start a timer that ticks when a job is due (default true; tests pass false and call tick). */
  timer?: boolean;
  /** Called after each job, for instance to drop cached page data. */
  onDone?: (result: JobResult) => void;
}

/** The longest the timer sleeps before it looks at the clock again. */
const MAX_SLEEP_MS = 60_000;

export function startScheduler(db: Warehouse, jobs: Readonly<Record<string, JobConfig>>, o: SchedulerOptions): Scheduler {
  const clock = o.now ?? (() => new Date());
  const start = clock();
  const next = new Map(Object.entries(jobs).map(([name, job]) => [name, nextRun(job, start)]));
  const busy = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const queued = (name: string, work: () => Promise<JobResult>): Promise<JobResult> => {
    busy.add(name);
    return o.queue
      .run(work)
      .then((result) => {
        o.onDone?.(result);
        return result;
      })
      .finally(() => busy.delete(name));
  };

  const run = (name: string): Promise<JobResult> => {
    const job = jobs[name];
    if (!job) return Promise.reject(new Error(`no job "${name}" in the configuration: the jobs are ${Object.keys(jobs).join(', ') || '(none)'}`));
    return queued(name, () => runJob(db, name, job, { ...o.ctx, now: clock() }));
  };

  const tick = async (now: Date): Promise<JobResult[]> => {
    const due: Promise<JobResult>[] = [];
    for (const [name, job] of Object.entries(jobs)) {
      if (next.get(name)!.getTime() > now.getTime()) continue;
      next.set(name, nextRun(job, now));
      if (!busy.has(name)) due.push(run(name));
    }
    return Promise.all(due);
  };

  const arm = () => {
    if (closed || next.size === 0) return;
    const soonest = Math.min(...[...next.values()].map((d) => d.getTime()));
    const wait = Math.max(0, Math.min(MAX_SLEEP_MS, soonest - clock().getTime()));
    timer = setTimeout(() => {
      void tick(clock()).catch(() => undefined);
      arm();
    }, wait);
    timer.unref();
  };
  if (o.timer !== false) arm();

  return {
    jobs: () => Object.entries(jobs).map(([name, job]) => ({ name, kind: job.kind, schedule: describeSchedule(job), next: next.get(name)!, busy: busy.has(name) })),
    tick,
    run,
    upload: (files, u) => queued('upload', () => runUpload(db, files, u, { ...o.ctx, now: clock() })),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
