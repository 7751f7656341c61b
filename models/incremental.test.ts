/**
 * An incremental build makes every mart exactly as a full build of the same
 * data does: hand-worked cases of the metric tests (re-contacts, windows the
 * new horizon closes, inferred resolutions, concurrency across midnight,
 * replaced conversations) and a generated warehouse.
 */
import { TEST_NOW } from '../testing/clock.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate.js';
import { loadFiles } from '../ingest/load.js';
import type { Warehouse } from '../warehouse/connection.js';
import { loadRecords, martRows, testWarehouse } from '../testing/warehouse.js';
import { agent, assign, bot, conversation, csat, customer, escalate, horizon, on, status, SLA_TEST_CONFIG } from '../testing/fixtures.js';
import { buildModels } from './build.js';
import { parseConfig } from './config.js';
import { buildWarehouse } from './incremental.js';

const NOW = new Date('2026-11-02T00:00:00Z');
const config = parseConfig(SLA_TEST_CONFIG);
const oct6 = on('2026-10-06');
const oct7 = on('2026-10-07');
const oct8 = on('2026-10-08');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-incremental-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every mart, and the business windows the live view reads (models/build.ts keepIntermediates; testing/warehouse.ts martRows). */
const marts = (db: Warehouse) => martRows(db, ['int_business_windows']);

/** Loads `first`, builds, loads `then`, builds incrementally; the same loads built in full elsewhere; both marts compared. */
async function compare(first: readonly object[], then: readonly object[], sessionTimeZone?: string) {
  const inc = await testWarehouse({ now: NOW });
  const full = await testWarehouse({ now: NOW });
  try {
    // the session's time zone (DuckDB's TimeZone setting, the machine's by default) must not matter
    if (sessionTimeZone) for (const w of [inc, full]) await w.db.run(`set TimeZone = '${sessionTimeZone}'`);
    await loadRecords(inc.db, first, NOW);
    expect((await buildWarehouse(inc.db, config, { now: TEST_NOW })).kind).toBe('full');
    await loadRecords(inc.db, then, NOW);
    const result = await buildWarehouse(inc.db, config, { now: TEST_NOW });
    await loadRecords(full.db, first, NOW);
    await loadRecords(full.db, then, NOW);
    await buildModels(full.db, config, { now: TEST_NOW });
    const [a, b] = [await marts(inc.db), await marts(full.db)];
    for (const name of Object.keys(b)) expect(a[name], name).toEqual(b[name]);
    return result;
  } finally {
    inc.close();
    full.close();
  }
}

const resolvedOn = (id: string, day: string, cust: string, intent?: string) =>
  conversation(id, [customer(`${day}T09:00:00Z`), agent(`${day}T09:10:00Z`), status(`${day}T10:00:00Z`, 'resolved')], {
    customer: cust,
    ...(intent ? { intent } : {}),
  });

describe('incremental build = full build, hand-worked cases', () => {
  it.each([undefined, 'America/Los_Angeles'])(
    're-contacts of existing customers, replaced conversations, windows the later horizon closes (session time zone %s)',
    async (zone) => {
      const first = [
        // re-contact cases (metrics-resolution.test.ts)
        resolvedOn('first-contact', '2026-10-06', 'k', 'billing'),
        resolvedOn('billing', '2026-10-06', 'm', 'billing'),
        resolvedOn('week-ago', '2026-10-06', 'p'),
        conversation('long-wait', [customer(oct6('09:00')), agent(oct6('09:10')), status(oct6('12:00'), 'resolved')], { customer: 'q' }),
        // resolved two days before the first horizon: its 7-day window is open, and the later horizon closes it
        resolvedOn('open-window', '2026-10-18', 'r'),
        // no status events: resolved (inferred) only once the data reach 24 h past the last reply
        conversation('inferred-later', [customer(on('2026-10-19')('22:00')), agent(on('2026-10-19')('22:30'))], { customer: 's' }),
        conversation('inferred-23h', [customer(on('2026-10-19')('09:50')), agent(on('2026-10-19')('10:00'))], { customer: 'v' }),
        // workload cases (metrics-workload.test.ts): a1 owns both; b2's runs across midnight, never resolved
        conversation('c1', [customer(oct6('09:00')), agent(oct6('09:05')), customer(oct6('09:20')), agent(oct6('09:25')), status(oct6('09:40'), 'resolved')]),
        conversation('c2', [customer(oct6('09:30')), agent(oct6('09:30')), status(oct6('10:00'), 'resolved')]),
        conversation('c3', [customer(oct7('23:50')), agent(oct7('23:55'), 'b2'), customer(oct8('00:10'))]),
        // still open at the first horizon, with activity in its last half hour: b2's open span grows with the horizon
        conversation('late-open', [customer(on('2026-10-20')('08:40')), agent(on('2026-10-20')('08:50'), 'b2')]),
        // a transfer, an escalation, a bot and a survey, to be replaced later
        conversation(
          'replaced',
          [
            customer(oct7('10:00')),
            bot(oct7('10:01')),
            assign(oct7('10:02'), { agent_id: 'a1', team: 'T1' }),
            agent(oct7('10:05')),
            status(oct7('10:30'), 'resolved'),
            csat(oct7('10:40'), 4),
          ],
          { customer: 'k', intent: 'refund' },
        ),
        // u-first is re-contacted by u-second, until u-second is replaced by another customer's
        resolvedOn('u-first', '2026-10-06', 'u'),
        conversation('u-second', [customer(oct8('09:00'))], { customer: 'u' }),
        // quiet for three days before the first horizon, its first-response clock open (due 10-22 09:00):
        // the later horizon turns it into a breach
        conversation('sla-open', [customer(on('2026-10-17')('09:00'))], { channel: 'sms' }),
        horizon('2026-10-20T09:00:00Z'),
      ];
      const then = [
        // a re-contact of an existing customer within 7 days, same intent
        resolvedOn('second-contact', '2026-10-10', 'k', 'billing'),
        // another intent: not a re-contact of 'billing'
        resolvedOn('shipping', '2026-10-08', 'm', 'shipping'),
        // opened 7 days and a minute after the resolution: not a re-contact
        conversation('eight-days-later', [customer('2026-10-13T10:01:00Z')], { customer: 'p' }),
        conversation('opened-meanwhile', [customer(oct6('11:00'))], { customer: 'q' }),
        // replaced: another customer, another month, escalated and reopened
        conversation(
          'replaced',
          [
            customer(on('2026-09-29')('10:00')),
            agent(on('2026-09-29')('10:05'), 'b2'),
            escalate(on('2026-09-29')('10:06')),
            status(on('2026-09-29')('10:30'), 'resolved'),
            customer(on('2026-09-29')('11:00')),
          ],
          { customer: 'z', intent: 'shipping', created_at: on('2026-09-29')('10:00') },
        ),
        conversation('u-second', [customer(oct8('09:00'))], { customer: 'u2' }),
        // the horizon moves on by ten days
        horizon('2026-10-30T00:00:00Z'),
      ];
      const result = await compare(first, then, zone);
      expect(result).toMatchObject({ kind: 'incremental', changed: 7 });
      // the horizon's open windows, the re-contacted and the late ones: affected, not every conversation
      expect(result.kind === 'incremental' && result.affected).toBeLessThan(result.kind === 'incremental' ? result.conversations : 0);
    },
  );

  it('reply_daily: the days of the new and the replaced conversations, others kept', async () => {
    const oct21 = on('2026-10-21');
    const first = [
      // two replies of a1 on 10-21 (webchat, its next-response SLA of 10 minutes met once, missed once)
      conversation('day-a', [customer(oct21('09:00')), agent(oct21('09:02')), customer(oct21('09:10')), agent(oct21('09:15')), customer(oct21('09:20')), agent(oct21('09:40'))]),
      // replaced later by a conversation of another day (its old day loses its rows)
      conversation('moves', [customer(on('2026-10-19')('09:00')), agent(on('2026-10-19')('09:30'), 'b2')]),
      // a day no load touches again
      conversation('kept', [customer(on('2026-10-15')('09:00')), agent(on('2026-10-15')('09:05'))]),
      horizon('2026-10-22T09:00:00Z'),
    ];
    const then = [
      // the same day, agent and channel as day-a: the group's reply times and SLA counts grow
      conversation('day-b', [customer(oct21('11:00')), agent(oct21('11:01')), customer(oct21('11:05')), agent(oct21('11:30'))]),
      conversation('moves', [customer(on('2026-10-20')('10:00')), agent(on('2026-10-20')('10:04'), 'a1')], { channel: 'email' }),
    ];
    const result = await compare(first, then);
    expect(result).toMatchObject({ kind: 'incremental', changed: 2 });
  });

  it('a build with nothing loaded since is incremental and changes nothing', async () => {
    const result = await compare([resolvedOn('one', '2026-10-06', 'k'), horizon('2026-10-20T09:00:00Z')], []);
    expect(result).toMatchObject({ kind: 'incremental', changed: 0, affected: 0 });
  });
});

describe('when the build is full', () => {
  it('--full, a changed configuration, a changed roster, a horizon that moved back', async () => {
    const w = await testWarehouse({ now: NOW });
    try {
      await loadRecords(w.db, [resolvedOn('one', '2026-10-06', 'k'), horizon('2026-10-20T09:00:00Z')], NOW);
      expect(await buildWarehouse(w.db, config, { now: TEST_NOW })).toMatchObject({ kind: 'full', reason: 'the warehouse was not built by this version of Parley before' });
      expect(await buildWarehouse(w.db, config, { now: TEST_NOW, full: true })).toMatchObject({ kind: 'full', reason: 'asked for a full build' });
      expect(await buildWarehouse(w.db, parseConfig({ timezone: 'UTC' }), { now: TEST_NOW })).toMatchObject({
        kind: 'full',
        reason: 'the models or the configuration changed since the last build',
      });
      expect(await buildWarehouse(w.db, parseConfig({ timezone: 'UTC' }), { now: TEST_NOW })).toMatchObject({ kind: 'incremental' });
      const roster = path.join(dir, 'agents.jsonl');
      writeFileSync(roster, JSON.stringify({ id: 'a9', name: 'Ana', team: 'T2' }) + '\n');
      await loadFiles(w.db, [{ file: roster }], { now: NOW });
      expect(await buildWarehouse(w.db, parseConfig({ timezone: 'UTC' }), { now: TEST_NOW })).toMatchObject({
        kind: 'full',
        reason: 'the agent roster changed since the last build',
      });
      await loadRecords(w.db, [horizon('2026-10-10T09:00:00Z')], NOW);
      expect((await buildWarehouse(w.db, parseConfig({ timezone: 'UTC' }), { now: TEST_NOW })).kind).toBe('full');
    } finally {
      w.close();
    }
  });
});

describe('incremental build = full build, generated warehouse', () => {
  it('a few thousand conversations, then 2% more and 1% replaced', { timeout: 120_000 }, async () => {
    const out = path.join(dir, 'demo');
    await generateDemo({ conversations: 3000, seed: 11, end: new Date('2026-11-01T00:00:00Z'), months: 3, outDir: out });
    const lines = (await import('node:fs')).readFileSync(path.join(out, 'conversations.jsonl'), 'utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { id: string; intent?: string; customer: { id: string } });
    const first = records.slice(0, 2940);
    // the last 2% are new; 30 earlier ones come again changed (another intent, another customer for some)
    const changed = first.filter((_, i) => i % 98 === 5).map((r, i) => ({ ...r, intent: 'changed-intent', ...(i % 2 ? { customer: { id: records[i * 7]!.customer.id } } : {}) }));
    const result = await compare(first, [...records.slice(2940), ...changed]);
    expect(result.kind).toBe('incremental');
  });
});
