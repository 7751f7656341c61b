/**
 * Where fired alerts go besides the Alerts page: a webhook that takes
 * Slack-compatible JSON (`{"text": …, "blocks": […]}`: a Slack incoming
 * webhook, or anything that reads the same), and an e-mail through the SMTP
 * server of the config's `mail:` (mail/send.ts).
 *
 * @example
 *   await postWebhook('https://hooks.slack.com/services/…', slackPayload([alert], 'https://parley.example.com'));
 */
import { sendMail, type MailSent } from '../mail/send.js';
import type { MailConfig } from '../models/config-delivery.js';

export interface AlertMessage {
  title: string;
  detail: string;
  /** A dashboard path (/metrics/fcr_rate?…). */
  href: string;
  rule: string;
}

/** `href` with the dashboard's address in front when it is known. */
export function link(href: string, base: string | undefined): string {
  return base ? `${base.replace(/\/+$/, '')}${href}` : href;
}

/** Slack's mrkdwn escapes: &, < and > (the rest is text). */
const mrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The webhook body for `alerts`: `text` (the fallback a notification shows)
 * and one section block per alert, its title a link to the view that
 * explains it, and a context line naming the rule.
 */
export function slackPayload(alerts: readonly AlertMessage[], base?: string): { text: string; blocks: object[] } {
  const text = alerts.length === 1 ? `Parley alert: ${alerts[0]!.title}` : `Parley: ${alerts.length} alerts: ${alerts.map((a) => a.title).join('; ')}`;
  const blocks: object[] = [];
  for (const a of alerts) {
    const url = link(a.href, base);
    const title = /^https?:\/\//.test(url) ? `*<${url}|${mrkdwn(a.title)}>*` : `*${mrkdwn(a.title)}*\n${mrkdwn(url)}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${title}\n${mrkdwn(a.detail)}` } });
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `rule ${mrkdwn(a.rule)}` }] });
  }
  return { text, blocks };
}

/** POSTs `payload` as JSON; throws one line when the receiver does not answer 2xx. */
export async function postWebhook(url: string, payload: object): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new Error(`the webhook ${new URL(url).host} could not be reached: ${(error as Error).message}`);
  }
  if (!res.ok) throw new Error(`the webhook ${new URL(url).host} answered ${res.status} ${(await res.text()).slice(0, 200).replace(/\s+/g, ' ')}`);
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The e-mail for `alerts`: subject, plain text and HTML, each alert with its link. */
export function alertMail(alerts: readonly AlertMessage[], base?: string): { subject: string; text: string; html: string } {
  const subject = alerts.length === 1 ? `Parley alert: ${alerts[0]!.title}` : `Parley: ${alerts.length} alerts`;
  const text = alerts.map((a) => `${a.title}\n${a.detail}\n${link(a.href, base)}\n`).join('\n');
  const items = alerts.map((a) => `<li><a href="${html(link(a.href, base))}">${html(a.title)}</a><br>${html(a.detail)}</li>`).join('\n');
  return { subject, text, html: `<p>Parley found ${alerts.length === 1 ? 'this' : 'these'}:</p>\n<ul>\n${items}\n</ul>\n` };
}

/** Sends the alert e-mail to `to` through `mail`. */
export function mailAlerts(mail: MailConfig, to: readonly string[], alerts: readonly AlertMessage[], base?: string, env?: NodeJS.ProcessEnv): Promise<MailSent> {
  return sendMail(mail, { to, ...alertMail(alerts, base) }, env);
}
