/**
 * Webhooks: `POST /webhooks/chatwoot`, `/webhooks/intercom` and
 * `/webhooks/zendesk` on the server of `parley serve`.
 *
 * - Each request is checked against its platform's signature before its
 *   body is read as JSON: Intercom's `X-Hub-Signature` (`sha1=` and the hex
 *   HMAC-SHA1 of the body, keyed with the app's client secret); Zendesk's
 *   `X-Zendesk-Webhook-Signature` (base64 HMAC-SHA256 of
 *   `X-Zendesk-Webhook-Signature-Timestamp` + body, keyed with the webhook's
 *   signing secret); Chatwoot's `X-Chatwoot-Signature` (`sha256=` and the
 *   hex HMAC-SHA256 of `X-Chatwoot-Timestamp` + "." + body, keyed with the
 *   webhook's secret). The comparison takes constant time; a signed
 *   timestamp older (or newer) than the platform's tolerance is refused. A
 *   request that fails gets 401 and nothing is stored; no secret, signature
 *   or body is ever logged.
 * - Idempotent: each event's id (webhook-events.ts) goes into
 *   `webhook_events` with the changes it makes, in one transaction; an event
 *   whose id is there already is answered `duplicate` and changes nothing.
 * - One writer: events that arrive while a batch is being written wait and
 *   are written together as the next batch (one transaction, one load_log
 *   row), in the queue that commands and jobs run in, so a burst costs a
 *   few transactions and never writes beside a command.
 * - With a journal (`parley serve` on a warehouse file: webhook-journal.ts,
 *   journaledWriter) an event is answered once its line is on disk in the
 *   journal, and the writer applies the journaled events behind the answers;
 *   without one (webhookWriter) the answer waits for the commit.
 * - An event updates the conversation it belongs to in the raw layer (a new
 *   conversation is created): messages (once per message id), status and
 *   assign events, roles, statuses and channels mapped by the SQL of the
 *   platform's adapter. The conversation's `load_id` becomes the batch's,
 *   so the next incremental build (models/incremental.ts) rebuilds it; the
 *   live page reads the raw layer and sees it at once.
 *
 * @example
 *   const hooks = webhookService(db, { settings: webhookSettings(config.webhooks), queue });
 *   createServer((req, res) => { if (!hooks.handle(req, res)) dashboard(req, res); });
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Warehouse } from '../warehouse/connection.js';
import { WEBHOOK_PLATFORMS, type WebhookPlatform, type WebhookSettings } from '../models/config-webhooks.js';
import { channelSql as chatwootChannelSql, chatwootStatusSql, roleSql as chatwootRoleSql } from '../ingest/adapters/chatwoot.js';
import { STATUS_PARTS as intercomPartStatusSql, intercomRoleSql } from '../ingest/adapters/intercom-common.js';
import { zendeskChannelSql, zendeskRoleSql, zendeskStatusSql } from '../ingest/adapters/zendesk-common.js';
import { readEvent } from './webhook-events.js';
import type { Journal, QueuedEvent } from './webhook-journal.js';
import { oneAtATime, type Queue } from './queue.js';
import { secretsEqual } from './protocol.js';

/** The largest body a webhook may send. */
export const MAX_WEBHOOK_BYTES = 1_000_000;
/** The most events written in one transaction. */
const MAX_BATCH = 2_000;

export type Headers = Record<string, string | string[] | undefined>;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Why a request is refused (401), or undefined when its signature holds. */
export function checkSignature(platform: WebhookPlatform, headers: Headers, body: Buffer, settings: WebhookSettings, now: Date): string | undefined {
  const secret = settings.secret;
  if (!secret) return `no secret is configured for ${platform} webhooks`;
  const fresh = (ms: number) => Number.isFinite(ms) && Math.abs(now.getTime() - ms) <= settings.toleranceS * 1000;
  if (platform === 'intercom') {
    const given = header(headers, 'x-hub-signature');
    if (!given) return 'X-Hub-Signature is missing';
    const expected = 'sha1=' + createHmac('sha1', secret).update(body).digest('hex');
    return secretsEqual(given.toLowerCase(), expected) ? undefined : 'X-Hub-Signature does not match the body';
  }
  if (platform === 'zendesk') {
    const given = header(headers, 'x-zendesk-webhook-signature');
    const stamp = header(headers, 'x-zendesk-webhook-signature-timestamp');
    if (!given || !stamp) return 'X-Zendesk-Webhook-Signature or its timestamp is missing';
    const expected = createHmac('sha256', secret).update(stamp).update(body).digest('base64');
    if (!secretsEqual(given, expected)) return 'X-Zendesk-Webhook-Signature does not match the body';
    return fresh(Date.parse(stamp)) ? undefined : 'the signed timestamp is too old (or in the future)';
  }
  const given = header(headers, 'x-chatwoot-signature');
  const stamp = header(headers, 'x-chatwoot-timestamp');
  if (!given || !stamp) return 'X-Chatwoot-Signature or X-Chatwoot-Timestamp is missing';
  const expected = 'sha256=' + createHmac('sha256', secret).update(`${stamp}.`).update(body).digest('hex');
  if (!secretsEqual(given.toLowerCase(), expected)) return 'X-Chatwoot-Signature does not match the body';
  return /^\d+$/.test(stamp) && fresh(Number(stamp) * 1000) ? undefined : 'the signed timestamp is too old (or in the future)';
}

export type Applied = 'applied' | 'duplicate';

const ITEM_SCHEMA = JSON.stringify({
  platform: 'VARCHAR',
  source: 'VARCHAR',
  event_id: 'VARCHAR',
  n: 'INTEGER',
  kind: 'VARCHAR',
  conversation_id: 'VARCHAR',
  conv_created: 'VARCHAR',
  channel_raw: 'VARCHAR',
  customer_id: 'VARCHAR',
  at: 'VARCHAR',
  message_id: 'VARCHAR',
  message_type: 'VARCHAR',
  sender_type: 'VARCHAR',
  author_type: 'VARCHAR',
  author_id: 'VARCHAR',
  author_name: 'VARCHAR',
  requester_id: 'VARCHAR',
  delivered_as: 'VARCHAR',
  body: 'VARCHAR',
  internal: 'BOOLEAN',
  status_raw: 'VARCHAR',
  part_type: 'VARCHAR',
  agent_id: 'VARCHAR',
  team: 'VARCHAR',
});

/** The canonical role, status and channel of a staged item, by its platform's adapter rules. */
const MAPPINGS: Record<WebhookPlatform, { channel: string; role: string; status: string }> = {
  chatwoot: { channel: chatwootChannelSql('channel_raw'), role: chatwootRoleSql, status: chatwootStatusSql('status_raw') },
  intercom: { channel: "'in_app'", role: `case when lower(delivered_as) = 'automated' then 'bot' else ${intercomRoleSql('author_type')} end`, status: intercomPartStatusSql },
  zendesk: { channel: zendeskChannelSql('channel_raw'), role: zendeskRoleSql('author_type', 'author_id', 'requester_id'), status: zendeskStatusSql('status_raw') },
};

/**
 * The canonical channel, role and status of a staged item, by its platform's adapter rules; only
 * the platforms of the batch (a burst is mostly one platform, and a shorter statement plans faster).
 */
function mappedSql(platforms: readonly WebhookPlatform[]): string {
  const pick = (f: 'channel' | 'role' | 'status') => `case platform ${platforms.map((p) => `when '${p}' then ${MAPPINGS[p][f]}`).join(' ')} end as ${f}`;
  return [pick('channel'), pick('role'), pick('status')].join(',\n  ');
}

/**
 * Writes `events` in one transaction (the caller holds the writer's turn);
 * resolves to each one's outcome, in order. An event whose id is in
 * webhook_events already, or earlier in the same batch, is a duplicate.
 */
export async function applyEvents(db: Warehouse, events: readonly QueuedEvent[], now: Date): Promise<Applied[]> {
  const seen = new Set<string>();
  const first = events.map((e) => {
    const key = `${e.platform}\u0000${e.eventId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rows = events.flatMap((e, i) => (first[i] ? e.items.map((it, n) => ({ ...it, platform: e.platform, source: e.source, event_id: e.eventId, n: i * 1000 + n })) : []));
  return db.transaction(async () => {
    const started = performance.now();
    // staged and mapped, without the events applied before (three round trips in all: a burst's batches are small)
    await db.run(
      `create or replace temp table _wh as
       select * exclude ("at", conv_created), "at"::timestamptz as "at", conv_created::timestamptz as conv_created, ${mappedSql([...new Set(events.map((e) => e.platform))])}
       from (select unnest(from_json($1::json, '[${ITEM_SCHEMA}]'), recursive := true)) anti join webhook_events using (platform, event_id)`,
      [JSON.stringify(rows)],
    );
    const fresh = await db.all<{ platform: string; event_id: string }>('select distinct platform, event_id from _wh');
    const applied = new Set(fresh.map((k) => `${k.platform}\u0000${k.event_id}`));
    if (applied.size > 0) {
      const load = '(select id from _wh_load)';
      // no parameters in a run of several statements (DuckDB binds them to one): the time is a literal of a Date
      const at = `'${now.toISOString()}'::timestamptz`;
      await db.run(
        `create or replace temp table _wh_load as select coalesce(max(load_id), 0) + 1 as id from load_log;
         insert into webhook_events
         select platform, event_id, any_value(conversation_id), ${at}, ${load} from _wh group by platform, event_id;
         create or replace temp table _wh_conv as select source, conversation_id from _wh group by all;
         -- the conversations the batch touches: new ones are made, every one takes the batch's load id
         insert into raw_conversations (source, conversation_id, channel, created_at, customer_id, metadata, load_id, file, line)
         select source, conversation_id, any_value(channel), least(min(conv_created), min("at")), coalesce(any_value(customer_id), 'unknown'),
           json_object('platform', any_value(platform)), ${load}, 'webhooks', 0
         from _wh w anti join raw_conversations c using (source, conversation_id)
         group by source, conversation_id;
         update raw_conversations c set load_id = ${load} from _wh_conv t where c.source = t.source and c.conversation_id = t.conversation_id;
         -- messages: once per message id (a later event may repeat a part an earlier one carried)
         insert into raw_messages (source, conversation_id, seq, message_id, sent_at, author_role, author_id, author_name, body, internal, channel, attachments)
         select w.source, w.conversation_id,
           coalesce(s.seq, 0) + row_number() over (partition by w.source, w.conversation_id order by w."at", w.n),
           w.message_id, w."at", w.role, w.author_id, w.author_name, w.body, w.internal, null, null
         from (select * from _wh where kind = 'message' and role is not null and coalesce(body, '') <> '' and message_id is not null
               qualify row_number() over (partition by source, conversation_id, message_id order by n) = 1) w
         anti join (select source, conversation_id, message_id from raw_messages semi join _wh_conv using (source, conversation_id)) m using (source, conversation_id, message_id)
         left join (select source, conversation_id, max(seq) as seq from raw_messages semi join _wh_conv using (source, conversation_id) group by all) s using (source, conversation_id);
         insert into raw_events (source, conversation_id, seq, event_at, type, status, agent_id, team, reason)
         select w.source, w.conversation_id,
           coalesce(s.seq, 0) + row_number() over (partition by w.source, w.conversation_id order by w."at", w.n),
           w."at", w.kind, case when w.kind = 'status' then w.status end, w.agent_id, w.team, null
         from (select * from _wh where (kind = 'status' and status is not null) or (kind = 'assign' and (agent_id is not null or team is not null))) w
         left join (select source, conversation_id, max(seq) as seq from raw_events semi join _wh_conv using (source, conversation_id) group by all) s using (source, conversation_id);
         insert into load_log (load_id, file, format, source, checksum, bytes, "read", loaded, quarantined, replaced, started_at, duration_s, problem)
         select id, 'webhooks', 'webhook', null, null, null, ${applied.size}, (select count(*) from _wh_conv), 0, 0, ${at}, ${(performance.now() - started) / 1000}, null from _wh_load;
         drop table _wh_conv; drop table _wh_load`,
      );
    }
    await db.run('drop table _wh');
    return events.map((e, i) => (first[i] && applied.has(`${e.platform}\u0000${e.eventId}`) ? 'applied' : 'duplicate'));
  });
}

/**
 * Keeps an event the warehouse refused on its own, time after time, in the
 * quarantine (file `webhooks`, the reason, the event as journaled) under a
 * load_log row of its own, and records it in webhook_events, so the events
 * behind it go on and a redelivery of it is a duplicate. Nothing is lost:
 * the quarantine row holds the whole event.
 */
export async function quarantineEvent(db: Warehouse, event: QueuedEvent, reason: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.transaction(async () => {
    const id = Number((await db.one<{ id: number }>('select coalesce(max(load_id), 0) + 1 as id from load_log'))!.id);
    await db.run(
      `insert into load_log (load_id, file, format, source, checksum, bytes, "read", loaded, quarantined, replaced, started_at, duration_s, problem)
       values ($1, 'webhooks', 'webhook', $2, null, null, 1, 0, 1, 0, $3::timestamptz, 0, $4)`,
      [id, event.source, at, reason],
    );
    await db.run(`insert into quarantine (load_id, file, line, reason, raw, quarantined_at) values ($1, 'webhooks', null, $2, $3, $4::timestamptz)`, [
      id,
      reason,
      JSON.stringify(event),
      at,
    ]);
    await db.run(`insert into webhook_events (platform, event_id, conversation_id, received_at, load_id) values ($1, $2, null, $3::timestamptz, $4) on conflict do nothing`, [
      event.platform,
      event.eventId,
      at,
      id,
    ]);
  });
}

/** The one writer of webhook events: batches what arrives while a batch is written. */
export interface WebhookWriter {
  /** Resolves when the event is committed (without a journal) or on disk in the journal; its outcome. */
  submit(event: QueuedEvent): Promise<Applied>;
  /** Resolves once every event answered so far is committed to the warehouse. */
  settled(): Promise<void>;
  /** Waits for the events answered to be committed (a journal: as far as it can), then lets go of the journal. */
  close(): Promise<void>;
}

/**
 * Under a burst, how long the next batch may wait for the senders of the batch just written to
 * send again. A sender waits for its answer before it sends the next event, so without the wait
 * a burst splits into two cohorts that take turns (each batch half the senders, while the other
 * half wait for their answers); with it, one batch carries them all, for about the cost of one.
 */
export const GATHER_MS = 20;

export function webhookWriter(db: Warehouse, queue: Queue, clock: () => Date = () => new Date()): WebhookWriter {
  type Waiting = { event: QueuedEvent; resolve: (a: Applied) => void; reject: (e: unknown) => void };
  let pending: Waiting[] = [];
  let running = false;
  let wake: (() => void) | undefined;
  let idle: (() => void)[] = [];
  /** Resolves when `target` events are waiting, or after GATHER_MS. */
  const gather = (target: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, GATHER_MS);
      wake = () => void (pending.length >= target && done());
    });
  async function drain(): Promise<void> {
    let last = 0;
    for (;;) {
      // after a batch of several, give its senders a moment to send their next events
      const target = Math.min(last, MAX_BATCH);
      if (target > 1 && pending.length < target) await gather(target);
      if (!pending.length) break;
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(MAX_BATCH);
      try {
        const out = await queue.run(() =>
          applyEvents(
            db,
            batch.map((w) => w.event),
            clock(),
          ),
        );
        batch.forEach((w, i) => w.resolve(out[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
      last = batch.length;
    }
    running = false;
    const waiting = idle;
    idle = [];
    waiting.forEach((resolve) => resolve());
  }
  const settled = () => (running ? new Promise<void>((resolve) => idle.push(resolve)) : Promise.resolve());
  return {
    settled,
    close: settled,
    submit(event) {
      return new Promise<Applied>((resolve, reject) => {
        pending.push({ event, resolve, reject });
        wake?.();
        if (!running) {
          running = true;
          // let the requests arriving in this turn of the event loop join the batch
          setImmediate(() => void drain());
        }
      });
    },
  };
}

const eventKey = (e: { platform: string; eventId: string }) => `${e.platform}\u0000${e.eventId}`;

/** How long the writer waits before trying a batch again that the warehouse refused (it stays in the journal). */
export const RETRY_MS = 1_000;
/** How many committed event ids a journaled writer keeps to answer a redelivery `duplicate`. */
export const RECENT = 100_000;
/** After how many events committed without the journal becoming empty it is written anew with the rest. */
export const COMPACT_EVERY = 20_000;
/**
 * How long a journaled writer pauses between batches while more events wait: the answers do not
 * wait for it, the batches grow (fewer transactions), and the live page's read gets the cores
 * between them (bench:live in turns: its p95 under the burst 0.70x, events/s 1.06x).
 */
export const APPLY_GAP_MS = 100;
/**
 * After how many refusals in a row a journaled writer takes a batch apart
 * (its events applied one at a time), and quarantines an event refused on
 * its own (quarantineEvent): one event the warehouse cannot take must not
 * hold up every event behind it, for ever and across restarts.
 */
export const REFUSALS_BEFORE_ISOLATING = 3;

/**
 * The writer of a server with a journal (webhook-journal.ts): an event is
 * answered once its line is on disk (or once it is known: a duplicate), and
 * applied to the warehouse behind the answers, each batch all that was
 * journaled while the one before was written; so a burst's batches grow with
 * the burst instead of the senders waiting for each commit. `replay`: the
 * journal's lines left from before (applied first; the ones applied already
 * change nothing); between batches it pauses APPLY_GAP_MS while more wait.
 * Once every line is committed the journal is emptied; if
 * that does not happen for COMPACT_EVERY events (steady traffic), it is
 * written anew with the events not yet committed. A batch refused
 * REFUSALS_BEFORE_ISOLATING times in a row is tried one event at a time, and
 * an event refused that often on its own is quarantined (quarantineEvent).
 *
 * Duplicates: an event whose id is journaled and not yet committed, or among
 * the last RECENT committed, is answered `duplicate` and not journaled. One
 * seen before that (or before the server started) is journaled and answered
 * `applied` (a read of webhook_events would wait behind the dashboard's
 * reads); applyEvents then finds it in webhook_events and it changes nothing.
 */
export function journaledWriter(
  db: Warehouse,
  queue: Queue,
  journal: Journal,
  replay: readonly QueuedEvent[] = [],
  clock: () => Date = () => new Date(),
  log: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): WebhookWriter {
  type Arrival = { event: QueuedEvent; resolve: (a: Applied) => void; reject: (e: unknown) => void };
  /** Journaled (or being journaled) and not yet committed. */
  const known = new Map(replay.map((e) => [eventKey(e), e]));
  let sinceCompact = 0;
  /** The last RECENT committed, oldest first. */
  const recent = new Set<string>();
  let arrivals: Arrival[] = [];
  const toApply: QueuedEvent[] = [...replay];
  // lines put in the journal (counted before they are on disk) and lines committed: the journal
  // is emptied only when the two are equal
  let journaled = replay.length;
  let committed = 0;
  let taking: Promise<void> | undefined;
  let applying: Promise<void> | undefined;
  let closing = false;
  let idle: (() => void)[] = [];
  const isIdle = () => !taking && !applying && arrivals.length === 0 && toApply.length === 0;
  const wakeIdle = () => {
    if (!isIdle()) return;
    const waiting = idle;
    idle = [];
    waiting.forEach((resolve) => resolve());
  };

  async function take(): Promise<void> {
    await null; // `taking` is set before this can end
    while (arrivals.length) {
      const group = arrivals;
      arrivals = [];
      try {
        journaled += group.length;
        await journal.append(group.map((a) => a.event));
        toApply.push(...group.map((a) => a.event));
        for (const a of group) a.resolve('applied');
        kickApply();
      } catch (error) {
        journaled -= group.length;
        for (const a of group) {
          known.delete(eventKey(a.event));
          a.reject(error);
        }
      }
    }
    taking = undefined;
    wakeIdle();
  }

  /** Refusals in a row of the batch at the head; how many of the next events are applied one at a time. */
  let refusals = 0;
  let alone = 0;
  async function apply(): Promise<void> {
    await null; // `applying` is set before this can end
    while (toApply.length) {
      const batch = toApply.splice(0, alone > 0 ? 1 : MAX_BATCH);
      try {
        await queue.run(() => applyEvents(db, batch, clock()));
        refusals = 0;
        if (alone > 0) alone -= 1;
        committed += batch.length;
        for (const e of batch) {
          known.delete(eventKey(e));
          recent.add(eventKey(e));
        }
        for (const key of recent) {
          if (recent.size <= RECENT) break;
          recent.delete(key);
        }
        sinceCompact += batch.length;
        if (sinceCompact >= COMPACT_EVERY && toApply.length > 0) {
          sinceCompact = 0;
          await journal.compact(() => [...known.values()]);
        }
        if (APPLY_GAP_MS > 0 && toApply.length > 0 && !closing) await new Promise((resolve) => setTimeout(resolve, APPLY_GAP_MS));
      } catch (error) {
        const reason = String((error as Error).message ?? error).split('\n')[0]!;
        refusals += 1;
        if (refusals >= REFUSALS_BEFORE_ISOLATING && batch.length === 1) {
          const [event] = batch as [QueuedEvent];
          try {
            await queue.run(() => quarantineEvent(db, event, `the warehouse refused this webhook event ${refusals} times: ${reason}`, clock()));
            refusals = 0;
            if (alone > 0) alone -= 1;
            committed += 1;
            known.delete(eventKey(event));
            recent.add(eventKey(event));
            log(
              `parley serve: the webhook event ${event.platform} ${event.eventId} was refused ${REFUSALS_BEFORE_ISOLATING} times on its own and is kept in the quarantine: ${reason}`,
            );
            continue;
          } catch {
            // the warehouse refuses that too: the event stays in the journal and is tried again
          }
        }
        if (refusals >= REFUSALS_BEFORE_ISOLATING && batch.length > 1) {
          // one of them may be what the warehouse refuses: each is tried on its own
          alone = batch.length;
          refusals = 0;
        }
        toApply.unshift(...batch);
        log(`parley serve: ${batch.length} webhook events could not be written to the warehouse (they stay in the journal): ${reason}`);
        if (closing) break;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    if (toApply.length === 0) {
      sinceCompact = 0;
      await journal.clearIf(() => committed === journaled);
    }
    applying = undefined;
    if (toApply.length && !closing) kickApply();
    wakeIdle();
  }
  const kickApply = () => void (applying ??= apply());
  kickApply();

  return {
    submit(event) {
      if (closing) return Promise.reject(new Error('the server is stopping'));
      const key = eventKey(event);
      if (known.has(key) || recent.has(key)) return Promise.resolve('duplicate');
      known.set(key, event);
      return new Promise<Applied>((resolve, reject) => {
        arrivals.push({ event, resolve, reject });
        taking ??= take();
      });
    },
    settled: () => (isIdle() ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
    async close() {
      closing = true;
      await taking;
      await applying;
      await journal.close();
    },
  };
}

export interface WebhookService {
  /** Answers the request when its path is /webhooks/…; false (nothing done) otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  writer: WebhookWriter;
  /** After the server has stopped taking requests: commits what was answered, lets go of the journal. */
  close(): Promise<void>;
}

export interface WebhookOptions {
  settings: Record<WebhookPlatform, WebhookSettings>;
  /** The queue that commands and jobs run in (default a new one). */
  queue?: Queue;
  /** The clock (tests fix it). */
  now?: () => Date;
  /**
   * The journal (openJournal) and the lines left in it: events are answered once journaled and
   * applied behind the answers (journaledWriter). Without one, an answer waits for the commit.
   */
  journal?: { journal: Journal; replay: readonly QueuedEvent[] };
}

export const WEBHOOK_PREFIX = '/webhooks/';

export function webhookService(db: Warehouse, options: WebhookOptions): WebhookService {
  const now = options.now ?? (() => new Date());
  const queue = options.queue ?? oneAtATime();
  const writer = options.journal ? journaledWriter(db, queue, options.journal.journal, options.journal.replay, now) : webhookWriter(db, queue, now);
  const answer = (res: ServerResponse, status: number, body: object) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  async function serve(platform: WebhookPlatform, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) return answer(res, 413, { error: `a webhook body may be at most ${MAX_WEBHOOK_BYTES} bytes` });
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const when = now();
    const refused = checkSignature(platform, req.headers, body, options.settings[platform], when);
    if (refused) return answer(res, 401, { error: refused });
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(res, 400, { error: 'the body is not JSON' });
    }
    const event = readEvent(platform, doc, body, when);
    if ('ignored' in event) return answer(res, 200, { ignored: event.ignored });
    const outcome = await writer.submit({ ...event, source: options.settings[platform].source });
    answer(res, 200, { [outcome]: event.eventId, conversation: event.conversationId });
  }
  return {
    writer,
    close: () => writer.close(),
    handle(req, res) {
      const url = req.url ?? '';
      if (!url.startsWith(WEBHOOK_PREFIX)) return false;
      const platform = url.slice(WEBHOOK_PREFIX.length).split(/[?#]/)[0] as WebhookPlatform;
      if (!WEBHOOK_PLATFORMS.includes(platform)) answer(res, 404, { error: `webhooks are /webhooks/${WEBHOOK_PLATFORMS.join(', /webhooks/')}` });
      else if (req.method !== 'POST') answer(res, 405, { error: 'POST only' });
      else
        serve(platform, req, res).catch((error: unknown) => {
          // the writer failed: the platform will deliver the event again
          if (!res.headersSent) answer(res, 500, { error: `the event could not be stored: ${String((error as Error).message ?? error).split('\n')[0]}` });
        });
      return true;
    },
  };
}

/**
 * The headers a platform would sign `body` with (what {@link checkSignature}
 * accepts): for the tests, the benchmark and a sender of one's own.
 */
export function signedHeaders(platform: WebhookPlatform, body: string | Buffer, secret: string, now: Date): Record<string, string> {
  if (platform === 'intercom') return { 'content-type': 'application/json', 'x-hub-signature': 'sha1=' + createHmac('sha1', secret).update(body).digest('hex') };
  if (platform === 'zendesk') {
    const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature-timestamp': stamp,
      'x-zendesk-webhook-signature': createHmac('sha256', secret).update(stamp).update(body).digest('base64'),
    };
  }
  const stamp = String(Math.floor(now.getTime() / 1000));
  return {
    'content-type': 'application/json',
    'x-chatwoot-timestamp': stamp,
    'x-chatwoot-signature': 'sha256=' + createHmac('sha256', secret).update(`${stamp}.`).update(body).digest('hex'),
  };
}
