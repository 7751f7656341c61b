import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../testing/smtp.js';
import { mailCredentials, sendMail } from './send.js';

let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

describe('sendMail', () => {
  it('delivers the message, its attachment and its recipients to an SMTP server', async () => {
    smtp = await startSmtpServer();
    const sent = await sendMail(
      { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'Parley <reports@parley.test>' },
      {
        to: ['ana@acme.test', 'ben@acme.test'],
        subject: 'Monthly report, November 2026',
        text: 'The report is attached.',
        html: '<p>The report is <b>attached</b>.</p>',
        attachments: [{ filename: 'report.txt', content: Buffer.from('hello'), contentType: 'text/plain' }],
      },
    );
    expect(sent.accepted).toEqual(['ana@acme.test', 'ben@acme.test']);
    const [m] = await smtp.waitFor(1);
    expect(m!.envelope).toEqual({ from: 'reports@parley.test', to: ['ana@acme.test', 'ben@acme.test'] });
    expect(m!.from).toBe('reports@parley.test');
    expect(m!.to).toEqual(['ana@acme.test', 'ben@acme.test']);
    expect(m!.subject).toBe('Monthly report, November 2026');
    expect(m!.text.trim()).toBe('The report is attached.');
    expect(m!.html).toContain('<b>attached</b>');
    expect(m!.attachments).toHaveLength(1);
    expect(m!.attachments[0]!.filename).toBe('report.txt');
    expect(m!.attachments[0]!.content.toString()).toBe('hello');
  });

  it('signs in with the user and password from the environment variables the settings name', async () => {
    smtp = await startSmtpServer({ auth: { user: 'parley', password: 's3cret' } });
    const settings = { host: '127.0.0.1', port: smtp.port, tls: 'none' as const, user_env: 'T_SMTP_USER', password_env: 'T_SMTP_PASS', from: 'r@parley.test' };
    await sendMail(settings, { to: ['a@acme.test'], subject: 's', text: 't' }, { T_SMTP_USER: 'parley', T_SMTP_PASS: 's3cret' });
    const [m] = await smtp.waitFor(1);
    expect(m!.user).toBe('parley');
    await expect(sendMail(settings, { to: ['a@acme.test'], subject: 's', text: 't' }, { T_SMTP_USER: 'parley', T_SMTP_PASS: 'wrong' })).rejects.toThrow(
      /invalid user or password/i,
    );
  });

  it('names a missing variable and never its value', () => {
    const settings = { host: 'h', port: 25, tls: 'none' as const, user_env: 'T_SMTP_USER', password_env: 'T_SMTP_PASS', from: 'r@x' };
    expect(() => mailCredentials(settings, { T_SMTP_USER: 'parley' })).toThrow('the environment variable T_SMTP_PASS (mail.password_env, the SMTP password) is not set');
    expect(() => mailCredentials({ ...settings, password_env: undefined }, {})).toThrow(/both user_env and password_env/);
    expect(mailCredentials({ host: 'h', port: 25, tls: 'none', from: 'r@x' }, {})).toBeUndefined();
  });
});
