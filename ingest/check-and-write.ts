/**
 * Checking and writing one chunk of a load: the contract's checks over the
 * lines in `_ingest_lines` (as SQL, see `canonical-checks.ts`), the refused
 * records to the quarantine with a reason zod words, the valid ones to the
 * raw layer, replacing what was loaded before under the same key (source +
 * id). A key twice in one file: the last record is written, the earlier ones
 * are quarantined as its duplicates, also across chunks. The loader
 * (`load.ts`) calls it once per chunk, inside its transaction.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { ELEMENT_COLUMNS, checkStatements } from './canonical-checks.js';
import { sqlString } from './adapters/sql.js';
import { agentSchema, conversationSchema, explainRecord, outcomeSchema } from './canonical-schema.js';

/** What one chunk came to: conversations of earlier loads replaced, and records loaded and quarantined per file. */
export interface ChunkWritten {
  replaced: number;
  /** Records quarantined as earlier copies of a conversation a later record of the same file replaced. */
  duplicates: number;
  perFile: { file_no: number; loaded: number; quarantined: number }[];
}

/**
 * The contract's checks over the lines in `_ingest_lines`, the refused ones
 * to the quarantine, the rest written to the raw layer (replacing what was
 * loaded before under the same key). `files` are the load's files by
 * `file_no`, for the quarantine.
 *
 * @example
 *   const { replaced, perFile } = await checkAndWrite(db, loadId, ['export.jsonl'], 'acme-chat', now);
 *   // { replaced: 3, perFile: [{ file_no: 0, loaded: 1198, quarantined: 2 }] }
 */
export async function checkAndWrite(db: Warehouse, loadId: number, files: readonly string[], source: string, now: Date): Promise<ChunkWritten> {
  // 1. The contract's checks, in bulk.
  for (const sql of checkStatements()) await db.run(sql);
  await markDuplicates(db, source);

  // 2. Refused records to the quarantine, each with a reason a person understands.
  const schema = conversationSchema(now);
  await quarantine(db, loadId, files, '_ingest_conversations', (raw) => explainRecord(raw, now, schema), now);
  await quarantine(db, loadId, files, '_ingest_agents', (raw) => explainRecord(raw, now, agentSchema), now);
  const outcomes = outcomeSchema(now);
  await quarantine(db, loadId, files, '_ingest_outcomes', (raw) => explainRecord(raw, now, outcomes), now);

  // 3. Replace what was loaded before, then write the raw layer.
  // the rows to write: valid, and the last of each (source, id) in this chunk (a later chunk replaces an earlier one)
  await db.run(
    `create or replace temp table _ingest_valid as
     select file_no, line, id, coalesce(nullif(source, ''), $1) as src
     from _ingest_conversations
     where problem is null
     qualify row_number() over (partition by src, id order by file_no desc, line desc) = 1`,
    [source],
  );
  const replaced =
    (
      await db.one<{ n: number }>(
        `select count(*) as n from _ingest_valid v
       where exists (select 1 from raw_conversations c where c.source = v.src and c.conversation_id = v.id and c.load_id <> ${loadId})`,
      )
    )?.n ?? 0;
  const earlier = await quarantineEarlierChunks(db, loadId, files, now);
  // Only a key already in raw_conversations (an earlier load, or an earlier chunk of this one) has rows
  // to replace: a message, event or survey belongs to its conversation's row (orphans are what
  // warehouse/repair.ts removes). Asking raw_conversations first spares the scans of the
  // three element tables, which grow with every chunk, when nothing is replaced (a first load).
  const again = await db.one<{ n: number }>(
    `select count(*) as n from _ingest_valid v where exists (select 1 from raw_conversations c where c.source = v.src and c.conversation_id = v.id)`,
  );
  if (again?.n) {
    for (const table of ['raw_messages', 'raw_events', 'raw_surveys', 'raw_conversations']) {
      await db.run(`delete from ${table} t using _ingest_valid v where t.source = v.src and t.conversation_id = v.id`);
    }
  }
  await db.run(insertRawSql(loadId));
  await writeAgents(db, loadId);
  await writeOutcomes(db, loadId, source);
  await db.run('drop table _ingest_valid');

  // 4. Counts per file.
  const perFile = await db.all<{ file_no: number; loaded: number; quarantined: number }>(
    `select file_no, count(*) filter (where problem is null) as loaded, count(*) filter (where problem is not null) as quarantined
     from (
       select file_no, problem from _ingest_conversations
       union all select file_no, problem from _ingest_agents
       union all select file_no, problem from _ingest_outcomes
     )
     group by file_no`,
  );
  for (const e of earlier) {
    const r = perFile.find((f) => f.file_no === e.file_no)!;
    r.loaded -= e.n;
    r.quarantined += e.n;
  }
  const duplicates =
    ((await db.one<{ n: number }>(`select count(*) as n from _ingest_conversations where contains(problem, '${DUPLICATE}')`))?.n ?? 0) + earlier.reduce((n, e) => n + e.n, 0);
  return { replaced, duplicates, perFile };
}

/** How the reason of an earlier copy of a conversation begins (adapters that refuse duplicates themselves use it too). */
export const DUPLICATE = 'duplicate of record at line ';

/**
 * One rule for a conversation id that a file holds twice (here and in every
 * adapter): the last record is loaded, each earlier copy is quarantined with
 * "duplicate of record at line N; the later one was loaded".
 */
async function markDuplicates(db: Warehouse, source: string): Promise<void> {
  await db.run(
    `update _ingest_conversations t
     set problem = '${DUPLICATE}' || d.later || ' (conversation ' || t.id || '); the later one was loaded'
     from (
       select file_no, line, max(line) over (partition by file_no, coalesce(nullif(source, ''), $1), id) as later
       from _ingest_conversations where problem is null
     ) d
     where t.file_no = d.file_no and t.line = d.line and d.later <> d.line`,
    [source],
  );
}

/**
 * The same rule across the chunks of one file: a record written by an earlier
 * chunk of this load, from the same file, that a record of this chunk
 * replaces is quarantined as a duplicate (its text is no longer at hand:
 * the quarantine keeps file, line and reason). `_ingest_written` (made by
 * the loader for each load) keeps the keys written so far. Returns, per
 * file, how many earlier records became duplicates.
 */
async function quarantineEarlierChunks(db: Warehouse, loadId: number, files: readonly string[], now: Date): Promise<{ file_no: number; n: number }[]> {
  await db.run(
    `create or replace temp table _ingest_earlier as
     select w.file_no, w.line, w.id, v.line as later from _ingest_written w join _ingest_valid v using (file_no, src, id)`,
  );
  const earlier = await db.all<{ file_no: number; n: number }>('select file_no, count(*)::integer as n from _ingest_earlier group by file_no');
  const reason = (later: string) => `'${DUPLICATE}' || ${later} || ' (conversation ' || e.id || '); the later one was loaded'`;
  for (const e of earlier) {
    // copies before the one now replaced named it as the one loaded: they name the new one
    await db.run(
      `update quarantine q set reason = ${reason('e.later')}
       from _ingest_earlier e
       where q.load_id = ${loadId} and e.file_no = ${e.file_no} and q.file = $1 and q.reason = ${reason('e.line')}`,
      [files[e.file_no]!],
    );
    await db.run(
      `insert into quarantine
       select ${loadId}, $1, line, ${reason('later')}, null, $2::timestamptz
       from _ingest_earlier e where file_no = ${e.file_no}`,
      [files[e.file_no]!, now.toISOString()],
    );
  }
  await db.run(
    `delete from _ingest_written w using _ingest_earlier e where w.file_no = e.file_no and w.line = e.line;
     insert into _ingest_written select file_no, src, id, line from _ingest_valid;
     drop table _ingest_earlier`,
  );
  return earlier;
}

/** Moves the refused lines of `table` into the quarantine, a page at a time. */
async function quarantine(db: Warehouse, loadId: number, files: readonly string[], table: string, explain: (raw: string) => string | undefined, now: Date) {
  const refused = await db.one<{ n: number }>(`select count(*) as n from ${table} where problem is not null`);
  if (!refused?.n) return;
  // the refused lines with their text, gathered in one scan, then read a page at a time
  await db.run(
    `create or replace temp table _ingest_refused as
     select r.file_no, r.line, l.raw, r.problem,
       l.truncated or l.bad_encoding or l.preset_problem is not null as line_problem
     from (select file_no, line, problem from ${table} where problem is not null) r
     join _ingest_lines l using (file_no, line)`,
  );
  const PAGE = 2000;
  let after = { file_no: -1, line: -1 };
  const appender = await db.connection.createAppender('quarantine');
  try {
    for (;;) {
      const rows = await db.all<{ file_no: number; line: number; raw: Uint8Array; problem: string; line_problem: boolean }>(
        `select file_no, line, raw, problem, line_problem from _ingest_refused
         where file_no > $1 or (file_no = $1 and line > $2)
         order by file_no, line limit ${PAGE}`,
        [after.file_no, after.line],
      );
      for (const row of rows) {
        // zod words the reason; the bulk check's own words stand for lines refused before their
        // content was read (cut short, badly encoded, or refused by an adapter) and where zod sees nothing wrong.
        const raw = Buffer.from(row.raw).toString('utf8');
        const reason = (!row.line_problem && explain(raw)) || row.problem;
        appender.appendInteger(loadId);
        appender.appendVarchar(files[row.file_no]!);
        appender.appendInteger(row.line);
        appender.appendVarchar(reason);
        appender.appendVarchar(raw);
        appender.appendVarchar(now.toISOString());
        appender.endRow();
      }
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      after = { file_no: last.file_no, line: last.line };
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await db.run('drop table _ingest_refused');
}

/** SQL writing the records named by `_ingest_valid` into the four raw tables. */
function insertRawSql(loadId: number): string {
  const elements = (table: string, field: keyof typeof ELEMENT_COLUMNS) => `
insert into ${table}
select src, id, seq::integer, ${ELEMENT_COLUMNS[field].join(', ')}
from (
  select v.src, v.id, unnest(d.r.${field}) as x, generate_subscripts(d.r.${field}, 1) as seq
  from _ingest_docs d
  join _ingest_valid v using (file_no, line)
  where len(d.r.${field}) > 0
);`;
  return `
insert into raw_conversations
select v.src, v.id, t.channel, t.created_at, t.customer_id, t.customer_segment, t.customer_locale,
  t.subject, t.intent, t.priority, t.tags, t.metadata, ${loadId}, f.file, v.line, t.customer_account
from _ingest_conversations t
join _ingest_valid v using (file_no, line)
join _ingest_files f using (file_no);
${elements('raw_messages', 'messages')}
${elements('raw_events', 'events')}
${elements('raw_surveys', 'surveys')}
`;
}

async function writeAgents(db: Warehouse, loadId: number) {
  await db.run(`
    create or replace temp table _ingest_agents_valid as
    select a.* from _ingest_agents where problem is null
    qualify row_number() over (partition by a.id order by file_no desc, line desc) = 1;
    delete from raw_agents t using _ingest_agents_valid v where t.agent_id = v.id;
    insert into raw_agents (agent_id, name, team, email, active, load_id, hours_per_week)
    select id, name, team, email, case active when 'true' then true when 'false' then false end, ${loadId}, try_cast(hours_per_week as double)
    from _ingest_agents_valid;
    drop table _ingest_agents_valid;
  `);
}

/** Valid outcomes into raw_customer_outcomes; the same (source, customer, event, moment) loaded again replaces the earlier row. */
async function writeOutcomes(db: Warehouse, loadId: number, source: string) {
  await db.run(
    `
    create or replace temp table _ingest_outcomes_valid as
    select coalesce(nullif(o.source, ''), ${sqlString(source)}) as src, o.customer_id, o.event, _ts(o."at") as occurred_at, f.file, line
    from _ingest_outcomes
    join _ingest_files f using (file_no)
    where problem is null
    qualify row_number() over (partition by src, o.customer_id, o.event, occurred_at order by file_no desc, line desc) = 1;
    delete from raw_customer_outcomes t using _ingest_outcomes_valid v
    where t.source = v.src and t.customer_id = v.customer_id and t.event = v.event and t.occurred_at = v.occurred_at;
    insert into raw_customer_outcomes
    select src, customer_id, event, occurred_at, ${loadId}, file, line
    from _ingest_outcomes_valid;
    drop table _ingest_outcomes_valid;
  `,
  );
}
