/**
 * Crash repair on open: rows of a load that never finished are removed.
 *
 * A load writes its rows and its load-log rows in one transaction, so a
 * load either has load-log rows or left nothing. DuckDB has been seen to
 * break that after a SIGKILL during the commit (issue 20: the WAL replayed
 * 160,000 messages of a load without its conversations or its load-log
 * row). So each open checks the invariant and restores it:
 *
 * - conversations, quarantined records and agents whose `load_id` has no
 *   `load_log` row are removed;
 * - messages, events and surveys whose conversation (source + id) is not in
 *   `raw_conversations` are removed (they carry no load id: a conversation
 *   record owns them, and one without its conversation cannot be shown).
 *   This look joins every message to its conversation (about 2 s for 10
 *   million messages), so it runs only when `thorough`: by default, when
 *   DuckDB replayed a write-ahead log at open, i.e. after a process was
 *   killed — the only time the state above has been seen. The first look
 *   (load ids against the load log) is cheap and runs on every open.
 *
 * The repair runs in one transaction and returns one line for the user
 * (stderr of the command, or the server's log); once repaired, the next open
 * finds nothing and says nothing.
 *
 * @example
 *   const note = await repairInterruptedLoads(db);
 *   if (note) io.err.write(`parley: ${note}\n`);
 */
import type { Warehouse } from './connection.js';
import { tableExists } from './table-exists.js';

/** The tables that carry a load id. */
const BY_LOAD = ['raw_conversations', 'quarantine', 'raw_agents'] as const;
/** The tables owned by a conversation record. */
const BY_CONVERSATION = ['raw_messages', 'raw_events', 'raw_surveys'] as const;

const WORDS: Record<string, string> = {
  raw_conversations: 'conversations',
  quarantine: 'quarantined records',
  raw_agents: 'agents',
  raw_messages: 'messages',
  raw_events: 'events',
  raw_surveys: 'surveys',
};

/** Removes what an interrupted load left; returns the line to tell the user, or undefined when there was nothing. */
export async function repairInterruptedLoads(db: Warehouse, thorough = db.replayedWal): Promise<string | undefined> {
  if (!(await tableExists(db, 'load_log'))) return undefined;
  const present: string[] = [];
  for (const t of [...BY_LOAD, ...(thorough ? BY_CONVERSATION : [])]) if (await tableExists(db, t)) present.push(t);
  const orphanOf = (t: string) =>
    (BY_LOAD as readonly string[]).includes(t)
      ? `${t}.load_id not in (select load_id from load_log)`
      : `not exists (select 1 from raw_conversations c where c.source = ${t}.source and c.conversation_id = ${t}.conversation_id)`;
  // the cheap look first: most opens find nothing and write nothing
  const found = await db.one<Record<string, number>>(`select ${present.map((t) => `(select count(*) from ${t} where ${orphanOf(t)}) as ${t}`).join(', ')}`);
  if (!found || present.every((t) => !found[t])) return undefined;
  // conversations of a stray load were found: their messages go with them
  for (const t of BY_CONVERSATION) if (!present.includes(t) && (await tableExists(db, t))) present.push(t);
  const loads = (
    await db.all<{ id: number }>(
      `select distinct load_id as id from (${present
        .filter((t) => (BY_LOAD as readonly string[]).includes(t))
        .map((t) => `select load_id from ${t} where ${orphanOf(t)}`)
        .join(' union all ')}) order by 1`,
    )
  ).map((r) => r.id);
  const removed: string[] = [];
  await db.transaction(async () => {
    // conversations first: the messages of a removed conversation are then orphans too, and go with it
    for (const t of present) {
      const n = (await db.one<{ n: number }>(`select count(*) as n from ${t} where ${orphanOf(t)}`))?.n ?? 0;
      if (n === 0) continue;
      await db.run(`delete from ${t} where ${orphanOf(t)}`);
      removed.push(`${n.toLocaleString('en-US')} ${WORDS[t]}`);
    }
  });
  const what = loads.length ? `rows of load ${loads.join(', ')}, which never finished (no load-log row` : `messages of conversations that never landed (an interrupted load`;
  return `the warehouse held ${what}: the process was killed during its commit, say); removed ${removed.join(', ')}. Load those files again, then run parley build`;
}
