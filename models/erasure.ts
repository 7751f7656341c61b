/**
 * Erasure: a customer's right to be forgotten (`parley erase --customer ID`).
 *
 * In one transaction it removes the customer's conversations (of one source,
 * or of every source) with their messages, events and surveys; every row of
 * any other table that names one of those conversations (reviews and their
 * grades, disputes and audit trail, sample items, insight examples and intent
 * corrections, the marts); rows naming the customer id itself; and the
 * quarantined raw text of their records (a quarantine row whose text holds
 * the customer id, or one of their conversation ids as a JSON string). Reviews
 * of the conversations go with them (their comments quote the customer), and
 * so do their places in samples: a sample keeps its other items. A coaching
 * note keeps its text but loses the links to erased reviews, and in the notes
 * people wrote elsewhere (reviews, criterion comments, disputes, coaching,
 * intent corrections) the customer id and the names they wrote under become
 * `[erased]`.
 *
 * It leaves one row in `erasure_log` without the personal data (the id's
 * SHA-256, the counts, the time, who), rebuilds the marts when they were
 * built, and rewrites the warehouse file ({@link Warehouse.rewrite}): DuckDB
 * does not wipe the blocks of deleted rows, so without it the e-mail would
 * still be readable in the file.
 *
 * @example
 *   const report = await eraseCustomer(db, { customerId: 'ada@example.com', by: 'dpo' }, { config });
 *   // { conversations: 2, messages: 9, quarantined: 1, reviews: 1, rowsRemoved: 31, rebuilt: true, … }
 */
import { createHash } from 'node:crypto';
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { buildModels } from './build.js';
import type { ParleyConfig } from './config.js';

export interface ErasureRequest {
  customerId: string;
  /** Only this source's conversations (default: every source). */
  source?: string;
  /** Who asked for it, for the audit entry. */
  by: string;
}

export interface ErasureReport {
  conversations: number;
  messages: number;
  quarantined: number;
  reviews: number;
  /** Notes about other conversations (reviews, criteria, disputes, coaching) that named the customer: the name or id is now [erased]. */
  redacted: number;
  /** Every row removed, in all tables (the marts' rows included). */
  rowsRemoved: number;
  /** Rows removed per table, for the tables that had any. */
  tables: Record<string, number>;
  /** Whether the marts were rebuilt (they are when they had been built). */
  rebuilt: boolean;
}

/** The SHA-256 of a customer id: what the audit entry keeps instead of the id. */
export function subjectHash(customerId: string): string {
  return createHash('sha256').update(customerId, 'utf8').digest('hex');
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The regular expression of a quarantine row that holds the customer's data:
 * the customer id as a whole token, or a conversation id as a JSON string.
 */
export function quarantinePattern(customerId: string, conversationIds: readonly string[]): string {
  const token = '[^A-Za-z0-9_.@+-]';
  const alternatives = [`(^|${token})${regexEscape(customerId)}($|${token})`, ...conversationIds.map((id) => `"${regexEscape(id)}"`)];
  return alternatives.join('|');
}

/** The free-text columns people write in the QA workspace. */
const NOTES: ReadonlyArray<readonly [table: string, column: string]> = [
  ['qa_reviews', 'comment'],
  ['qa_review_criteria', 'comment'],
  ['qa_disputes', 'reason'],
  ['qa_disputes', 'resolution_note'],
  ['qa_coaching', 'body'],
  ['insight_intent_corrections', 'note'],
];

/** Replaces each of `terms` in the QA notes by [erased]; resolves to the number of notes changed. */
async function redactNotes(db: Warehouse, terms: readonly string[]): Promise<number> {
  let changed = 0;
  const any = (column: string) => terms.map((_, i) => `contains(${column}, $${i + 1})`).join(' or ');
  for (const [table, column] of NOTES) {
    changed += (await db.one<{ n: number }>(`select count(*) as n from ${table} where ${any(column)}`, terms))!.n;
    for (const term of terms) await db.run(`update ${table} set ${column} = replace(${column}, $1, '[erased]') where contains(${column}, $1)`, [term]);
  }
  return changed;
}

/** Erases one customer (see the module comment); `now` stamps the audit entry and the rebuild. */
export async function eraseCustomer(db: Warehouse, request: ErasureRequest, options: { config: ParleyConfig; now?: Date }): Promise<ErasureReport> {
  const { config, now = new Date() } = options;
  const { customerId, source = null, by } = request;
  const tables: Record<string, number> = {};
  const removed = async (table: string, sql: string, params: readonly unknown[] = []) => {
    const before = (await db.one<{ n: number }>(`select count(*) as n from ${table}`))!.n;
    await db.run(sql, params);
    const n = before - (await db.one<{ n: number }>(`select count(*) as n from ${table}`))!.n;
    if (n > 0) tables[table] = (tables[table] ?? 0) + n;
    return n;
  };
  const report = await db.transaction(async () => {
    await db.run(
      `create or replace temp table _erase as
       select distinct source, conversation_id from raw_conversations where customer_id = $1 and ($2::varchar is null or source = $2::varchar)`,
      [customerId, source],
    );
    const conversations = (await db.all<{ conversation_id: string }>('select conversation_id from _erase')).map((r) => r.conversation_id);
    const messages = (await db.one<{ n: number }>('select count(*) as n from raw_messages join _erase using (source, conversation_id)'))!.n;
    // the names the customer wrote under, to take out of the notes people wrote elsewhere
    const names = (
      await db.all<{ name: string }>(
        "select distinct author_name as name from raw_messages join _erase using (source, conversation_id) where author_role = 'customer' and length(trim(author_name)) >= 3",
      )
    ).map((r) => r.name);

    // what hangs on the reviews of those conversations, before the reviews themselves go
    const reviews = (await db.all<{ review_id: string }>('select review_id from qa_reviews join _erase using (source, conversation_id)')).map((r) => r.review_id);
    await db.run('create or replace temp table _erase_reviews as select review_id from qa_reviews join _erase using (source, conversation_id)');
    for (const t of ['qa_review_criteria', 'qa_disputes', 'qa_audit']) await removed(t, `delete from ${t} where review_id in (select review_id from _erase_reviews)`);
    for (const id of reviews) await db.run('update qa_coaching set review_ids = list_filter(review_ids, x -> x <> $1) where list_contains(review_ids, $1)', [id]);

    // every table of the warehouse that names a conversation or the customer
    const columns = await db.all<{ table_name: string; column_name: string }>(
      `select c.table_name, c.column_name from information_schema.columns c
       join information_schema.tables t using (table_catalog, table_schema, table_name)
       where c.table_catalog = current_database() and c.table_schema = 'main' and t.table_type = 'BASE TABLE'
         and c.column_name in ('source', 'conversation_id', 'customer_id')
       order by c.table_name`,
    );
    const byTable = new Map<string, Set<string>>();
    for (const c of columns) byTable.set(c.table_name, (byTable.get(c.table_name) ?? new Set()).add(c.column_name));
    for (const [table, cols] of byTable) {
      const t = `"${table.replace(/"/g, '""')}"`;
      if (cols.has('conversation_id') && cols.has('source')) {
        await removed(table, `delete from ${t} as r where exists (select 1 from _erase e where e.source = r.source and e.conversation_id = r.conversation_id)`);
      } else if (cols.has('conversation_id')) {
        await removed(table, `delete from ${t} where conversation_id in (select conversation_id from _erase)`);
      }
      if (cols.has('customer_id') && cols.has('source')) {
        await removed(table, `delete from ${t} where customer_id = $1 and ($2::varchar is null or source = $2::varchar)`, [customerId, source]);
      } else if (cols.has('customer_id')) {
        await removed(table, `delete from ${t} where customer_id = $1`, [customerId]);
      }
    }

    // what people wrote about them elsewhere (a review of another conversation, a coaching
    // note, a dispute): the id and the names become [erased], the rest of the note stays
    // (only for a customer found in the conversations: with --source, the same id in another source is someone else)
    const redacted = conversations.length ? await redactNotes(db, [customerId, ...names]) : 0;

    // the raw text of their records that the loader refused
    const quarantined = await removed(
      'quarantine',
      `delete from quarantine
       where regexp_matches(coalesce(raw, ''), $1)
         and ($2::varchar is null or load_id in (select load_id from load_log where source = $2::varchar or source is null))`,
      [quarantinePattern(customerId, conversations), source],
    );
    await db.run('drop table _erase');
    await db.run('drop table _erase_reviews');
    const rowsRemoved = Object.values(tables).reduce((a, b) => a + b, 0);
    await db.run('insert into erasure_log values ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      now,
      subjectHash(customerId),
      source,
      conversations.length,
      messages,
      quarantined,
      reviews.length,
      rowsRemoved,
      by,
    ]);
    return { conversations: conversations.length, messages, quarantined, reviews: reviews.length, redacted, rowsRemoved, tables };
  });
  // the marts computed from what is left (monthly figures, re-contact windows, QA marts)
  const changed = report.rowsRemoved + report.redacted > 0;
  const rebuilt = changed && (await tableExists(db, 'conversation_metrics'));
  if (rebuilt) await buildModels(db, config, { now });
  // (the audit row alone holds no personal data: no need to write the file anew for it)
  if (changed) await db.rewrite();
  return { ...report, rebuilt };
}
