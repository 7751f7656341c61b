/**
 * A rendered notebook as an e-mail: the report attached as PDF (to read and
 * print) and as its self-contained HTML, a subject naming the report and its
 * month, and a short body saying what is attached. `parley notebook render
 * --mail-to` and scheduled notebook jobs with `mail_to:` send it.
 *
 * @example
 *   const result = await renderNotebook(db, nb, {}, { now });
 *   const pdf = await renderPdf(result.html);
 *   await deliverReport(config.mail, ['ana@example.com'], { id: 'monthly-report', result, pdf });
 *   // subject "Monthly leadership report: November 2026", attachments monthly-report-2026-11.pdf and .html
 */
import { sendMail, type MailMessage, type MailSent, type MailSettings } from '../mail/send.js';
import type { RenderResult } from '../notebooks/render.js';

export interface RenderedReport {
  /** The notebook's id (its file name without .md): the attachments' names start with it. */
  id: string;
  result: Pick<RenderResult, 'html' | 'title' | 'params'>;
  pdf: Buffer;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2026-11` → `November 2026`. */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-');
  return `${MONTHS[Number(m) - 1]} ${y}`;
}

/** The parameters a reader chose (not the derived `month_previous`, `month_year_ago`), in the notebook's order. */
function chosen(params: RenderResult['params']): [string, string][] {
  return Object.entries(params).filter((e): e is [string, string] => e[1] !== null && !/_(previous|year_ago)$/.test(e[0]));
}

/** The e-mail for a rendered report. */
export function reportMail(report: RenderedReport, to: readonly string[]): MailMessage {
  const params = chosen(report.result.params);
  const month = params.find(([k]) => k === 'month')?.[1];
  const others = params.filter(([k]) => k !== 'month');
  const what = [month ? monthLabel(month) : undefined, ...others.map(([k, v]) => `${k} ${v}`)].filter(Boolean).join(', ');
  const subject = what ? `${report.result.title}: ${what}` : report.result.title;
  const stem = [report.id, month, ...others.map(([, v]) => v.replace(/[^A-Za-z0-9_-]+/g, '-'))].filter(Boolean).join('-');
  const text =
    `${report.result.title}${what ? ` for ${what}` : ''} is attached twice: ${stem}.pdf to read and print, ` +
    `and ${stem}.html to open in a browser (one file, nothing to download).\n\nSent by Parley.\n`;
  const html = `<p>${escapeHtml(report.result.title)}${what ? ` for <b>${escapeHtml(what)}</b>` : ''} is attached twice: <b>${escapeHtml(stem)}.pdf</b> to read and print, and <b>${escapeHtml(stem)}.html</b> to open in a browser (one file, nothing to download).</p><p>Sent by Parley.</p>`;
  return {
    to,
    subject,
    text,
    html,
    attachments: [
      { filename: `${stem}.pdf`, content: report.pdf, contentType: 'application/pdf' },
      { filename: `${stem}.html`, content: report.result.html, contentType: 'text/html; charset=utf-8' },
    ],
  };
}

/** Mails `report` to `to` through the SMTP server of `settings`. */
export function deliverReport(settings: MailSettings, to: readonly string[], report: RenderedReport, env: NodeJS.ProcessEnv = process.env): Promise<MailSent> {
  return sendMail(settings, reportMail(report, to), env);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
