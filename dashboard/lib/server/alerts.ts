/**
 * The Alerts page's loader: the alerts the rules of parley.config.yaml's
 * `alerts:` fired (alerts/, table `alerts`), newest first, each with the
 * view that explains it and where it was sent.
 *
 * @example
 *   const { alerts } = await loadAlerts(db);
 *   alerts[0]; // { title: 'FCR rate 70.0% in November 2026: below 75.0%', href: '/metrics/fcr_rate?…', firedAt: '2026-12-01 12:00', sent: 'webhook, e-mail', … }
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { tableExists } from '../../../warehouse/table-exists.js';
import { tables } from '../../../warehouse/tables.js';
import { memo } from './cache.js';

/** The most alerts the page lists. */
export const ALERTS_SHOWN = 200;

export interface AlertRow {
  key: string;
  rule: string;
  kind: string;
  /** 'threshold' → 'Threshold', in words. */
  kindLabel: string;
  period: string;
  title: string;
  detail: string;
  href: string;
  /** 'YYYY-MM-DD HH:MM' UTC. */
  firedAt: string;
  /** Where it went: 'webhook', 'e-mail', both, or '' (the page only). */
  sent: string;
  /** The last failure to send it, in one line. */
  sendError: string | null;
}

const KIND_LABELS: Record<string, string> = {
  threshold: 'Threshold',
  target_missed: 'Target missed',
  emerging_topic: 'Emerging topic',
  sla_breaches: 'SLA breaches',
};

/** The page's rows, kept until the data change: the alert runs write through the main connection, which bumps the data generation. */
export function loadAlerts(db: Warehouse): Promise<{ alerts: AlertRow[]; total: number }> {
  return memo(db, 'alerts-page', () => readAlerts(db));
}

async function readAlerts(db: Warehouse): Promise<{ alerts: AlertRow[]; total: number }> {
  if (!(await tableExists(db, 'alerts'))) return { alerts: [], total: 0 };
  const [rows, count] = await Promise.all([
    tables(db).selectFrom('alerts').selectAll().orderBy('fired_at', 'desc').orderBy('alert_key').limit(ALERTS_SHOWN).execute(),
    tables(db)
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst(),
  ]);
  return {
    total: Number(count?.n ?? 0),
    alerts: rows.map((r) => ({
      key: r.alert_key,
      rule: r.rule,
      kind: r.kind,
      kindLabel: KIND_LABELS[r.kind] ?? r.kind,
      period: r.period,
      title: r.title,
      detail: r.detail,
      // only a path of this dashboard (the rules write them; never a link elsewhere)
      href: r.href.startsWith('/') && !r.href.startsWith('//') ? r.href : '/',
      firedAt: r.fired_at.toISOString().slice(0, 16).replace('T', ' '),
      sent: [r.webhook_sent_at ? 'webhook' : '', r.email_sent_at ? 'e-mail' : ''].filter(Boolean).join(', '),
      sendError: r.send_error,
    })),
  };
}
