import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW } from '../../../testing/clock.js';
import { testWarehouse, type TestWarehouse } from '../../../testing/warehouse.js';
import { tables } from '../../../warehouse/tables.js';
import { loadAlerts } from './alerts.js';

let w: TestWarehouse;
beforeAll(async () => {
  // as the server reads: on reader connections (a read on the main one counts as a write, which ends what is kept)
  w = await testWarehouse({ readers: 2 });
  const row = { rule: 'r', kind: 'threshold', period: '2026-11', detail: 'd', webhook_sent_at: null, email_sent_at: null, send_error: null };
  await tables(w.db)
    .insertInto('alerts')
    .values([
      {
        ...row,
        alert_key: 'older',
        title: 'Older',
        href: '/metrics/fcr_rate?from=2026-11-01&to=2026-11-30',
        fired_at: new Date('2026-11-30T08:00:00Z'),
        webhook_sent_at: TEST_NOW,
      },
      {
        ...row,
        alert_key: 'newer',
        kind: 'sla_breaches',
        title: 'Newer',
        href: 'https://elsewhere.example/x',
        fired_at: TEST_NOW,
        email_sent_at: TEST_NOW,
        send_error: 'the webhook answered 503',
      },
    ])
    .execute();
});
afterAll(() => w.close());

describe('the Alerts page', () => {
  it('lists the fired alerts newest first, with where each went, linking only into the dashboard', async () => {
    const { alerts, total } = await loadAlerts(w.db);
    expect(total).toBe(2);
    expect(alerts.map((a) => [a.key, a.kindLabel, a.firedAt, a.sent, a.href, a.sendError])).toEqual([
      ['newer', 'SLA breaches', '2026-12-01 12:00', 'e-mail', '/', 'the webhook answered 503'],
      ['older', 'Threshold', '2026-11-30 08:00', 'webhook', '/metrics/fcr_rate?from=2026-11-01&to=2026-11-30', null],
    ]);
  });

  it('keeps the page until the data change: an alert fired since shows on the next load', async () => {
    const before = await loadAlerts(w.db);
    expect(await loadAlerts(w.db)).toBe(before);
    await tables(w.db)
      .insertInto('alerts')
      .values({
        alert_key: 'newest',
        rule: 'r',
        kind: 'threshold',
        period: '2026-12',
        title: 'Newest',
        detail: 'd',
        href: '/',
        fired_at: new Date(TEST_NOW.getTime() + 60_000),
        webhook_sent_at: null,
        email_sent_at: null,
        send_error: null,
      })
      .execute();
    const after = await loadAlerts(w.db);
    expect(after.total).toBe(before.total + 1);
    expect(after.alerts[0]!.key).toBe('newest');
  });
});
