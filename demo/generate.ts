/**
 * The seeded demo-data generator: writes a year of realistic support
 * conversations in the canonical format (`spec/conversation-format.md`) as
 * `conversations.jsonl`, the agent roster as `agents.jsonl`, and customer
 * outcomes that follow from how the conversations went as `outcomes.jsonl`
 * (outcomes.ts).
 *
 * Conversations are generated day by day in time order and streamed to disk
 * with backpressure; only one day's conversations and the pending re-contacts
 * are in memory at a time. The same options give byte-identical files.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { BuildContext, Channel, ConversationSpec } from './conversation.js';
import { buildConversation } from './conversation.js';
import { createRng, pickIndex } from './random.js';
import type { DemoAgent, Team } from './roster.js';
import { DEMO_AGENTS, TEAMS } from './roster.js';
import type { Day } from './timeline.js';
import { allocate, buildDays, dataStart, demoIncidentWindows, timeInDay } from './timeline.js';
import type { Intent, Slots } from './vocabulary.js';
import { INTENTS } from './vocabulary.js';
import { demoCustomer } from './customers.js';
import { demoOutcomes } from './outcomes.js';

export { DEMO_INCIDENTS, demoIncidentWindows } from './timeline.js';
export type { DemoIncident, IncidentWindow } from './timeline.js';
export { DEMO_AGENTS } from './roster.js';
export type { DemoAgent } from './roster.js';
export { INTENTS } from './vocabulary.js';
export { CHANNELS } from './conversation.js';
export type { CanonicalConversation, CanonicalEvent, CanonicalMessage, CanonicalSurvey } from '../ingest/canonical-schema.js';

export interface DemoOptions {
  /** How many conversations to write. */
  conversations: number;
  seed: number;
  /** The data end here; `months` calendar months before it is the start. */
  end: Date;
  /** Length of the data span in months; default 12. */
  months?: number;
  /** Folder to write into; created if missing. */
  outDir: string;
  /** The `source` of every conversation; default 'demo'. */
  source?: string;
}

export interface DemoResult {
  /** The JSON Lines files written: conversations.jsonl, agents.jsonl, outcomes.jsonl. */
  files: string[];
  conversations: number;
  messages: number;
}

const DAY = 86_400;
const CHUNK = 1 << 20;

/** Chance that a resolved conversation is followed by a re-contact (more when it went badly). */
const RECONTACT_BASE = 0.065;
const RECONTACT_TROUBLED = 0.07;
/** Days after the first resolution at which a re-contact arrives (0 = same day). */
const RECONTACT_DAYS = [0.28, 0.25, 0.16, 0.12, 0.1, 0.09];

interface Pending {
  t: number;
  seq: number;
  customerIndex: number;
  intent: Intent;
  channel: Channel | undefined;
  parent: { id: string; slots: Slots };
}

/** A binary min-heap of pending re-contacts by time (then by sequence, for determinism). */
function createHeap(): { push(p: Pending): void; peek(): Pending | undefined; pop(): Pending | undefined; size(): number } {
  const a: Pending[] = [];
  const less = (x: Pending, y: Pending): boolean => x.t < y.t || (x.t === y.t && x.seq < y.seq);
  return {
    push(p) {
      a.push(p);
      let i = a.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(a[i] as Pending, a[parent] as Pending)) break;
        [a[i], a[parent]] = [a[parent] as Pending, a[i] as Pending];
        i = parent;
      }
    },
    peek: () => a[0],
    pop() {
      const top = a[0];
      const last = a.pop();
      if (a.length > 0 && last) {
        a[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < a.length && less(a[l] as Pending, a[m] as Pending)) m = l;
          if (r < a.length && less(a[r] as Pending, a[m] as Pending)) m = r;
          if (m === i) break;
          [a[i], a[m]] = [a[m] as Pending, a[i] as Pending];
          i = m;
        }
      }
      return top;
    },
    size: () => a.length,
  };
}

/** Writes a chunk, waiting for the stream to drain when its buffer is full. */
async function writeChunk(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

async function closeStream(stream: WriteStream): Promise<void> {
  stream.end();
  await finished(stream);
}

function checkOptions(opts: DemoOptions): void {
  if (!Number.isInteger(opts.conversations) || opts.conversations < 0) throw new RangeError(`conversations must be a whole number ≥ 0, got ${opts.conversations}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
  if (!(opts.end instanceof Date) || Number.isNaN(opts.end.getTime())) throw new RangeError('end must be a valid Date');
  const months = opts.months ?? 12;
  if (!Number.isInteger(months) || months < 1 || months > 120) throw new RangeError(`months must be a whole number from 1 to 120, got ${months}`);
}

/**
 * Generates the demo data set into `opts.outDir` and reports what it wrote.
 *
 * @example
 * const result = await generateDemo({ conversations: 2000, seed: 7, end: new Date('2026-07-01T00:00:00Z'), outDir: 'tmp/demo' });
 * result.files // ['tmp/demo/conversations.jsonl', 'tmp/demo/agents.jsonl', 'tmp/demo/outcomes.jsonl']
 */
export async function generateDemo(opts: DemoOptions, onProgress?: (done: number, total: number) => void): Promise<DemoResult> {
  checkOptions(opts);
  const total = opts.conversations;
  const months = opts.months ?? 12;
  const endSec = Math.floor(opts.end.getTime() / 1000);
  const startSec = Math.floor(dataStart(opts.end, months).getTime() / 1000);
  const rng = createRng(Math.floor(opts.seed) >>> 0);
  const incidents = demoIncidentWindows(opts.end, months);
  const days = buildDays(startSec, endSec, incidents, rng);
  const counts = allocate(
    days.map((d) => d.weight),
    total,
  );
  const poolSize = Math.max(20, Math.round(total * 0.55));
  const agentsByTeam = {} as Record<Team, readonly DemoAgent[]>;
  for (const t of TEAMS) agentsByTeam[t] = DEMO_AGENTS.filter((a) => a.team === t);
  const year = new Date(startSec * 1000).getUTCFullYear();
  const ctx: BuildContext = { rng, seed: Math.floor(opts.seed) >>> 0, source: opts.source ?? 'demo', startSec, endSec, year, poolSize, agentsByTeam };

  await mkdir(opts.outDir, { recursive: true });
  const conversationsFile = join(opts.outDir, 'conversations.jsonl');
  const agentsFile = join(opts.outDir, 'agents.jsonl');
  const outcomesFile = join(opts.outDir, 'outcomes.jsonl');
  const outcomes = demoOutcomes(ctx.seed, ctx.source, endSec);
  const stream = createWriteStream(conversationsFile, { highWaterMark: CHUNK });
  const pending = createHeap();
  const pickIntent = (day: Day): Intent => INTENTS[pickIndex(rng, day.intents)] as Intent;
  const idWidth = Math.max(6, String(total).length);
  let seq = 0;
  let written = 0;
  let messages = 0;
  let buffer = '';

  try {
    for (const day of days) {
      const n = counts[day.index] ?? 0;
      const specs: Array<Omit<ConversationSpec, 'id'> & { seq: number }> = [];
      while ((pending.peek()?.t ?? Infinity) < day.to) {
        const p = pending.pop() as Pending;
        if (specs.length < n) specs.push({ t: Math.max(p.t, day.from), day, customerIndex: p.customerIndex, intent: p.intent, channel: p.channel, parent: p.parent, seq: p.seq });
      }
      while (specs.length < n) {
        specs.push({
          t: timeInDay(rng, day),
          day,
          customerIndex: Math.floor(poolSize * Math.pow(rng.next(), 1.4)),
          intent: pickIntent(day),
          seq: seq++,
        });
      }
      specs.sort((a, b) => a.t - b.t || a.seq - b.seq);
      for (const s of specs) {
        const id = `c${String(written + 1).padStart(idWidth, '0')}`;
        const built = buildConversation(ctx, { id, t: s.t, day: s.day, customerIndex: s.customerIndex, intent: s.intent, channel: s.channel, parent: s.parent });
        written++;
        messages += built.messages;
        outcomes.seen(demoCustomer(ctx.seed, built.customerIndex, poolSize).id, built.firstResolution, built.troubled);
        buffer += `${built.json}\n`;
        if (buffer.length >= CHUNK) {
          await writeChunk(stream, buffer);
          buffer = '';
        }
        // the same customer may come back within 7 days of the first resolution
        const fr = built.firstResolution;
        if (fr !== null && rng.chance(RECONTACT_BASE + (built.troubled ? RECONTACT_TROUBLED : 0))) {
          const resolutionDay = Math.floor((fr - (days[0]?.start ?? 0)) / DAY);
          const target = Math.max(day.index + 1, resolutionDay + pickIndex(rng, RECONTACT_DAYS));
          const targetDay = days[target];
          if (targetDay) {
            const t = timeInDay(rng, targetDay, fr + 60);
            if (t > fr && t - fr < 7 * DAY) {
              pending.push({
                t,
                seq: seq++,
                customerIndex: built.customerIndex,
                intent: rng.chance(0.8) ? built.intent : pickIntent(targetDay),
                channel: rng.chance(0.6) ? built.channel : undefined,
                parent: { id, slots: built.slots },
              });
            }
          }
        }
      }
      onProgress?.(written, total);
    }
    if (buffer) await writeChunk(stream, buffer);
    await closeStream(stream);
  } catch (err) {
    stream.destroy();
    throw err;
  }

  const agents = agentsJsonl();
  const agentStream = createWriteStream(agentsFile);
  await writeChunk(agentStream, agents);
  await closeStream(agentStream);
  const outcomeStream = createWriteStream(outcomesFile);
  await writeChunk(outcomeStream, outcomes.jsonl());
  await closeStream(outcomeStream);
  return { files: [conversationsFile, agentsFile, outcomesFile], conversations: written, messages };
}

/** The roster as JSON Lines, in the shape of `agents.jsonl`. */
function agentsJsonl(): string {
  return DEMO_AGENTS.map((a) => JSON.stringify({ id: a.id, name: a.name, team: a.team, email: a.email, active: a.active })).join('\n') + '\n';
}
