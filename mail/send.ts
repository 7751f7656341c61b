/**
 * Sends one e-mail over SMTP (nodemailer). The settings are the config's
 * `mail:` section; the user name and password are read from the environment
 * variables it names (`user_env`, `password_env`), never from the command
 * line, the config file or a log line.
 *
 * `tls`: `tls` opens the connection in TLS (port 465), `starttls` upgrades a
 * plain connection and refuses to go on without the upgrade (port 587),
 * `none` sends in the clear (a local relay or the tests' server on loopback).
 *
 * @example
 *   await sendMail(
 *     { host: 'smtp.example.com', port: 587, tls: 'starttls', user_env: 'PARLEY_SMTP_USER', password_env: 'PARLEY_SMTP_PASSWORD', from: 'Parley <reports@example.com>' },
 *     { to: ['ana@example.com'], subject: 'Monthly report, November 2026', text: '…', html: '<p>…</p>', attachments: [{ filename: 'report.pdf', content: pdf, contentType: 'application/pdf' }] },
 *   );
 */

export type MailTls = 'tls' | 'starttls' | 'none';

export interface MailSettings {
  host: string;
  port: number;
  tls: MailTls;
  /** The environment variable holding the SMTP user name (no authentication when not given). */
  user_env?: string;
  /** The environment variable holding the SMTP password. */
  password_env?: string;
  /** The sender, `Name <address>` or an address. */
  from: string;
}

export interface MailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

export interface MailMessage {
  to: readonly string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: readonly MailAttachment[];
}

export interface MailSent {
  messageId: string;
  /** The recipients the server took. */
  accepted: string[];
  /** The recipients the server refused. */
  rejected: string[];
}

/** The credentials the settings name, from `env`; an error names the variable that is missing (never its value). */
export function mailCredentials(settings: MailSettings, env: NodeJS.ProcessEnv = process.env): { user: string; pass: string } | undefined {
  if (settings.user_env === undefined && settings.password_env === undefined) return undefined;
  if (settings.user_env === undefined || settings.password_env === undefined) {
    throw new Error('mail: give both user_env and password_env (the environment variables holding the SMTP user and password), or neither');
  }
  const user = env[settings.user_env];
  const pass = env[settings.password_env];
  if (user === undefined || user === '') throw new Error(`mail: the environment variable ${settings.user_env} (mail.user_env, the SMTP user) is not set`);
  if (pass === undefined || pass === '') throw new Error(`mail: the environment variable ${settings.password_env} (mail.password_env, the SMTP password) is not set`);
  return { user, pass };
}

/** Sends `message`; rejects with the server's answer when it refuses the message or every recipient. */
export async function sendMail(settings: MailSettings, message: MailMessage, env: NodeJS.ProcessEnv = process.env): Promise<MailSent> {
  if (message.to.length === 0) throw new Error('mail: no recipients');
  const auth = mailCredentials(settings, env);
  // loaded when a mail is sent, not by every command that can send one (it costs about 0.05 CPU s to load)
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    ...(auth ? { auth } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: [...message.to],
      subject: message.subject,
      text: message.text,
      ...(message.html !== undefined ? { html: message.html } : {}),
      attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
    const addr = (a: string | { address: string }) => (typeof a === 'string' ? a : a.address);
    return { messageId: info.messageId, accepted: info.accepted.map(addr), rejected: info.rejected.map(addr) };
  } finally {
    transport.close();
  }
}
