/**
 * The intermediates' conversation key (models/build.ts defineConversationKey):
 * the strings' hash while no two conversations share one, else a number
 * looked up by the strings; either way the marts come out the same.
 */
import { TEST_NOW } from '../testing/clock.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate.js';
import type { Warehouse } from '../warehouse/connection.js';
import { loadRecords, martRows, testWarehouse } from '../testing/warehouse.js';
import { agent, conversation, customer, on, status, SLA_TEST_CONFIG } from '../testing/fixtures.js';
import { buildModels, defineConversationKey } from './build.js';
import { parseConfig } from './config.js';
import { buildWarehouse } from './incremental.js';

/** A hash that every other conversation shares: the build must not key by it. */
const shared = (source: string, id: string) => `(hash(${source}, ${id}) % 2)`;

const config = parseConfig(SLA_TEST_CONFIG);

let dir: string;
let records: object[];
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-conversation-key-'));
  await generateDemo({ conversations: 600, seed: 5, end: new Date('2026-11-01T00:00:00Z'), months: 2, outDir: dir });
  records = readFileSync(path.join(dir, 'conversations.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as object);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every mart (testing/warehouse.ts martRows). */
const marts = (db: Warehouse) => martRows(db);

describe('defineConversationKey', () => {
  it('keys by the hash when no two conversations share one; a conversation loaded twice is no reason not to', async () => {
    const w = await testWarehouse({
      records: [conversation('a', [customer(on('2026-10-06')('09:00'))]), conversation('b', [customer(on('2026-10-06')('09:00'))])],
    });
    try {
      expect(await defineConversationKey(w.db)).toBe('hash');
      expect(await w.db.one('select count(distinct conversation_key(source, conversation_id)) as keys from raw_conversations')).toEqual({ keys: 2 });
      expect(await w.db.one('select bool_and(conversation_key(source, conversation_id) = hash(source, conversation_id)) as hashed from raw_conversations')).toEqual({
        hashed: true,
      });
      await w.db.run('insert into raw_conversations select * from raw_conversations limit 1');
      expect(await defineConversationKey(w.db)).toBe('hash');
    } finally {
      w.close();
    }
  });

  it('numbers the conversations when two share the hash: one key each, and their messages carry it', async () => {
    const w = await testWarehouse({
      records: ['a', 'b', 'c', 'd', 'e'].map((id) =>
        conversation(id, [customer(on('2026-10-06')('09:00')), agent(on('2026-10-06')('09:05')), status(on('2026-10-06')('10:00'), 'resolved')]),
      ),
    });
    try {
      expect(await defineConversationKey(w.db, shared)).toBe('numbered');
      expect(await w.db.one('select count(distinct conversation_key(source, conversation_id)) as keys from raw_conversations')).toEqual({ keys: 5 });
      expect(
        await w.db.one(
          `select count(*) as wrong from raw_messages m join (select source, conversation_id, conversation_key(source, conversation_id) as k from raw_conversations) c
           using (source, conversation_id) where conversation_key(m.source, m.conversation_id) is distinct from c.k`,
        ),
      ).toEqual({ wrong: 0 });
    } finally {
      w.close();
    }
  });
});

describe('the marts do not depend on the key', () => {
  it('a full build keyed by numbers equals one keyed by the hash; so does an incremental one', { timeout: 120_000 }, async () => {
    const hashed = await testWarehouse({});
    const numbered = await testWarehouse({});
    try {
      for (const w of [hashed, numbered]) await loadRecords(w.db, records.slice(0, 580));
      await buildModels(hashed.db, config, { now: TEST_NOW });
      await buildModels(numbered.db, config, { now: TEST_NOW, conversationKeyHash: shared });
      expect(await marts(numbered.db)).toEqual(await marts(hashed.db));

      for (const w of [hashed, numbered]) await loadRecords(w.db, records.slice(580));
      expect((await buildWarehouse(numbered.db, config, { now: TEST_NOW, conversationKeyHash: shared })).kind).toBe('incremental');
      await buildModels(hashed.db, config, { now: TEST_NOW });
      expect(await marts(numbered.db)).toEqual(await marts(hashed.db));
    } finally {
      hashed.close();
      numbered.close();
    }
  });
});
