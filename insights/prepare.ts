/**
 * The one pass of JavaScript over customer text: public customer messages are
 * read from DuckDB in batches of conversations (never all at once), each
 * message is scored for sentiment and cut into terms — on a large warehouse
 * by worker threads ({@link TEXT_WORKERS}, insights/text-worker.ts), a batch
 * each, their results taken back in batch order — and the results go back
 * through DuckDB's appender into two temp tables:
 *
 *   _ins_message_scores (doc, seq, score)      one row per customer message
 *   _ins_docs (doc, terms)                    one row per conversation; its distinct terms, tab-separated
 *
 * `doc` is a dense integer key of the conversation (temp table _ins_conv).
 * Everything else — counting, TF-IDF, trends, joins — happens in SQL.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { sentimentScore } from './sentiment.js';
import { SurfaceForms, maskNames, maskPatterns, terms } from './text.js';
import { InOrder, type BatchResult, type InsightWorker, type TextBatch } from './workers.js';

/** Conversations per batch read from DuckDB. */
export const BATCH_CONVERSATIONS = 4_000;
/** Characters of a message that are read (long e-mails carry quoted history). */
export const MAX_MESSAGE_CHARS = 2_000;

/** Distinct message texts whose analysis is remembered, at most (two generations of half this each): bounded memory. */
export const TEXT_CACHE_SIZE = 40_000;

/** What the text pass takes from one message: its sentiment, its distinct terms (first seen first) and its (word, stem) pairs, flat. */
export interface MessageText {
  score: number;
  terms: readonly string[];
  words: readonly string[];
}

interface CacheEntry {
  masked: string;
  result: MessageText;
}

/**
 * The analysis of one message, remembered per distinct text: support
 * conversations repeat themselves ("ok thanks", "still waiting"), and a
 * message whose text was seen gets the same score, terms and words without
 * masking, tokenising or stemming again. The result is exactly that of
 * `maskPii` + `sentimentScore` + `terms`: the patterns are masked per
 * distinct text, and when the author's name is in it the message is
 * analysed on its own. Two generations of at most `size / 2` texts each:
 * when the young one is full it becomes the old one and the old one is
 * dropped; a text found in the old one moves to the young one, so the
 * frequent texts stay.
 *
 * @example
 *   const c = new TextCache();
 *   c.analyse('My card was declined', null).terms // ['card', 'card declin', 'declin']
 */
export class TextCache {
  private young = new Map<string, CacheEntry>();
  private old = new Map<string, CacheEntry>();
  private readonly half: number;
  hits = 0;
  misses = 0;

  constructor(size = TEXT_CACHE_SIZE) {
    this.half = Math.max(1, Math.floor(size / 2));
  }

  analyse(body: string, author: string | null): MessageText {
    let entry = this.young.get(body);
    if (entry) this.hits++;
    else {
      entry = this.old.get(body);
      if (entry) this.hits++;
      else {
        this.misses++;
        const masked = maskPatterns(body);
        entry = { masked, result: analyseMasked(masked) };
      }
      if (this.young.size >= this.half) {
        this.old = this.young;
        this.young = new Map();
      }
      this.young.set(body, entry);
    }
    if (!author) return entry.result;
    const named = maskNames(entry.masked, [author]);
    return named === entry.masked ? entry.result : analyseMasked(named);
  }
}

function analyseMasked(masked: string): MessageText {
  const words: string[] = [];
  const found = new Set(terms(masked, [], { onWord: (w, s) => words.push(w, s), masked: true }));
  return { score: sentimentScore(masked, { masked: true }), terms: [...found], words };
}

export type { BatchResult, TextBatch } from './workers.js';

/**
 * Scores and cuts one batch into terms, counting every (word, stem) pair into
 * `forms`. The same function runs in the main thread and in the workers.
 *
 * @example
 *   analyseBatch({ docs: Int32Array.of(1, 1), bodies: ['card declined', 'still declined'], authors: [null, null] }, new TextCache(), new SurfaceForms())
 *   // { scores: Float64Array [0, 0], docs: Int32Array [1], terms: ['card\tcard declin\tdeclin\tstill\tstill declin'] }
 */
export function analyseBatch(batch: TextBatch, texts: TextCache, forms: SurfaceForms): BatchResult {
  const n = batch.docs.length;
  const scores = new Float64Array(n);
  const docs: number[] = [];
  const out: string[] = [];
  let current = -1;
  let bag = new Set<string>();
  for (let m = 0; m < n; m++) {
    const doc = batch.docs[m]!;
    if (doc !== current) {
      if (current >= 0) out.push([...bag].join('\t'));
      docs.push(doc);
      current = doc;
      bag = new Set();
    }
    const r = texts.analyse(batch.bodies[m]!, batch.authors[m] ?? null);
    scores[m] = r.score;
    for (const t of r.terms) bag.add(t);
    for (let i = 0; i < r.words.length; i += 2) forms.add(r.words[i]!, r.words[i + 1]!);
  }
  if (current >= 0) out.push([...bag].join('\t'));
  return { scores, docs: Int32Array.from(docs), terms: out };
}

export interface PrepareResult {
  conversations: number;
  messages: number;
  /** messages whose text was analysed afresh (the others' text had been seen: {@link TextCache}; each worker has its own) */
  analysed: number;
  forms: SurfaceForms;
}

export interface PrepareOptions {
  /** Worker threads that analyse the batches (none: the main thread does). */
  workers?: readonly InsightWorker[];
  onProgress?: (messages: number) => void;
}

/**
 * Creates `_ins_conv` (every conversation of conversation_metrics with a dense
 * `doc` key), reads the customer messages in batches and fills
 * `_ins_message_scores` and `_ins_docs`: the same rows whether workers or the
 * main thread analyse them. Call inside `db.exclusive`.
 *
 * @example
 *   const { messages } = await prepareText(db, { onProgress: (n) => console.log(n) });
 */
export async function prepareText(db: Warehouse, options: PrepareOptions = {}): Promise<PrepareResult> {
  await db.run(`
    create or replace temp table _ins_conv as
    select
      row_number() over (order by source, conversation_id)::integer as doc,
      source,
      conversation_id,
      month,
      created_at,
      intent as label
    from conversation_metrics`);
  // public customer messages only, in conversation order; the body is cut to MAX_MESSAGE_CHARS
  await db.run(`
    create or replace temp table _ins_text as
    select c.doc, m.seq, left(m.body, ${MAX_MESSAGE_CHARS}) as body, m.author_name
    from raw_messages m
    join _ins_conv c using (source, conversation_id)
    where m.author_role = 'customer' and not m.internal and length(trim(m.body)) > 0
    order by c.doc, m.seq`);
  await db.run('create or replace temp table _ins_message_scores (doc integer, seq integer, score double)');
  await db.run('create or replace temp table _ins_docs (doc integer, terms varchar)');
  const maxDoc = (await db.one<{ n: number | null }>('select max(doc) as n from _ins_conv'))?.n ?? 0;

  const forms = new SurfaceForms();
  const texts = new TextCache();
  const workers = options.workers ?? [];
  const scores = await db.connection.createAppender('_ins_message_scores', 'main', 'temp');
  const docs = await db.connection.createAppender('_ins_docs', 'main', 'temp');
  let messages = 0;
  let conversations = 0;
  let analysed = 0;
  const append = ({ seqs, docs: messageDocs }: { seqs: Int32Array; docs: Int32Array }, r: BatchResult) => {
    for (let m = 0; m < seqs.length; m++) {
      scores.appendInteger(messageDocs[m]!);
      scores.appendInteger(seqs[m]!);
      scores.appendDouble(r.scores[m]!);
      scores.endRow();
    }
    for (let d = 0; d < r.docs.length; d++) {
      docs.appendInteger(r.docs[d]!);
      docs.appendVarchar(r.terms[d]!);
      docs.endRow();
    }
    scores.flushSync();
    docs.flushSync();
    messages += seqs.length;
    conversations += r.docs.length;
    options.onProgress?.(messages);
  };
  const inOrder = new InOrder(workers, append);
  try {
    for (let from = 1; from <= maxDoc; from += BATCH_CONVERSATIONS) {
      const reader = await db.connection.runAndReadAll('select doc, seq, body, author_name from _ins_text where doc between $1 and $2 order by doc, seq', [
        from,
        from + BATCH_CONVERSATIONS - 1,
      ]);
      const columns = reader.getColumns() as [number[], number[], string[], Array<string | null>];
      const batch: TextBatch = { docs: Int32Array.from(columns[0]), bodies: columns[2], authors: columns[3] };
      const tag = { seqs: Int32Array.from(columns[1]), docs: batch.docs };
      if (workers.length === 0) append(tag, analyseBatch(batch, texts, forms));
      else await inOrder.push(tag, (w) => w.ask({ type: 'text', batch }));
    }
    await inOrder.drain();
    for (const w of workers) {
      const done = await w.ask({ type: 'text-finish' });
      forms.merge(done.forms);
      analysed += done.misses;
    }
  } finally {
    inOrder.abandon();
    scores.closeSync();
    docs.closeSync();
  }
  return { conversations, messages, analysed: analysed + texts.misses, forms };
}
