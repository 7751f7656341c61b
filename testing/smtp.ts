/**
 * A local SMTP server for tests (smtp-server on 127.0.0.1, a free port): it
 * takes every message, parses it with mailparser and keeps it in `messages`.
 * With `auth`, it asks for that user and password and refuses others.
 *
 * @example
 *   const smtp = await startSmtpServer();
 *   await sendMail({ host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'r@x' }, { to: ['a@x'], subject: 's', text: 't' });
 *   expect(smtp.messages[0]!.to).toEqual(['a@x']);
 *   await smtp.close();
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedAttachment {
  filename: string | undefined;
  contentType: string;
  content: Buffer;
}

export interface ReceivedMessage {
  /** The envelope's sender and recipients (what the client said in MAIL FROM / RCPT TO). */
  envelope: { from: string; to: string[] };
  /** The header's From address. */
  from: string;
  /** The header's To addresses. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: ReceivedAttachment[];
  /** The user the client signed in as, if it did. */
  user: string | undefined;
}

export interface TestSmtpServer {
  port: number;
  messages: ReceivedMessage[];
  /** Resolves when `n` messages have arrived (rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  a === undefined ? [] : (Array.isArray(a) ? a : [a]).flatMap((o) => o.value.map((v) => v.address ?? ''));

export async function startSmtpServer(opts: { auth?: { user: string; password: string } } = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMessage[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.password) callback(null, { user: auth.username });
      else callback(new Error('invalid user or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            from: addresses(mail.from)[0] ?? '',
            to: addresses(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          for (const w of waiters.splice(0)) w();
          callback();
        })
        .catch((e: Error) => callback(e));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    waitFor(n, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${messages.length} of ${n} messages arrived in ${ms} ms`)), ms);
        const check = () => {
          if (messages.length >= n) {
            clearTimeout(timer);
            resolve(messages);
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
