/**
 * What a platform's webhook event says about a conversation, read from its
 * JSON body: the event's id (for redelivery), the conversation it belongs
 * to, and the messages, status changes and assignments it carries, each as
 * the platform gives them. The canonical roles, statuses and channels are
 * not decided here: service/webhooks.ts maps these fields with the SQL of
 * the platform's adapter (ingest/adapters/chatwoot.ts, intercom-common.ts,
 * zendesk-common.ts), as a loaded export is mapped.
 *
 * Chatwoot: `message_created` (a message; `message_type` and the sender's
 * `type` give the role, as in the adapter), `conversation_status_changed`
 * (the status), `conversation_updated` (an assignment when the assignee or
 * team changed, the status when it changed), `conversation_created`.
 * Intercom: every `conversation.*` topic: the conversation's opening message
 * (`source`, message id "source" as in the adapter) and its parts (comments
 * and notes, assignments, open/close/snooze). Zendesk: `ticket.created`,
 * `ticket.comment_added`, `ticket.status_changed`,
 * `ticket.agent_assignment_changed`, `ticket.group_assignment_changed`.
 * Anything else is not about a conversation, and is acknowledged and left out.
 *
 * @example
 *   readEvent('intercom', body, now)
 *   // { eventId: 'notif_1', conversationId: '42', items: [{ kind: 'message', messageId: 'source', ... }] }
 */
import { createHash } from 'node:crypto';
import type { WebhookPlatform } from '../models/config-webhooks.js';

/** One message, status change, assignment (or just the conversation) that an event carries. */
export interface WebhookItem {
  kind: 'message' | 'status' | 'assign' | 'conversation';
  conversation_id: string;
  /** When the conversation began (ISO), when the event says. */
  conv_created: string | null;
  /** The platform's channel (Chatwoot `Channel::WebWidget`, Zendesk `via.channel`). */
  channel_raw: string | null;
  customer_id: string | null;
  /** When it happened (ISO). */
  at: string;
  message_id: string | null;
  /** Chatwoot: message_type and the sender's type. */
  message_type: string | null;
  sender_type: string | null;
  /** Intercom: the author's type; Zendesk: end-user or agent. */
  author_type: string | null;
  author_id: string | null;
  author_name: string | null;
  /** Zendesk: the ticket's requester (a user without a role is the customer when it is them). */
  requester_id: string | null;
  delivered_as: string | null;
  body: string | null;
  internal: boolean;
  /** Chatwoot and Zendesk: the status; Intercom: the part's type (close, open, snoozed …). */
  status_raw: string | null;
  part_type: string | null;
  agent_id: string | null;
  team: string | null;
}

export interface WebhookEvent {
  platform: WebhookPlatform;
  eventId: string;
  conversationId: string;
  items: WebhookItem[];
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : typeof v === 'object' ? null : String(v));

/** The instants an ISO text of four-digit years can name (0001-01-01 to 9999-12-31 UTC): what the warehouse's timestamps take. */
const FIRST_MS = Date.parse('0001-01-01T00:00:00Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A timestamp as ISO: Unix seconds (or milliseconds), or a date text; null
 * when it is neither, or outside the years 1–9999 (`+033658-…` is not a
 * time the warehouse can hold, and would make the batch it is in fail).
 */
export function isoTime(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : /^\d+(\.\d+)?$/.test(String(v)) ? Number(v) : NaN;
  const ms = Number.isFinite(n) ? (n > 1e12 ? n : n * 1000) : Date.parse(String(v));
  return Number.isFinite(ms) && ms >= FIRST_MS && ms <= LAST_MS ? new Date(ms).toISOString() : null;
}

/** The SHA-256 of a body, as the id of an event that has none of its own. */
export const bodyId = (body: Buffer | string) => 'sha256:' + createHash('sha256').update(body).digest('hex');

function item(
  base: Pick<WebhookItem, 'conversation_id' | 'conv_created' | 'channel_raw' | 'customer_id'>,
  fields: Partial<WebhookItem> & Pick<WebhookItem, 'kind' | 'at'>,
): WebhookItem {
  return {
    ...base,
    message_id: null,
    message_type: null,
    sender_type: null,
    author_type: null,
    author_id: null,
    author_name: null,
    requester_id: null,
    delivered_as: null,
    body: null,
    internal: false,
    status_raw: null,
    part_type: null,
    agent_id: null,
    team: null,
    ...fields,
  };
}

/**
 * The event in `doc` (the parsed body; `raw` the body as received, for the
 * id of an event without one), or a reason it is not about a conversation.
 * `now`: when a change without its own time happened.
 */
export function readEvent(platform: WebhookPlatform, doc: unknown, raw: Buffer, now: Date): WebhookEvent | { ignored: string } {
  const d = obj(doc);
  if (platform === 'chatwoot') return chatwoot(d, raw, now);
  if (platform === 'intercom') return intercom(d, now);
  return zendesk(d, now);
}

function chatwoot(d: Json, raw: Buffer, now: Date): WebhookEvent | { ignored: string } {
  const event = str(d['event']) ?? '';
  const conv = event === 'message_created' ? obj(d['conversation']) : d;
  const id = str(conv['display_id']) ?? str(conv['id']);
  if (!['message_created', 'conversation_status_changed', 'conversation_updated', 'conversation_created'].includes(event))
    return { ignored: `a Chatwoot ${event || 'event without a name'} is not about a conversation's messages or status` };
  if (!id) return { ignored: `the Chatwoot ${event} names no conversation` };
  const meta = obj(conv['meta']);
  const base = {
    conversation_id: id,
    conv_created: isoTime(conv['created_at']),
    channel_raw: str(conv['channel']) ?? str(meta['channel']) ?? str(obj(d['inbox'])['channel_type']),
    customer_id: str(obj(meta['sender'])['id']) ?? str(conv['contact_id']),
  };
  const at = isoTime(conv['updated_at']) ?? isoTime(conv['timestamp']) ?? now.toISOString();
  const items: WebhookItem[] = [];
  if (event === 'message_created') {
    const sender = obj(d['sender']);
    items.push(
      item(base, {
        kind: 'message',
        at: isoTime(d['created_at']) ?? now.toISOString(),
        message_id: str(d['id']),
        message_type: str(d['message_type']),
        sender_type: str(sender['type']) ?? str(d['sender_type']),
        author_id: str(sender['id']) ?? str(d['sender_id']),
        author_name: str(sender['name']),
        body: str(d['content']),
        internal: d['private'] === true || d['private'] === 'true',
      }),
    );
  } else {
    const changed = Array.isArray(d['changed_attributes']) ? (d['changed_attributes'] as unknown[]).flatMap((c) => Object.keys(obj(c))) : [];
    if (event === 'conversation_status_changed' || changed.includes('status')) items.push(item(base, { kind: 'status', at, status_raw: str(conv['status']) }));
    if (changed.includes('assignee_id') || changed.includes('team_id'))
      items.push(item(base, { kind: 'assign', at, agent_id: str(obj(meta['assignee'])['id']), team: str(obj(meta['team'])['name']) }));
    if (items.length === 0) items.push(item(base, { kind: 'conversation', at }));
  }
  return { platform: 'chatwoot', eventId: bodyId(raw), conversationId: id, items };
}

function intercom(d: Json, now: Date): WebhookEvent | { ignored: string } {
  const topic = str(d['topic']) ?? '';
  const eventId = str(d['id']);
  if (!topic.startsWith('conversation.')) return { ignored: `the Intercom topic ${topic || '(none)'} is not a conversation topic` };
  const conv = obj(obj(d['data'])['item']);
  const id = str(conv['id']);
  if (!id || !eventId) return { ignored: `the Intercom ${topic} notification has no ${id ? 'id' : 'conversation'}` };
  const source = obj(conv['source']);
  const sourceAuthor = obj(source['author']);
  const contacts = obj(conv['contacts'])['contacts'];
  const base = {
    conversation_id: id,
    conv_created: isoTime(conv['created_at']),
    channel_raw: null,
    customer_id:
      str(obj(Array.isArray(contacts) ? contacts[0] : undefined)['id']) ?? (['user', 'lead', 'contact'].includes(String(sourceAuthor['type'])) ? str(sourceAuthor['id']) : null),
  };
  const items: WebhookItem[] = [];
  if (str(source['body'])) {
    items.push(
      item(base, {
        kind: 'message',
        at: base.conv_created ?? now.toISOString(),
        message_id: 'source',
        author_type: str(sourceAuthor['type']) ?? 'user',
        author_id: str(sourceAuthor['id']),
        author_name: str(sourceAuthor['name']),
        delivered_as: str(source['delivered_as']),
        body: str(source['body']),
      }),
    );
  }
  const parts = obj(conv['conversation_parts'])['conversation_parts'];
  for (const p of Array.isArray(parts) ? parts.map(obj) : []) {
    const at = isoTime(p['created_at']) ?? now.toISOString();
    const author = obj(p['author']);
    const partType = str(p['part_type']);
    if (str(p['body']))
      items.push(
        item(base, {
          kind: 'message',
          at,
          message_id: str(p['id']),
          author_type: str(author['type']),
          author_id: str(author['id']),
          author_name: str(author['name']),
          body: str(p['body']),
          internal: partType === 'note',
        }),
      );
    const assigned = obj(p['assigned_to']);
    const assignedId = str(assigned['id']);
    if (/assign/.test(partType ?? '') && assignedId && assignedId !== '0') {
      const type = String(assigned['type'] ?? '').toLowerCase();
      if (type === 'admin' || type === 'team')
        items.push(item(base, { kind: 'assign', at, part_type: partType, agent_id: type === 'admin' ? assignedId : null, team: type === 'team' ? assignedId : null }));
    }
    if (partType && ['open', 'close', 'snoozed', 'unsnoozed', 'timer_unsnooze'].includes(partType.toLowerCase()))
      items.push(item(base, { kind: 'status', at, part_type: partType }));
  }
  if (items.length === 0) items.push(item(base, { kind: 'conversation', at: isoTime(conv['updated_at']) ?? now.toISOString() }));
  return { platform: 'intercom', eventId, conversationId: id, items };
}

function zendesk(d: Json, now: Date): WebhookEvent | { ignored: string } {
  const type = (str(d['type']) ?? '').replace(/^zen:event-type:/, '');
  const eventId = str(d['id']);
  const handled = ['ticket.created', 'ticket.comment_added', 'ticket.status_changed', 'ticket.agent_assignment_changed', 'ticket.group_assignment_changed'];
  if (!handled.includes(type)) return { ignored: `the Zendesk event ${type || '(no type)'} is not one of ${handled.join(', ')}` };
  const ticket = obj(d['detail']);
  const id = str(ticket['id']) ?? str(d['subject'])?.replace(/^zen:ticket:/, '') ?? null;
  if (!id || !eventId) return { ignored: `the Zendesk ${type} event has no ${id ? 'id' : 'ticket'}` };
  const ev = obj(d['event']);
  const base = {
    conversation_id: id,
    conv_created: isoTime(ticket['created_at']),
    channel_raw: str(obj(ticket['via'])['channel']) ?? str(ticket['via']),
    customer_id: str(ticket['requester_id']),
  };
  const at = isoTime(d['time']) ?? now.toISOString();
  const current = (v: unknown) => str(obj(v)['id']) ?? str(v);
  const items: WebhookItem[] = [];
  if (type === 'ticket.comment_added') {
    const c = obj(ev['comment']);
    const author = obj(c['author']);
    const staff = author['is_staff'];
    items.push(
      item(base, {
        kind: 'message',
        at,
        message_id: str(c['id']),
        author_type: staff === true ? 'agent' : staff === false ? 'end-user' : null,
        author_id: str(author['id']),
        author_name: str(author['name']),
        requester_id: str(ticket['requester_id']),
        body: str(c['body']),
        internal: c['is_public'] === false,
      }),
    );
  } else if (type === 'ticket.status_changed') items.push(item(base, { kind: 'status', at, status_raw: current(ev['current']) }));
  else if (type === 'ticket.agent_assignment_changed') items.push(item(base, { kind: 'assign', at, agent_id: current(ev['current']) }));
  else if (type === 'ticket.group_assignment_changed') items.push(item(base, { kind: 'assign', at, team: str(obj(ev['current'])['name']) ?? current(ev['current']) }));
  else items.push(item(base, { kind: 'status', at: base.conv_created ?? at, status_raw: str(ticket['status']) ?? 'new' }));
  return { platform: 'zendesk', eventId, conversationId: id, items };
}
