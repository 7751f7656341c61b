/**
 * Twitter customer-support threads (the public "Customer Support on Twitter"
 * export, `twcs.csv`): one row per tweet with `tweet_id`, `author_id`,
 * `inbound` (True = customer), `created_at` (`Tue Oct 31 22:10:47 +0000 2017`),
 * `text`, `response_tweet_id`, `in_response_to_tweet_id`.
 *
 * A conversation is a reply tree: its id is the root tweet's id (a tweet
 * whose parent is empty or not in the export), its channel `social`, the
 * brand's account (inbound False) the agent, every inbound author a
 * customer. There are no status events: the models infer resolution.
 *
 * @example
 *   parley ingest twcs.csv --format twcs
 */
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import type { Adapter, PrepareOptions, Prepared } from './types.js';
import { AdapterError } from './types.js';
import { prepareInScratch } from './prepare.js';
import type { FileDigest } from '../line-reader.js';
import { restoreCr, stageCsv } from './csv-source.js';
import { dropTables, isoSql, sqlEscape, sqlString, withoutNulls } from './sql.js';
import { has } from './detect.js';
import { inPart, partsFor, type Part } from '../parts.js';

export const TWCS_COLUMNS = {
  tweet_id: ['tweet_id'],
  author_id: ['author_id'],
  inbound: ['inbound'],
  created_at: ['created_at'],
  text: ['text'],
  in_response_to_tweet_id: ['in_response_to_tweet_id'],
} as const;

const TWITTER_DATE = '%a %b %d %H:%M:%S %z %Y';

/** One staged TWCS file: its table, its name for messages, and its number in the load. */
export interface TwcsStaged {
  table: string;
  label: string;
}

/**
 * SQL making `placed` from the staged TWCS tables and the tweets already
 * stored for `source`: every tweet with its file (`file_no`, null for a
 * stored one), its problem (null when it can be loaded) and the root of its
 * reply tree (null when refused, or when its replies lead round a cycle).
 *
 * Threads are rebuilt from every tweet known for them: the tweets of every
 * file of this load and those stored by earlier loads (of the stored threads
 * the load reaches, see `reached`). A tweet in two files
 * is taken from the later file; a stored tweet given again is taken from the
 * file. A stored tweet's parent is its conversation's root (the thread is
 * already joined), and a root's parent is the conversation's
 * `metadata.in_response_to` (the tweet it answered, not in that export):
 * so a thread a refused tweet split in two is joined once that tweet loads.
 * Run once; the conversations are then built from it part by part.
 */
export function twcsPlaceSql(files: readonly TwcsStaged[], placed: string, source: string): string {
  const at = (label: string) => `${sqlEscape(label)} line ' || _line || '`;
  const typed = files
    .map(
      (f, fileNo) => `
  select
    ${fileNo} as file_no,
    _line,
    '${at(f.label)}' as _at,
    tweet_id,
    author_id,
    text,
    created_at,
    in_response_to_tweet_id,
    try_cast(tweet_id as bigint) as id,
    try_strptime(created_at, '${TWITTER_DATE}') as ts,
    lower(inbound) as inbound,
    try_cast(try_cast(nullif(in_response_to_tweet_id, '') as double) as bigint) as parent,
    row_number() over (partition by tweet_id order by _line) as copy
  from ${f.table}`,
    )
    .join('\n  union all');
  return `
create or replace temp table ${placed} as
with typed as (${typed}
),

checked as (
  select
    *,
    case
      when id is null then _at || ': tweet_id "' || coalesce(tweet_id, '') || '" is not a number: the row is damaged; export it again'
      when copy > 1 then _at || ': tweet_id ' || tweet_id || ' appears a second time: remove the duplicate row'
      when coalesce(author_id, '') = '' then _at || ' (tweet ' || tweet_id || '): author_id is empty: every tweet needs its author'
      when inbound is null or inbound not in ('true', 'false') then _at || ' (tweet ' || tweet_id || '): inbound is "' || coalesce(inbound, '') || '", not True or False'
      when ts is null then _at || ' (tweet ' || tweet_id || '): created_at "' || coalesce(created_at, '') || '" is not a Twitter date such as "Tue Oct 31 22:10:47 +0000 2017": export created_at as the API gives it'
      when parent is null and coalesce(in_response_to_tweet_id, '') <> '' then _at || ' (tweet ' || tweet_id || '): in_response_to_tweet_id "' || in_response_to_tweet_id || '" is not a tweet id'
      when coalesce(text, '') = '' then _at || ' (tweet ' || tweet_id || '): text is empty'
    end as problem
  from typed
),

-- a tweet in two files of this load: the later file's copy
fresh as (
  select * exclude (copy) from checked where problem is null
  qualify row_number() over (partition by id order by file_no desc) = 1
),

-- the stored threads this load reaches: one holding a tweet of the load or the tweet one answers,
-- or whose first tweet answered a tweet of the load (stored threads are joined already, so one step is enough)
reached as (
  select m.conversation_id from raw_messages m
  where m.source = ${sqlString(source)}
    and try_cast(m.message_id as bigint) in (select id from fresh union all select parent from fresh where parent is not null)
  union
  select c.conversation_id from raw_conversations c
  where c.source = ${sqlString(source)} and try_cast(c.metadata->>'in_response_to' as bigint) in (select id from fresh)
),

-- their tweets, unless this load gives them again
stored as (
  select
    null::integer as file_no, null::integer as _line, null::varchar as _at,
    m.message_id as tweet_id, m.author_id, m.body as text, null::varchar as created_at, null::varchar as in_response_to_tweet_id,
    try_cast(m.message_id as bigint) as id, m.sent_at as ts,
    case m.author_role when 'customer' then 'true' else 'false' end as inbound,
    case when m.message_id = c.conversation_id then try_cast(c.metadata->>'in_response_to' as bigint) else try_cast(c.conversation_id as bigint) end as parent,
    null::varchar as problem,
    c.conversation_id as stored_in
  from raw_messages m
  join raw_conversations c using (source, conversation_id)
  where m.source = ${sqlString(source)} and m.conversation_id in (select conversation_id from reached)
    and try_cast(m.message_id as bigint) not in (select id from fresh)
),

tweets as (
  select *, null::varchar as stored_in from fresh
  union all
  select * from stored
),

-- every tweet with the root of its reply tree (a root's parent is empty or not known)
trees as materialized (
  with recursive walk(id, root) as (
    select id, id from tweets where parent is null or parent not in (select id from tweets)
    union all
    select c.id, w.root from tweets c join walk w on c.parent = w.id
  )
  select * from walk
),

-- (a join on the id alone: a further condition in ON makes DuckDB loop over every pair of rows)
known as (
  select t.*, w.root from tweets t left join trees w using (id)
),

-- a thread is built again when a tweet of this load is in it
touched as (
  select distinct root from known where file_no is not null and root is not null
)

select k.* exclude (parent, created_at, in_response_to_tweet_id), k.created_at, k.parent,
  case when k.root in (select root from touched) then max(k.file_no) over (partition by k.root) end as conversation_file
from known k
where k.file_no is not null or k.root in (select root from touched)
union all
-- refused rows of the files
select c.* exclude (copy, parent, created_at, in_response_to_tweet_id), null::varchar as stored_in, null::bigint as root, c.created_at, c.parent, null::integer
from checked c
where c.problem is not null`;
}

/**
 * SQL naming the stored conversations of `source` that this load joins to
 * another thread: a tweet of theirs is now in a thread of another root (run
 * after the load wrote its threads; the loader never removes what it wrote).
 */
export function twcsRemovedSql(placed: string, source: string): string {
  return `select distinct m.source, m.conversation_id
    from raw_messages m join ${placed} p on p.id = try_cast(m.message_id as bigint)
    where m.source = ${sqlString(source)} and p.conversation_file is not null and m.conversation_id <> p.root::varchar`;
}

/** SQL yielding (line, raw, problem) for one part of the placed tweets of file `fileNo` (named `label`). */
export function twcsSql(placed: string, rejects: string, label: string, source: string, fileNo: number, part: Part): string {
  const at = (line: string) => `${sqlEscape(label)} line ' || ${line} || '`;
  return `
with placed as (
  select * from ${placed} where problem is null and root is not null and conversation_file = ${fileNo} and ${inPart(part, 'root')}
),

conversations as (
  select
    min(_line) filter (where file_no = ${fileNo}) as line,
    ${withoutNulls(`json_object(
      'id', root::varchar,
      'source', ${sqlString(source)},
      'channel', 'social',
      'created_at', ${isoSql('min(ts)')},
      'customer', json_object('id', coalesce(
        arg_min(author_id, (ts, id)) filter (where inbound = 'true'),
        regexp_extract(arg_min(text, (ts, id)), '@(\\w+)', 1),
        arg_min(author_id, (ts, id)))),
      'messages', list(json_object(
        'id', id::varchar,
        'at', ${isoSql('ts')},
        'author', json_object('role', case when inbound = 'true' then 'customer' else 'agent' end, 'id', author_id),
        'body', ${restoreCr('text')}) order by ts, id),
      'metadata', json_object(
        'brand', arg_min(author_id, (ts, id)) filter (where inbound = 'false'),
        'tweets', count(*),
        'in_response_to', (max(parent) filter (where id = root))::varchar))`)} as raw,
    null::varchar as problem
  from placed
  group by root
)

select line, raw, problem from conversations
union all
select _line, to_json(struct_pack(tweet_id, author_id, created_at, text))::varchar, problem
from ${placed} where problem is not null and file_no = ${fileNo} and ${inPart(part, '_line')}
union all
select _line, to_json(struct_pack(tweet_id, author_id, created_at, text))::varchar,
  '${at('_line')} (tweet ' || tweet_id || '): in_response_to_tweet_id leads round a cycle of replies and never to a first tweet: fix the reply ids'
from ${placed} where problem is null and root is null and file_no = ${fileNo} and ${inPart(part, '_line')}
union all
select line, raw, problem from ${rejects} where ${inPart(part, 'line')}`;
}

export const twcsAdapter: Adapter = {
  format: 'twcs',
  label: 'Twitter customer-support threads (twcs.csv)',
  input: 'change set',
  detect(probe) {
    if (probe.kind === 'csv' && has(probe.header, 'tweet_id', 'inbound', 'in_response_to_tweet_id')) {
      return { format: 'twcs', why: 'its header has tweet_id, inbound and in_response_to_tweet_id' };
    }
    return undefined;
  },
  prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    const source = options.source ?? 'twcs';
    return prepareInScratch(db, async (scratchDir, tables) => {
      const staged: (TwcsStaged & { file: string; rows: number; rejects: string; digest: FileDigest })[] = [];
      for (const [i, file] of paths.entries()) {
        if (!/\.csv(\.gz)?$/i.test(file)) throw new AdapterError(`${file} is not a .csv file: the Twitter support export is a CSV such as twcs.csv`);
        const table = `_twcs_${i}`;
        tables.push(table, `${table}_rej`);
        const s = await stageCsv(db, { file, table, columns: TWCS_COLUMNS, what: 'Twitter support export', scratchDir });
        staged.push({ table, label: path.basename(file), file, rows: s.rows, rejects: s.rejects, digest: s.digest });
      }
      // the threads of all the files and of what is stored are placed together
      const placed = '_twcs_placed';
      tables.push(placed);
      await db.run(twcsPlaceSql(staged, placed, source));
      await dropTables(
        db,
        staged.map((s) => s.table),
      );
      return staged.map((s, fileNo) => ({
        file: s.file,
        format: 'twcs',
        parts: partsFor(s.rows, options.partSize?.rows),
        sql: (part: Part) => twcsSql(placed, s.rejects, s.label, source, fileNo, part),
        digest: async () => s.digest,
        ...(s.rows > 0 ? { whenNothingRead: `${s.label}: its tweets are all in threads loaded with a later file of this load (counted there)` } : {}),
        ...(fileNo === staged.length - 1 ? { removes: () => twcsRemovedSql(placed, source) } : {}),
      }));
    });
  },
};
