import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixture, sharedData } from '../../testing/paths.js';
import { testWarehouse, type TestWarehouse } from '../../testing/warehouse.js';
import { twcsAdapter } from './twcs.js';
import { AdapterError } from './types.js';

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
