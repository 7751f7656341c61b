/**
 * The webhook journal: an append-only file beside the warehouse
 * (`<warehouse>.webhooks.jsonl`) where `parley serve` puts each accepted
 * webhook event, one JSON line, and forces it to disk (fdatasync) before it
 * answers the platform. The writer (service/webhooks.ts) applies the
 * journaled events to the warehouse in batches behind the answers; once every
 * line has been applied the file is emptied. At start the lines left in it
 * (the server stopped or crashed before applying them) are applied again:
 * applying is idempotent by event id (webhook_events), so a line applied
 * before the crash changes nothing the second time.
 *
 * Appends that arrive while a write is on its way to disk go to disk together
 * next (group commit): one write and one fdatasync for all of them.
 *
 * A write that fails is cut off again (the file is truncated to its size
 * before), so a torn line never runs into the next one; if even that fails
 * the journal refuses every later append (the server answers 500 and the
 * platform delivers again). A torn last line (a crash in the middle of a
 * write, never answered) is left out when the file is read, and cut off.
 *
 * @example
 *   const { journal, replay } = await openJournal('/data/parley.duckdb.webhooks.jsonl');
 *   await journal.append([event]);             // on disk now
 *   await journal.clearIf(() => everyApplied);  // empties the file if it still holds
 */
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WEBHOOK_PLATFORMS } from '../models/config-webhooks.js';
import type { WebhookEvent } from './webhook-events.js';

/** A journaled event: what the writer applies (the event as read, and the source it lands under). */
export type QueuedEvent = WebhookEvent & { source: string };

export interface Journal {
  readonly file: string;
  /** Writes the events as lines and forces them to disk; resolves when they are there. */
  append(events: readonly QueuedEvent[]): Promise<void>;
  /** Empties the file if `done()` holds once the writes before it are on disk. */
  clearIf(done: () => boolean): Promise<void>;
  /**
   * Writes the journal anew with only `keep()`'s events (asked once the writes before it are on
   * disk): under steady traffic the writer is never idle long enough to empty it.
   */
  compact(keep: () => readonly QueuedEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** The journal of the warehouse at `dbPath`. */
export const journalPath = (dbPath: string) => `${dbPath}.webhooks.jsonl`;

/** The events of a journal's text, in order; a line that is not a whole event (a torn last line) is left out. */
export function readJournal(text: string): { events: QueuedEvent[]; torn: number } {
  const events: QueuedEvent[] = [];
  let torn = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as QueuedEvent;
      if (WEBHOOK_PLATFORMS.includes(e.platform) && typeof e.eventId === 'string' && typeof e.source === 'string' && Array.isArray(e.items)) events.push(e);
      else torn++;
    } catch {
      torn++;
    }
  }
  return { events, torn };
}

/** Opens (or creates) the journal at `file`; `replay`: the events left in it. */
export async function openJournal(file: string): Promise<{ journal: Journal; replay: QueuedEvent[]; torn: number }> {
  const created = !existsSync(file);
  const bytes = created ? Buffer.alloc(0) : await readFile(file);
  const { events: replay, torn } = readJournal(bytes.toString('utf8'));
  let fh: FileHandle = await open(file, 'a', 0o600);
  // a torn last line is cut off, so that the next line does not run on from it
  const whole = bytes.lastIndexOf(0x0a) + 1;
  if (whole < bytes.length) {
    await fh.truncate(whole);
    await fh.datasync();
  }
  // the file's name must survive a crash too, not only its lines
  const syncDir = async () => {
    const dir = await open(path.dirname(file), 'r');
    await dir.sync().finally(() => dir.close());
  };
  if (created) await syncDir();
  let size = (await fh.stat()).size;
  let broken: Error | undefined;
  type Waiting = { text: string; resolve: () => void; reject: (e: unknown) => void };
  let waiting: Waiting[] = [];
  let clears: { done: () => boolean; resolve: () => void }[] = [];
  let compacts: { keep: () => readonly QueuedEvent[]; resolve: () => void }[] = [];
  let running: Promise<void> | undefined;

  async function loop(): Promise<void> {
    await null; // `running` is set before the loop can end
    while (waiting.length || clears.length || compacts.length) {
      const group = waiting;
      waiting = [];
      if (group.length) {
        const text = Buffer.from(group.map((w) => w.text).join(''));
        try {
          if (broken) throw broken;
          await fh.write(text);
          await fh.datasync();
          size += text.length;
          group.forEach((w) => w.resolve());
        } catch (error) {
          try {
            if (!broken) await fh.truncate(size);
          } catch (e) {
            broken = new Error(`the webhook journal ${file} cannot be written: ${(e as Error).message}`);
          }
          group.forEach((w) => w.reject(error));
        }
      }
      const asked = clears;
      clears = [];
      for (const c of asked) {
        // nothing was appended since the asker looked, or it says so now
        if (!broken && size > 0 && c.done()) {
          try {
            await fh.truncate(0);
            await fh.datasync();
            size = 0;
          } catch {
            // left as it is: the lines are applied, replaying them changes nothing
          }
        }
        c.resolve();
      }
      const compacting = compacts;
      compacts = [];
      for (const c of compacting) {
        if (!broken) {
          // the lines still to be applied, in a file of their own that then takes the journal's place
          const text = Buffer.from(
            c
              .keep()
              .map((e) => JSON.stringify(e) + '\n')
              .join(''),
          );
          const fresh = `${file}.compact`;
          try {
            const out = await open(fresh, 'w', 0o600);
            try {
              await out.write(text);
              await out.datasync();
            } finally {
              await out.close();
            }
            await rename(fresh, file);
            await syncDir();
            await fh.close();
            fh = await open(file, 'a', 0o600);
            size = text.length;
          } catch {
            // left as it is: longer, and replaying its applied lines changes nothing
          }
        }
        c.resolve();
      }
    }
    running = undefined;
  }
  const kick = () => void (running ??= loop());

  return {
    replay,
    torn,
    journal: {
      file,
      append(events) {
        return new Promise<void>((resolve, reject) => {
          waiting.push({ text: events.map((e) => JSON.stringify(e) + '\n').join(''), resolve, reject });
          kick();
        });
      },
      clearIf(done) {
        return new Promise<void>((resolve) => {
          clears.push({ done, resolve });
          kick();
        });
      },
      compact(keep) {
        return new Promise<void>((resolve) => {
          compacts.push({ keep, resolve });
          kick();
        });
      },
      async close() {
        await running;
        await fh.close();
      },
    },
  };
}
