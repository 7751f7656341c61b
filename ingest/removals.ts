/**
 * Conversations a load proves gone: the loader's last step before the load
 * log, inside the load's transaction. An adapter names them with its
 * input's `removes` query (columns `source`, `conversation_id`):
 *
 * - a fragment of a Twitter thread that this load joins to another thread
 *   (its tweets now belong to the other conversation, `twcs.ts`);
 * - a ticket the platform deleted, or merged into another (`zendesk-*.ts`);
 * - a conversation missing from a later **full snapshot** of the same
 *   source and scope (see {@link snapshotRemovalsSql}).
 *
 * A conversation that this same load wrote is never removed. The rows go
 * from the four raw tables; the next build (full or incremental, which sees
 * that a key of its marts is gone) takes them out of the marts.
 *
 * @example
 *   const removed = await applyRemovals(db, loadId, inputs); // 2
 */
import type { Warehouse } from '../warehouse/connection.js';
import { sqlString } from '../warehouse/sql-literal.js';

/** Removes what the inputs' `removes` queries name; returns how many conversations went. */
export async function applyRemovals(db: Warehouse, loadId: number, inputs: readonly { removes?: () => string }[]): Promise<number> {
  const queries = inputs.flatMap((i) => (i.removes ? [i.removes()] : []));
  if (queries.length === 0) return 0;
  await db.run(
    `create or replace temp table _ingest_removed as
     select distinct r.source, r.conversation_id
     from (${queries.map((q) => `select source::varchar as source, conversation_id::varchar as conversation_id from (${q})`).join(' union all ')}) r
     join raw_conversations c on c.source = r.source and c.conversation_id = r.conversation_id
     where c.load_id <> ${loadId}`,
  );
  const n = (await db.one<{ n: number }>('select count(*) as n from _ingest_removed'))?.n ?? 0;
  if (n > 0) {
    for (const table of ['raw_messages', 'raw_events', 'raw_surveys', 'raw_conversations']) {
      await db.run(`delete from ${table} t using _ingest_removed r where t.source = r.source and t.conversation_id = r.conversation_id`);
    }
  }
  await db.run('drop table _ingest_removed');
  return n;
}

/**
 * SQL naming the conversations of `source` that a full snapshot leaves out:
 * stored before this load, and not among the ids the snapshot holds
 * (`present`: a query of one column `id`, every record of the export,
 * loaded or quarantined). The scope is the same source and, when
 * `scope` is given (a condition on `raw_conversations c`), only the stored
 * conversations inside it — an export of one Zendesk brand does not
 * remove another brand's tickets.
 */
export function snapshotRemovalsSql(source: string, present: string, scope?: string): string {
  return `select c.source, c.conversation_id from raw_conversations c
    where c.source = ${sqlString(source)}${scope ? ` and (${scope})` : ''}
      and c.conversation_id not in (select id::varchar from (${present}) where id is not null)`;
}
