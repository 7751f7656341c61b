/**
 * `parley erase` (issue 20, item 8): the customer's conversations, messages,
 * reviews, quarantined text and mart rows are gone, from the tables and from
 * the bytes of the warehouse file, other customers stay, and the audit entry
 * holds no personal data. Alone and while `parley serve` holds the file.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../../testing/cli.js';
import { agent, assign, conversation, customer, horizon, on, status } from '../../testing/fixtures.js';
import { startServeChild } from '../../testing/serve.js';
import { testWarehouse } from '../../testing/warehouse.js';
import { registerRubric } from '../../scorecards/rubric-store.js';
import { defaultRubric } from '../../scorecards/rubrics.js';
import { saveReview } from '../../scorecards/reviews.js';
import { addCoaching } from '../../scorecards/coaching.js';
import { gradesFor } from '../../testing/scorecards.js';
import { TEST_NOW } from '../../testing/clock.js';
import { openWarehouse } from '../../warehouse/connection.js';

const ADA = 'ada.lovelace@example.com';
const GRACE = 'grace.hopper@example.com';
const at = on('2026-10-06');

/** Ada: two conversations (one quoting her name and e-mail), a refused record of hers; Grace: one conversation. */
const records = [
  conversation(
    'c-ada-1',
    [
      customer(at('09:00'), `Hello, this is Ada Lovelace, write to me at ${ADA}`, { author: { role: 'customer', id: ADA, name: 'Ada Lovelace' } }),
      assign(at('09:01'), { agent_id: 'a1', team: 'billing' }),
      agent(at('09:05'), 'a1', { body: 'Dear Ada Lovelace, the refund is on its way.' }),
      status(at('09:10'), 'resolved'),
    ],
    { customer: ADA },
  ),
  conversation('c-ada-2', [customer(at('11:00'), 'Analytical engine broken again'), agent(at('11:04'), 'a1')], { customer: ADA }),
  conversation('c-grace', [customer(at('10:00'), 'Grace Hopper here: found a moth in the relay'), agent(at('10:03'), 'a1'), status(at('10:09'), 'resolved')], { customer: GRACE }),
  // refused by the loader (no channel): its raw text, with Ada's e-mail, goes to the quarantine
  { id: 'c-ada-bad', created_at: at('12:00'), customer: { id: ADA }, messages: [{ id: 'm1', at: at('12:00'), author: { role: 'customer' }, body: 'Ada again' }] },
  horizon('2026-12-31T00:00:00Z'),
];

let dir: string;

async function fixtureWarehouse(file: string): Promise<void> {
  const w = await testWarehouse({ path: file, records, agents: [{ id: 'a1', name: 'Ann', team: 'billing' }], now: new Date('2027-01-15T00:00:00Z'), build: true });
  await registerRubric(w.db, defaultRubric(), TEST_NOW);
  await saveReview(
    w.db,
    { source: 'canonical', conversation_id: 'c-ada-1', reviewer_id: 'rev1', rubric_id: 'messaging_default', grades: gradesFor(), comment: 'Ada Lovelace was kept waiting' },
    TEST_NOW,
  );
  await saveReview(w.db, { source: 'canonical', conversation_id: 'c-grace', reviewer_id: 'rev1', rubric_id: 'messaging_default', grades: gradesFor(), comment: 'fine' }, TEST_NOW);
  // a note about the agent that names the customer, by e-mail and by name
  await addCoaching(w.db, { agent_id: 'a1', author_id: 'sup', body: `Call ${ADA} back; Ada Lovelace waited an hour` }, TEST_NOW);
  w.close();
}

/** The bytes of the warehouse file (and of its WAL, when there is one). */
function bytes(file: string): Buffer {
  return Buffer.concat([readFileSync(file), existsSync(`${file}.wal`) ? readFileSync(`${file}.wal`) : Buffer.alloc(0)]);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-erase-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley erase --customer', () => {
  it('removes the customer from every table and from the bytes of the file; other customers stay', async () => {
    const file = path.join(dir, 'alone.duckdb');
    await fixtureWarehouse(file);
    // before: the e-mail and the name are in the file as they are
    expect(bytes(file).includes(ADA)).toBe(true);
    expect((await parley('sql', 'select count(*) as n from quarantine', '--format', 'json', '--db', file)).out).toContain('"n": 1');

    const r = await parley('erase', '--customer', ADA, '--by', 'dpo', '--db', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // c-ada-1 (customer + agent: 2 messages) and c-ada-2 (2): 4 messages; 1 review; 1 quarantined record
    expect(r.out).toMatch(
      /^erased 2 conversations, 4 messages, 1 reviews and 1 quarantined records \(\d+ rows in \d+ tables\); 1 notes about other conversations named them and now say \[erased\]; marts rebuilt; the warehouse file was rewritten without them\n$/,
    );

    const content = bytes(file);
    expect(content.includes(ADA)).toBe(false);
    expect(content.includes('Ada Lovelace')).toBe(false);
    expect(content.includes('Analytical engine')).toBe(false);
    expect(content.includes('c-ada-1')).toBe(false);

    const q = async (sql: string) => JSON.parse((await parley('sql', sql, '--format', 'json', '--db', file)).out) as Record<string, unknown>[];
    expect(await q('select conversation_id from raw_conversations order by 1')).toEqual([{ conversation_id: 'c-grace' }, { conversation_id: 'horizon' }]);
    expect(await q('select conversation_id from conversation_metrics order by 1')).toEqual([{ conversation_id: 'c-grace' }, { conversation_id: 'horizon' }]);
    expect(await q('select conversation_id, comment from qa_reviews')).toEqual([{ conversation_id: 'c-grace', comment: 'fine' }]);
    expect(await q('select count(*) as n from qa_review_criteria where review_id not in (select review_id from qa_reviews)')).toEqual([{ n: 0 }]);
    expect(await q('select count(*) as n from quarantine')).toEqual([{ n: 0 }]);
    expect(await q('select body from qa_coaching')).toEqual([{ body: 'Call [erased] back; [erased] waited an hour' }]);
    expect(await q("select count(*) as n from raw_messages where conversation_id = 'c-grace'")).toEqual([{ n: 2 }]);
    // the monthly figures count what is left: Grace's conversation (the horizon's is in December)
    expect(await q("select conversations as n from metric_summary where grouping = 'month' and month = '2026-10'")).toEqual([{ n: 1 }]);

    // the audit entry: the id's SHA-256, the counts, when and who; not the id
    const log = await q('select * from erasure_log');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      subject_sha256: createHash('sha256').update(ADA).digest('hex'),
      source: null,
      conversations: 2,
      messages: 4,
      quarantined: 1,
      reviews: 1,
      erased_by: 'dpo',
      erased_at: TEST_NOW.toISOString(),
    });
    expect(JSON.stringify(log)).not.toContain('ada');
  });

  it('--source erases only that source; an unknown customer erases nothing and says so', async () => {
    const file = path.join(dir, 'sources.duckdb');
    await fixtureWarehouse(file);
    const other = await parley('erase', '--customer', ADA, '--source', 'zendesk', '--by', 'dpo', '--db', file);
    expect(other.out).toBe('no data of that customer in source zendesk: nothing to erase (the request is logged in erasure_log)\n');
    const none = await parley('erase', '--customer', 'nobody@example.com', '--by', 'dpo', '--db', file);
    expect(none.code).toBe(0);
    expect(none.out).toBe('no data of that customer: nothing to erase (the request is logged in erasure_log)\n');
    expect(bytes(file).includes(ADA)).toBe(true);
    const usage = await parley('erase', '--db', file);
    expect(usage.code).toBe(2);
    expect(usage.err).toBe("parley erase: name the customer: --customer ID; run 'parley erase --help'\n");
  });

  it('works while parley serve holds the warehouse: the server erases and rewrites, and goes on serving', async () => {
    const file = path.join(dir, 'served.duckdb');
    await fixtureWarehouse(file);
    const server = await startServeChild(file);
    try {
      const r = await parley('erase', '--customer', ADA, '--by', 'dpo', '--db', file);
      expect(r.err).toBe('');
      expect(r.out).toMatch(/^erased 2 conversations, 4 messages, 1 reviews and 1 quarantined records/);
      // the server answers on the new file
      const after = await parley('sql', 'select count(*) as n from raw_conversations', '--format', 'json', '--db', file);
      expect(JSON.parse(after.out)).toEqual([{ n: 2 }]);
    } finally {
      await stop(server);
    }
    expect(bytes(file).includes(ADA)).toBe(false);
    expect(bytes(file).includes('Ada Lovelace')).toBe(false);
    const db = await openWarehouse(file);
    expect(await db.all('select conversation_id from raw_conversations order by 1')).toEqual([{ conversation_id: 'c-grace' }, { conversation_id: 'horizon' }]);
    db.close();
  });
});

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
