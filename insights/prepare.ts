/**
 * The one pass of JavaScript over customer text: public customer messages are
 * read from DuckDB in batches of conversations (never all at once), each
 * message is scored for sentiment and cut into terms, and the results go back
 * through DuckDB's appender into two temp tables:
 *
 *   _ins_message_scores (doc, seq, score)      one row per customer message
 *   _ins_docs (doc, terms)                    one row per conversation; its distinct terms, tab-separated
 *
 * `doc` is a dense integer key of the conversation (temp table _ins_conv).
 * Everything else — counting, TF-IDF, trends, joins — happens in SQL.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/connection.js';
import { sentimentScore } from './sentiment.js';
import { SurfaceForms, maskNames, maskPatterns, terms } from './text.js';

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

export interface PrepareResult {
  conversations: number;
  messages: number;
  /** messages whose text was analysed afresh (the others' text had been seen: {@link TextCache}) */
  analysed: number;
  forms: SurfaceForms;
}

/**
 * Creates `_ins_conv` (every conversation of conversation_metrics with a dense
 * `doc` key), reads the customer messages in batches and fills
 * `_ins_message_scores` and `_ins_docs`. Call inside `db.exclusive`.
 *
 * @example
 *   const { messages } = await prepareText(db, (n) => console.log(n));
 */
export async function prepareText(db: Warehouse, onProgress?: (messages: number) => void): Promise<PrepareResult> {
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
  const scores = await db.connection.createAppender('_ins_message_scores', 'main', 'temp');
  const docs = await db.connection.createAppender('_ins_docs', 'main', 'temp');
  let messages = 0;
  let conversations = 0;
  try {
    for (let from = 1; from <= maxDoc; from += BATCH_CONVERSATIONS) {
      const reader = await db.connection.runAndReadAll('select doc, seq, body, author_name from _ins_text where doc between $1 and $2 order by doc, seq', [
        from,
        from + BATCH_CONVERSATIONS - 1,
      ]);
      const rows = reader.getRows() as Array<[number, number, string, string | null]>;
      let current = -1;
      let bag = new Set<string>();
      const flush = (appender: DuckDBAppender) => {
        if (current < 0) return;
        appender.appendInteger(current);
        appender.appendVarchar([...bag].join('\t'));
        appender.endRow();
        conversations++;
      };
      for (const [doc, seq, body, author] of rows) {
        if (doc !== current) {
          flush(docs);
          current = doc;
          bag = new Set();
        }
        scores.appendInteger(doc);
        scores.appendInteger(seq);
        const r = texts.analyse(body, author);
        scores.appendDouble(r.score);
        scores.endRow();
        for (const t of r.terms) bag.add(t);
        for (let i = 0; i < r.words.length; i += 2) forms.add(r.words[i]!, r.words[i + 1]!);
        messages++;
      }
      flush(docs);
      scores.flushSync();
      docs.flushSync();
      onProgress?.(messages);
    }
  } finally {
    scores.closeSync();
    docs.closeSync();
  }
  return { conversations, messages, analysed: texts.misses, forms };
}
