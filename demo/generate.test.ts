import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SCALES,
  PRIORITIES as PRIORITY_LIST,
  ROLES as ROLE_LIST,
  STATUSES as STATUS_LIST,
  SURVEY_KINDS,
  agentSchema,
  conversationSchema,
  outcomeSchema,
} from '../ingest/canonical-schema.js';
import { DEMO_AGENTS, DEMO_INCIDENTS, INTENTS, demoIncidentWindows, generateDemo } from './generate.js';
import type { DemoOptions, DemoResult } from './generate.js';

const END = new Date('2026-07-01T00:00:00Z');
const DAY_MS = 86_400_000;
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ROLES = new Set<string>(ROLE_LIST);
const STATUSES = new Set<string>(STATUS_LIST);
const PRIORITIES = new Set<string>(PRIORITY_LIST);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test walks generated JSON of any shape
type Json = Record<string, any>;

let dir: string;
const read = async (file: string): Promise<string> => readFile(file, 'utf8');
const lines = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);

async function run(name: string, opts: Partial<DemoOptions> = {}, onProgress?: (d: number, t: number) => void): Promise<DemoResult> {
  return generateDemo({ conversations: 2000, seed: 7, end: END, outDir: join(dir, name), ...opts }, onProgress);
}

function time(s: unknown): number {
  if (typeof s !== 'string' || !TS.test(s)) return Number.NaN;
  return Date.parse(s);
}

/** A compact checker of the canonical format; returns the problems found. */
function problems(c: Json): string[] {
  const out: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) out.push(`${c.id}: ${what}`);
  };
  need(typeof c.id === 'string' && c.id.length > 0, 'id');
  need(c.source === undefined || typeof c.source === 'string', 'source');
  need(typeof c.channel === 'string' && /^[a-z_]+$/.test(c.channel), 'channel');
  const created = time(c.created_at);
  need(!Number.isNaN(created), 'created_at');
  need(typeof c.customer?.id === 'string', 'customer.id');
  need(c.subject === undefined || typeof c.subject === 'string', 'subject');
  need(c.intent === undefined || (INTENTS as readonly string[]).includes(c.intent), 'intent');
  need(c.priority === undefined || PRIORITIES.has(c.priority), 'priority');
  need(c.tags === undefined || (Array.isArray(c.tags) && c.tags.every((t: unknown) => typeof t === 'string')), 'tags');
  need(c.metadata === undefined || (typeof c.metadata === 'object' && !Array.isArray(c.metadata)), 'metadata');
  need(Array.isArray(c.messages), 'messages');
  const events: Json[] = c.events ?? [];
  need(Array.isArray(events), 'events');
  need((c.messages?.length ?? 0) > 0 || events.length > 0, 'no messages and no events');
  const ids = new Set<string>();
  let prev = -Infinity;
  for (const m of c.messages ?? []) {
    need(typeof m.id === 'string' && !ids.has(m.id), `message id ${m.id}`);
    ids.add(m.id);
    const t = time(m.at);
    need(!Number.isNaN(t), `message at ${m.at}`);
    need(t >= prev, `messages out of order at ${m.id}`);
    need(t >= created, `message ${m.id} before created_at`);
    prev = t;
    need(ROLES.has(m.author?.role), `role ${m.author?.role}`);
    need(typeof m.body === 'string' && (m.body.length > 0 || (m.attachments ?? 0) > 0), `body of ${m.id}`);
    need(m.internal === undefined || typeof m.internal === 'boolean', 'internal');
    need(!m.internal || m.author.role === 'agent', 'internal note not by an agent');
    need(m.channel === undefined || typeof m.channel === 'string', 'message channel');
    need(m.attachments === undefined || (Number.isInteger(m.attachments) && m.attachments > 0), 'attachments');
  }
  prev = -Infinity;
  for (const e of events) {
    const t = time(e.at);
    need(!Number.isNaN(t) && t >= prev, `event at ${e.at}`);
    prev = t;
    if (e.type === 'status') need(STATUSES.has(e.status), `status ${e.status}`);
    else if (e.type === 'assign') need(typeof e.agent_id === 'string' || typeof e.team === 'string', 'assign without agent or team');
    else need(e.type === 'escalate', `event type ${e.type}`);
  }
  for (const s of c.surveys ?? []) {
    need(!Number.isNaN(time(s.at)), 'survey at');
    const scale: readonly [number, number] = s.scale ?? DEFAULT_SCALES[s.kind as keyof typeof DEFAULT_SCALES] ?? [0, 10];
    need((SURVEY_KINDS as readonly string[]).includes(s.kind), `survey kind ${s.kind}`);
    need(typeof s.score === 'number' && s.score >= scale[0] && s.score <= scale[1], `survey score ${s.score}`);
    need(s.comment === undefined || typeof s.comment === 'string', 'survey comment');
  }
  return out;
}

/** Per-conversation facts computed as spec/metrics.md defines them (the parts the tests need). */
function facts(c: Json) {
  const events: Json[] = c.events ?? [];
  const pub: Json[] = c.messages.filter((m: Json) => !m.internal);
  const items = [...c.messages.map((m: Json, i: number) => ({ t: time(m.at), k: 1, i, m })), ...events.map((e, i) => ({ t: time(e.at), k: 0, i, e }))].sort(
    (a, b) => a.t - b.t || a.k - b.k || a.i - b.i,
  );
  let resolved = false;
  let resolutions = 0;
  let reopens = 0;
  for (const it of items) {
    if (it.e?.type === 'status') {
      if (it.e.status === 'resolved' || it.e.status === 'closed') {
        if (!resolved) resolutions++;
        resolved = true;
      } else if (resolved) {
        resolved = false;
        reopens++;
      }
    } else if (it.m && it.m.author.role === 'customer' && !it.m.internal && resolved) {
      resolved = false;
      reopens++;
    }
  }
  const hasStatus = events.some((e) => e.type === 'status');
  if (!hasStatus) {
    const lastStaff = pub.findLast((m) => m.author.role === 'agent' || m.author.role === 'bot');
    const lastCustomer = pub.findLast((m) => m.author.role === 'customer');
    if (lastStaff && (!lastCustomer || time(lastCustomer.at) < time(lastStaff.at))) resolutions = 1;
  }
  let agent: string | undefined;
  let team: string | undefined;
  let transfers = 0;
  let assigns = 0;
  for (const e of events) {
    if (e.type !== 'assign') continue;
    assigns++;
    if (e.agent_id) {
      if (agent && agent !== e.agent_id) transfers++;
      agent = e.agent_id;
    }
    if (e.team) {
      if (team && team !== e.team) transfers++;
      team = e.team;
    }
  }
  const automated = pub.some((m) => m.author.role === 'bot');
  const human = pub.some((m) => m.author.role === 'agent');
  return {
    resolved: resolutions > 0,
    reopens,
    transfers,
    assigns,
    hasStatus,
    automated,
    contained: resolutions > 0 && automated && !human && reopens === 0,
    escalated: events.some((e) => e.type === 'escalate'),
  };
}

const share = (n: number, d: number): number => (d === 0 ? 0 : n / d);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-demo-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generateDemo', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', async () => {
    const progress: Array<[number, number]> = [];
    const a = await run('a', {}, (d, t) => progress.push([d, t]));
    const b = await run('b');
    const c = await run('c', { seed: 8 });
    expect(a.files.map((f) => f.split('/').pop())).toEqual(['conversations.jsonl', 'agents.jsonl', 'outcomes.jsonl']);
    expect(a.conversations).toBe(2000);
    expect(b).toEqual({ ...a, files: b.files });
    const [ca, cb, cc] = await Promise.all([a, b, c].map((r) => read(r.files[0] as string)));
    expect(ca === cb).toBe(true);
    expect(ca === cc).toBe(false);
    expect(await read(a.files[1] as string)).toBe(await read(b.files[1] as string));
    expect(await read(a.files[2] as string)).toBe(await read(b.files[2] as string));
    expect(lines(ca ?? '')).toHaveLength(2000);
    expect(progress.at(-1)).toEqual([2000, 2000]);
    expect(progress.every(([d], i) => i === 0 || d >= (progress[i - 1]?.[0] ?? 0))).toBe(true);
  });

  it('writes the roster to agents.jsonl', async () => {
    const r = await run('roster', { conversations: 10 });
    const agents = lines(await read(r.files[1] as string)).map((l) => JSON.parse(l) as Json);
    expect(agents).toHaveLength(DEMO_AGENTS.length);
    expect(agents.length).toBeGreaterThanOrEqual(35);
    expect(new Set(agents.map((a) => a.team)).size).toBe(5);
    expect(agents.some((a) => a.active === false)).toBe(true);
    for (const a of agents) expect(Object.keys(a)).toEqual(['id', 'name', 'team', 'email', 'active']);
    expect(agents.filter((a) => !agentSchema.safeParse(a).success)).toEqual([]);
  });

  it('writes customer outcomes: valid records, one churn at most per customer, none after the end', async () => {
    const r = await run('outcomes', { conversations: 2000 });
    const outcomes = lines(await read(r.files[2] as string)).map((l) => JSON.parse(l) as Json);
    const schema = outcomeSchema(new Date(END.getTime()));
    expect(outcomes.filter((o) => !schema.safeParse(o).success)).toEqual([]);
    const churned = outcomes.filter((o) => o.event === 'churned').map((o) => o.customer_id);
    expect(new Set(churned).size).toBe(churned.length);
    expect(churned.length).toBeGreaterThan(10);
    expect(outcomes.some((o) => o.event === 'renewed') && outcomes.some((o) => o.event === 'expanded')).toBe(true);
    expect(outcomes.every((o) => Date.parse(String(o.at)) <= END.getTime())).toBe(true);
    // every customer with a conversation has an outcome: the customers of the conversations, renewed or churned
    const customers = new Set(lines(await read(r.files[0] as string)).map((l) => (JSON.parse(l) as { customer: { id: string } }).customer.id));
    expect(new Set(outcomes.filter((o) => o.event !== 'expanded').map((o) => o.customer_id))).toEqual(customers);
  });

  it('rejects bad options', async () => {
    await expect(run('bad', { conversations: -1 })).rejects.toThrow(RangeError);
    await expect(run('bad', { end: new Date('nope') })).rejects.toThrow(RangeError);
  });

  it('respects a shorter span and a custom source', async () => {
    const r = await run('short', { conversations: 300, months: 2, source: 'acme' });
    const start = Date.UTC(2026, 4, 1);
    const convs = lines(await read(r.files[0] as string)).map((l) => JSON.parse(l) as Json);
    expect(convs.every((c) => c.source === 'acme' && time(c.created_at) >= start && time(c.created_at) < END.getTime())).toBe(true);
    expect(demoIncidentWindows(END, 2)).toEqual([]);
  });
});

describe('the demo data set', () => {
  let convs: Json[] = [];
  let result: DemoResult;
  let f: Array<ReturnType<typeof facts>> = [];

  beforeAll(async () => {
    result = await run('set', { conversations: 6000, seed: 11 });
    convs = lines(await read(result.files[0] as string)).map((l) => JSON.parse(l) as Json);
    f = convs.map(facts);
  });

  it('follows the canonical format on every line', () => {
    const all = convs.flatMap(problems);
    expect(all.slice(0, 10)).toEqual([]);
    const schema = conversationSchema(END);
    const refused = convs.flatMap((c) => {
      const result = schema.safeParse(c);
      return result.success ? [] : [`${c.id}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`];
    });
    expect(refused.slice(0, 10)).toEqual([]);
    expect(convs).toHaveLength(6000);
    expect(result.messages).toBe(convs.reduce((s, c) => s + c.messages.length, 0));
    expect(new Set(convs.map((c) => c.id)).size).toBe(convs.length);
    expect(convs.every((c) => /^c\d{6}$/.test(c.id) && /^cus_\d{6}$/.test(c.customer.id))).toBe(true);
    // a business customer belongs to their company (the account page); a consumer to none
    expect(convs.every((c) => (c.customer.segment === 'consumer' ? c.customer.account === undefined : / & Co$/.test(c.customer.account)))).toBe(true);
    expect(convs.some((c) => c.customer.account)).toBe(true);
    const start = Date.UTC(2025, 6, 1);
    const stamps = convs.flatMap((c) => [
      c.created_at,
      ...c.messages.map((m: Json) => m.at),
      ...(c.events ?? []).map((e: Json) => e.at),
      ...(c.surveys ?? []).map((s: Json) => s.at),
    ]);
    expect(stamps.every((s) => time(s) >= start && time(s) <= END.getTime())).toBe(true);
    const known = new Set(DEMO_AGENTS.map((a) => a.id));
    const agentIds = convs.flatMap((c) => [
      ...c.messages.filter((m: Json) => m.author.role === 'agent').map((m: Json) => m.author.id),
      ...(c.events ?? []).filter((e: Json) => e.agent_id).map((e: Json) => e.agent_id),
    ]);
    expect(agentIds.every((id) => known.has(id))).toBe(true);
    // messages per conversation: about ten on average
    expect(result.messages / convs.length).toBeGreaterThan(7);
    expect(result.messages / convs.length).toBeLessThan(14);
  });

  it('has the five channels in different mixes, speeds and lengths', () => {
    const by = new Map<string, { n: number; msgs: number; fr: number[] }>();
    for (const c of convs) {
      const s = by.get(c.channel) ?? { n: 0, msgs: 0, fr: [] };
      s.n++;
      s.msgs += c.messages.length;
      const first = c.messages.find((m: Json) => m.author.role === 'customer');
      const reply = first && c.messages.find((m: Json) => m.author.role === 'agent' && !m.internal && time(m.at) >= time(first.at));
      if (reply) s.fr.push(time(reply.at) - time(first.at));
      by.set(c.channel, s);
    }
    expect([...by.keys()].sort()).toEqual(['email', 'in_app', 'sms', 'webchat', 'whatsapp']);
    for (const s of by.values()) expect(share(s.n, convs.length)).toBeGreaterThan(0.04);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const get = (k: string) => by.get(k) as { n: number; msgs: number; fr: number[] };
    expect(median(get('email').fr)).toBeGreaterThan(3_600_000); // hours
    expect(median(get('webchat').fr)).toBeLessThan(900_000); // minutes
    expect(get('webchat').msgs / get('webchat').n).toBeGreaterThan(get('email').msgs / get('email').n);
  });

  it('labels most conversations with one of the intents, and leaves some unlabelled', () => {
    const intents = new Set(convs.map((c) => c.intent).filter(Boolean));
    expect(intents.size).toBeGreaterThanOrEqual(8);
    const unlabelled = convs.filter((c) => c.intent === undefined);
    expect(share(unlabelled.length, convs.length)).toBeGreaterThan(0.1);
    expect(share(unlabelled.length, convs.length)).toBeLessThan(0.2);
    expect(unlabelled.every((c) => (INTENTS as readonly string[]).includes(c.metadata?.true_intent))).toBe(true);
  });

  it('has bots that contain some conversations and hand over the rest', () => {
    const bot = f.filter((x) => x.automated);
    expect(share(bot.length, f.length)).toBeGreaterThan(0.3);
    const containment = share(bot.filter((x) => x.contained).length, bot.length);
    expect(containment).toBeGreaterThan(0.15);
    expect(containment).toBeLessThan(0.35);
    expect(convs.some((c) => c.messages.some((m: Json) => m.author.role === 'bot' && m.author.name === 'Parley Assistant'))).toBe(true);
  });

  it('has transfers, escalations, reopens and inferred resolutions in sane shares', () => {
    const assigned = f.filter((x) => x.assigns > 0);
    const transferRate = share(assigned.filter((x) => x.transfers > 0).length, assigned.length);
    expect(transferRate).toBeGreaterThan(0.06);
    expect(transferRate).toBeLessThan(0.16);
    const escalated = share(f.filter((x) => x.escalated).length, f.length);
    expect(escalated).toBeGreaterThan(0.02);
    expect(escalated).toBeLessThan(0.07);
    const resolved = f.filter((x) => x.resolved);
    const reopenRate = share(resolved.filter((x) => x.reopens > 0).length, resolved.length);
    expect(reopenRate).toBeGreaterThan(0.04);
    expect(reopenRate).toBeLessThan(0.12);
    // reopened both by a status event and by the customer writing again
    const customerReopens = convs.filter((c, i) => (f[i]?.reopens ?? 0) > 0 && !(c.events ?? []).some((e: Json) => e.status === 'open' && e !== c.events[0]));
    expect(customerReopens.length).toBeGreaterThan(0);
    const noStatus = share(f.filter((x) => !x.hasStatus).length, f.length);
    expect(noStatus).toBeGreaterThan(0.06);
    expect(noStatus).toBeLessThan(0.15);
    const open = share(f.filter((x) => !x.resolved).length, f.length);
    expect(open).toBeGreaterThan(0.005);
    expect(open).toBeLessThan(0.1);
  });

  it('has re-contacts, notes, system messages, channel switches, offsets and PII', () => {
    const recontacts = convs.filter((c) => c.metadata?.recontact_of);
    expect(share(recontacts.length, convs.length)).toBeGreaterThan(0.04);
    expect(share(recontacts.length, convs.length)).toBeLessThan(0.14);
    const byId = new Map(convs.map((c) => [c.id, c]));
    for (const r of recontacts.slice(0, 50)) expect(byId.get(r.metadata.recontact_of)?.customer.id).toBe(r.customer.id);
    const some = (pred: (c: Json) => boolean): number => share(convs.filter(pred).length, convs.length);
    expect(some((c) => c.messages.some((m: Json) => m.internal))).toBeGreaterThan(0.05);
    expect(some((c) => c.messages.some((m: Json) => m.author.role === 'system'))).toBeGreaterThan(0.03);
    const switched = some((c) => c.messages.some((m: Json) => m.channel));
    expect(switched).toBeGreaterThan(0.01);
    expect(switched).toBeLessThan(0.06);
    const offsets = some((c) => !c.created_at.endsWith('Z'));
    expect(offsets).toBeGreaterThan(0.005);
    expect(offsets).toBeLessThan(0.05);
    expect(some((c) => c.messages.some((m: Json) => /[\w.]+@[\w-]+(\.[\w-]+)+/.test(m.body) && m.author.role === 'customer'))).toBeGreaterThan(0.02);
    expect(some((c) => c.messages.some((m: Json) => /\+\d[\d ()-]{7,}/.test(m.body)))).toBeGreaterThan(0.005);
    expect(some((c) => c.messages.some((m: Json) => /<(p|div|br)\b/.test(m.body)))).toBeGreaterThan(0.02);
    // customers re-explaining after a transfer
    expect(
      some(
        (c) =>
          c.messages.filter((m: Json) => m.author.role === 'customer').length > 1 &&
          c.messages.some((m: Json) => /^(As I said before: |Like I told your colleague, |Again: )/.test(m.body)),
      ),
    ).toBeGreaterThan(0.005);
  });

  it('has surveys on resolved conversations, with scores that follow how it went', () => {
    const resolved = convs.filter((_, i) => f[i]?.resolved);
    const csat = resolved.filter((c) => c.surveys?.some((s: Json) => s.kind === 'csat'));
    const ces = resolved.filter((c) => c.surveys?.some((s: Json) => s.kind === 'ces'));
    expect(share(csat.length, resolved.length)).toBeGreaterThan(0.22);
    expect(share(csat.length, resolved.length)).toBeLessThan(0.4);
    expect(share(ces.length, resolved.length)).toBeGreaterThan(0.1);
    expect(share(ces.length, resolved.length)).toBeLessThan(0.22);
    const mean = (cs: Json[]): number => cs.reduce((s, c) => s + (c.surveys.find((x: Json) => x.kind === 'csat')?.score ?? 0), 0) / cs.length;
    const smooth = csat.filter((c) => {
      const x = facts(c);
      return x.reopens === 0 && x.transfers === 0;
    });
    const rough = csat.filter((c) => {
      const x = facts(c);
      return x.reopens > 0 || x.transfers > 0;
    });
    expect(mean(smooth) - mean(rough)).toBeGreaterThan(0.4);
    // the slow, sloppy agents score worse than the best ones
    const owner = (c: Json): string | undefined => (c.events ?? []).filter((e: Json) => e.agent_id).at(-1)?.agent_id;
    const idOf = (name: string): string => DEMO_AGENTS.find((a) => a.name === name)?.id ?? '';
    const bad = csat.filter((c) => [idOf('Tyler Brooks'), idOf('Kevin Nguyen'), idOf('Yusuf Demir')].includes(owner(c) ?? ''));
    const good = csat.filter((c) => [idOf('Amara Okafor'), idOf('Grace Kim'), idOf('Wei Zhang')].includes(owner(c) ?? ''));
    expect(mean(good) - mean(bad)).toBeGreaterThan(0.5);
    expect(csat.some((c) => c.surveys.some((s: Json) => typeof s.comment === 'string'))).toBe(true);
  });

  it('shows a weekly pattern and a year-end peak', () => {
    const dow = new Array(7).fill(0) as number[];
    const month = new Map<number, number>();
    for (const c of convs) {
      const d = new Date(time(c.created_at));
      dow[d.getUTCDay()] = (dow[d.getUTCDay()] ?? 0) + 1;
      month.set(d.getUTCMonth(), (month.get(d.getUTCMonth()) ?? 0) + 1);
    }
    const weekday = ((dow[1] ?? 0) + (dow[2] ?? 0) + (dow[3] ?? 0)) / 3;
    const weekend = ((dow[0] ?? 0) + (dow[6] ?? 0)) / 2;
    expect(weekday / weekend).toBeGreaterThan(1.5);
    expect(month.get(11) ?? 0).toBeGreaterThan(1.4 * (month.get(7) ?? 0)); // December vs August
  });

  it('plants the incidents: a volume spike of the intent with its own phrases', () => {
    const windows = demoIncidentWindows(END);
    expect(windows.map((w) => w.key).sort()).toEqual(DEMO_INCIDENTS.map((i) => i.key).sort());
    for (const w of windows) {
      const ofIntent = convs.filter((c) => (c.intent ?? c.metadata?.true_intent) === w.intent);
      const inWindow = ofIntent.filter((c) => time(c.created_at) >= w.start.getTime() && time(c.created_at) < w.end.getTime());
      const before = ofIntent.filter((c) => time(c.created_at) >= w.start.getTime() - 28 * DAY_MS && time(c.created_at) < w.start.getTime());
      const days = (w.end.getTime() - w.start.getTime()) / DAY_MS;
      const spike = inWindow.length / days / (before.length / 28);
      expect(spike, `${w.key} spike`).toBeGreaterThan(3);
      const phrase = new RegExp(w.phrases.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
      const text = (c: Json): string =>
        c.messages
          .filter((m: Json) => m.author.role === 'customer')
          .map((m: Json) => m.body)
          .join(' ');
      expect(share(inWindow.filter((c) => phrase.test(text(c))).length, inWindow.length)).toBeGreaterThan(0.6);
      const elsewhere = convs.filter((c) => time(c.created_at) < w.start.getTime() - 7 * DAY_MS || time(c.created_at) >= w.end.getTime() + 7 * DAY_MS);
      expect(share(elsewhere.filter((c) => phrase.test(text(c))).length, elsewhere.length)).toBeLessThan(0.01);
    }
  });
});
