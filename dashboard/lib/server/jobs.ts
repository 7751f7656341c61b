/**
 * The Data page's jobs: the job log (read here, from the warehouse), and the
 * server's scheduler, which `parley serve` hands over through
 * {@link provideJobs} (service/control.ts) so that the page can list the
 * configured jobs, start one and load an upload. Under `vite dev` there is no
 * scheduler: the page shows the log only.
 *
 * @example
 *   provideJobs(control);                         // in `parley serve`
 *   const control = jobControl();                 // in a form action
 *   const line = await control?.run('nightly-build');
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { tables, type JobLog } from '../../../warehouse/tables.js';

/** One run of a job, as job_log keeps it. */
export type JobLine = Omit<JobLog, 'job_id'>;

export interface JobInfo {
  name: string;
  kind: string;
  /** "every 15m", "daily at 02:00 UTC" */
  schedule: string;
  next: Date;
  /** Waiting in the queue or running. */
  busy: boolean;
}

export interface JobControl {
  jobs(): JobInfo[];
  /** Runs a configured job now (after what is queued); resolves with its log line. */
  run(name: string): Promise<JobLine>;
  /** Saves an uploaded export in the upload folder and loads it as `parley ingest` would. */
  upload(file: { name: string; bytes: Uint8Array }, o: { build: boolean; source?: string | undefined }): Promise<JobLine>;
  /** The largest upload, in bytes. */
  maxUploadBytes: number;
}

const KEY = Symbol.for('parley.dashboard.jobs');
type Holder = { [KEY]?: JobControl };

export function provideJobs(control: JobControl): void {
  (globalThis as Holder)[KEY] = control;
}

/** The server's scheduler, or undefined when the app runs without `parley serve`. */
export function jobControl(): JobControl | undefined {
  return (globalThis as Holder)[KEY];
}

export const JOB_LOG_ROWS = 100;

/** The newest runs first (not cached: jobs write it while the server runs). */
export function jobLog(db: Warehouse): Promise<JobLog[]> {
  return tables(db).selectFrom('job_log').selectAll().orderBy('job_id', 'desc').limit(JOB_LOG_ROWS).execute();
}

/** What a person reads after a run: "Loaded 1,200 records from export.jsonl (3 refused); rebuilt." */
export function jobMessage(line: JobLine): string {
  if (line.status !== 'ok') return `${line.name} failed: ${line.error ?? 'see the job log'}`;
  if (line.kind !== 'load') return `${line.name} ran in ${line.seconds.toFixed(1)} s${line.detail ? `: ${line.detail}` : ''}.`;
  if (line.files === 0) return `${line.name}: ${line.detail ?? 'nothing new'}.`;
  const n = (x: number) => x.toLocaleString('en-US');
  const [what, ...rest] = (line.detail ?? '').split('; ');
  return `Loaded ${n(line.loaded)} records from ${what} (${n(line.refused)} refused)${rest.length ? `; ${rest.join('; ')}` : ''}.`;
}
