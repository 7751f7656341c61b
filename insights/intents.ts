/**
 * Intents for every conversation. Training data: conversations whose intent
 * was labelled by the platform, with reviewers' corrections
 * (insight_intent_corrections, latest per conversation) taking precedence.
 *
 * The model is naive Bayes and logistic regression together (classifier.ts,
 * {@link createIntentTrainer}). Two models are trained in one streamed pass over `_ins_docs`: model A on the
 * training split only (for the held-out report), model B on every labelled
 * conversation (to label the rest). A second pass scores the held-out split
 * with A and every conversation with B, appending to `_ins_predictions`; it
 * reads the features the first pass kept as vocabulary indices
 * (`_ins_doc_vectors`, a temp table) instead of the terms.
 */
import type { Warehouse } from '../warehouse/connection.js';
import type { DuckDBBlobValue } from '@duckdb/node-api';
import { createIntentTrainer, evaluate, featureIndices, isHeldOut, predictIntentIndices, type Evaluation, type IntentModel } from './classifier.js';
import { BATCH_CONVERSATIONS } from './prepare.js';

export const SPLIT_SEED = 20_261_121;
export const HELD_OUT_FRACTION = 0.2;

export interface IntentResult {
  evaluation: Evaluation | undefined;
  model: IntentModel | undefined;
  trained: number;
  /** of the held-out predictions, share at or above the confidence threshold and their accuracy */
  confident: { share: number; accuracy: number | null };
}

interface DocRow {
  doc: number;
  key: string;
  terms: string[];
  label: string | null;
}

async function* docBatches(db: Warehouse, maxDoc: number): AsyncGenerator<DocRow[]> {
  for (let from = 1; from <= maxDoc; from += BATCH_CONVERSATIONS) {
    const reader = await db.connection.runAndReadAll(
      `select c.doc, c.source || '/' || c.conversation_id as key, d.terms, l.intent
       from _ins_conv c
       left join _ins_docs d using (doc)
       left join _ins_labels l using (doc)
       where c.doc between $1 and $2
       order by c.doc`,
      [from, from + BATCH_CONVERSATIONS - 1],
    );
    yield (reader.getRows() as Array<[number, string, string | null, string | null]>).map(([doc, key, terms, label]) => ({
      doc,
      key,
      terms: terms ? terms.split('\t') : [],
      label,
    }));
  }
}

/**
 * Trains, evaluates and predicts; fills `_ins_predictions (doc, intent,
 * confidence, low_confidence)`. `vocabulary` are the feature terms.
 * Call inside `db.exclusive`, after {@link prepareText}.
 */
export async function classifyIntents(db: Warehouse, vocabulary: readonly string[]): Promise<IntentResult> {
  // the training label of each conversation: the latest correction, else the platform's label
  await db.run(`
    create or replace temp table _ins_labels as
    with corrections as (
      select source, conversation_id, arg_max(intent, corrected_at) as intent
      from insight_intent_corrections
      group by all
    )
    select c.doc, coalesce(k.intent, c.label) as intent, k.intent is not null as corrected
    from _ins_conv c
    left join corrections k using (source, conversation_id)
    where coalesce(k.intent, c.label) is not null`);
  await db.run('create or replace temp table _ins_predictions (doc integer, intent varchar, confidence double, low_confidence boolean)');
  const maxDoc = (await db.one<{ n: number | null }>('select max(doc) as n from _ins_conv'))?.n ?? 0;

  const labelled = (await db.one<{ n: number }>('select count(*) as n from _ins_labels'))?.n ?? 0;
  const trainA = createIntentTrainer(vocabulary, labelled * (1 - HELD_OUT_FRACTION));
  const trainB = createIntentTrainer(vocabulary, labelled);
  // the first pass also keeps each conversation's features as vocabulary indices (a blob of int32),
  // so that the second pass neither reads nor splits the terms again
  await db.run('create or replace temp table _ins_doc_vectors (doc integer, has_terms boolean, held_out boolean, features blob)');
  const vectors = await db.connection.createAppender('_ins_doc_vectors', 'main', 'temp');
  let trained = 0;
  try {
    for await (const batch of docBatches(db, maxDoc)) {
      for (const row of batch) {
        const heldOut = row.label !== null && row.terms.length > 0 && isHeldOut(row.key, SPLIT_SEED, HELD_OUT_FRACTION);
        const idx = featureIndices(trainB.vocabulary, row.terms);
        vectors.appendInteger(row.doc);
        vectors.appendBoolean(row.terms.length > 0);
        vectors.appendBoolean(heldOut);
        vectors.appendBlob(new Uint8Array(idx.buffer, idx.byteOffset, idx.byteLength));
        vectors.endRow();
        if (row.label === null || row.terms.length === 0) continue;
        trainB.add(row.terms, row.label, row.key);
        if (!heldOut) trainA.add(row.terms, row.label, row.key);
        trained++;
      }
      vectors.flushSync();
    }
  } finally {
    vectors.closeSync();
  }
  if (trained === 0) return { evaluation: undefined, model: undefined, trained, confident: { share: 0, accuracy: null } };
  const modelA = trainA.finish();
  const modelB = trainB.finish();

  const pairs: Array<{ actual: string; predicted: string }> = [];
  let confidentN = 0;
  let confidentHits = 0;
  const appender = await db.connection.createAppender('_ins_predictions', 'main', 'temp');
  try {
    for (let from = 1; from <= maxDoc; from += BATCH_CONVERSATIONS) {
      const reader = await db.connection.runAndReadAll(
        `select v.doc, v.held_out, v.features, l.intent
         from _ins_doc_vectors v
         left join _ins_labels l using (doc)
         where v.doc between $1 and $2
         order by v.doc`,
        [from, from + BATCH_CONVERSATIONS - 1],
      );
      for (const [doc, heldOut, blob, label] of reader.getRows() as Array<[number, boolean, DuckDBBlobValue, string | null]>) {
        // a copy: an Int32Array needs its own aligned buffer (the blob's bytes may be a view into a pool)
        const idx = new Int32Array(blob.bytes.byteLength >> 2);
        new Uint8Array(idx.buffer).set(blob.bytes);
        if (heldOut && label !== null) {
          const p = predictIntentIndices(modelA, idx);
          pairs.push({ actual: label, predicted: p.intent });
          if (!p.lowConfidence) {
            confidentN++;
            if (p.intent === label) confidentHits++;
          }
        }
        const p = predictIntentIndices(modelB, idx);
        appender.appendInteger(doc);
        appender.appendVarchar(p.intent);
        appender.appendDouble(p.confidence);
        appender.appendBoolean(p.lowConfidence);
        appender.endRow();
      }
      appender.flushSync();
    }
  } finally {
    appender.closeSync();
  }
  await db.run('drop table _ins_doc_vectors');
  const evaluation = pairs.length ? evaluate(pairs) : undefined;
  return {
    evaluation,
    model: modelB,
    trained,
    confident: { share: pairs.length ? confidentN / pairs.length : 0, accuracy: confidentN ? confidentHits / confidentN : null },
  };
}
