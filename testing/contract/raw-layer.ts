/**
 * What the platform syncs' contract tests compare (sync/intercom.test.ts,
 * sync/chatwoot.test.ts): the raw layer of a warehouse, without the load
 * ids, files and lines that tell one load from another, and the quarantined
 * conversations.
 *
 * @example
 *   expect(await rawLayer(synced.db)).toEqual(await rawLayer(loaded.db));
 */
import type { Row, Warehouse } from '../../warehouse/connection.js';

const RAW = ['raw_conversations', 'raw_messages', 'raw_events', 'raw_surveys', 'raw_agents'];
/** Where a row came from, not what it says: a sync's page file and line differ from an export's. */
const PROVENANCE = ['load_id', 'file', 'line'];

/** Every raw table's rows without their provenance (load id, file, line), in a fixed order. */
export async function rawLayer(db: Warehouse): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const t of RAW) {
    const columns = await db.all<{ name: string }>('select column_name as name from information_schema.columns where table_name = $1 order by ordinal_position', [t]);
    const kept = columns.map((c) => c.name).filter((c) => !PROVENANCE.includes(c));
    out[t] = await db.all(`select ${kept.join(', ')} from ${t} order by all`);
  }
  return out;
}

/** The ids of quarantined records (what a reason names as "conversation ID"), sorted. */
export async function quarantinedIds(db: Warehouse): Promise<string[]> {
  const rows = await db.all<{ reason: string }>('select reason from quarantine');
  return rows.map((r) => /\(conversation ([^)]+)\)/.exec(r.reason)?.[1] ?? r.reason).sort();
}
