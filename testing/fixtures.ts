/**
 * Tiny builders of canonical records (spec/conversation-format.md) for the
 * hand-worked metric tests (models/metrics-*.test.ts, the scorecard fixtures). Each returns exactly
 * the JSON an adapter would write, so every expected number can be checked
 * against the timestamps written in the test itself.
 *
 * @example
 *   const at = on('2026-10-06');
 *   conversation('c1', [customer(at('09:00')), agent(at('09:10')), status(at('09:20'), 'resolved')]);
 *   // { id: 'c1', channel: 'webchat', created_at: '2026-10-06T09:00:00Z', customer: { id: 'cust-c1' },
 *   //   messages: [{ id: 'm1', ... }, { id: 'm2', ... }], events: [{ at: ..., type: 'status', status: 'resolved' }], surveys: [] }
 */

import type { ConfigInput } from '../models/config.js';
import type { CanonicalConversation, CanonicalEvent, CanonicalMessage, CanonicalSurvey, ConversationStatus } from '../ingest/canonical-schema.js';

/** A message before `conversation()` numbers it. */
export type Message = Omit<CanonicalMessage, 'id'>;
export type Event = CanonicalEvent;
export type Survey = CanonicalSurvey;
export type Item = Message | Event | Survey;

/** `on('2026-10-06')('09:15')` → '2026-10-06T09:15:00Z' (UTC). */
export const on =
  (day: string) =>
  (hhmm: string): string =>
    `${day}T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}Z`;

export const customer = (at: string, body = 'hello', extra: Partial<Message> = {}): Message => ({
  at,
  author: { role: 'customer' },
  body,
  ...extra,
});
export const agent = (at: string, agentId = 'a1', extra: Partial<Message> = {}): Message => ({
  at,
  author: { role: 'agent', id: agentId },
  body: 'reply',
  ...extra,
});
export const bot = (at: string, extra: Partial<Message> = {}): Message => ({ at, author: { role: 'bot', id: 'bot' }, body: 'auto', ...extra });
/** An internal note by an agent: never a reply. */
export const note = (at: string, agentId = 'a1'): Message => ({ at, author: { role: 'agent', id: agentId }, body: 'note', internal: true });
export const system = (at: string): Message => ({ at, author: { role: 'system' }, body: 'conversation assigned' });

export const status = (at: string, to: ConversationStatus): Event => ({ at, type: 'status', status: to });
export const assign = (at: string, parts: { agent_id?: string; team?: string }): Event => ({ at, type: 'assign', ...parts });
export const escalate = (at: string): Event => ({ at, type: 'escalate' });

export const csat = (at: string, score: number, scale?: [number, number]): Survey => ({ at, kind: 'csat', score, ...(scale ? { scale } : {}) });
export const ces = (at: string, score: number, scale?: [number, number]): Survey => ({ at, kind: 'ces', score, ...(scale ? { scale } : {}) });

export interface ConversationOptions {
  /** Default: the first item's time. */
  created_at?: string;
  /** Customer id; default `cust-<id>`, so conversations never re-contact each other unless a test says so. */
  customer?: string;
  channel?: string;
  intent?: string;
  priority?: CanonicalConversation['priority'];
  /** The customer's segment and account (customer.segment, customer.account). */
  segment?: string;
  account?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

/**
 * A conversation from items in the order written: messages (numbered m1, m2, …),
 * events and surveys are sorted into their arrays by shape.
 */
export function conversation(id: string, items: readonly Item[], options: ConversationOptions = {}): CanonicalConversation {
  const messages = items.filter((i): i is Message => 'author' in i).map((m, n) => ({ id: `m${n + 1}`, ...m }));
  const events = items.filter((i): i is Event => 'type' in i);
  const surveys = items.filter((i): i is Survey => 'kind' in i);
  return {
    id,
    channel: options.channel ?? 'webchat',
    // missing when there are no items and no created_at: a record the loader refuses
    created_at: (options.created_at ?? items[0]?.at) as string,
    customer: {
      id: options.customer ?? `cust-${id}`,
      ...(options.segment ? { segment: options.segment } : {}),
      ...(options.account ? { account: options.account } : {}),
    },
    ...(options.intent ? { intent: options.intent } : {}),
    ...(options.priority ? { priority: options.priority } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
    messages,
    events,
    surveys,
  };
}

/** A later conversation of another customer, which moves the data horizon to `at`. */
export const horizon = (at: string, channel = 'voice'): CanonicalConversation => conversation('horizon', [customer(at)], { customer: 'horizon-customer', channel });

/**
 * A configuration with metrics v2's schedules and SLA policies (a business-hours policy of a team on another time
 * zone, a calendar one with a next-response target, one with a first response only): the builds that must agree
 * (incremental against full, the conversation key's two forms) build their clocks too.
 */
export const SLA_TEST_CONFIG: ConfigInput = {
  timezone: 'Europe/Berlin',
  schedules: {
    t1: { timezone: 'Asia/Singapore', business_hours: { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-18:00'] } },
  },
  team_schedules: { T1: 't1' },
  sla_policies: [
    { name: 'team', when: { team: 'T1' }, hours: 'business', targets: { first_response: '1h', resolution: '8h' } },
    { name: 'chat', when: { channel: 'webchat' }, targets: { first_response: '5m', next_response: '10m', resolution: '1d' } },
    { name: 'slow', when: { channel: 'sms' }, targets: { first_response: '5d' } },
  ],
};
