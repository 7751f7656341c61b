/**
 * Checking and writing the chunks of a load. Each chunk but the last is
 * checked outside the load's transaction ({@link checkChunk}): the contract's checks over
 * the lines in `_ingest_lines` (as SQL, see `canonical-checks.ts`), the
 * refused records staged for the quarantine with a reason zod words, the
 * valid ones staged for the raw layer, and the chunk's scratch dropped.
 * Then, inside the transaction, {@link writeStaged} writes what every chunk
 * staged, replacing what was loaded before under the same key (source + id).
 * A key twice in one file: the last record is written, the earlier ones are
 * quarantined as its duplicates, also across chunks. The loader (`load.ts`)
 * runs both.
 *
 * Why outside: DuckDB keeps every table a transaction made or dropped until
 * it ends (a rollback could need them), so checking ten chunks inside one
 * transaction held ten chunks of scratch and spilled to disk from the
 * third on (README, "Why a chunk costs more the later it comes"). Staging
 * is temp tables only: a load that fails or is killed before its commit
 * leaves the warehouse's tables as they were.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { ELEMENT_COLUMNS, checkStatements } from './canonical-checks.js';
import { sqlString } from './adapters/sql.js';
import { agentSchema, conversationSchema, explainRecord, outcomeSchema } from './canonical-schema.js';

/** What checking one chunk came to: records loaded and quarantined per file, and the duplicates among the quarantined. */
export interface ChunkChecked {
  /** Records quarantined as earlier copies of a conversation a later record of the same file replaced. */
  duplicates: number;
  perFile: { file_no: number; loaded: number; quarantined: number }[];
}

/** The temp table of chunk `chunk`'s parsed lines, kept until the write (its valid records' messages, events and surveys are written from it). */
const docsTable = (chunk: number) => `_ingest_staged_docs_${chunk}`;
/** The temp table of chunk `chunk`'s conversations to write: valid, the last of each key in the chunk, not replaced by a later chunk. */
const stagedTable = (chunk: number) => `_ingest_staged_${chunk}`;

/**
 * Makes the staging tables of a load, empty: what is to be written to the
 * quarantine, `raw_agents` and `raw_customer_outcomes`, and the keys staged
 * so far (for the duplicate rule across chunks). Run outside the load's
 * transaction, after {@link dropIngestTables}.
 */
export async function startStaging(db: Warehouse): Promise<void> {
  await db.run(`
    create temp table _ingest_staged_quarantine as select * from quarantine limit 0;
    create temp table _ingest_staged_agents (chunk integer, file_no integer, line integer, id varchar, name varchar, team varchar, email varchar, active boolean, hours_per_week double);
    create temp table _ingest_staged_outcomes (chunk integer, file_no integer, line integer, src varchar, customer_id varchar, event varchar, occurred_at timestamptz);
    create temp table _ingest_written (chunk integer, file_no integer, src varchar, id varchar, line integer);
  `);
}

/**
 * Drops every temp table of a load (`_ingest_*`): its scratch and its
 * staging. A load starts with it, so that what a load that failed or was
 * stopped left behind cannot get in its way, and ends with it.
 */
export async function dropIngestTables(db: Warehouse): Promise<void> {
  const tables = await db.all<{ name: string }>("select table_name as name from duckdb_tables() where database_name = 'temp' and starts_with(table_name, '_ingest_')");
  if (tables.length) await db.run(tables.map((t) => `drop table if exists temp.main."${t.name}"`).join(';\n'));
}

/**
 * The contract's checks over the lines in `_ingest_lines` (chunk number
 * `chunk` of the load), outside the load's transaction: the refused ones
 * are staged for the quarantine, the valid ones for the raw layer; the
 * chunk's scratch tables are dropped, so that their memory is freed before
 * the next chunk (inside one transaction DuckDB would keep them all until
 * the commit). Nothing of the warehouse's own tables is written here:
 * {@link writeStaged} does that, inside the transaction. `files` are the
 * load's files by `file_no`, for the quarantine.
 *
 * @example
 *   const { duplicates, perFile } = await checkChunk(db, 1, loadId, ['export.jsonl'], 'acme-chat', now);
 *   // { duplicates: 0, perFile: [{ file_no: 0, loaded: 1198, quarantined: 2 }] }
 */
export async function checkChunk(db: Warehouse, chunk: number, loadId: number, files: readonly string[], source: string, now: Date, direct?: DirectLines): Promise<ChunkChecked> {
  // 1. The contract's checks, in bulk.
  const [parse, ...checks] = checkStatements(docsTable(chunk));
  await parseLines(db, docsTable(chunk), parse!, direct?.tables ?? []);
  for (const sql of checks) await db.run(sql);
  await markDuplicates(db, source);
  // the refused records of files parsed by read_json: their text, for the quarantine
  await direct?.refused();

  // 2. Refused records staged for the quarantine, each with a reason a person understands.
  const schema = conversationSchema(now);
  await quarantine(db, loadId, files, '_ingest_conversations', (raw) => explainRecord(raw, now, schema), now);
  await quarantine(db, loadId, files, '_ingest_agents', (raw) => explainRecord(raw, now, agentSchema), now);
  const outcomes = outcomeSchema(now);
  await quarantine(db, loadId, files, '_ingest_outcomes', (raw) => explainRecord(raw, now, outcomes), now);

  // 3. The conversations to write: valid, and the last of each (source, id) in this chunk (a later chunk replaces an earlier one).
  await db.run(
    `create temp table ${stagedTable(chunk)} as
     select file_no, line, id, coalesce(nullif(source, ''), $1) as src,
       channel, created_at, customer_id, customer_segment, customer_locale, subject, intent, priority, tags, metadata, customer_account
     from _ingest_conversations
     where problem is null
     qualify row_number() over (partition by src, id order by file_no desc, line desc) = 1`,
    [source],
  );
  const earlier = await supersedeEarlierChunks(db, chunk, loadId, files, now);
  await db.run(
    `insert into _ingest_staged_agents
     select ${chunk}, file_no, line, a.id, a.name, a.team, a.email,
       case a.active when 'true' then true when 'false' then false end, try_cast(a.hours_per_week as double)
     from _ingest_agents where problem is null;
     insert into _ingest_staged_outcomes
     select ${chunk}, file_no, line, coalesce(nullif(o.source, ''), ${sqlString(source)}), o.customer_id, o.event, _ts(o."at")
     from _ingest_outcomes where problem is null`,
  );

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
  await db.run('drop table _ingest_conversations; drop table _ingest_agents; drop table _ingest_outcomes');
  return { duplicates, perFile };
}

/** Files of the chunk parsed by `read_json` (`direct-read.ts`) instead of through `_ingest_lines`. */
export interface DirectLines {
  /** Their parsed lines, each file a table with the columns of the chunk's parsed lines. */
  tables: readonly string[];
  /** Appends the text of their refused records (problem set in `_ingest_conversations`) to `_ingest_lines`. */
  refused: () => Promise<void>;
}

/**
 * The chunk's parsed lines into `docs`: the lines in `_ingest_lines` parsed
 * by `parse`, and the tables of files `read_json` parsed. One such table and
 * no conversation line in `_ingest_lines` (a load of one canonical file)
 * becomes `docs` by a rename, without a copy.
 */
async function parseLines(db: Warehouse, docs: string, parse: string, direct: readonly string[]): Promise<void> {
  if (!direct.length) return db.run(parse);
  const lines = (await db.one<{ n: number }>("select count(*)::integer as n from _ingest_lines where kind = 'conversation'"))?.n ?? 0;
  if (!lines && direct.length === 1) return db.run(`alter table temp.main.${direct[0]} rename to ${docs}`);
  await db.run(`${parse}\n${direct.map((t) => `union all select * from temp.main.${t}`).join('\n')}`);
  await db.run(direct.map((t) => `drop table temp.main.${t}`).join(';\n'));
}

/**
 * Inside the load's transaction: writes what the chunks `1..chunks` staged.
 * Conversations already in the warehouse under a staged key are replaced
 * whole (their messages, events and surveys go too); returns how many.
 */
export async function writeStaged(db: Warehouse, loadId: number, chunks: number): Promise<{ replaced: number }> {
  const numbers = Array.from({ length: chunks }, (_, i) => i + 1);
  const keys = numbers.map((n) => `select src, id from ${stagedTable(n)}`).join(' union all ') || 'select null::varchar as src, null::varchar as id limit 0';
  // Only a key already in raw_conversations (an earlier load) has rows to replace: a message, event
  // or survey belongs to its conversation's row (orphans are what warehouse/repair.ts removes).
  // Asking raw_conversations first spares the scans of the element tables when nothing is replaced.
  await db.run(
    `create temp table _ingest_replaced as
     select v.src, v.id from (${keys}) v
     where exists (select 1 from raw_conversations c where c.source = v.src and c.conversation_id = v.id)`,
  );
  const replaced = (await db.one<{ n: number }>('select count(*) as n from _ingest_replaced'))?.n ?? 0;
  if (replaced) {
    for (const table of ['raw_messages', 'raw_events', 'raw_surveys', 'raw_conversations']) {
      await db.run(`delete from ${table} t using _ingest_replaced v where t.source = v.src and t.conversation_id = v.id`);
    }
  }
  for (const n of numbers) await db.run(insertRawSql(loadId, n));
  await db.run('insert into quarantine select * from _ingest_staged_quarantine');
  await writeAgents(db, loadId);
  await writeOutcomes(db, loadId);
  return { replaced };
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
 * The same rule across the chunks of a load. A conversation staged by an
 * earlier chunk that a record of this chunk replaces is not written: its
 * row leaves the earlier chunk's staging table. When both records come from
 * the same file, the earlier one is quarantined as a duplicate (its text is
 * no longer at hand: the quarantine keeps file, line and reason); from
 * another file, the later file simply wins, as it does over an earlier
 * load. `_ingest_written` keeps the keys staged so far. Returns, per file,
 * how many earlier records became duplicates.
 */
async function supersedeEarlierChunks(db: Warehouse, chunk: number, loadId: number, files: readonly string[], now: Date): Promise<{ file_no: number; n: number }[]> {
  await db.run(
    `create temp table _ingest_earlier as
     select w.chunk, w.file_no, w.line, w.src, w.id, v.line as later, w.file_no = v.file_no as same_file
     from _ingest_written w join ${stagedTable(chunk)} v using (src, id)`,
  );
  const earlier = await db.all<{ file_no: number; n: number }>('select file_no, count(*)::integer as n from _ingest_earlier where same_file group by file_no');
  const reason = (later: string) => `'${DUPLICATE}' || ${later} || ' (conversation ' || e.id || '); the later one was loaded'`;
  for (const e of earlier) {
    // copies before the one now replaced named it as the one loaded: they name the new one
    await db.run(
      `update _ingest_staged_quarantine q set reason = ${reason('e.later')}
       from _ingest_earlier e
       where e.same_file and e.file_no = ${e.file_no} and q.file = $1 and q.reason = ${reason('e.line')}`,
      [files[e.file_no]!],
    );
    await db.run(
      `insert into _ingest_staged_quarantine
       select ${loadId}, $1, line, ${reason('later')}, null, $2::timestamptz
       from _ingest_earlier e where same_file and file_no = ${e.file_no}`,
      [files[e.file_no]!, now.toISOString()],
    );
  }
  const chunks = await db.all<{ chunk: number }>('select distinct chunk from _ingest_earlier order by 1');
  for (const { chunk: c } of chunks) {
    await db.run(`delete from ${stagedTable(c)} s using _ingest_earlier e where e.chunk = ${c} and s.src = e.src and s.id = e.id`);
  }
  await db.run(
    `delete from _ingest_written w using _ingest_earlier e where w.src = e.src and w.id = e.id;
     insert into _ingest_written select ${chunk}, file_no, src, id, line from ${stagedTable(chunk)};
     drop table _ingest_earlier`,
  );
  return earlier;
}

/** Stages the refused lines of `table` for the quarantine (`_ingest_staged_quarantine`), a page at a time. */
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
  const appender = await db.connection.createAppender('_ingest_staged_quarantine', 'main', 'temp');
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

/** SQL writing the conversations staged by chunk `chunk` into the four raw tables. */
function insertRawSql(loadId: number, chunk: number): string {
  const elements = (table: string, field: keyof typeof ELEMENT_COLUMNS) => `
insert into ${table}
select src, id, seq::integer, ${ELEMENT_COLUMNS[field].join(', ')}
from (
  select v.src, v.id, unnest(d.r.${field}) as x, generate_subscripts(d.r.${field}, 1) as seq
  from ${docsTable(chunk)} d
  join ${stagedTable(chunk)} v using (file_no, line)
  where len(d.r.${field}) > 0
);`;
  return `
insert into raw_conversations
select v.src, v.id, v.channel, v.created_at, v.customer_id, v.customer_segment, v.customer_locale,
  v.subject, v.intent, v.priority, v.tags, v.metadata, ${loadId}, f.file, v.line, v.customer_account
from ${stagedTable(chunk)} v
join _ingest_files f using (file_no);
${elements('raw_messages', 'messages')}
${elements('raw_events', 'events')}
${elements('raw_surveys', 'surveys')}
`;
}

/** The staged agents into raw_agents: the last record of an id wins, over earlier chunks and earlier loads. */
async function writeAgents(db: Warehouse, loadId: number) {
  await db.run(`
    create temp table _ingest_agents_valid as
    select * from _ingest_staged_agents
    qualify row_number() over (partition by id order by chunk desc, file_no desc, line desc) = 1;
    delete from raw_agents t using _ingest_agents_valid v where t.agent_id = v.id;
    insert into raw_agents (agent_id, name, team, email, active, load_id, hours_per_week)
    select id, name, team, email, active, ${loadId}, hours_per_week
    from _ingest_agents_valid;
    drop table _ingest_agents_valid;
  `);
}

/** The staged outcomes into raw_customer_outcomes; the same (source, customer, event, moment) loaded again replaces the earlier row. */
async function writeOutcomes(db: Warehouse, loadId: number) {
  await db.run(`
    create temp table _ingest_outcomes_valid as
    select o.src, o.customer_id, o.event, o.occurred_at, f.file, o.line
    from _ingest_staged_outcomes o
    join _ingest_files f using (file_no)
    qualify row_number() over (partition by o.src, o.customer_id, o.event, o.occurred_at order by o.chunk desc, o.file_no desc, o.line desc) = 1;
    delete from raw_customer_outcomes t using _ingest_outcomes_valid v
    where t.source = v.src and t.customer_id = v.customer_id and t.event = v.event and t.occurred_at = v.occurred_at;
    insert into raw_customer_outcomes
    select src, customer_id, event, occurred_at, ${loadId}, file, line
    from _ingest_outcomes_valid;
    drop table _ingest_outcomes_valid;
  `);
}
