import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture, sharedData } from '../../testing/paths.js';
import { testWarehouse, type TestWarehouse } from '../../testing/warehouse.js';
import { twcsAdapter } from './twcs.js';
import { AdapterError } from './types.js';
import { loadFiles } from '../load.js';
import { TEST_NOW } from '../../testing/clock.js';
import { buildWarehouse } from '../../models/incremental.js';
import { parseConfig } from '../../models/config.js';

/** An independent reading of the CSV: records end at \n or \r\n outside quotes; a bare \r is text. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const file = sharedData('twcs/twcs_head5000.csv');
const [, ...records] = parseCsv(readFileSync(file, 'utf8'));
const tweets = records.map((r) => ({
  id: r[1]!,
  author: r[2]!,
  inbound: r[3] === 'True',
  at: Date.parse(r[4]!.replace(/^\w+ (\w+) (\d+) ([\d:]+) \+0000 (\d+)$/, '$1 $2 $4 $3 UTC')),
  text: r[5]!,
  parent: r[7] ? String(Number(r[7])) : '',
}));

describe('twcs adapter on the real Twitter support export', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({ adapter: twcsAdapter, files: [file], build: true });
  });
  afterAll(() => w.close());

  it('loads all 5,000 tweets as messages, none quarantined (tweet 3399 keeps its bare carriage returns)', async () => {
    expect(tweets).toHaveLength(5000);
    expect(w.load.quarantined).toBe(0);
    expect((await w.db.one<{ n: number }>('select count(*) as n from raw_messages'))!.n).toBe(5000);
    const t3399 = await w.db.one<{ body: string }>("select body from raw_messages where message_id = '3399'");
    expect(t3399!.body).toBe(tweets.find((t) => t.id === '3399')!.text);
    expect(t3399!.body).toContain('\r\r');
  });

  it('makes every reply tree one conversation, named by its root tweet', async () => {
    const byId = new Map(tweets.map((t) => [t.id, t]));
    const rootOf = (id: string): string => {
      const t = byId.get(id)!;
      return t.parent && byId.has(t.parent) ? rootOf(t.parent) : id;
    };
    const rows = await w.db.all<{ message_id: string; conversation_id: string }>('select message_id, conversation_id from raw_messages');
    const got = new Map(rows.map((r) => [r.message_id, r.conversation_id]));
    for (const t of tweets) expect(got.get(t.id), `tweet ${t.id}`).toBe(rootOf(t.id));
    expect(new Set(tweets.map((t) => rootOf(t.id))).size).toBe(w.load.loaded);
    const channels = await w.db.all('select distinct channel from raw_conversations');
    expect(channels).toEqual([{ channel: 'social' }]);
  });

  it('first response times equal the gap between the first customer tweet and the brand reply after it', async () => {
    const threads = new Map<string, typeof tweets>();
    const byId = new Map(tweets.map((t) => [t.id, t]));
    const rootOf = (id: string): string => {
      const t = byId.get(id)!;
      return t.parent && byId.has(t.parent) ? rootOf(t.parent) : id;
    };
    for (const t of tweets) threads.set(rootOf(t.id), [...(threads.get(rootOf(t.id)) ?? []), t]);
    const metrics = await w.db.all<{ conversation_id: string; first_response_s: number | null }>('select conversation_id, first_response_s from conversation_metrics');
    expect(metrics).toHaveLength(threads.size);
    let answered = 0;
    for (const m of metrics) {
      const thread = [...threads.get(m.conversation_id)!].sort((a, b) => a.at - b.at || Number(a.id) - Number(b.id));
      const first = thread.findIndex((t) => t.inbound);
      const reply = first < 0 ? undefined : thread.slice(first + 1).find((t) => !t.inbound);
      const expected = reply ? (reply.at - thread[first]!.at) / 1000 : null;
      if (expected !== null) answered++;
      expect(m.first_response_s, `conversation ${m.conversation_id}`).toBe(expected);
    }
    expect(answered).toBeGreaterThan(1000);
  });
});

describe('twcs adapter on bad input', () => {
  it('refuses a file with a renamed column in one line naming the file, the column and what it found', async () => {
    const error = await testWarehouse({ adapter: twcsAdapter, files: [fixture('twcs-renamed-column.csv')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as Error).message).toMatch(/^twcs-renamed-column\.csv \(Twitter support export\) has no column created_at; found: .*tweet_id, author_id, inbound, timestamp/);
  });

  it('quarantines a wrong date, a bad encoding, a short row, a duplicate and a reply cycle, loading the rest', async () => {
    const w = await testWarehouse({ adapter: twcsAdapter, files: [fixture('twcs-bad.csv')] });
    const q = await w.quarantine();
    const reasons = q.map((r) => r.reason);
    expect(reasons).toEqual([
      expect.stringMatching(/^twcs-bad\.csv line 4 \(tweet 13\): created_at "2017-10-31 22:10" is not a Twitter date such as "Tue Oct 31 22:10:47 \+0000 2017"/),
      expect.stringMatching(/^twcs-bad\.csv line 5: the row is not valid UTF-8 text: re-export the file as UTF-8/),
      expect.stringMatching(/^twcs-bad\.csv line 6: the row has fewer fields than the header/),
      expect.stringMatching(/^twcs-bad\.csv line 7: tweet_id 11 appears a second time: remove the duplicate row/),
      expect.stringMatching(/^twcs-bad\.csv line 8 \(tweet 20\): in_response_to_tweet_id leads round a cycle/),
      expect.stringMatching(/^twcs-bad\.csv line 9 \(tweet 21\): in_response_to_tweet_id leads round a cycle/),
    ]);
    expect(q.map((r) => r.line)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(q[0]!.raw).toContain('2017-10-31 22:10');
    // the good thread (11 ← 12) loads whole
    expect(w.load).toMatchObject({ read: 7, loaded: 1, quarantined: 6 });
    const c = await w.conversation('11');
    expect(c.messages.map((m) => [m['message_id'], m['author_role']])).toEqual([
      ['11', 'customer'],
      ['12', 'agent'],
    ]);
    w.close();
  });
});

describe('twcs threads across files and loads', () => {
  const header = ',tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id';
  // thread 1 ← 2 ← 3 ← 4 (customer c1 and acme), thread 5 ← 6 (c2), thread 7 ← 8 (c3)
  const row: Record<string, string> = {
    '1': '0,1,c1,True,Tue Oct 31 10:00:00 +0000 2017,@acme my parcel,2,',
    '2': '1,2,acme,False,Tue Oct 31 10:01:00 +0000 2017,@c1 which order?,3,1.0',
    '3': '2,3,c1,True,Tue Oct 31 10:02:00 +0000 2017,@acme order 42,4,2.0',
    '4': '3,4,acme,False,Tue Oct 31 10:03:00 +0000 2017,@c1 on its way,,3.0',
    '5': '4,5,c2,True,Tue Oct 31 11:00:00 +0000 2017,@acme refund?,6,',
    '6': '5,6,acme,False,Tue Oct 31 11:05:00 +0000 2017,@c2 done,,5.0',
    '7': '6,7,c3,True,Tue Oct 31 12:00:00 +0000 2017,@acme hi,8,',
    '8': '7,8,acme,False,Tue Oct 31 12:01:00 +0000 2017,@c3 hello,,7.0',
  };
  let dir: string;
  const write = (name: string, lines: string[]) => {
    const f = path.join(dir, name);
    writeFileSync(f, [header, ...lines].join('\n') + '\n');
    return f;
  };
  const threads = async (db: TestWarehouse['db']) =>
    (
      await db.all<{ conversation_id: string; tweets: string }>(
        `select conversation_id, string_agg(message_id, ' ' order by message_id) as tweets from raw_messages group by 1 order by 1`,
      )
    ).map((r) => `${r.conversation_id}: ${r.tweets}`);
  const loadMore = async (w: TestWarehouse, files: string[]) => {
    const prepared = await twcsAdapter.prepare(w.db, files, {});
    try {
      return await loadFiles(w.db, prepared.inputs, { now: TEST_NOW });
    } finally {
      await prepared.cleanup();
    }
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-twcs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two overlapping files loaded one after the other give the threads of the whole export, each tweet once', async () => {
    const a = write(
      'a.csv',
      ['1', '2', '3', '5'].map((id) => row[id]!),
    );
    const b = write(
      'b.csv',
      ['3', '4', '6'].map((id) => row[id]!),
    );
    const w = await testWarehouse({ adapter: twcsAdapter, files: [a] });
    expect(await threads(w.db)).toEqual(['1: 1 2 3', '5: 5']);
    const second = await loadMore(w, [b]);
    // b's three tweets reach threads 1 and 5: both built again from every tweet known for them
    expect(await threads(w.db)).toEqual(['1: 1 2 3 4', '5: 5 6']);
    expect(second).toMatchObject({ read: 2, loaded: 2, quarantined: 0, replaced: 2, removed: 0 });
    w.close();
  });

  it('two overlapping files in one load give the same threads', async () => {
    const a = write(
      'a.csv',
      ['1', '2', '3', '5'].map((id) => row[id]!),
    );
    const b = write(
      'b.csv',
      ['3', '4', '6'].map((id) => row[id]!),
    );
    const w = await testWarehouse({ adapter: twcsAdapter, files: [a, b] });
    expect(await threads(w.db)).toEqual(['1: 1 2 3 4', '5: 5 6']);
    // each thread is loaded once, with the last file that holds a tweet of it
    expect(w.load.perFile.map((f) => [f.read, f.loaded, f.problem])).toEqual([
      [0, 0, 'a.csv: its tweets are all in threads loaded with a later file of this load (counted there)'],
      [2, 2, null],
    ]);
    w.close();
  });

  it('a thread split by a refused tweet is joined when the fixed export loads, and the fragment goes (also from the marts)', async () => {
    const broken = write('broken.csv', [row['1']!, row['2']!.replace('Tue Oct 31 10:01:00 +0000 2017', '2017-10-31 10:01'), row['3']!, row['4']!, row['5']!, row['6']!]);
    const w = await testWarehouse({ adapter: twcsAdapter, files: [broken] });
    await buildWarehouse(w.db, parseConfig({}), { now: TEST_NOW });
    expect(await threads(w.db)).toEqual(['1: 1', '3: 3 4', '5: 5 6']);
    // the fixed export, with one new thread: as many conversations as before, so only a check for removed keys sees the fragment go
    const fixed = write(
      'fixed.csv',
      ['1', '2', '3', '4', '7', '8'].map((id) => row[id]!),
    );
    const second = await loadMore(w, [fixed]);
    expect(await threads(w.db)).toEqual(['1: 1 2 3 4', '5: 5 6', '7: 7 8']);
    expect(second).toMatchObject({ loaded: 2, replaced: 1, removed: 1 });
    const built = await buildWarehouse(w.db, parseConfig({}), { now: TEST_NOW });
    expect(built).toMatchObject({ kind: 'full', reason: 'conversations were removed since the last build' });
    const marts = await w.db.all<{ conversation_id: string }>('select conversation_id from conversation_metrics order by 1');
    expect(marts.map((m) => m.conversation_id)).toEqual(['1', '5', '7']);
    w.close();
  });
});
