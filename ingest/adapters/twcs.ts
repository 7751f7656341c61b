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
import { prepareFiles } from './prepare.js';
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

/**
 * SQL making `placed` from a staged TWCS table `t`: every tweet with its
 * problem (null when it can be loaded) and the root of its reply tree (null
 * when refused, or when its replies lead round a cycle). Run once; the
 * conversations are then built from it part by part.
 */
export function twcsPlaceSql(t: string, placed: string, label: string): string {
  const at = (line: string) => `${sqlEscape(label)} line ' || ${line} || '`;
  return `
create or replace temp table ${placed} as
with typed as (
  select
    _line,
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
  from ${t}
),

checked as (
  select
    *,
    case
      when id is null then '${at('_line')}: tweet_id "' || coalesce(tweet_id, '') || '" is not a number: the row is damaged; export it again'
      when copy > 1 then '${at('_line')}: tweet_id ' || tweet_id || ' appears a second time: remove the duplicate row'
      when coalesce(author_id, '') = '' then '${at('_line')} (tweet ' || tweet_id || '): author_id is empty: every tweet needs its author'
      when inbound is null or inbound not in ('true', 'false') then '${at('_line')} (tweet ' || tweet_id || '): inbound is "' || coalesce(inbound, '') || '", not True or False'
      when ts is null then '${at('_line')} (tweet ' || tweet_id || '): created_at "' || coalesce(created_at, '') || '" is not a Twitter date such as "Tue Oct 31 22:10:47 +0000 2017": export created_at as the API gives it'
      when parent is null and coalesce(in_response_to_tweet_id, '') <> '' then '${at('_line')} (tweet ' || tweet_id || '): in_response_to_tweet_id "' || in_response_to_tweet_id || '" is not a tweet id'
      when coalesce(text, '') = '' then '${at('_line')} (tweet ' || tweet_id || '): text is empty'
    end as problem
  from typed
),

tweets as (
  select * from checked where problem is null
),

-- every tweet with the root of its reply tree (a root's parent is empty or not in the export)
trees as materialized (
  with recursive walk(id, root) as (
    select id, id from tweets where parent is null or parent not in (select id from tweets)
    union all
    select c.id, w.root from tweets c join walk w on c.parent = w.id
  )
  select * from walk
)

-- (a join on the id alone: a further condition in ON makes DuckDB loop over every pair of rows)
select c.* exclude (copy, parent, created_at, in_response_to_tweet_id), c.created_at, w.root
from checked c left join trees w using (id)`;
}

/** SQL yielding (line, raw, problem) for one part of the placed tweets of file `label`. */
export function twcsSql(placed: string, rejects: string, label: string, source: string, part: Part): string {
  const at = (line: string) => `${sqlEscape(label)} line ' || ${line} || '`;
  return `
with placed as (
  select * from ${placed} where problem is null and root is not null and ${inPart(part, 'root')}
),

conversations as (
  select
    min(_line) as line,
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
      'metadata', json_object('brand', arg_min(author_id, (ts, id)) filter (where inbound = 'false'), 'tweets', count(*)))`)} as raw,
    null::varchar as problem
  from placed
  where root is not null
  group by root
)

select line, raw, problem from conversations
union all
select _line, to_json(struct_pack(tweet_id, author_id, created_at, text))::varchar, problem
from ${placed} where problem is not null and ${inPart(part, '_line')}
union all
select _line, to_json(struct_pack(tweet_id, author_id, created_at, text))::varchar,
  '${at('_line')} (tweet ' || tweet_id || '): in_response_to_tweet_id leads round a cycle of replies and never to a first tweet: fix the reply ids'
from ${placed} where problem is null and root is null and ${inPart(part, '_line')}
union all
select line, raw, problem from ${rejects} where ${inPart(part, 'line')}`;
}

export const twcsAdapter: Adapter = {
  format: 'twcs',
  label: 'Twitter customer-support threads (twcs.csv)',
  detect(probe) {
    if (probe.kind === 'csv' && has(probe.header, 'tweet_id', 'inbound', 'in_response_to_tweet_id')) {
      return { format: 'twcs', why: 'its header has tweet_id, inbound and in_response_to_tweet_id' };
    }
    return undefined;
  },
  prepare(db: Warehouse, paths: readonly string[], options: PrepareOptions): Promise<Prepared> {
    return prepareFiles(db, paths, async (file, i, scratchDir) => {
      if (!/\.csv(\.gz)?$/i.test(file)) throw new AdapterError(`${file} is not a .csv file: the Twitter support export is a CSV such as twcs.csv`);
      const table = `_twcs_${i}`;
      const staged = await stageCsv(db, { file, table, columns: TWCS_COLUMNS, what: 'Twitter support export', scratchDir });
      const placed = `${table}_placed`;
      await db.run(twcsPlaceSql(table, placed, path.basename(file)));
      await dropTables(db, [table]);
      return {
        tables: [placed, staged.rejects],
        input: {
          file,
          format: 'twcs',
          parts: partsFor(staged.rows, options.partSize?.rows),
          sql: (part) => twcsSql(placed, staged.rejects, path.basename(file), options.source ?? 'twcs', part),
          digest: async () => staged.digest,
        },
      };
    });
  },
};
