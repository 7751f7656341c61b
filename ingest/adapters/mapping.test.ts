import { describe, expect, it } from 'vitest';
import { fixture, repoRoot } from '../../testing/paths.js';
import { testWarehouse } from '../../testing/warehouse.js';
import { mappingAdapter } from './mapping.js';
import { readMapping } from './mapping-schema.js';
import { AdapterError } from './types.js';
import path from 'node:path';

const example = (f: string) => path.join(repoRoot, 'ingest/adapters/examples', f);

describe('mapping adapter', () => {
  it('loads the worked Freshdesk example: roles, private notes, statuses, assignments and channels from value maps', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [example('freshdesk-conversations.csv')], mapping: example('freshdesk-mapping.yaml'), build: true });
    expect(w.load).toMatchObject({ read: 2, loaded: 2, quarantined: 0 });
    const c = await w.conversation('1001');
    expect(c.conversation).toMatchObject({ source: 'freshdesk', channel: 'email', customer_id: 'u77', subject: 'Double charge on invoice', priority: 'high' });
    expect(c.messages.map((m) => [m['message_id'], m['author_role'], m['internal']])).toEqual([
      ['5001', 'customer', false],
      ['5002', 'agent', true],
      ['5003', 'agent', false],
      ['5004', 'customer', false],
      ['5005', 'agent', false],
    ]);
    expect(c.events.map((e) => [e['type'], e['status'] ?? `${e['agent_id']}/${e['team']}`])).toEqual([
      ['status', 'open'],
      ['assign', 'a12/Billing'],
      ['status', 'resolved'],
      ['status', 'open'],
      ['assign', 'a31/Payments'],
      ['status', 'closed'],
    ]);
    const metrics = await w.db.all('select conversation_id, channel, first_response_s, reopens, transfers, contained from conversation_metrics order by 1');
    expect(metrics).toEqual([
      // the private note at 08:20 is not a reply: the first response is the public one at 08:45
      { conversation_id: '1001', channel: 'email', first_response_s: 2700, reopens: 1, transfers: 1, contained: false },
      { conversation_id: '1002', channel: 'webchat', first_response_s: null, reopens: 0, transfers: 0, contained: true },
    ]);
    w.close();
  });

  it("fills priority (latest, through values.priority), the account (latest non-empty) and every row's tags (a list or separated text)", async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [fixture('mapping-fields.csv')], mapping: fixture('mapping-fields.yaml') });
    expect(w.load).toMatchObject({ read: 3, loaded: 3, quarantined: 0 });
    expect(await w.db.all('select conversation_id, priority, tags, customer_account, metadata from raw_conversations order by 1')).toEqual([
      { conversation_id: 'F1', priority: 'urgent', tags: ['billing', 'refund', 'vip'], customer_account: 'Acme Ltd', metadata: null },
      { conversation_id: 'F2', priority: null, tags: null, customer_account: null, metadata: null },
      { conversation_id: 'F3', priority: 'low', tags: ['a', 'b c'], customer_account: 'Beta GmbH', metadata: null },
    ]);
    w.close();
  });

  it('reads JSON Lines with epoch timestamps', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [fixture('mapping-rows.jsonl')], mapping: fixture('mapping-json.yaml') });
    expect(w.load).toMatchObject({ read: 1, loaded: 1, quarantined: 0 });
    const c = await w.conversation('J1');
    expect(c.conversation).toMatchObject({ source: 'mapping', channel: 'webchat', created_at: new Date(1791105300 * 1000) });
    expect(c.events).toMatchObject([{ type: 'status', status: 'resolved' }]);
    w.close();
  });

  it('quarantines a wrong date format, an unmapped role, an unmapped status, bad encoding and an empty row, each with the fix', async () => {
    const w = await testWarehouse({ adapter: mappingAdapter, files: [fixture('mapping-bad.csv')], mapping: fixture('mapping-bad.yaml') });
    expect((await w.quarantine()).map((r) => r.reason)).toEqual([
      'mapping-bad.csv line 4 (conversation T1): when "05/10/2026 09:00" is not an ISO 8601 timestamp such as 2026-10-04T09:15:00Z: set timestamp_format in mapping-bad.yaml',
      'mapping-bad.csv line 5 (conversation T1): who "robot" is not in values.author_role of mapping-bad.yaml (it maps requester, staff): add it there',
      expect.stringMatching(/^mapping-bad\.csv line 6: the row is not valid UTF-8 text/),
      'mapping-bad.csv line 7 (conversation T1): the row has no text, no status and no assignee: nothing to load; drop such rows or map the right body column',
      'mapping-bad.csv line 8 (conversation T1): state "escalated" is not in values.status of mapping-bad.yaml (it maps solved, open): add it there',
    ]);
    expect(w.load).toMatchObject({ read: 6, loaded: 1, quarantined: 5 });
    expect((await w.conversation('T1')).messages).toHaveLength(2);
    w.close();
  });

  it('refuses a file without a column the mapping names, and a mapping that breaks its schema', async () => {
    const missing = await testWarehouse({ adapter: mappingAdapter, files: [fixture('mapping-bad.csv')], mapping: fixture('mapping-renamed.yaml') }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AdapterError);
    expect((missing as Error).message).toBe(
      "mapping-bad.csv (columns named by mapping-renamed.yaml) has no column ticket_id; found: ticket, when, who, text, state. Export it again with the platform's column names, or load it with --format mapping and a mapping file",
    );
    expect(() => readMapping(fixture('mapping-invalid.yaml'))).toThrow(/mapping-invalid\.yaml: values\.author_role\.staff: must be one of customer, agent, bot, system$/);
    expect(() => readMapping(fixture('nope.yaml'))).toThrow(/does not exist: check the path given to --mapping/);
    const noMapping = await testWarehouse({ adapter: mappingAdapter, files: [fixture('mapping-bad.csv')] }).catch((e: unknown) => e);
    expect((noMapping as Error).message).toMatch(/^--format mapping needs --mapping FILE/);
  });
});
