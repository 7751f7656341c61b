/**
 * Retention (`retention: { message_bodies: 24m }` in parley.config.yaml): on
 * each build, the raw text older than the period is blanked, the same way
 * `parley erase` removes a customer: message bodies become '' (the column
 * is required), survey comments and the raw text of quarantined records
 * become null, and insight examples quoting those conversations are removed.
 * What the metrics need stays: every timestamp, author, role, event, survey
 * score and id, so response times, resolutions, FCR and CSAT do not change.
 * Figures read from the words themselves (the effort index's repeated
 * contact, AutoQA's phrase checks) keep what the last build computed until a
 * full build recomputes them from the blank text. When anything was blanked
 * the warehouse file is written anew, so the old text is in no byte of it.
 *
 * @example
 *   retentionCutoff('24m', new Date('2026-12-01T12:00:00Z'))  // 2024-12-01T12:00:00Z
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import type { ParleyConfig } from './config.js';

export interface RetentionResult {
  /** The period of the configuration (`24m`). */
  period: string;
  /** Text from before this moment was blanked. */
  cutoff: Date;
  messages: number;
  surveyComments: number;
  quarantined: number;
}

/** `now` minus the period: `90d`, `12w`, `24m` (calendar months, UTC) or `2y`. */
export function retentionCutoff(period: string, now: Date): Date {
  const n = Number(period.slice(0, -1));
  const cutoff = new Date(now);
  switch (period.slice(-1)) {
    case 'd':
      cutoff.setUTCDate(cutoff.getUTCDate() - n);
      break;
    case 'w':
      cutoff.setUTCDate(cutoff.getUTCDate() - 7 * n);
      break;
    case 'm':
      cutoff.setUTCMonth(cutoff.getUTCMonth() - n);
      break;
    case 'y':
      cutoff.setUTCFullYear(cutoff.getUTCFullYear() - n);
      break;
    default:
      throw new Error(`retention period ${period}: use d, w, m or y`);
  }
  return cutoff;
}

/** Blanks the text older than the configured period, in one transaction; undefined when no retention is set. */
export async function applyRetention(db: Warehouse, config: ParleyConfig, now = new Date()): Promise<RetentionResult | undefined> {
  const period = config.retention?.message_bodies;
  if (!period) return undefined;
  const cutoff = retentionCutoff(period, now);
  const count = async (sql: string) => (await db.one<{ n: number }>(sql, [cutoff]))!.n;
  return db.transaction(async () => {
    const messages = await count("select count(*) as n from raw_messages where sent_at < $1 and body <> ''");
    const surveyComments = await count('select count(*) as n from raw_surveys where answered_at < $1 and comment is not null');
    const quarantined = await count('select count(*) as n from quarantine where quarantined_at < $1 and raw is not null');
    if (messages + surveyComments + quarantined === 0) return { period, cutoff, messages, surveyComments, quarantined };
    if (await tableExists(db, 'insight_topic_examples')) {
      await db.run(
        `delete from insight_topic_examples as e
         where exists (select 1 from raw_messages m where m.source = e.source and m.conversation_id = e.conversation_id and m.sent_at < $1 and m.body <> '')`,
        [cutoff],
      );
    }
    await db.run("update raw_messages set body = '' where sent_at < $1 and body <> ''", [cutoff]);
    await db.run('update raw_surveys set comment = null where answered_at < $1 and comment is not null', [cutoff]);
    await db.run('update quarantine set raw = null where quarantined_at < $1 and raw is not null', [cutoff]);
    return { period, cutoff, messages, surveyComments, quarantined };
  });
}

/** Whether a retention pass blanked anything (and so the file must be written anew). */
export function blankedAnything(r: RetentionResult | undefined): boolean {
  return r !== undefined && r.messages + r.surveyComments + r.quarantined > 0;
}
