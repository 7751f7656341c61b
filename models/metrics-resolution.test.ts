/**
 * Hand-worked cases for the resolution metrics of spec/metrics.md:
 * resolved, inferred_resolution, first_resolution_s, full_resolution_s,
 * reopens, transfers, assigned, escalations, owner_agent, team,
 * recontact_7d, fcr and fcr_window_closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { agent, assign, bot, conversation, customer, escalate, horizon, note, on, status, type Item } from '../testing/fixtures.js';

const at = on('2026-10-06');
const later = '2026-10-30T00:00:00Z'; // closes every 7-day and 24 h window below

describe('resolutions and reopens', () => {
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        conversation('simple', [customer(at('09:00')), agent(at('09:10')), status(at('09:20'), 'resolved')]),
        conversation('resolved-closed', [customer(at('09:00')), agent(at('09:05')), status(at('09:10'), 'resolved'), status(at('10:00'), 'closed')]),
        conversation('resolved-twice', [customer(at('09:00')), status(at('09:10'), 'resolved'), status(at('09:30'), 'resolved')]),
        conversation('reopen-status', [customer(at('09:00')), status(at('09:10'), 'resolved'), status(at('09:20'), 'open'), status(at('09:40'), 'resolved')]),
        conversation('reopen-customer', [
          customer(at('09:00')),
          agent(at('09:05')),
          status(at('09:10'), 'resolved'),
          customer(at('10:00')),
          agent(at('10:05')),
          status(at('10:10'), 'resolved'),
        ]),
        conversation('left-once', [
          customer(at('09:00')),
          status(at('09:10'), 'resolved'),
          customer(at('09:20')), // leaves the 09:10 resolution
          status(at('09:25'), 'open'), // already left: nothing
          status(at('09:40'), 'resolved'),
          status(at('09:50'), 'pending'), // leaves the 09:40 resolution
          customer(at('09:55')), // already left: nothing
          status(at('10:00'), 'closed'),
        ]),
        conversation('snoozed', [customer(at('09:00')), status(at('09:10'), 'closed'), status(at('09:20'), 'snoozed'), status(at('09:30'), 'closed')]),
        conversation('offset-resolution', [customer('2026-10-06T09:00:00Z'), status('2026-10-06T13:30:00+02:00', 'resolved')]),
        conversation('ends-open', [customer(at('09:00')), status(at('09:10'), 'resolved'), status(at('09:20'), 'open')]),
        conversation('ends-with-customer', [customer(at('09:00')), status(at('09:10'), 'resolved'), customer(at('10:00'))]),
        conversation('outbound', [agent(at('09:00')), status(at('09:30'), 'resolved')], { created_at: at('08:50') }),
        conversation('inferred', [customer(at('09:00')), agent(at('09:10')), bot(at('09:15'))]),
        conversation('customer-wrote-last', [customer(at('09:00')), agent(at('09:10')), customer(at('09:20'))]),
        conversation('note-after-reply', [customer(at('09:00')), agent(at('09:10')), note(at('09:30'))]),
        conversation('status-but-no-resolution', [customer(at('09:00')), status(at('09:05'), 'pending'), agent(at('09:10'))]),
        horizon(later),
      ],
      build: true,
    });
  });
  afterAll(() => w.close());

  it('measures first and full resolution from the first customer message', async () => {
    const row = await w.metrics('simple');
    expect(row).toMatchObject({ resolved: true, inferred_resolution: false, first_resolution_s: 1200, full_resolution_s: 1200, reopens: 0 });
    expect(row.customer_messages_to_resolution).toBe(1);
  });

  it('does not count resolved → closed as a second resolution', async () => {
    const row = await w.metrics('resolved-closed');
    expect(row).toMatchObject({ first_resolution_s: 600, full_resolution_s: 600, reopens: 0 }); // last resolution is 09:10
  });

  it('does not count a repeated resolved as a reopen or a new resolution', async () => {
    expect(await w.metrics('resolved-twice')).toMatchObject({ first_resolution_s: 600, full_resolution_s: 600, reopens: 0 });
  });

  it('counts a status back to open as a reopen and measures full resolution to the last resolution', async () => {
    const row = await w.metrics('reopen-status');
    expect(row).toMatchObject({ first_resolution_s: 600, full_resolution_s: 2400, reopens: 1, fcr: false }); // 09:00 → 09:40
  });

  it('counts a customer message after a resolution as a reopen', async () => {
    const row = await w.metrics('reopen-customer');
    expect(row).toMatchObject({ first_resolution_s: 600, full_resolution_s: 4200, reopens: 1 }); // 09:00 → 10:10
    expect(row.customer_messages_to_resolution).toBe(1); // the 10:00 message comes after the first resolution
  });

  it('leaves each resolution at most once', async () => {
    const row = await w.metrics('left-once');
    expect(row.reopens).toBe(2); // 09:20 leaves 09:10; 09:50 leaves 09:40
    expect(row.full_resolution_s).toBe(3600); // 09:00 → the 10:00 closed
  });

  it('counts snoozing a closed conversation as a reopen', async () => {
    expect(await w.metrics('snoozed')).toMatchObject({ reopens: 1, first_resolution_s: 600, full_resolution_s: 1800 });
  });

  it('measures resolution times across timestamp offsets', async () => {
    expect((await w.metrics('offset-resolution')).first_resolution_s).toBe(9000); // 13:30+02:00 = 11:30Z, 2.5 h after 09:00Z
  });

  it('keeps a reopened, unresolved conversation resolved but without full_resolution_s', async () => {
    expect(await w.metrics('ends-open')).toMatchObject({ resolved: true, first_resolution_s: 600, full_resolution_s: null, reopens: 1 });
  });

  it('treats a customer message after the last resolution as leaving it, so full_resolution_s is null', async () => {
    expect(await w.metrics('ends-with-customer')).toMatchObject({ first_resolution_s: 600, full_resolution_s: null, reopens: 1 });
  });

  it('measures an outbound conversation from created_at', async () => {
    const row = await w.metrics('outbound');
    expect(row).toMatchObject({ first_resolution_s: 2400, full_resolution_s: 2400, first_response_s: null }); // 08:50 → 09:30
    expect(row.customer_messages_to_resolution).toBe(0);
  });

  it('infers a resolution at the last public agent or bot message when there are no status events', async () => {
    const row = await w.metrics('inferred');
    expect(row).toMatchObject({ resolved: true, inferred_resolution: true, first_resolution_s: 900, full_resolution_s: 900, fcr: true }); // 09:00 → bot 09:15
  });

  it('does not infer a resolution when the customer wrote after the last reply', async () => {
    const row = await w.metrics('customer-wrote-last');
    expect(row).toMatchObject({ resolved: false, inferred_resolution: false, first_resolution_s: null, full_resolution_s: null });
    expect(row.fcr).toBe(false);
    expect(row.recontact_7d).toBeNull();
    expect(row.customer_messages_to_resolution).toBe(2); // all of them while unresolved
  });

  it('ignores internal notes when inferring the resolution', async () => {
    expect(await w.metrics('note-after-reply')).toMatchObject({ inferred_resolution: true, first_resolution_s: 600 });
  });

  it('does not infer a resolution when the conversation has any status event', async () => {
    expect(await w.metrics('status-but-no-resolution')).toMatchObject({ resolved: false, inferred_resolution: false, reopens: 0 });
  });
});

describe('transfers, escalations and ownership', () => {
  const handled = (id: string, events: Item[], extra: Item[] = []) =>
    conversation(id, [customer(at('09:00')), ...events, ...extra, agent(at('09:30')), status(at('09:40'), 'resolved')]);
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        handled('routing', [assign(at('09:01'), { team: 'Billing' }), assign(at('09:02'), { agent_id: 'a1' })]),
        handled('agent-then-team', [assign(at('09:01'), { agent_id: 'a1' }), assign(at('09:02'), { team: 'Billing' })]),
        handled('agent-to-agent', [assign(at('09:01'), { agent_id: 'a1', team: 'Billing' }), assign(at('09:02'), { agent_id: 'a2' })]),
        handled('same-again', [
          assign(at('09:01'), { agent_id: 'a1', team: 'Billing' }),
          assign(at('09:02'), { agent_id: 'a1', team: 'Billing' }),
          assign(at('09:03'), { agent_id: 'a1' }),
        ]),
        handled('both-parts', [assign(at('09:01'), { agent_id: 'a1', team: 'Billing' }), assign(at('09:02'), { agent_id: 'a2', team: 'Tech' })]),
        handled('team-to-team', [assign(at('09:01'), { team: 'Billing' }), assign(at('09:02'), { team: 'Tech' })]),
        handled('back-and-forth', [assign(at('09:01'), { agent_id: 'a1' }), assign(at('09:02'), { agent_id: 'a2' }), assign(at('09:03'), { agent_id: 'a1' })]),
        handled('unassigned', []),
        handled('escalated', [], [escalate(at('09:05')), escalate(at('09:06'))]),
        conversation('owner-before-resolution', [
          customer(at('09:00')),
          assign(at('09:01'), { agent_id: 'a1', team: 'Support' }),
          assign(at('09:05'), { agent_id: 'a2' }),
          agent(at('09:10'), 'a2'),
          status(at('09:30'), 'resolved'),
          assign(at('10:00'), { agent_id: 'a3' }), // after the first resolution: not the owner
        ]),
        conversation('owner-by-replies', [customer(at('09:00')), agent(at('09:05'), 'a1'), agent(at('09:10'), 'a2'), agent(at('09:20'), 'a2'), status(at('09:30'), 'resolved')]),
        conversation('owner-notes-not-replies', [
          customer(at('09:00')),
          agent(at('09:05'), 'a1'),
          note(at('09:06'), 'a2'),
          note(at('09:07'), 'a2'),
          status(at('09:30'), 'resolved'),
        ]),
        conversation('owner-unresolved', [customer(at('09:00')), assign(at('09:01'), { agent_id: 'a1' }), assign(at('09:05'), { agent_id: 'a3' }), customer(at('09:10'))]),
        conversation('owner-team-only', [customer(at('09:00')), assign(at('09:01'), { team: 'Support' }), agent(at('09:10'), 'a1'), status(at('09:30'), 'resolved')]),
        horizon(later),
      ],
      agents: [
        { id: 'a1', name: 'Ana', team: 'Billing' },
        { id: 'a2', name: 'Ben', team: 'Tech' },
        { id: 'a3', name: 'Cy', team: 'Billing' },
      ],
      build: true,
    });
  });
  afterAll(() => w.close());

  it('treats a team queue handing over to an agent as routing, not a transfer', async () => {
    expect(await w.metrics('routing')).toMatchObject({ assigned: true, transfers: 0, fcr: true });
    expect((await w.metrics('agent-then-team')).transfers).toBe(0); // filling the empty team part
  });

  it('counts agent A → agent B as a transfer, and fcr is false', async () => {
    expect(await w.metrics('agent-to-agent')).toMatchObject({ transfers: 1, fcr: false });
  });

  it('counts nothing when the same agent and team are assigned again', async () => {
    expect((await w.metrics('same-again')).transfers).toBe(0);
  });

  it('counts one event that changes both agent and team once', async () => {
    expect((await w.metrics('both-parts')).transfers).toBe(1);
  });

  it('counts a team → team change as a transfer', async () => {
    expect((await w.metrics('team-to-team')).transfers).toBe(1);
  });

  it('counts every change of hands', async () => {
    expect((await w.metrics('back-and-forth')).transfers).toBe(2); // a1 → a2 → a1
  });

  it('marks a conversation without assign events as not assigned', async () => {
    expect(await w.metrics('unassigned')).toMatchObject({ assigned: false, transfers: 0, escalations: 0, fcr: true });
  });

  it('counts escalate events, and an escalation rules out fcr', async () => {
    expect(await w.metrics('escalated')).toMatchObject({ escalations: 2, transfers: 0, fcr: false });
  });

  it('takes owner_agent from the last assignment before the first resolution, and team from that assignment', async () => {
    expect(await w.metrics('owner-before-resolution')).toMatchObject({ owner_agent: 'a2', team: 'Support' }); // a2 kept team Support
  });

  it('falls back to the agent with the most human replies, and the team from the roster', async () => {
    expect(await w.metrics('owner-by-replies')).toMatchObject({ owner_agent: 'a2', team: 'Tech' });
    expect((await w.metrics('owner-notes-not-replies')).owner_agent).toBe('a1'); // a2 only wrote internal notes
  });

  it('takes the last assignment of an unresolved conversation, with the roster team', async () => {
    expect(await w.metrics('owner-unresolved')).toMatchObject({ owner_agent: 'a3', team: 'Billing' });
  });

  it('falls back to the replying agent when the assignments name only a team', async () => {
    expect(await w.metrics('owner-team-only')).toMatchObject({ owner_agent: 'a1', team: 'Support' });
  });
});

describe('recontact_7d and fcr with the windows closed', () => {
  const resolvedOn = (id: string, day: string, cust: string, intent?: string) =>
    conversation(id, [customer(`${day}T09:00:00Z`), agent(`${day}T09:10:00Z`), status(`${day}T10:00:00Z`, 'resolved')], {
      customer: cust,
      ...(intent ? { intent } : {}),
    });
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        resolvedOn('first-contact', '2026-10-06', 'k', 'billing'),
        resolvedOn('second-contact', '2026-10-10', 'k', 'billing'),
        resolvedOn('billing', '2026-10-06', 'm', 'billing'),
        resolvedOn('shipping', '2026-10-08', 'm', 'shipping'),
        resolvedOn('with-intent', '2026-10-06', 'n', 'billing'),
        resolvedOn('without-intent', '2026-10-07', 'n'),
        resolvedOn('week-ago', '2026-10-06', 'p'),
        conversation('eight-days-later', [customer('2026-10-13T10:01:00Z')], { customer: 'p' }), // 7 days + 1 minute after 10:00
        conversation('long-wait', [customer(at('09:00')), agent(at('09:10')), status(at('12:00'), 'resolved')], { customer: 'q' }),
        conversation('opened-meanwhile', [customer(at('11:00'))], { customer: 'q' }), // before long-wait's resolution
        horizon(later),
      ],
      build: true,
    });
  });
  afterAll(() => w.close());

  it('flags a re-contact by the same customer with the same intent within 7 days, and fcr is false', async () => {
    expect(await w.metrics('first-contact')).toMatchObject({ recontact_7d: true, fcr: false, fcr_window_closed: true });
    expect(await w.metrics('second-contact')).toMatchObject({ recontact_7d: false, fcr: true });
  });

  it('does not count a new conversation about another intent', async () => {
    expect(await w.metrics('billing')).toMatchObject({ recontact_7d: false, fcr: true });
  });

  it('counts a new conversation without an intent as a re-contact', async () => {
    expect((await w.metrics('with-intent')).recontact_7d).toBe(true);
  });

  it('does not count a conversation opened more than 7 days after the first resolution', async () => {
    expect(await w.metrics('week-ago')).toMatchObject({ recontact_7d: false, fcr: true });
  });

  it('does not count a conversation opened before the first resolution', async () => {
    expect((await w.metrics('long-wait')).recontact_7d).toBe(false);
  });
});

describe('windows still open at the data horizon', () => {
  // no far-later conversation: the horizon is the 'late' message, 2026-10-22T23:00Z
  let w: TestWarehouse;
  beforeAll(async () => {
    w = await testWarehouse({
      records: [
        conversation('open-window', [customer('2026-10-20T09:00:00Z'), agent('2026-10-20T09:10:00Z'), status('2026-10-20T10:00:00Z', 'resolved')]),
        conversation('open-window-reopened', [
          customer('2026-10-20T09:00:00Z'),
          status('2026-10-20T10:00:00Z', 'resolved'),
          status('2026-10-20T11:00:00Z', 'open'),
          status('2026-10-20T12:00:00Z', 'resolved'),
        ]),
        conversation('returns', [customer('2026-10-20T09:00:00Z'), status('2026-10-20T10:00:00Z', 'resolved')], { customer: 'r' }),
        conversation('return', [customer('2026-10-21T09:00:00Z')], { customer: 'r' }),
        conversation('closed-window', [customer('2026-10-14T08:00:00Z'), status('2026-10-14T09:00:00Z', 'resolved')]), // window ends 10-21 09:00
        conversation('too-recent', [customer('2026-10-22T00:00:00Z'), agent('2026-10-22T00:10:00Z')]), // 22 h 50 min before the horizon
        conversation('just-24h', [customer('2026-10-21T22:00:00Z'), agent('2026-10-21T23:00:00Z')]), // exactly 24 h before
        conversation('late', [customer('2026-10-22T23:00:00Z')]),
      ],
      build: true,
    });
  });
  afterAll(() => w.close());

  it('fcr is null while the 7-day window is open', async () => {
    expect(await w.metrics('open-window')).toMatchObject({ resolved: true, fcr_window_closed: false, recontact_7d: null, fcr: null });
  });

  it('fcr is false in an open window when a reopen already rules it out', async () => {
    expect(await w.metrics('open-window-reopened')).toMatchObject({ fcr_window_closed: false, fcr: false });
  });

  it('recontact_7d is true in an open window once the re-contact has been seen', async () => {
    expect(await w.metrics('returns')).toMatchObject({ fcr_window_closed: false, recontact_7d: true, fcr: false });
  });

  it('closes the window by the data horizon, not by the clock', async () => {
    expect(await w.metrics('closed-window')).toMatchObject({ fcr_window_closed: true, recontact_7d: false, fcr: true });
  });

  it('does not infer a resolution when the horizon is less than 24 h after the last reply', async () => {
    expect(await w.metrics('too-recent')).toMatchObject({ resolved: false, inferred_resolution: false, fcr: false });
  });

  it('infers a resolution when the horizon is exactly 24 h after the last reply', async () => {
    expect(await w.metrics('just-24h')).toMatchObject({ resolved: true, inferred_resolution: true, first_resolution_s: 3600 });
  });
});
