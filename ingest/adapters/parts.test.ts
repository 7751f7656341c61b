/**
 * An adapter's query runs in parts so that memory stays flat as an export
 * grows. Whatever the parts, the warehouse must come out the same: every
 * conversation whole, every refused record quarantined once, the same
 * counts in the load log.
 */
import { describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, PrepareOptions } from './types.js';
import { fixture, sharedData } from '../../testing/paths.js';
import { testWarehouse } from '../../testing/warehouse.js';
import { twcsAdapter } from './twcs.js';
import { servicenowAdapter } from './servicenow.js';
import { mappingAdapter } from './mapping.js';
import { zendeskTablesAdapter } from './zendesk-tables.js';
import { zendeskApiAdapter } from './zendesk-api.js';
import { intercomApiAdapter } from './intercom-api.js';
import { intercomTablesAdapter } from './intercom-tables.js';
import { chatwootAdapter } from './chatwoot.js';

async function snapshot(db: Warehouse) {
  return {
    conversations: await db.all('select * exclude (load_id) from raw_conversations order by all'),
    messages: await db.all('select * from raw_messages order by all'),
    events: await db.all('select * from raw_events order by all'),
    surveys: await db.all('select * from raw_surveys order by all'),
    quarantine: await db.all('select file, line, reason, raw from quarantine order by all'),
    log: await db.all('select file, format, "read", loaded, quarantined from load_log order by all'),
  };
}

const example = (name: string) => fixture('../examples', name);
const cases: [string, Adapter, string[], PrepareOptions, { rows?: number; bytes?: number }][] = [
  ['twcs (the shared 5,000 tweets)', twcsAdapter, [sharedData('twcs/twcs_head5000.csv')], {}, { rows: 700 }],
  ['twcs (bad rows)', twcsAdapter, [fixture('twcs-bad.csv')], {}, { rows: 2 }],
  ['servicenow (the shared audit log)', servicenowAdapter, [sharedData('servicenow/incident_event_log.csv.gz')], {}, { rows: 40_000 }],
  ['servicenow (bad rows)', servicenowAdapter, [fixture('servicenow-bad.csv')], {}, { rows: 3 }],
  ['mapping (csv)', mappingAdapter, [example('freshdesk-conversations.csv')], { mapping: example('freshdesk-mapping.yaml') }, { rows: 3 }],
  ['mapping (bad rows)', mappingAdapter, [fixture('mapping-bad.csv')], { mapping: fixture('mapping-bad.yaml') }, { rows: 2 }],
  ['zendesk tables (seeds)', zendeskTablesAdapter, [sharedData('zendesk-seeds')], {}, { rows: 3 }],
  ['zendesk tables (bad rows)', zendeskTablesAdapter, [fixture('zendesk-tables')], {}, { rows: 3 }],
  ['zendesk api', zendeskApiAdapter, [fixture('zendesk-api.jsonl'), fixture('zendesk-api-missing.jsonl')], {}, { bytes: 400 }],
  ['intercom api', intercomApiAdapter, [fixture('intercom-api.json')], {}, { bytes: 400 }],
  ['intercom tables', intercomTablesAdapter, [fixture('intercom-tables')], {}, { rows: 3 }],
  ['chatwoot', chatwootAdapter, [fixture('chatwoot.jsonl'), fixture('chatwoot-bad.jsonl')], {}, { bytes: 400 }],
];

describe('an adapter in many parts loads exactly what it loads in one', () => {
  it.each(cases)('%s', async (_name, adapter, paths, options, partSize) => {
    const whole = await testWarehouse({ adapter, files: paths, ...options });
    const inParts = await testWarehouse({ adapter, files: paths, ...options, partSize });
    try {
      const prepared = await adapter.prepare(inParts.db, paths, { ...options, partSize });
      await prepared.cleanup();
      // the small part size really made several parts
      expect(Math.max(...prepared.inputs.map((i) => i.parts ?? 1))).toBeGreaterThan(1);
      const expected = await snapshot(whole.db);
      expect(expected.conversations.length).toBeGreaterThan(0);
      expect(await snapshot(inParts.db)).toEqual(expected);
    } finally {
      whole.close();
      inParts.close();
    }
  });
});
