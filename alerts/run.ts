/**
 * Evaluating the alert rules after a build or a job: what the rules find
 * (rules.ts) is stored in `alerts` once per key (rule + condition +
 * period); a key already there is passed over, so the same alert is never
 * fired or sent twice. New alerts, and those of the last day a channel has
 * not taken yet (a webhook that was down), go to the webhook and the e-mail
 * (notify.ts); what was sent is stamped, a failure kept in one line and
 * tried again after the next build. Sending never fails the build.
 *
 * `parley build` and `parley insights build` call {@link runAlerts}: the
 * jobs of `parley serve` run those commands, so both pass through here.
 *
 * @example
 *   const r = await runAlerts(db, config, { now, env: process.env });
 *   // { fired: [{ key: 'fcr-low:…', title: 'FCR rate 72.0% in November 2026: below 75.0%', … }], webhook: 1, emailed: 1, problems: [] }
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tables, type Alerts } from '../warehouse/tables.js';
import type { ParleyConfig } from '../models/config.js';
import { findAlerts, type FoundAlert } from './rules.js';
import { mailAlerts, postWebhook, slackPayload } from './notify.js';

export interface AlertRun {
  /** The alerts fired by this run (new keys). */
  fired: FoundAlert[];
  /** Alerts the webhook took, and that went out by e-mail, in this run. */
  webhook: number;
  emailed: number;
  /** A line per channel that failed. */
  problems: string[];
}

/** How long an alert that a channel has not taken yet is tried again. */
const RETRY_MS = 24 * 3_600_000;

export async function runAlerts(db: Warehouse, config: ParleyConfig, o: { now?: Date; env?: NodeJS.ProcessEnv } = {}): Promise<AlertRun> {
  const now = o.now ?? new Date();
  const env = o.env ?? process.env;
  const run: AlertRun = { fired: [], webhook: 0, emailed: 0, problems: [] };
  const a = config.alerts;
  if (!a || Object.keys(a.rules).length === 0) return run;
  const found = await findAlerts(db, config, { now });
  if (found.length) {
    const known = new Set(
      (
        await tables(db)
          .selectFrom('alerts')
          .select('alert_key')
          .where(
            'alert_key',
            'in',
            found.map((f) => f.key),
          )
          .execute()
      ).map((r) => r.alert_key),
    );
    // the same condition found twice in one run (two rules cannot share a key: it starts with the rule)
    const fresh = [...new Map(found.filter((f) => !known.has(f.key)).map((f) => [f.key, f])).values()];
    if (fresh.length) {
      await tables(db)
        .insertInto('alerts')
        .values(
          fresh.map((f) => ({
            alert_key: f.key,
            rule: f.rule,
            kind: f.kind,
            period: f.period,
            title: f.title,
            detail: f.detail,
            href: f.href,
            fired_at: now,
            webhook_sent_at: null,
            email_sent_at: null,
            send_error: null,
          })),
        )
        .execute();
    }
    run.fired = fresh;
  }
  const since = new Date(now.getTime() - RETRY_MS);
  const webhook = a.webhook ?? (a.webhook_env ? env[a.webhook_env] : undefined);
  if (a.webhook_env && !webhook) run.problems.push(`alerts: the environment variable ${a.webhook_env} (alerts.webhook_env) is not set: no webhook sent`);
  if (webhook) {
    const unsent = await pending(db, 'webhook_sent_at', since);
    for (const alert of unsent) {
      try {
        await postWebhook(webhook, slackPayload([alert], a.dashboard_url));
        await stamp(db, [alert.alert_key], 'webhook_sent_at', now);
        run.webhook++;
      } catch (error) {
        await failed(db, [alert.alert_key], (error as Error).message);
        run.problems.push(`alerts: ${(error as Error).message}`);
        break;
      }
    }
  }
  if (a.email?.length) {
    if (!config.mail) run.problems.push('alerts: alerts.email needs the SMTP server of mail: in parley.config.yaml: no e-mail sent');
    else {
      const unsent = await pending(db, 'email_sent_at', since);
      if (unsent.length) {
        try {
          await mailAlerts(config.mail, a.email, unsent, a.dashboard_url, env);
          await stamp(
            db,
            unsent.map((u) => u.alert_key),
            'email_sent_at',
            now,
          );
          run.emailed = unsent.length;
        } catch (error) {
          const line = (error as Error).message.split('\n')[0]!;
          await failed(
            db,
            unsent.map((u) => u.alert_key),
            line,
          );
          run.problems.push(`alerts: the e-mail was not sent: ${line}`);
        }
      }
    }
  }
  return run;
}

function pending(db: Warehouse, column: 'webhook_sent_at' | 'email_sent_at', since: Date): Promise<Alerts[]> {
  return tables(db).selectFrom('alerts').selectAll().where(column, 'is', null).where('fired_at', '>=', since).orderBy('fired_at').orderBy('alert_key').execute();
}

async function stamp(db: Warehouse, keys: string[], column: 'webhook_sent_at' | 'email_sent_at', at: Date): Promise<void> {
  await tables(db)
    .updateTable('alerts')
    .set({ [column]: at })
    .where('alert_key', 'in', keys)
    .execute();
}

async function failed(db: Warehouse, keys: string[], message: string): Promise<void> {
  await tables(db)
    .updateTable('alerts')
    .set({ send_error: message.slice(0, 500) })
    .where('alert_key', 'in', keys)
    .execute();
}

/** One line for the command's output: what fired and where it went ('' when nothing did). */
export function alertSummary(r: AlertRun): string {
  if (r.fired.length === 0 && r.webhook === 0 && r.emailed === 0) return '';
  const sent = [r.webhook ? `${r.webhook} to the webhook` : '', r.emailed ? `${r.emailed} by e-mail` : ''].filter(Boolean).join(', ');
  return `alerts: ${r.fired.length} fired${r.fired.length ? ` (${[...new Set(r.fired.map((f) => f.rule))].join(', ')})` : ''}${sent ? `; sent ${sent}` : ''}; see /alerts`;
}
