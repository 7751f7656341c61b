import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalPath, openJournal, readJournal, type QueuedEvent } from './webhook-journal.js';

const event = (id: string): QueuedEvent => ({ platform: 'zendesk', source: 'zendesk', eventId: id, conversationId: '42', items: [] });
const line = (id: string) => JSON.stringify(event(id)) + '\n';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const file = () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-journal-'));
  return journalPath(path.join(dir, 'parley.duckdb'));
};

describe('the webhook journal', () => {
  it('is named after the warehouse', () => {
    expect(journalPath('/data/parley.duckdb')).toBe('/data/parley.duckdb.webhooks.jsonl');
  });

  it('reads whole events and leaves out a torn last line and a line that is not an event', () => {
    const text = line('a') + JSON.stringify({ platform: 'zendesk', eventId: 'no-source', items: [] }) + '\n' + line('b') + line('c').slice(0, 30);
    const { events, torn } = readJournal(text);
    expect(events.map((e) => e.eventId)).toEqual(['a', 'b']);
    expect(torn).toBe(2);
  });

  it('appends lines in order, given the events that arrive together; empties only when asked and it still holds', async () => {
    const f = file();
    const { journal, replay } = await openJournal(f);
    expect(replay).toEqual([]);
    await Promise.all([journal.append([event('a')]), journal.append([event('b'), event('c')])]);
    expect(readFileSync(f, 'utf8')).toBe(line('a') + line('b') + line('c'));
    await journal.clearIf(() => false);
    expect(readFileSync(f, 'utf8')).toBe(line('a') + line('b') + line('c'));
    await journal.clearIf(() => true);
    expect(readFileSync(f, 'utf8')).toBe('');
    // the next line starts the file again
    await journal.append([event('d')]);
    expect(readFileSync(f, 'utf8')).toBe(line('d'));
    await journal.close();
  });

  it('hands back the lines left in it at start, and appends after them', async () => {
    const f = file();
    writeFileSync(f, line('a') + line('b'));
    const { journal, replay, torn } = await openJournal(f);
    expect(replay.map((e) => e.eventId)).toEqual(['a', 'b']);
    expect(torn).toBe(0);
    await journal.append([event('c')]);
    expect(readFileSync(f, 'utf8')).toBe(line('a') + line('b') + line('c'));
    await journal.close();
  });

  it('cuts off a torn last line at start, so the next line does not run on from it', async () => {
    const f = file();
    writeFileSync(f, line('a') + line('b').slice(0, 30));
    const first = await openJournal(f);
    expect(first.replay.map((e) => e.eventId)).toEqual(['a']);
    expect(first.torn).toBe(1);
    await first.journal.append([event('c')]);
    await first.journal.close();
    expect(readFileSync(f, 'utf8')).toBe(line('a') + line('c'));
    const second = await openJournal(f);
    expect(second.replay.map((e) => e.eventId)).toEqual(['a', 'c']);
    await second.journal.close();
  });

  it('is written anew with only the events still to apply, and appends after them', async () => {
    const f = file();
    const { journal } = await openJournal(f);
    await journal.append([event('a'), event('b'), event('c')]);
    await journal.compact(() => [event('c')]);
    expect(readFileSync(f, 'utf8')).toBe(line('c'));
    await journal.append([event('d')]);
    expect(readFileSync(f, 'utf8')).toBe(line('c') + line('d'));
    await journal.close();
    expect(existsSync(`${f}.compact`)).toBe(false);
  });
});
