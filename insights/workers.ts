/**
 * Worker threads of the insights build (insights/text-worker.ts, insights/intent-worker.ts): the text pass
 * (prepare.ts) and the intent model (intents.ts) hand them batches so that
 * every core works while the main thread reads the next batch from DuckDB
 * and appends the results. A worker answers its messages one at a time, in
 * the order sent; the callers take results back in batch order, so the
 * tables are the same as with no worker at all.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { entryModule } from '../warehouse/assets.js';
import type { SoftmaxModel } from './baselines.js';
import type { IndexBatch, IntentModel, LrSample, PredictionBatch } from './classifier.js';
import type { SurfaceForms } from './text.js';

/**
 * Worker threads of a large build: one per core (at most 4).
 * `PARLEY_INSIGHTS_WORKERS` overrides (0: everything in the main thread).
 */
export const INSIGHT_WORKERS = ((env) => (env !== undefined && /^\d+$/.test(env) ? Number(env) : Math.min(4, Math.max(1, availableParallelism()))))(
  process.env.PARLEY_INSIGHTS_WORKERS,
);
/** Below this many customer messages the build stays in the main thread (starting a worker costs about a second). */
export const WORKER_MIN_MESSAGES = 100_000;

/** One batch of customer messages, in (doc, seq) order, as columns. */
export interface TextBatch {
  docs: Int32Array;
  bodies: string[];
  authors: Array<string | null>;
}

/** What the text pass makes of a {@link TextBatch}: a score per message; per conversation (in order) its distinct terms, tab-separated. */
export interface BatchResult {
  scores: Float64Array;
  docs: Int32Array;
  terms: string[];
}

/** What a worker is asked (the text worker takes the first two, the intent worker the others). */
export type WorkerRequest =
  | { type: 'text'; batch: TextBatch }
  | { type: 'text-finish' }
  | { type: 'vocabulary'; vocabulary: readonly string[] }
  | { type: 'features'; docs: ReadonlyArray<string | null> }
  | { type: 'fit'; sample: LrSample; features: number }
  | { type: 'models'; a: IntentModel; b: IntentModel }
  | { type: 'predict'; batch: IndexBatch; heldOut: Uint8Array };

// from the sources the worker is TypeScript: it registers tsx's loader before loading its module
const WORKER_BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.loader)
  .then((m) => (m.register ?? m.default.register)())
  .then(() => import(workerData.entry))
  .catch((e) => process.nextTick(() => { throw e; }));
`;

/** tsx/esm/api as an ES module (what `require.resolve` finds is its CommonJS twin beside it). */
function tsxLoader(): string {
  return pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
}

/** One worker thread; {@link InsightWorker.ask} resolves with its answer to that message. */
export class InsightWorker {
  private readonly worker: Worker;
  private readonly waiting: Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  private failed: unknown;

  /** `kind` picks the worker's module: the text pass's (natural's stemmer and lexicon) or the intent model's (light). */
  constructor(readonly kind: 'text' | 'intents') {
    // the compiled worker of the CLI's bundle when this runs from it, else the TypeScript source through tsx
    const entry = entryModule(kind === 'text' ? 'insights/text-worker.ts' : 'insights/intent-worker.ts');
    this.worker = entry.typescript ? new Worker(WORKER_BOOT, { eval: true, workerData: { loader: tsxLoader(), entry: entry.url } }) : new Worker(new URL(entry.url));
    this.worker.on('message', (m: unknown) => this.waiting.shift()?.resolve(m));
    const fail = (e: unknown) => {
      this.failed ??= e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`insights worker exited (${code})`)));
  }

  ask(m: { type: 'text'; batch: TextBatch }): Promise<BatchResult>;
  ask(m: { type: 'text-finish' }): Promise<{ forms: ReturnType<SurfaceForms['dump']>; misses: number }>;
  ask(m: { type: 'vocabulary'; vocabulary: readonly string[] }): Promise<null>;
  ask(m: { type: 'features'; docs: ReadonlyArray<string | null> }): Promise<IndexBatch>;
  ask(m: { type: 'fit'; sample: LrSample; features: number }): Promise<SoftmaxModel | undefined>;
  ask(m: { type: 'models'; a: IntentModel; b: IntentModel }): Promise<null>;
  ask(m: { type: 'predict'; batch: IndexBatch; heldOut: Uint8Array }, transfer?: ArrayBuffer[]): Promise<{ a: PredictionBatch; b: PredictionBatch }>;
  ask(message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** Starts `n` workers of one kind. */
export function startWorkers(n: number, kind: 'text' | 'intents'): InsightWorker[] {
  return Array.from({ length: n }, () => new InsightWorker(kind));
}

/**
 * Results of work handed out in turns, taken back in the order given: at most
 * `depth` per worker in flight.
 */
export class InOrder<T, R> {
  private readonly pending: Array<{ tag: T; result: Promise<R> }> = [];
  private turn = 0;

  constructor(
    readonly workers: readonly InsightWorker[],
    private readonly take: (tag: T, result: R) => void,
    private readonly depth = 2,
  ) {}

  /** Hands `ask(worker)` to the next worker, then takes back what is due. */
  async push(tag: T, ask: (w: InsightWorker) => Promise<R>): Promise<void> {
    this.pending.push({ tag, result: ask(this.workers[this.turn++ % this.workers.length]!) });
    await this.drain(this.depth * this.workers.length - 1);
  }

  async drain(keep = 0): Promise<void> {
    while (this.pending.length > keep) {
      const p = this.pending.shift()!;
      this.take(p.tag, await p.result);
    }
  }

  /** After a failure: no result left unobserved. */
  abandon(): void {
    for (const p of this.pending.splice(0)) p.result.catch(() => undefined);
  }
}
