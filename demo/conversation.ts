/**
 * Builds one demo conversation in the canonical format
 * (`spec/conversation-format.md`) from a seeded random source.
 *
 * The story of a conversation is simulated step by step on a clock: the
 * customer writes, a bot may answer or hand over, the conversation is routed
 * to a team and an agent, replies arrive after channel- and agent-dependent
 * delays, it may be transferred, escalated, resolved, reopened, closed and
 * rated. Everything after the end of the data is cut off, so recent
 * conversations are still open.
 */
import type { CanonicalAuthor, CanonicalConversation, ConversationStatus, EventType, SurveyKind } from '../ingest/canonical-schema.js';
import type { DemoCustomer, Segment } from './customers.js';
import { demoCustomer } from './customers.js';
import type { Rng } from './random.js';
import { pickIndex } from './random.js';
import type { DemoAgent, Team } from './roster.js';
import { AUTO_REPLY, BOT, firstName } from './roster.js';
import type { Day } from './timeline.js';
import type { Intent, IntentVocabulary, IncidentVocabulary, Slots, Template } from './vocabulary.js';
import {
  BROWSERS,
  CITIES,
  COMMON,
  COMPANIES,
  DAYS,
  DEVICES,
  ERRORS,
  INCIDENT_VOCABULARY,
  INTENTS,
  PLANS,
  PRODUCTS,
  STREETS,
  SURVEY_COMMENTS,
  VOCABULARY,
  render,
} from './vocabulary.js';

// ---------------------------------------------------------------- channels

export const CHANNELS = ['webchat', 'whatsapp', 'email', 'sms', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

interface ChannelConfig {
  /** Median first human response, seconds, and its log-sd. */
  firstResp: number;
  firstSigma: number;
  /** Median later agent reply. */
  reply: number;
  replySigma: number;
  /** Median customer reply. */
  custReply: number;
  custSigma: number;
  exchanges: readonly [number, number];
  /** Share greeted by the bot. */
  bot: number;
  /** Chance that a customer turn is split over two messages. */
  burst: number;
  /** Replies wait for office hours. */
  business: boolean;
  /** Customers come and go: pending states are used. */
  async: boolean;
  /** Chance the customer says thanks at the end. */
  thanks: number;
}

const CONFIG: Record<Channel, ChannelConfig> = {
  webchat: {
    firstResp: 100,
    firstSigma: 0.9,
    reply: 70,
    replySigma: 0.7,
    custReply: 40,
    custSigma: 0.8,
    exchanges: [1, 3],
    bot: 0.75,
    burst: 0.25,
    business: false,
    async: false,
    thanks: 0.6,
  },
  in_app: {
    firstResp: 240,
    firstSigma: 1.0,
    reply: 120,
    replySigma: 0.8,
    custReply: 150,
    custSigma: 1.0,
    exchanges: [1, 3],
    bot: 0.85,
    burst: 0.2,
    business: false,
    async: false,
    thanks: 0.5,
  },
  whatsapp: {
    firstResp: 540,
    firstSigma: 1.1,
    reply: 240,
    replySigma: 1.0,
    custReply: 420,
    custSigma: 1.3,
    exchanges: [1, 3],
    bot: 0.65,
    burst: 0.3,
    business: false,
    async: true,
    thanks: 0.55,
  },
  sms: {
    firstResp: 900,
    firstSigma: 1.0,
    reply: 600,
    replySigma: 1.0,
    custReply: 900,
    custSigma: 1.2,
    exchanges: [0, 2],
    bot: 0,
    burst: 0.15,
    business: false,
    async: true,
    thanks: 0.45,
  },
  email: {
    firstResp: 10_800,
    firstSigma: 0.9,
    reply: 10_800,
    replySigma: 0.9,
    custReply: 18_000,
    custSigma: 1.1,
    exchanges: [0, 2],
    bot: 0,
    burst: 0,
    business: true,
    async: true,
    thanks: 0.3,
  },
};

const CHANNEL_BASE: Record<Channel, number> = { webchat: 0.31, whatsapp: 0.17, email: 0.23, sms: 0.1, in_app: 0.19 };

const CHANNEL_AFFINITY: Partial<Record<Intent, Partial<Record<Channel, number>>>> = {
  account_access: { in_app: 0.5, email: 1.4, webchat: 1.3 },
  payment_failed: { in_app: 1.3, webchat: 1.2 },
  delivery_delay: { whatsapp: 1.5, sms: 1.3 },
  billing: { email: 1.6, sms: 0.6 },
  refund: { email: 1.4 },
  technical_issue: { in_app: 1.5, email: 1.2, sms: 0.4 },
  product_question: { webchat: 1.5, sms: 0.5 },
  cancellation: { email: 1.4 },
  subscription_change: { email: 1.3, in_app: 1.2 },
};

const SEGMENT_AFFINITY: Record<Segment, Partial<Record<Channel, number>>> = {
  consumer: {},
  smb: { email: 1.3, sms: 0.7 },
  enterprise: { email: 2.2, sms: 0.3, whatsapp: 0.6 },
};

/** Chooses the starting channel for an intent, customer segment and moment of the year. */
function pickChannel(rng: Rng, intent: Intent, segment: Segment, frac: number): Channel {
  const w = CHANNELS.map((c) => {
    let x = CHANNEL_BASE[c] * (CHANNEL_AFFINITY[intent]?.[c] ?? 1) * (SEGMENT_AFFINITY[segment][c] ?? 1);
    if (c === 'whatsapp') x *= 0.7 + 0.6 * frac; // WhatsApp grows through the year
    if (c === 'sms') x *= 1.15 - 0.3 * frac; // SMS declines
    return x;
  });
  return CHANNELS[pickIndex(rng, w)] as Channel;
}

const SWITCH_TO: Record<Channel, Channel> = { webchat: 'email', in_app: 'webchat', whatsapp: 'sms', sms: 'whatsapp', email: 'webchat' };

// ---------------------------------------------------------------- intents → teams, bots

const SPECIALIST: Partial<Record<Intent, Team>> = {
  billing: 'Billing Specialists',
  refund: 'Billing Specialists',
  payment_failed: 'Billing Specialists',
  subscription_change: 'Billing Specialists',
  technical_issue: 'Technical Support',
  account_access: 'Technical Support',
};

/** Chance the bot solves the conversation alone, by intent. */
const BOT_CONTAINS: Record<Intent, number> = {
  product_question: 0.46,
  delivery_delay: 0.42,
  account_access: 0.32,
  shipping_address_change: 0.28,
  subscription_change: 0.22,
  billing: 0.16,
  technical_issue: 0.15,
  refund: 0.13,
  cancellation: 0.12,
  payment_failed: 0.12,
};

const EXTRA_EXCHANGES: Partial<Record<Intent, number>> = { technical_issue: 1, account_access: 0.5, product_question: -0.5, shipping_address_change: -0.5 };

const INTENT_INDEX = Object.fromEntries(INTENTS.map((intent, i) => [intent, i])) as Record<Intent, number>;

/** Share of e-mail conversations coming from the legacy mailbox that exports no status trail. */
const LEGACY_EMAIL_SHARE = 0.38;

// ---------------------------------------------------------------- time formatting

const DAY = 86_400;
const P2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = Number.NaN;
let cachedDate = '';

/**
 * Formats epoch seconds as ISO 8601 with seconds precision, in UTC (`Z`) or
 * shifted to the given offset in minutes.
 *
 * @example
 * isoTime(0) // '1970-01-01T00:00:00Z'
 * isoTime(0, 120) // '1970-01-01T02:00:00+02:00'
 */
export function isoTime(t: number, offsetMinutes = 0): string {
  const x = Math.floor(t) + offsetMinutes * 60;
  const day = Math.floor(x / DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY * 1000).toISOString().slice(0, 11);
  }
  const s = x - day * DAY;
  const suffix = offsetMinutes === 0 ? 'Z' : `${offsetMinutes > 0 ? '+' : '-'}${P2[Math.floor(Math.abs(offsetMinutes) / 60)]}:${P2[Math.abs(offsetMinutes) % 60]}`;
  return `${cachedDate}${P2[Math.floor(s / 3600)]}:${P2[Math.floor(s / 60) % 60]}:${P2[s % 60]}${suffix}`;
}

// ---------------------------------------------------------------- builder

/** What the generator shares with every conversation it builds. */
export interface BuildContext {
  rng: Rng;
  seed: number;
  source: string;
  startSec: number;
  endSec: number;
  /** Year of the start of the data (for invoice numbers). */
  year: number;
  poolSize: number;
  agentsByTeam: Record<Team, readonly DemoAgent[]>;
}

/** What the generator decided before building a conversation. */
export interface ConversationSpec {
  id: string;
  /** created_at, epoch seconds. */
  t: number;
  day: Day;
  customerIndex: number;
  intent: Intent;
  channel?: Channel;
  /** Set when this is a re-contact: the earlier conversation's id and slot values. */
  parent?: { id: string; slots: Slots };
}

/** A built conversation: its JSON line and what the generator needs to know about it. */
export interface BuiltConversation {
  json: string;
  messages: number;
  /** First resolution inside the data, epoch seconds. */
  firstResolution: number | null;
  customerIndex: number;
  intent: Intent;
  channel: Channel;
  slots: Slots;
  /** It went badly (reopened, transferred, slow, low score): a re-contact is likelier. */
  troubled: boolean;
}

interface RawMessage {
  t: number;
  author: CanonicalAuthor;
  body: string;
  internal: boolean;
  channel: string | undefined;
  attachments: number;
}

type DemoStatus = Exclude<ConversationStatus, 'snoozed'>;

interface RawEvent {
  t: number;
  type: EventType;
  /** The demo never snoozes. */
  status?: DemoStatus;
  agentId?: string;
  team?: string;
  reason?: string;
}

const agentAuthors = new Map<string, CanonicalAuthor>();
function agentAuthor(a: DemoAgent): CanonicalAuthor {
  let au = agentAuthors.get(a.id);
  if (!au) {
    au = { role: 'agent', id: a.id, name: a.name };
    agentAuthors.set(a.id, au);
  }
  return au;
}
const SYSTEM: CanonicalAuthor = { role: 'system' };

const authorJsonCache = new Map<CanonicalAuthor, string>();
/** The JSON of a shared author object (agents, bots, system), computed once. */
function authorJson(author: CanonicalAuthor): string {
  let json = authorJsonCache.get(author);
  if (json === undefined) {
    json = JSON.stringify(author);
    authorJsonCache.set(author, json);
  }
  return json;
}

function learning(agent: DemoAgent, frac: number): number {
  if (agent.joinsAt <= 0) return 0;
  const k = (frac - agent.joinsAt) / 0.15;
  return k >= 1 ? 0 : 1 - Math.max(0, k);
}

const agentWeights = new Float64Array(64);

function pickAgent(rng: Rng, list: readonly DemoAgent[], frac: number, exclude?: DemoAgent): DemoAgent {
  const w = agentWeights.subarray(0, list.length);
  list.forEach((a, i) => {
    w[i] = a !== exclude && frac >= a.joinsAt && frac < a.leavesAt ? a.capacity : 0;
  });
  return list[pickIndex(rng, w)] as DemoAgent;
}

function makeSlots(rng: Rng, cust: DemoCustomer, year: number, parent?: Slots): Slots {
  const plan = rng.pick(PLANS);
  let newplan = rng.pick(PLANS);
  if (newplan === plan) newplan = plan === 'Pro' ? 'Business' : 'Pro';
  const amount = (rng.next() * 180 + 9).toFixed(2);
  const slots: Slots = {
    name: cust.firstName,
    order: `#${String.fromCharCode(65 + rng.int(0, 5))}${rng.int(100_000, 999_999)}`,
    product: rng.pick(PRODUCTS),
    amount: cust.currency === 'R$' ? `R$ ${amount.replace('.', ',')}` : `${cust.currency}${amount}`,
    card: String(rng.int(1000, 9999)),
    day: rng.pick(DAYS),
    days: String(rng.int(3, 12)),
    tracking: `1Z${rng.int(100_000, 999_999)}${rng.int(1000, 9999)}`,
    email: cust.email,
    phone: cust.phone,
    error: rng.pick(ERRORS),
    device: rng.pick(DEVICES),
    appver: `4.${rng.int(0, 12)}.${rng.int(0, 9)}`,
    browser: rng.pick(BROWSERS),
    city: rng.pick(CITIES),
    street: rng.pick(STREETS),
    zip: String(rng.int(10_000, 99_999)),
    invoice: `INV-${year}-${rng.int(10_000, 99_999)}`,
    plan,
    newplan,
    seats: String(rng.int(3, 40)),
    company: rng.pick(COMPANIES),
    refno: String(rng.int(100_000, 999_999)),
    agent: '',
    team: '',
  };
  if (parent) {
    for (const k of ['order', 'product', 'amount', 'card', 'tracking', 'invoice', 'plan', 'newplan', 'appver', 'device']) {
      const v = parent[k];
      if (v !== undefined) slots[k] = v;
    }
  }
  return slots;
}

function wrapEmailHtml(rng: Rng, body: string, name: string): string {
  switch (rng.int(0, 3)) {
    case 0:
      return `<div dir="ltr">${body.replace(/\n/g, '<br>')}<br><br>Sent from my iPhone</div>`;
    case 1:
      return `<p>Hello,</p><p>${body}</p><p>Thanks &amp; regards,<br>${name}</p>`;
    case 2:
      return `<html><body><p>${body}</p>&nbsp;<p>--<br>${name}</p></body></html>`;
    default:
      return `${body}\n\n${name}`;
  }
}

/** The state of one conversation while it is simulated. */
interface Sim {
  ctx: BuildContext;
  rng: Rng;
  spec: ConversationSpec;
  day: Day;
  frac: number;
  cust: DemoCustomer;
  customerAuthor: CanonicalAuthor;
  intent: Intent;
  channel: Channel;
  cfg: ChannelConfig;
  v: IntentVocabulary;
  iv: IncidentVocabulary | undefined;
  incidentKey: string | undefined;
  legacy: boolean;
  slots: Slots;
  msgs: RawMessage[];
  events: RawEvent[];
  tags: string[];
  t0: number;
  /** The simulation clock, epoch seconds. */
  now: number;
  agent: DemoAgent | undefined;
  team: Team | undefined;
  firstHumanDelay: number;
  transfers: number;
  escalated: boolean;
  reExplained: boolean;
  reopened: boolean;
  botHandoff: boolean;
  contained: boolean;
  resolvedAt: number;
  firstResolution: number;
  unresolved: boolean;
  autoResolved: boolean;
  switched: boolean;
  openerBody: string;
}

// Small steps of the simulation. They are plain functions over the state (no
// closures per conversation) because the generator builds hundreds of
// thousands of conversations.

function wait(s: Sim, sec: number): void {
  s.now += Math.max(1, Math.round(sec));
}

function say(s: Sim, author: CanonicalAuthor, body: string, internal = false, channel: string | undefined = undefined, attachments = 0): void {
  s.msgs.push({ t: s.now, author, body, internal, channel, attachments });
}

function setStatus(s: Sim, status: DemoStatus): void {
  if (!s.legacy) s.events.push({ t: s.now, type: 'status', status });
}

function assign(s: Sim, agentId: string | undefined, team: string | undefined): void {
  if (!s.legacy) s.events.push({ t: s.now, type: 'assign', agentId, team });
}

function tpl(s: Sim, list: readonly Template[]): string {
  return render(list[Math.floor(s.rng.next() * list.length)] as Template, s.slots);
}

function agentSpeed(s: Sim, a: DemoAgent): number {
  return a.speed * (1 + 0.8 * learning(a, s.frac));
}

function agentQuality(s: Sim, a: DemoAgent): number {
  return a.quality - 0.15 * learning(a, s.frac);
}

/** Moves `t` into office hours, for channels answered in office hours. */
function officeHours(s: Sim, t: number): number {
  if (!s.cfg.business) return t;
  const { rng } = s;
  const dayStart = Math.floor(t / DAY) * DAY;
  const dow = (Math.floor(t / DAY) + 4) % 7; // 1970-01-01 was a Thursday
  const h = Math.floor((t - dayStart) / 3600);
  if ((dow === 0 || dow === 6) && !rng.chance(0.25)) {
    return dayStart + (dow === 6 ? 2 : 1) * DAY + 6 * 3600 + Math.round(rng.lognormal(5400, 0.8));
  }
  if (h < 6) return dayStart + 6 * 3600 + Math.round(rng.lognormal(3600, 0.8));
  if (h >= 22) return dayStart + DAY + 6 * 3600 + Math.round(rng.lognormal(3600, 0.8));
  return t;
}

function dayLoad(s: Sim): number {
  if (s.cfg.business) return s.day.load;
  const h = Math.floor((s.now % DAY) / 3600);
  return s.day.load * (h < 6 || h >= 23 ? 1.5 : 1) * (s.day.weekend ? 1.25 : 1);
}

function agentReplyDelay(s: Sim, a: DemoAgent, first: boolean): number {
  const { cfg, rng } = s;
  const base = first ? rng.lognormal(cfg.firstResp, cfg.firstSigma) : rng.lognormal(cfg.reply, cfg.replySigma);
  return Math.max(5, base * agentSpeed(s, a) * dayLoad(s));
}

/** Advances the clock by an agent's reply delay, into office hours where they apply. */
function awaitAgent(s: Sim, a: DemoAgent): void {
  s.now = officeHours(s, s.now + Math.round(agentReplyDelay(s, a, false)));
}

function customerDelay(s: Sim): number {
  return Math.max(4, s.rng.lognormal(s.cfg.custReply, s.cfg.custSigma));
}

function agentSay(s: Sim, a: DemoAgent, body: string): void {
  say(s, agentAuthor(a), s.channel === 'email' ? body + tpl(s, COMMON.emailSignature) : body);
  if (s.firstHumanDelay < 0) s.firstHumanDelay = s.now - s.t0;
}

function customerSay(s: Sim, body: string, attachments = 0, channel: string | undefined = undefined): void {
  let text = body;
  if (s.channel === 'email' && s.rng.chance(0.3)) text = wrapEmailHtml(s.rng, text, s.cust.firstName);
  else if (s.rng.chance(0.02)) text += ` ${tpl(s, COMMON.piiNotes)}`;
  say(s, s.customerAuthor, text, false, channel, attachments);
}

const PLAIN_GREETINGS = COMMON.customerGreetings.slice(0, 5);

function greeting(s: Sim): string {
  const l = s.cust.locale;
  const r = s.rng.next();
  if (r < 0.3 && l.startsWith('de')) return 'Hallo';
  if (r < 0.3 && l.startsWith('fr')) return 'Bonjour';
  if (r < 0.3 && (l.startsWith('es') || l.startsWith('pt'))) return 'Hola';
  return s.rng.pick(PLAIN_GREETINGS);
}

function setAgent(s: Sim, a: DemoAgent): void {
  s.agent = a;
  s.slots.agent = firstName(a);
}

function resolve(s: Sim): void {
  wait(s, s.rng.int(2, 120));
  setStatus(s, s.rng.chance(0.85) ? 'resolved' : 'closed');
  s.resolvedAt = s.now;
  if (s.firstResolution < 0) s.firstResolution = s.now;
}

/** The customer's part of one turn: a detail, sometimes split over two messages. */
function customerTurn(s: Sim): void {
  const { rng, iv, v } = s;
  const details = iv && rng.chance(0.6) ? iv.details : v.details;
  let attachments = 0;
  if ((s.intent === 'technical_issue' || s.intent === 'refund') && rng.chance(0.3)) attachments = rng.int(1, 3);
  else if (rng.chance(0.04)) attachments = 1;
  if (!s.switched && rng.chance(0.012)) {
    s.switched = true;
    customerSay(s, `${tpl(s, COMMON.switchNotes)} ${tpl(s, details)}`, attachments, SWITCH_TO[s.channel]);
    return;
  }
  const body = attachments > 0 && s.channel !== 'email' && rng.chance(0.15) ? '' : rng.chance(0.25) ? tpl(s, COMMON.customerFillers) : tpl(s, details);
  customerSay(s, body, attachments);
  if (rng.chance(s.cfg.burst)) {
    wait(s, rng.int(3, 40));
    let more = tpl(s, v.details);
    if (more === body) more = tpl(s, v.details);
    if (more !== body) customerSay(s, more);
  }
}

/** The customer says their problem again (after a transfer or escalation). */
function reExplain(s: Sim): void {
  if (!s.openerBody || !s.rng.chance(0.6)) return;
  wait(s, customerDelay(s));
  customerSay(s, s.rng.pick(COMMON.reExplainPrefixes) + s.openerBody);
  s.reExplained = true;
}

/** Hands the conversation to another agent, or to another team and one of its agents. */
function transfer(s: Sim, toTeam: Team, escalation: boolean): void {
  const { rng } = s;
  const from = s.agent as DemoAgent;
  s.slots.team = toTeam;
  if (rng.chance(0.7)) {
    wait(s, rng.int(10, 90));
    agentSay(s, from, tpl(s, escalation ? COMMON.agentEscalations : COMMON.agentTransfers));
  }
  if (rng.chance(0.5)) {
    wait(s, rng.int(5, 60));
    say(s, agentAuthor(from), `${escalation ? 'Escalating' : 'Transfer note'}: ${tpl(s, s.v.notes)}`, true);
  }
  wait(s, rng.int(2, 30));
  if (escalation) {
    if (!s.legacy) s.events.push({ t: s.now, type: 'escalate', team: toTeam, reason: rng.pick(COMMON.escalationReasons) });
    s.escalated = true;
  }
  const to = pickAgent(rng, s.ctx.agentsByTeam[toTeam], s.frac, from);
  if (toTeam !== s.team) {
    // one event names both, so the change counts as one transfer
    if (rng.chance(0.4)) say(s, SYSTEM, `Conversation transferred to ${toTeam}`);
    wait(s, Math.max(30, agentReplyDelay(s, to, true) * 0.5));
    assign(s, to.id, toTeam);
    s.team = toTeam;
  } else {
    assign(s, to.id, undefined);
  }
  s.transfers++;
  setAgent(s, to);
  wait(s, Math.max(10, agentReplyDelay(s, to, false)));
  agentSay(s, to, `${tpl(s, COMMON.agentGreetings)} ${rng.chance(0.5) ? tpl(s, COMMON.agentWaits) : tpl(s, s.v.asks)}`);
  reExplain(s);
}

/** Routes to a team and an agent, and moves the clock to the first human reply. */
function route(s: Sim): void {
  const { rng, cfg } = s;
  const specialist = SPECIALIST[s.intent];
  const h = Math.floor((s.now % DAY) / 3600);
  const emeaHours = h >= 6 && h < 14 ? 0.88 : h >= 14 && h < 17 ? 0.5 : 0.1;
  const tilt = s.cust.region === 'EMEA' ? 0.1 : -0.1;
  const tier1: Team = rng.chance(Math.min(0.95, Math.max(0.05, emeaHours + tilt))) ? 'Tier 1 EMEA' : 'Tier 1 Americas';
  const team: Team = specialist && rng.chance(0.55) ? specialist : tier1;
  s.team = team;
  wait(s, cfg.async ? rng.int(20, 900) : rng.int(1, 6));
  const a = pickAgent(rng, s.ctx.agentsByTeam[team], s.frac);
  const combined = rng.chance(0.25);
  if (!combined) assign(s, undefined, team);
  if (rng.chance(0.15)) say(s, SYSTEM, `Conversation assigned to ${team}`);
  const replyAt = officeHours(s, s.now + Math.round(agentReplyDelay(s, a, true)));
  s.now = Math.max(s.now + 1, replyAt - Math.round(rng.lognormal(cfg.business ? 600 : 25, 0.8)));
  assign(s, a.id, combined ? team : undefined);
  setAgent(s, a);
  s.now = Math.max(s.now + 1, replyAt);
}

/** The customer never answers the agent's question. Returns whether it was auto-resolved. */
function abandon(s: Sim, a: DemoAgent, pending: boolean): void {
  const { rng } = s;
  if (s.cfg.async && !pending) setStatus(s, 'pending');
  if (rng.chance(0.5)) {
    s.now = officeHours(s, s.now + Math.round(rng.lognormal(DAY, 0.4)));
    agentSay(s, a, tpl(s, COMMON.agentFollowup));
  }
  if (rng.chance(0.6)) {
    wait(s, rng.lognormal(2 * DAY, 0.3));
    say(s, SYSTEM, tpl(s, COMMON.systemInactive));
    resolve(s);
    s.autoResolved = true;
  } else {
    s.unresolved = true;
  }
}

/** The human part: routing, replies, maybe a transfer or escalation, and the resolution. */
function humanPhase(s: Sim): void {
  const { rng, cfg, v, iv, intent } = s;
  route(s);
  let a = s.agent as DemoAgent;
  const firstBody = rng.chance(0.5) ? tpl(s, iv ? iv.actions : v.asks) : tpl(s, v.asks);
  if (s.channel === 'email' || !rng.chance(0.5)) {
    agentSay(s, a, `${tpl(s, COMMON.agentGreetings)}${s.channel === 'email' ? '\n\n' : ' '}${firstBody}`);
  } else {
    agentSay(s, a, tpl(s, COMMON.agentGreetings));
    wait(s, rng.int(8, 60));
    agentSay(s, a, firstBody);
  }
  const q = agentQuality(s, a);
  const [lo, hi] = cfg.exchanges;
  const n = Math.max(0, Math.round(lo + rng.next() * (hi - lo) + (EXTRA_EXCHANGES[intent] ?? 0) + (0.9 - q) * 2.5 * rng.next()));
  const specialist = SPECIALIST[intent];
  let toTeam: Team | undefined;
  let escalation = false;
  const pEscalate = 0.035 + (s.cust.segment === 'enterprise' ? 0.04 : 0) + (intent === 'refund' || intent === 'cancellation' ? 0.02 : 0) + (1 - q) * 0.06;
  if (rng.chance(pEscalate)) {
    escalation = true;
    toTeam = 'Escalations';
  } else if (specialist && s.team !== specialist && rng.chance(0.14)) {
    toTeam = specialist;
  } else if (rng.chance(0.025 + (1 - q) * 0.06)) {
    toTeam = s.team;
  }
  const transferAt = toTeam ? rng.int(0, n) : -1;
  const abandonAt = rng.chance(cfg.async ? 0.05 : 0.02) ? rng.int(0, n) : -1;
  let pending = false;
  for (let i = 0; i <= n; i++) {
    if (i === abandonAt) {
      abandon(s, a, pending);
      return;
    }
    if (i === transferAt && toTeam) {
      transfer(s, toTeam, escalation);
      a = s.agent as DemoAgent;
    }
    if (i === n) break;
    if (cfg.async && !pending && rng.chance(0.4)) {
      wait(s, rng.int(1, 30));
      setStatus(s, 'pending');
      pending = true;
    }
    wait(s, customerDelay(s));
    if (pending) {
      setStatus(s, 'open');
      pending = false;
    }
    customerTurn(s);
    if (rng.chance(0.08)) {
      wait(s, rng.int(20, 300));
      say(s, agentAuthor(a), tpl(s, iv ? iv.notes : v.notes), true);
    }
    const delay = agentReplyDelay(s, a, false);
    if (!cfg.business && delay > 4 * cfg.reply && rng.chance(0.3)) {
      wait(s, delay * 0.7);
      customerSay(s, tpl(s, COMMON.customerAngry));
      wait(s, delay * 0.3);
    } else {
      s.now = officeHours(s, s.now + Math.round(delay));
    }
    const r = rng.next();
    if (r < 0.15 && s.channel !== 'email') {
      agentSay(s, a, tpl(s, COMMON.agentWaits));
      wait(s, rng.lognormal(cfg.reply * 0.8, 0.6));
      agentSay(s, a, tpl(s, iv ? iv.actions : v.actions));
    } else {
      agentSay(s, a, tpl(s, r < 0.6 ? (iv ? iv.actions : v.actions) : v.asks));
    }
  }
  // resolution
  if (n > 0 || rng.chance(0.5)) {
    wait(s, customerDelay(s));
    customerTurn(s);
    awaitAgent(s, a);
  } else {
    wait(s, rng.int(30, 300));
  }
  agentSay(s, a, tpl(s, iv ? iv.resolutions : v.resolutions));
  if (s.channel !== 'email' && rng.chance(0.5)) {
    wait(s, rng.int(5, 40));
    agentSay(s, a, tpl(s, COMMON.agentClosings));
  }
  if (rng.chance(cfg.thanks)) {
    wait(s, customerDelay(s) * 0.5);
    customerSay(s, tpl(s, COMMON.customerThanks));
    if (s.legacy && rng.chance(0.5)) {
      awaitAgent(s, a);
      agentSay(s, a, "You're welcome, have a nice day!");
    }
  }
  resolve(s);
}

/** The company writes first (a notification); the customer may answer. */
function outboundStory(s: Sim): string {
  const { rng } = s;
  const team: Team = s.cust.region === 'EMEA' ? 'Tier 1 EMEA' : 'Tier 1 Americas';
  s.team = team;
  const a = pickAgent(rng, s.ctx.agentsByTeam[team], s.frac);
  setAgent(s, a);
  setStatus(s, 'open');
  assign(s, a.id, team);
  say(s, agentAuthor(a), tpl(s, COMMON.outbound));
  if (rng.chance(0.4)) {
    wait(s, customerDelay(s));
    customerSay(s, tpl(s, s.v.details));
    awaitAgent(s, a);
    agentSay(s, a, tpl(s, s.v.resolutions));
  }
  resolve(s);
  s.firstHumanDelay = 0;
  return 'Update on your order';
}

const GREETS = /^(hi|hello|hey)\b/i;
const RECONTACT_OPENERS = ['Hi again, ', 'Hello, I contacted you recently about this. ', 'Me again. ', 'This is my second time writing. '];

/** The customer writes first; a bot may answer, then humans. Returns the subject, if any. */
function inboundStory(s: Sim): string | undefined {
  const { rng, cfg, v, iv, spec } = s;
  setStatus(s, 'open');
  let opener = tpl(s, iv ? iv.openers : v.openers);
  if (spec.parent) opener = rng.pick(RECONTACT_OPENERS) + opener;
  else if (rng.chance(0.35) && !GREETS.test(opener)) opener = `${greeting(s)}, ${opener.charAt(0).toLowerCase()}${opener.slice(1)}`;
  s.openerBody = opener;
  let subject: string | undefined;
  if (s.channel === 'email' || rng.chance(0.15)) {
    subject = tpl(s, iv ? iv.subjects : v.subjects);
    if (spec.parent && rng.chance(0.5)) subject = `Re: ${subject}`;
    if (s.channel === 'email' && rng.chance(0.02)) subject = undefined;
  }
  if (cfg.burst > 0 && rng.chance(cfg.burst * 0.5)) {
    customerSay(s, greeting(s));
    wait(s, rng.int(3, 25));
  }
  customerSay(s, opener, rng.chance(0.06) ? rng.int(1, 2) : 0);
  if (s.channel === 'email' && !s.legacy && rng.chance(0.3)) {
    wait(s, rng.int(5, 60));
    say(s, AUTO_REPLY, tpl(s, COMMON.autoAck));
  }
  if (rng.chance(cfg.bot)) {
    wait(s, rng.int(2, 5));
    say(s, BOT, `${tpl(s, COMMON.botGreetings)} ${tpl(s, v.bot)}`);
    wait(s, 1);
    say(s, BOT, tpl(s, COMMON.botCheck));
    wait(s, rng.lognormal(35, 0.7));
    const pContain = BOT_CONTAINS[s.intent] * (iv ? 0.6 : 1) * (spec.parent ? 0.5 : 1);
    if (rng.chance(pContain)) {
      customerSay(s, tpl(s, COMMON.customerBotAccept));
      wait(s, rng.int(1, 3));
      say(s, BOT, tpl(s, COMMON.botDone));
      resolve(s);
      s.contained = true;
      return subject;
    }
    if (rng.chance(0.05)) {
      // the customer leaves the bot without an answer
      if (rng.chance(0.5)) {
        wait(s, rng.lognormal(DAY, 0.2));
        say(s, SYSTEM, tpl(s, COMMON.systemInactive));
        resolve(s);
        s.autoResolved = true;
      } else {
        s.unresolved = true;
      }
      return subject;
    }
    customerSay(s, tpl(s, COMMON.customerBotDecline));
    wait(s, rng.int(1, 4));
    say(s, BOT, tpl(s, COMMON.botHandoff));
    s.botHandoff = true;
    s.tags.push('bot_handoff');
  }
  humanPhase(s);
  return subject;
}

/** After a resolution the customer comes back, or the conversation is reopened by a status change. */
function maybeReopen(s: Sim): void {
  const { rng, cfg, v } = s;
  if (s.resolvedAt < 0 || s.autoResolved) return;
  const q = s.agent ? agentQuality(s, s.agent) : 0.8;
  const pReopen = 0.045 + 0.18 * Math.max(0, 1 - q) + (s.iv ? 0.03 : 0) + (s.contained ? 0.02 : 0);
  if (!rng.chance(pReopen)) return;
  s.reopened = true;
  wait(s, Math.min(4 * DAY, rng.lognormal(8 * 3600, 1.1)));
  if (s.legacy || rng.chance(0.55)) {
    customerSay(s, tpl(s, v.reopens));
    if (!s.legacy && rng.chance(0.5)) {
      wait(s, rng.int(1, 5));
      setStatus(s, 'open');
    }
  } else {
    setStatus(s, 'open');
    wait(s, rng.int(30, 3600));
    customerSay(s, tpl(s, v.reopens));
  }
  const a = s.agent;
  if (!a) {
    // the bot had contained it: now a human takes over
    if (cfg.bot > 0) {
      wait(s, rng.int(2, 5));
      say(s, BOT, tpl(s, COMMON.botHandoff));
    }
    s.contained = false;
    humanPhase(s);
    return;
  }
  awaitAgent(s, a);
  agentSay(s, a, `${tpl(s, COMMON.agentReopen)} ${tpl(s, v.asks)}`);
  wait(s, customerDelay(s));
  customerTurn(s);
  awaitAgent(s, a);
  agentSay(s, a, tpl(s, v.resolutions));
  if (rng.chance(cfg.thanks * 0.6)) {
    wait(s, customerDelay(s) * 0.5);
    customerSay(s, tpl(s, COMMON.customerThanks));
  }
  resolve(s);
}

interface RawSurvey {
  t: number;
  /** The demo asks for CSAT and CES, never NPS. */
  kind: Exclude<SurveyKind, 'nps'>;
  score: number;
  comment: string | undefined;
}

/** How badly it went, 0 = smoothly; drives survey scores and re-contacts. */
function badnessOf(s: Sim): number {
  const q = s.agent ? agentQuality(s, s.agent) : 0.85;
  const slow = s.firstHumanDelay > 0 ? Math.min(3, Math.max(0, Math.log2(s.firstHumanDelay / s.cfg.firstResp))) : 0;
  return (
    (0.9 - q) * 2.5 +
    slow * 0.35 +
    (s.reopened ? 0.9 : 0) +
    s.transfers * 0.45 +
    (s.escalated ? 0.4 : 0) +
    (s.reExplained ? 0.35 : 0) +
    (s.iv ? 0.5 : 0) +
    (s.botHandoff ? 0.15 : 0) +
    (s.autoResolved ? 0.8 : 0) +
    (s.spec.parent ? 0.35 : 0) -
    (s.contained ? 0.1 : 0)
  );
}

function surveyComment(s: Sim, score: number, good: number): string | undefined {
  const { rng } = s;
  if (!rng.chance(score <= good - 2 ? 0.45 : 0.15)) return undefined;
  if (score >= good) return rng.pick(SURVEY_COMMENTS.good);
  if (score === good - 1) return rng.pick(SURVEY_COMMENTS.neutral);
  if (s.iv && rng.chance(0.6)) return rng.pick(SURVEY_COMMENTS.incident);
  if (s.transfers > 0 && rng.chance(0.6)) return rng.pick(SURVEY_COMMENTS.transfer);
  if (s.reopened && rng.chance(0.6)) return rng.pick(SURVEY_COMMENTS.reopen);
  if (s.firstHumanDelay > 2 * s.cfg.firstResp && rng.chance(0.6)) return rng.pick(SURVEY_COMMENTS.slow);
  if (s.botHandoff && rng.chance(0.4)) return rng.pick(SURVEY_COMMENTS.bot);
  return rng.pick(SURVEY_COMMENTS.bad);
}

function surveyDelay(s: Sim): number {
  return Math.round(s.cfg.business ? s.rng.lognormal(4 * 3600, 1) : s.rng.lognormal(240, 1));
}

/** Surveys answered after the last resolution, and the closing status. */
function surveysAndClose(s: Sim, badness: number): RawSurvey[] {
  const { rng, cfg } = s;
  const surveys: RawSurvey[] = [];
  if (s.resolvedAt < 0) return surveys;
  const last = s.resolvedAt;
  const pCsat = s.contained ? 0.24 : s.legacy ? 0.2 : s.autoResolved ? 0.15 : 0.33;
  if (rng.chance(pCsat)) {
    const score = Math.min(5, Math.max(1, Math.round(4.75 - badness + 0.7 * rng.normal())));
    surveys.push({ t: last + surveyDelay(s), kind: 'csat', score, comment: surveyComment(s, score, 4) });
  }
  if (rng.chance(0.16)) {
    const score = Math.min(7, Math.max(1, Math.round(6.2 - 1.3 * badness + rng.normal())));
    surveys.push({ t: last + surveyDelay(s), kind: 'ces', score, comment: surveyComment(s, score, 6) });
  }
  if (surveys.length === 2 && (surveys[1] as RawSurvey).t < (surveys[0] as RawSurvey).t) surveys.reverse();
  if (!s.legacy && rng.chance(0.7) && s.events[s.events.length - 1]?.status !== 'closed') {
    s.now = last + Math.round(cfg.business ? rng.lognormal(3 * DAY, 0.3) : rng.lognormal(6 * 3600, 0.8));
    setStatus(s, 'closed');
  }
  return surveys;
}

const EXTRA_TAGS = ['macro_used', 'first_order', 'follow_up', 'feedback', 'bug'];

/**
 * Builds one conversation and serialises it as one JSON line (no newline).
 *
 * @example
 * const built = buildConversation(ctx, { id: 'c000001', t, day, customerIndex: 12, intent: 'refund' });
 * JSON.parse(built.json).messages.length // > 0
 */
export function buildConversation(ctx: BuildContext, spec: ConversationSpec): BuiltConversation {
  const { rng } = ctx;
  const day = spec.day;
  const cust = demoCustomer(ctx.seed, spec.customerIndex, ctx.poolSize);
  const intent = spec.intent;
  const channel: Channel = spec.channel ?? pickChannel(rng, intent, cust.segment, day.frac);
  const incident = day.incidents[INTENT_INDEX[intent]];
  const iv: IncidentVocabulary | undefined =
    incident && rng.chance(Math.min(0.95, (incident.multiplier - 1) / incident.multiplier + 0.08)) ? INCIDENT_VOCABULARY[incident.key] : undefined;
  const legacy = channel === 'email' && rng.chance(LEGACY_EMAIL_SHARE);
  const outbound = !spec.parent && (channel === 'email' || channel === 'sms') && rng.chance(0.03);
  const offset = rng.chance(0.02) ? (rng.chance(0.6) ? 120 : -300) : 0;
  const s: Sim = {
    ctx,
    rng,
    spec,
    day,
    frac: day.frac,
    cust,
    customerAuthor: channel === 'sms' ? { role: 'customer', id: cust.id } : { role: 'customer', id: cust.id, name: `${cust.firstName} ${cust.lastName}` },
    intent,
    channel,
    cfg: CONFIG[channel],
    v: VOCABULARY[intent],
    iv,
    incidentKey: iv ? incident?.key : undefined,
    legacy,
    slots: makeSlots(rng, cust, ctx.year, spec.parent?.slots),
    msgs: [],
    events: [],
    tags: [],
    t0: spec.t,
    now: spec.t,
    agent: undefined,
    team: undefined,
    firstHumanDelay: -1,
    transfers: 0,
    escalated: false,
    reExplained: false,
    reopened: false,
    botHandoff: false,
    contained: false,
    resolvedAt: -1,
    firstResolution: -1,
    unresolved: false,
    autoResolved: false,
    switched: false,
    openerBody: '',
  };

  const subject = outbound ? outboundStory(s) : inboundStory(s);
  maybeReopen(s);
  const badness = s.resolvedAt >= 0 ? badnessOf(s) : 0;
  const surveys = surveysAndClose(s, badness);

  // labels
  const segment = cust.segment;
  let priority: CanonicalConversation['priority'];
  if (!legacy) {
    const r = rng.next();
    if (segment === 'enterprise') priority = r < 0.1 ? 'urgent' : r < 0.5 ? 'high' : 'normal';
    else if (intent === 'account_access' || intent === 'payment_failed') priority = r < 0.05 ? 'urgent' : r < 0.35 ? 'high' : 'normal';
    else if (intent === 'product_question') priority = r < 0.45 ? 'low' : 'normal';
    else priority = r < 0.08 ? 'high' : r < 0.18 ? 'low' : 'normal';
  }
  const tags = s.tags;
  if (segment === 'enterprise') tags.push('vip');
  if (s.incidentKey) tags.push(s.incidentKey === 'payment_outage' ? 'psp_outage' : 'carrier_delay');
  if (s.escalated) tags.push('escalated');
  if (legacy) tags.push('legacy_mailbox');
  if (spec.parent && rng.chance(0.3)) tags.push('repeat_contact');
  if (rng.chance(0.1)) tags.push(rng.pick(EXTRA_TAGS));
  const labelled = !rng.chance(legacy ? 0.3 : s.contained ? 0.1 : 0.125);

  // serialise by hand (the field order of the spec), cutting everything after the end of the data
  const end = ctx.endSec;
  const customerJson = JSON.stringify(s.customerAuthor);
  let messagesJson = '';
  let messageCount = 0;
  for (const m of s.msgs) {
    if (m.t > end) break;
    messageCount++;
    messagesJson += `${messageCount > 1 ? ',' : ''}{"id":"m${messageCount}","at":"${isoTime(m.t, offset)}","author":${
      m.author === s.customerAuthor ? customerJson : authorJson(m.author)
    },"body":${JSON.stringify(m.body)}${m.internal ? ',"internal":true' : ''}${m.channel ? `,"channel":"${m.channel}"` : ''}${
      m.attachments > 0 ? `,"attachments":${m.attachments}` : ''
    }}`;
  }
  let eventsJson = '';
  for (const e of s.events) {
    if (e.t > end) break;
    eventsJson += `${eventsJson ? ',' : ''}{"at":"${isoTime(e.t, offset)}","type":"${e.type}"`;
    if (e.type === 'status') eventsJson += `,"status":"${e.status ?? 'open'}"}`;
    else if (e.type === 'assign') eventsJson += `${e.agentId ? `,"agent_id":"${e.agentId}"` : ''}${e.team ? `,"team":"${e.team}"` : ''}}`;
    else eventsJson += `${e.team ? `,"team":"${e.team}"` : ''}${e.reason ? `,"reason":${JSON.stringify(e.reason)}` : ''}}`;
  }
  let surveysJson = '';
  for (const sv of surveys) {
    if (sv.t > end) continue;
    const scale = sv.kind === 'ces' ? ',"scale":[1,7]' : rng.chance(0.5) ? ',"scale":[1,5]' : '';
    surveysJson += `${surveysJson ? ',' : ''}{"at":"${isoTime(sv.t, offset)}","kind":"${sv.kind}","score":${sv.score}${scale}${
      sv.comment ? `,"comment":${JSON.stringify(sv.comment)}` : ''
    }}`;
  }
  const head: Record<string, unknown> = {
    id: spec.id,
    source: ctx.source,
    channel,
    created_at: isoTime(s.t0, offset),
    customer: { id: cust.id, segment, locale: cust.locale, ...(cust.account ? { account: cust.account } : {}) },
  };
  if (subject !== undefined) head.subject = subject;
  if (labelled) head.intent = intent;
  if (priority) head.priority = priority;
  if (tags.length > 0) head.tags = tags;
  const metadata: Record<string, unknown> = { region: cust.region };
  if (channel === 'email') metadata.mailbox = legacy ? 'legacy-helpdesk' : 'support';
  if (channel === 'in_app') metadata.app_version = s.slots.appver;
  if (channel === 'webchat') metadata.browser = s.slots.browser;
  if (intent === 'delivery_delay' || intent === 'refund' || intent === 'shipping_address_change') metadata.order_id = s.slots.order;
  if (outbound) metadata.outbound = true;
  if (spec.parent) metadata.recontact_of = spec.parent.id;
  if (!labelled) metadata.true_intent = intent;
  const headJson = JSON.stringify(head);
  const json = `${headJson.slice(0, -1)},"messages":[${messagesJson}]${eventsJson ? `,"events":[${eventsJson}]` : ''}${
    surveysJson ? `,"surveys":[${surveysJson}]` : ''
  },"metadata":${JSON.stringify(metadata)}}`;

  return {
    json,
    messages: messageCount,
    firstResolution: s.firstResolution >= 0 && s.firstResolution <= end ? s.firstResolution : null,
    customerIndex: spec.customerIndex,
    intent,
    channel,
    slots: s.slots,
    troubled: s.reopened || s.transfers > 0 || s.unresolved || badness > 1.2,
  };
}
