/**
 * The alert rules on a hand-made warehouse at TEST_NOW (1 December 2026,
 * 12:00 UTC: November is the latest complete month):
 * - October: 10 conversations, 2 escalated → FCR 8 / 10 = 80%
 * - November: 10 conversations, 3 escalated → FCR 7 / 10 = 70%
 * - 30 November: email conversations under a 2-minute first-response SLA,
 *   answered after 10 minutes: created 14:00, 14:10, 14:20, 14:30 (breaching
 *   at 14:02 … 14:32: 4 in the hour 14) and 15:00 (1 in the hour 15). Their
 *   7-day windows are open at the horizon, so they count in no FCR.
 * - insights found "card declined" rising in November (12 conversations, 3 expected).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../testing/clock.js';
import { agent, conversation, customer, horizon, status } from '../testing/fixtures.js';
import { monthOfConversations } from '../testing/month-fixtures.js';
import { startSmtpServer, type TestSmtpServer } from '../testing/smtp.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { parseConfig, type ConfigInput } from '../models/config.js';
import { tables } from '../warehouse/tables.js';
import { runAlerts } from './run.js';

const breachAt = (id: string, hhmm: string) =>
  conversation(
    id,
    [
      customer(`2026-11-30T${hhmm}:00Z`),
      agent(`2026-11-30T${hhmm.slice(0, 3)}${String(Number(hhmm.slice(3)) + 10).padStart(2, '0')}:00Z`),
      status(`2026-11-30T${hhmm.slice(0, 2)}:59:00Z`, 'resolved'),
    ],
    {
      channel: 'email',
    },
  );

const RULES = {
  'fcr-low': { kind: 'threshold', metric: 'fcr_rate', below: '75%' },
  'fcr-high': { kind: 'threshold', metric: 'fcr_rate', above: '90%' },
  'fcr-target': { kind: 'target_missed', metric: 'fcr_rate' },
  topics: { kind: 'emerging_topic' },
  storm: { kind: 'sla_breaches', above: 3 },
} as const;
const BASE: ConfigInput = {
  sla_policies: [{ name: 'email', when: { channel: 'email' }, targets: { first_response: '2m' } }],
  targets: [{ metric: 'fcr_rate', value: '85%' }],
};

let w: TestWarehouse;
beforeAll(async () => {
  const records = [
    ...monthOfConversations('2026-10', { escalated: 2 }),
    ...monthOfConversations('2026-11', { escalated: 3 }),
    breachAt('b1', '14:00'),
    breachAt('b2', '14:10'),
    breachAt('b3', '14:20'),
    breachAt('b4', '14:30'),
    breachAt('b5', '15:00'),
    horizon('2026-11-30T23:00:00Z'),
  ];
  w = await testWarehouse({ records, build: BASE });
  // what `parley insights build` writes (insights/emerging.ts): one rise in November
  await w.db.run(`create table insight_emerging (
    month varchar, rank integer, kind varchar, item varchar, label varchar, variants varchar[], conversations integer, expected double,
    ratio double, p_value double, baseline_conversations integer, baseline_months integer, tests integer)`);
  await w.db.run(`insert into insight_emerging values ('2026-10', 1, 'topic', 't-2', 'login loop', ['login'], 9, 3, 3, 0.001, 9, 3, 40),
    ('2026-11', 1, 'topic', 't-7', 'card declined', ['card'], 12, 3, 4, 0.0001, 9, 3, 40)`);
});
afterAll(() => w.close());

/** A loopback receiver of webhook posts; `status` is what it answers. */
let hook: { server: Server; url: string; bodies: unknown[]; status: number } | undefined;
async function startHook(): Promise<NonNullable<typeof hook>> {
  const bodies: unknown[] = [];
  const h = { server: createServer(), url: '', bodies, status: 200 };
  h.server.on('request', (req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      if (h.status === 200) bodies.push({ contentType: req.headers['content-type'], body: JSON.parse(data) as unknown });
      res.writeHead(h.status).end(h.status === 200 ? 'ok' : 'down');
    });
  });
  await new Promise<void>((resolve) => h.server.listen(0, '127.0.0.1', resolve));
  h.url = `http://127.0.0.1:${(h.server.address() as AddressInfo).port}/hook`;
  hook = h;
  return h;
}
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await new Promise((resolve) => (hook ? hook.server.close(resolve) : resolve(undefined)));
  hook = undefined;
  await smtp?.close();
  smtp = undefined;
  await w.db.run('delete from alerts');
});

const config = (extra: Record<string, unknown>) => parseConfig({ ...BASE, alerts: { rules: RULES, ...extra } });

describe('the alert rules', () => {
  it('fire each condition once: a threshold, a target missed two months running, an emerging topic, an hour of SLA breaches', async () => {
    const r = await runAlerts(w.db, config({}), { now: TEST_NOW });
    expect(r.fired.map((f) => [f.key, f.title, f.href])).toEqual([
      ['fcr-low:fcr_rate<0.75:2026-11', 'FCR rate 70.0% in November 2026: below 75.0%', '/metrics/fcr_rate?from=2026-11-01&to=2026-11-30'],
      ['fcr-target:fcr_rate:missed2:2026-11', 'FCR rate missed its target two months running', '/metrics/fcr_rate?from=2026-11-01&to=2026-11-30'],
      ['topics:topic:t-7:2026-11', 'Emerging in November 2026: "card declined" (12 conversations, 4.0× the usual)', '/pain-points?month=2026-11'],
      ['storm:sla_breaches>3:2026-11-30T14', '4 SLA breaches between 14:00 and 14:59 UTC on 2026-11-30: more than 3 in an hour', '/sla?from=2026-11-30&to=2026-11-30'],
    ]);
    expect(r.fired[2]!.detail).toBe('The topic "card declined" rose to 12 conversations against about 3 expected from the months before.');
    expect(r.fired[3]!.detail).toBe('4 conversations first breached an SLA target in that hour.');
    expect(r.fired[1]!.detail).toBe('70.0% in November 2026 (target 85.0%, missed by 15.0 pts); 80.0% in October 2026 (target 85.0%, missed by 5.0 pts).');
    expect(await tables(w.db).selectFrom('alerts').select('alert_key').execute()).toHaveLength(4);

    // the same data evaluated again (the next build, an hour later): nothing new
    const again = await runAlerts(w.db, config({}), { now: new Date(TEST_NOW.getTime() + 3_600_000) });
    expect(again.fired).toEqual([]);
    expect(await tables(w.db).selectFrom('alerts').select('alert_key').execute()).toHaveLength(4);
  });

  it('do not fire a target missed in one month only, nor an SLA hour outside the 24 hours before now', async () => {
    // target 75%: October's 80% met it, November's 70% missed it: one month, no alert
    const c = parseConfig({ ...BASE, targets: [{ metric: 'fcr_rate', value: '75%' }], alerts: { rules: { 'fcr-target': RULES['fcr-target'], storm: RULES.storm } } });
    const r = await runAlerts(w.db, c, { now: new Date('2026-12-02T15:00:00Z') });
    expect(r.fired).toEqual([]);
  });

  it('post each new alert once to the webhook as Slack-compatible JSON, linking to the view that explains it', async () => {
    const h = await startHook();
    const c = config({ webhook: h.url, dashboard_url: 'https://parley.example.com/' });
    const r = await runAlerts(w.db, c, { now: TEST_NOW });
    expect(r.webhook).toBe(4);
    expect(h.bodies).toHaveLength(4);
    expect(h.bodies[0]).toEqual({
      contentType: 'application/json',
      body: {
        text: 'Parley alert: FCR rate 70.0% in November 2026: below 75.0%',
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: '*<https://parley.example.com/metrics/fcr_rate?from=2026-11-01&to=2026-11-30|FCR rate 70.0% in November 2026: below 75.0%>*\nFCR rate over the whole of November 2026, the latest complete month; the rule fires below 75.0%.',
            },
          },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'rule fcr-low' }] },
        ],
      },
    });
    await runAlerts(w.db, c, { now: new Date(TEST_NOW.getTime() + 3_600_000) });
    expect(h.bodies).toHaveLength(4);
  });

  it('send an alert the webhook refused on the next run, without firing it again', async () => {
    const h = await startHook();
    h.status = 503;
    const c = config({ webhook: h.url });
    const first = await runAlerts(w.db, c, { now: TEST_NOW });
    expect(first.fired).toHaveLength(4);
    expect(first.problems).toEqual([`alerts: the webhook 127.0.0.1:${new URL(h.url).port} answered 503 down`]);
    const row = await tables(w.db).selectFrom('alerts').selectAll().where('rule', '=', 'fcr-low').executeTakeFirstOrThrow();
    expect([row.webhook_sent_at, row.send_error]).toEqual([null, `the webhook 127.0.0.1:${new URL(h.url).port} answered 503 down`]);
    h.status = 200;
    const second = await runAlerts(w.db, c, { now: new Date(TEST_NOW.getTime() + 3_600_000) });
    expect([second.fired.length, second.webhook, h.bodies.length]).toEqual([0, 4, 4]);
  });

  it('mail the new alerts once, through the SMTP server of mail:', async () => {
    smtp = await startSmtpServer();
    const c = parseConfig({
      ...BASE,
      mail: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'Parley <alerts@parley.test>' },
      alerts: { rules: { 'fcr-low': RULES['fcr-low'], storm: RULES.storm }, email: ['lead@acme.test', 'ops@acme.test'] },
    });
    const r = await runAlerts(w.db, c, { now: TEST_NOW });
    expect(r.emailed).toBe(2);
    const [m] = await smtp.waitFor(1);
    expect(m!.envelope.to).toEqual(['lead@acme.test', 'ops@acme.test']);
    expect(m!.subject).toBe('Parley: 2 alerts');
    expect(m!.text).toContain(
      'FCR rate 70.0% in November 2026: below 75.0%\nFCR rate over the whole of November 2026, the latest complete month; the rule fires below 75.0%.\n/metrics/fcr_rate?from=2026-11-01&to=2026-11-30',
    );
    expect(m!.html).toContain('<a href="/sla?from=2026-11-30&amp;to=2026-11-30">4 SLA breaches between 14:00 and 14:59 UTC on 2026-11-30: more than 3 in an hour</a>');
    await runAlerts(w.db, c, { now: new Date(TEST_NOW.getTime() + 3_600_000) });
    expect(smtp.messages).toHaveLength(1);
  });
});
