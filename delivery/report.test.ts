/**
 * Report delivery end to end: a notebook rendered with its parameters, printed
 * to PDF in Chromium and mailed as PDF and HTML through SMTP to a local
 * server on loopback (testing/smtp.ts), by `parley notebook render
 * --mail-to` and by a monthly notebook job of the configuration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { generateDemo } from '../demo/generate.js';
import { parseConfig } from '../models/config.js';
import { runJob } from '../service/jobs.js';
import { nextRun } from '../service/schedule.js';
import { parley } from '../testing/cli.js';
import { TEST_NOW } from '../testing/clock.js';
import { collect } from '../service/collect.js';
import { startSmtpServer, type TestSmtpServer } from '../testing/smtp.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { monthLabel, reportMail } from './report.js';

let dir: string;
let file: string;
let smtp: TestSmtpServer;
let w: TestWarehouse;
/** The demo's data run to the end of November 2026 (TEST_NOW is 1 December, noon). */
const END = new Date('2026-12-01T00:00:00Z');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-delivery-'));
  const demo = await generateDemo({ conversations: 1200, seed: 11, end: END, outDir: path.join(dir, 'demo') });
  file = path.join(dir, 'w.duckdb');
  (await testWarehouse({ files: demo.files, source: 'demo', path: file, now: END, build: true })).close();
  w = await testWarehouse({ files: demo.files, source: 'demo', now: END, build: true });
  smtp = await startSmtpServer({ auth: { user: 'reports', password: 'pw-from-env' } });
}, 120_000);
afterAll(async () => {
  w?.close();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

const mailSection = () => ({ host: '127.0.0.1', port: smtp.port, tls: 'none', user_env: 'T_SMTP_USER', password_env: 'T_SMTP_PASSWORD', from: 'Parley <reports@parley.test>' });
const ENV = { T_SMTP_USER: 'reports', T_SMTP_PASSWORD: 'pw-from-env' };

function expectReport(m: TestSmtpServer['messages'][number], stem: string) {
  const [pdf, html] = m.attachments;
  expect(m.attachments.map((a) => a.filename)).toEqual([`${stem}.pdf`, `${stem}.html`]);
  expect(pdf!.contentType).toBe('application/pdf');
  expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf!.content.length).toBeGreaterThan(20_000);
  expect(html!.contentType).toBe('text/html');
  const page = html!.content.toString('utf8');
  expect(page.startsWith('<!doctype html>')).toBe(true);
  expect(page).toContain('<h1>Monthly leadership report</h1>');
  expect(m.user).toBe('reports');
  expect(m.from).toBe('reports@parley.test');
}

describe('parley notebook render --mail-to', () => {
  it('mails the report for the month asked for, as PDF and HTML, to every address given', async () => {
    const config = path.join(dir, 'mail.yaml');
    writeFileSync(config, JSON.stringify({ mail: mailSection() }));
    const before = smtp.messages.length;
    const o = collect();
    const e = collect();
    const code = await main(['notebook', 'render', 'monthly-report', '--param', 'month=2026-10', '--mail-to', 'ana@acme.test, ben@acme.test', '--config', config, '--db', file], {
      out: o.stream,
      err: e.stream,
      env: { ...ENV, ...(process.env['CHROMIUM_PATH'] ? { CHROMIUM_PATH: process.env['CHROMIUM_PATH'] } : {}) },
      now: TEST_NOW,
    });
    const out = { out: o.text(), err: e.text() };
    expect(out.err).toContain('mailed Monthly leadership report as PDF and HTML to ana@acme.test, ben@acme.test');
    expect(code).toBe(0);
    // nothing on stdout: the report went by mail
    expect(out.out).toBe('');
    const [m] = (await smtp.waitFor(before + 1)).slice(before);
    expect(m!.envelope.to).toEqual(['ana@acme.test', 'ben@acme.test']);
    expect(m!.to).toEqual(['ana@acme.test', 'ben@acme.test']);
    expect(m!.subject).toBe('Monthly leadership report: October 2026');
    expectReport(m!, 'monthly-report-2026-10');
    expect(m!.text).toContain('Monthly leadership report for October 2026 is attached twice');
  }, 120_000);

  it('refuses without a mail: section, and a recipient that is not an address, before rendering', async () => {
    const none = path.join(dir, 'none.yaml');
    writeFileSync(none, 'timezone: UTC\n');
    const r = await parley('notebook', 'render', 'monthly-report', '--mail-to', 'ana@acme.test', '--config', none, '--db', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--mail-to needs the SMTP server: add mail: (host, tls, from, user_env, password_env) to ${none}`);
    const bad = await parley('notebook', 'render', 'monthly-report', '--mail-to', 'ana@acme.test,ben', '--config', none, '--db', file);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--mail-to: "ben" is not an e-mail address');
  });
});

describe('a scheduled notebook job with mail_to', () => {
  it('runs on the 1st at 08:00 and mails the month just complete', async () => {
    const config = parseConfig({
      mail: mailSection(),
      jobs: { 'monthly-report': { kind: 'notebook', notebook: 'monthly-report', day: 1, at: '08:00', timezone: 'Europe/Berlin', mail_to: ['head@acme.test', 'ops@acme.test'] } },
    });
    const job = config.jobs['monthly-report']!;
    // due on 1 December at 08:00 in Berlin (07:00 UTC)
    const due = nextRun(job, new Date('2026-11-20T10:00:00Z'));
    expect(due.toISOString()).toBe('2026-12-01T07:00:00.000Z');
    const configFile = path.join(dir, 'job.yaml');
    writeFileSync(configFile, JSON.stringify({ mail: mailSection() }));
    const before = smtp.messages.length;
    const result = await runJob(w.db, 'monthly-report', job, { run: main, base: dir, configFile, now: due, env: ENV });
    expect(result.error).toBeNull();
    expect(result).toMatchObject({ status: 'ok', files: 1, detail: 'mailed to head@acme.test, ops@acme.test' });
    const [m] = (await smtp.waitFor(before + 1)).slice(before);
    expect(m!.envelope.to).toEqual(['head@acme.test', 'ops@acme.test']);
    // data run through 30 November; on 1 December November is complete
    expect(m!.subject).toBe('Monthly leadership report: November 2026');
    expectReport(m!, 'monthly-report-2026-11');
  }, 120_000);

  it('is refused by the configuration without mail:, without out: or mail_to:, and with every:', () => {
    expect(() => parseConfig({ jobs: { r: { kind: 'notebook', notebook: 'monthly-report', at: '08:00', mail_to: 'a@acme.test' } } })).toThrow(
      'configuration: jobs.r.mail_to: mailing a report needs the SMTP server: add mail: with host and from (README "Delivering reports")',
    );
    expect(() => parseConfig({ jobs: { r: { kind: 'notebook', notebook: 'monthly-report', at: '08:00' } } })).toThrow(
      'jobs.r.out: a notebook job needs out: (the HTML file to write), mail_to: (the addresses to mail it to), or both',
    );
    expect(() => parseConfig({ jobs: { r: { kind: 'notebook', notebook: 'monthly-report', day: 1, every: '1h', out: 'x.html' } } })).toThrow('jobs.r.every: a job with day:');
    expect(() => parseConfig({ jobs: { r: { kind: 'notebook', notebook: 'monthly-report', day: 31, at: '08:00', out: 'x.html' } } })).toThrow('day may be at most 28');
    expect(() => parseConfig({ mail: { host: 'smtp.acme.test', from: 'r@acme.test', user_env: 'U' } })).toThrow('mail.password_env: give both user_env and password_env');
    expect(() => parseConfig({ jobs: { r: { kind: 'load', folder: 'in', every: '1h', mail_to: 'a@acme.test' } }, mail: { host: 'h.test', from: 'r@acme.test' } })).toThrow(
      'a load job does not take mail_to',
    );
    // the port follows tls when not given
    expect(parseConfig({ mail: { host: 'smtp.acme.test', from: 'r@acme.test' } }).mail).toEqual({ host: 'smtp.acme.test', port: 587, tls: 'starttls', from: 'r@acme.test' });
    expect(parseConfig({ mail: { host: 'smtp.acme.test', tls: 'tls', from: 'r@acme.test' } }).mail!.port).toBe(465);
    // mail_to as one string of addresses
    expect(
      parseConfig({ mail: { host: 'h.test', from: 'r@acme.test' }, jobs: { r: { kind: 'notebook', notebook: 'x', at: '08:00', mail_to: 'a@acme.test, b@acme.test' } } }).jobs['r']!
        .mail_to,
    ).toEqual(['a@acme.test', 'b@acme.test']);
  });
});

describe('the report e-mail', () => {
  it('names the month and the other parameters in the subject and the attachments', () => {
    expect(monthLabel('2026-01')).toBe('January 2026');
    const m = reportMail(
      {
        id: 'coaching-pack',
        result: { title: 'Coaching pack', html: '<p>x</p>', params: { month: '2026-11', month_previous: '2026-10', month_year_ago: '2025-11', team: 'Tier 1 EU' } },
        pdf: Buffer.from('%PDF-1.4'),
      },
      ['a@acme.test'],
    );
    expect(m.subject).toBe('Coaching pack: November 2026, team Tier 1 EU');
    expect(m.attachments!.map((a) => a.filename)).toEqual(['coaching-pack-2026-11-Tier-1-EU.pdf', 'coaching-pack-2026-11-Tier-1-EU.html']);
  });
});
