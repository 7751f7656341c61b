/**
 * What the Data page may do with the server's jobs (dashboard/lib/server/jobs.ts
 * `JobControl`): list them, start one, and take an upload. An upload is saved
 * under the upload folder in a folder of its own named for the moment it
 * arrived (`uploads/2026-10-05T09-00-00Z/export.jsonl`, so that its own name,
 * which format detection reads, is kept), then loaded through the queue as
 * job "upload".
 *
 * @example
 *   provideJobs(jobControl(scheduler, { folder: '/srv/parley/parley-uploads', maxBytes: 200e6 }));
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JobControl } from '../dashboard/lib/server/jobs.js';
import type { Scheduler } from './scheduler.js';

export function jobControl(scheduler: Scheduler, o: { folder: string; maxBytes: number; now?: () => Date }): JobControl {
  const clock = o.now ?? (() => new Date());
  return {
    jobs: () => scheduler.jobs(),
    run: (name) => scheduler.run(name),
    maxUploadBytes: o.maxBytes,
    async upload(file, u) {
      if (file.bytes.byteLength > o.maxBytes) throw new Error(`the file is larger than ${o.maxBytes.toLocaleString('en-US')} bytes: raise uploads.max_size in parley.config.yaml`);
      const saved = saveUpload(o.folder, file.name, file.bytes, clock());
      return scheduler.upload([saved], u);
    },
  };
}

/** Writes an upload to `<folder>/<moment>/<safe name>` and returns that path. */
export function saveUpload(folder: string, name: string, bytes: Uint8Array, now: Date): string {
  const safe =
    path
      .basename(name)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^[._]+/, '') || 'upload';
  const dir = path.join(
    folder,
    now
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z'),
  );
  mkdirSync(dir, { recursive: true });
  let file = path.join(dir, safe);
  for (let i = 1; existsSync(file); i++) file = path.join(dir, `${i}-${safe}`);
  writeFileSync(file, bytes, { flag: 'wx' });
  return file;
}
