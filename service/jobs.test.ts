/**
 * Scheduled work: a folder job loads each new file once (by checksum, so a
 * renamed copy is passed over), a table folder again when it is newer, a job
 * that fails leaves the data as they were and says why in one line, and the
 * scheduler runs jobs when they are due, in the queue that forwarded commands
 * use. The command line is cli/main.ts itself; the clock is the tests'.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { main } from '../cli/main.js';
import { fixture } from '../testing/paths.js';
import { goodConversation } from '../testing/records.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { parseConfig } from '../models/config.js';
import { tables } from '../warehouse/tables.js';
import { runJob, runUpload } from './jobs.js';
import { oneAtATime } from './queue.js';
import { startScheduler } from './scheduler.js';

const NOW = new Date('2026-10-05T09:00:00Z');
const jsonl = (...ids: string[]) => ids.map((id) => JSON.stringify(goodConversation(id))).join('\n') + '\n';

let dir: string;
let inbox: string;
let w: TestWarehouse;
const ctx = () => ({ run: main, base: dir, now: NOW, env: {} });
const conversations = async () => (await w.db.one<{ n: number }>('select count(*) as n from raw_conversations'))!.n;
const log = () => tables(w.db).selectFrom('job_log').selectAll().orderBy('job_id').execute();

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-jobs-'));
  inbox = path.join(dir, 'incoming');
  mkdirSync(inbox);
  w = await testWarehouse();
});
afterEach(() => {
  w.close();
  rmSync(dir, { recursive: true, force: true });
});

const incoming = parseConfig({ jobs: { incoming: { kind: 'load', folder: 'incoming', every: '15m', source: 'acme' } } }).jobs['incoming']!;

describe('a folder job', () => {
  it('loads a new file once, and not again: not as it is, not renamed, not as a second copy', async () => {
    writeFileSync(path.join(inbox, 'a.jsonl'), jsonl('c1', 'c2'));
    const first = await runJob(w.db, 'incoming', incoming, ctx());
    expect(first).toMatchObject({ name: 'incoming', kind: 'load', status: 'ok', files: 1, loaded: 2, refused: 0, detail: 'a.jsonl', error: null });
    expect(await conversations()).toBe(2);

    expect(await runJob(w.db, 'incoming', incoming, ctx())).toMatchObject({ status: 'ok', files: 0, loaded: 0, detail: 'nothing new' });
    renameSync(path.join(inbox, 'a.jsonl'), path.join(inbox, 'a-renamed.jsonl'));
    cpSync(path.join(inbox, 'a-renamed.jsonl'), path.join(inbox, 'copy-of-a.jsonl'));
    expect(await runJob(w.db, 'incoming', incoming, ctx())).toMatchObject({ files: 0, detail: 'nothing new' });

    writeFileSync(path.join(inbox, 'b.jsonl'), jsonl('c3'));
    expect(await runJob(w.db, 'incoming', incoming, ctx())).toMatchObject({ status: 'ok', files: 1, loaded: 1, detail: 'b.jsonl' });
    expect(await conversations()).toBe(3);
    expect((await log()).map((r) => [r.job_id, r.loaded, r.started_at])).toEqual([
      [1, 2, NOW],
      [2, 0, NOW],
      [3, 0, NOW],
      [4, 1, NOW],
    ]);
    const loadLog = await w.db.all<{ source: string }>('select distinct source from load_log');
    expect(loadLog).toEqual([{ source: 'acme' }]);
  });

  it('counts refused records, and leaves a file that is still being written (.part, dot-names) until it is renamed', async () => {
    writeFileSync(path.join(inbox, 'b.jsonl.part'), jsonl('c1'));
    writeFileSync(path.join(inbox, '.c.jsonl'), jsonl('c2'));
    expect(await runJob(w.db, 'incoming', incoming, ctx())).toMatchObject({ files: 0, detail: 'nothing new' });
    writeFileSync(path.join(inbox, 'b.jsonl.part'), jsonl('c1') + '{"id": "broken"}\n');
    renameSync(path.join(inbox, 'b.jsonl.part'), path.join(inbox, 'b.jsonl'));
    expect(await runJob(w.db, 'incoming', incoming, ctx())).toMatchObject({ status: 'ok', files: 1, loaded: 1, refused: 1, detail: 'b.jsonl' });
  });

  it('fails without changing the data when one file cannot be loaded, says why in one line, and tries again next time', async () => {
    writeFileSync(path.join(inbox, 'a.jsonl'), jsonl('c1'));
    writeFileSync(path.join(inbox, 'notes.txt'), 'not an export\n');
    const failed = await runJob(w.db, 'incoming', incoming, ctx());
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^parley ingest: cannot tell the format of .*notes\.txt from its name or contents: pass --format/);
    expect(failed.error).not.toContain('\n');
    expect(await conversations()).toBe(0);
    expect(await w.db.all('select * from load_log')).toEqual([]);
    expect((await log()).map((r) => [r.status, r.error])).toEqual([['failed', failed.error]]);

    rmSync(path.join(inbox, 'notes.txt'));
    expect(await runJob(w.db, 'incoming', incoming, ctx())).toMatchObject({ status: 'ok', loaded: 1, detail: 'a.jsonl' });
  });

  it('a truncated .gz beside a good file fails the job: nothing of either lands, and both are tried again next time', async () => {
    writeFileSync(path.join(inbox, 'a.jsonl'), jsonl('c1'));
    const whole = gzipSync(jsonl(...Array.from({ length: 93 }, (_, i) => `t${i}`)));
    writeFileSync(path.join(inbox, 'b.jsonl.gz'), whole.subarray(0, whole.length - 20));
    const failed = await runJob(w.db, 'incoming', incoming, ctx());
    expect(failed).toMatchObject({ status: 'failed', loaded: 0 });
    expect(failed.error).toMatch(/^parley ingest: .*b\.jsonl\.gz ends abruptly .*Nothing was loaded: a load lands whole or not at all$/);
    expect(await conversations()).toBe(0);
    expect(await w.db.all('select * from loaded_files')).toEqual([]);

    writeFileSync(path.join(inbox, 'b.jsonl.gz'), whole);
    expect(await runJob(w.db, 'incoming', incoming, ctx())).toMatchObject({ status: 'ok', files: 2, loaded: 94 });
  });

  it('fails with a clear line when its folder is missing', async () => {
    rmSync(inbox, { recursive: true });
    const r = await runJob(w.db, 'incoming', incoming, ctx());
    expect(r).toMatchObject({ status: 'failed', error: `the folder ${inbox} does not exist: create it, or fix the job's folder in parley.config.yaml` });
  });

  it('loads a Fivetran table folder again when one of its files is newer (its sync time)', async () => {
    const zendesk = path.join(inbox, 'zendesk');
    cpSync(fixture('zendesk-tables'), zendesk, { recursive: true });
    const synced = (t: string) => {
      for (const f of readdirSync(zendesk)) utimesSync(path.join(zendesk, f), new Date(t), new Date(t));
    };
    synced('2026-10-01T00:00:00Z');
    const first = await runJob(w.db, 'incoming', { ...incoming, source: undefined }, ctx());
    expect(first).toMatchObject({ status: 'ok', files: 1, detail: 'zendesk' });
    expect(first.loaded).toBeGreaterThan(0);
    expect(await runJob(w.db, 'incoming', incoming, ctx())).toMatchObject({ detail: 'nothing new' });
    synced('2026-10-02T00:00:00Z');
    expect(await runJob(w.db, 'incoming', { ...incoming, source: undefined }, ctx())).toMatchObject({ status: 'ok', files: 1, loaded: first.loaded, detail: 'zendesk' });
  });

  it('rebuilds after a load that loaded something when build: true', async () => {
    writeFileSync(path.join(inbox, 'a.jsonl'), jsonl('c1'));
    const r = await runJob(w.db, 'incoming', { ...incoming, build: true }, ctx());
    expect(r).toMatchObject({ status: 'ok', loaded: 1, detail: 'a.jsonl; rebuilt' });
    expect(await w.db.one('select count(*) as n from conversation_metrics')).toEqual({ n: 1 });
  });
});

describe('an upload', () => {
  it('loads the uploaded file as job "upload", and the same file uploaded again is passed over', async () => {
    const file = path.join(inbox, 'export.jsonl');
    writeFileSync(file, jsonl('c1', 'c2'));
    expect(await runUpload(w.db, [file], { build: false }, ctx())).toMatchObject({ name: 'upload', kind: 'load', status: 'ok', loaded: 2, detail: 'export.jsonl' });
    const again = path.join(inbox, 'export-1.jsonl');
    cpSync(file, again);
    expect(await runUpload(w.db, [again], { build: false }, ctx())).toMatchObject({ status: 'ok', loaded: 0, detail: 'already loaded: export-1.jsonl' });
  });
});

describe('the scheduler', () => {
  it('runs a job when it is due, once per slot, in the queue shared with forwarded commands', async () => {
    const config = parseConfig({ jobs: { incoming: { kind: 'load', folder: 'incoming', every: '15m' }, nightly: { kind: 'build', at: '02:00' } } });
    let clock = new Date('2026-10-05T09:07:00Z');
    const queue = oneAtATime();
    const s = startScheduler(w.db, config.jobs, { queue, ctx: { run: main, base: dir, env: {} }, now: () => clock, timer: false });
    expect(s.jobs().map((j) => [j.name, j.schedule, j.next.toISOString()])).toEqual([
      ['incoming', 'every 15m', '2026-10-05T09:15:00.000Z'],
      ['nightly', 'daily at 02:00 UTC', '2026-10-06T02:00:00.000Z'],
    ]);
    writeFileSync(path.join(inbox, 'a.jsonl'), jsonl('c1'));
    expect(await s.tick(new Date('2026-10-05T09:14:59Z'))).toEqual([]);

    // a forwarded command holds the queue: the due job waits for it
    let release!: () => void;
    const command = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    clock = new Date('2026-10-05T09:15:00Z');
    const due = s.tick(clock);
    expect(s.jobs()[0]).toMatchObject({ busy: true, next: new Date('2026-10-05T09:30:00Z') });
    // due again while it waits: not queued twice
    expect(await s.tick(new Date('2026-10-05T09:31:00Z'))).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    expect(await conversations()).toBe(0);
    release();
    await command;
    expect((await due).map((r) => [r.name, r.status, r.loaded, r.started_at.toISOString()])).toEqual([['incoming', 'ok', 1, '2026-10-05T09:15:00.000Z']]);
    expect(s.jobs()[0]!.busy).toBe(false);
    s.close();
  });

  it('starts a job by name, and names the jobs there are for a name it does not know', async () => {
    const config = parseConfig({ jobs: { nightly: { kind: 'build', at: '02:00' } } });
    const s = startScheduler(w.db, config.jobs, { queue: oneAtATime(), ctx: { run: main, base: dir, env: {} }, now: () => NOW, timer: false });
    expect(await s.run('nightly')).toMatchObject({ status: 'ok', kind: 'build' });
    await expect(s.run('nightley')).rejects.toThrow('no job "nightley" in the configuration: the jobs are nightly');
    s.close();
  });
});
