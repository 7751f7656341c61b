import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { goodConversation } from '../testing/records.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { repairInterruptedLoads } from './repair.js';

let w: TestWarehouse;
beforeEach(async () => {
  // load 1: conversations k1 and k2, 2 messages and 1 event each
  w = await testWarehouse({ records: [goodConversation('k1'), goodConversation('k2')] });
});
afterEach(() => w.close());

const counts = () =>
  w.db.one(
    `select (select count(*) from raw_conversations) as conversations, (select count(*) from raw_messages) as messages,
       (select count(*) from raw_events) as events, (select count(*) from quarantine) as quarantined, (select count(*) from load_log) as loads`,
  );

/** Copies of k1's rows under `id`, as load `loadId` would have written them (the conversation row only when `withConversation`). */
async function strayLoad(id: string, loadId: number, withConversation: boolean) {
  if (withConversation) {
    await w.db.run(`insert into raw_conversations select * replace ($1 as conversation_id, $2::integer as load_id) from raw_conversations where conversation_id = 'k1'`, [
      id,
      loadId,
    ]);
  }
  await w.db.run(`insert into raw_messages select * replace ($1 as conversation_id) from raw_messages where conversation_id = 'k1'`, [id]);
  await w.db.run(`insert into raw_events select * replace ($1 as conversation_id) from raw_events where conversation_id = 'k1'`, [id]);
}

describe('repair on open', () => {
  it('a healthy warehouse: nothing to say, nothing changed', async () => {
    expect(await repairInterruptedLoads(w.db, true)).toBeUndefined();
    expect(await counts()).toEqual({ conversations: 2, messages: 4, events: 2, quarantined: 0, loads: 1 });
  });

  it('removes the rows of a load with no load-log row, and messages without their conversation, and says so once', async () => {
    // issue 20's state: load 2 left conversation x1 (with its messages and event) and a quarantined record, but no load-log row;
    // and the messages and event of conversation x2, whose conversation row never landed
    await strayLoad('x1', 2, true);
    await strayLoad('x2', 2, false);
    await w.db.run("insert into quarantine values (2, 'b.jsonl', 7, 'not valid JSON', '{', '2026-10-05T00:00:00Z')");
    expect(await counts()).toEqual({ conversations: 3, messages: 8, events: 4, quarantined: 1, loads: 1 });

    expect(await repairInterruptedLoads(w.db, true)).toBe(
      'the warehouse held rows of load 2, which never finished (no load-log row: the process was killed during its commit, say); ' +
        'removed 1 conversations, 1 quarantined records, 4 messages, 2 events. Load those files again, then run parley build',
    );
    // load 1 as it was
    expect(await counts()).toEqual({ conversations: 2, messages: 4, events: 2, quarantined: 0, loads: 1 });
    expect(await repairInterruptedLoads(w.db, true)).toBeUndefined();
  });

  it("messages whose conversation never landed, with no load's rows to name: removed all the same", async () => {
    await strayLoad('x2', 2, false);
    expect(await repairInterruptedLoads(w.db, true)).toBe(
      'the warehouse held messages of conversations that never landed (an interrupted load: the process was killed during its commit, say); ' +
        'removed 2 messages, 1 events. Load those files again, then run parley build',
    );
    expect(await counts()).toEqual({ conversations: 2, messages: 4, events: 2, quarantined: 0, loads: 1 });
  });
});
