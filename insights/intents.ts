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
import {
  createIntentTrainer,
  evaluate,
  featureBatch,
  isHeldOut,
  joinIntentModel,
  predictBatch,
  type Evaluation,
  type IndexBatch,
  type IntentModel,
  type PredictionBatch,
} from './classifier.js';
import { InOrder, type InsightWorker } from './workers.js';
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

/**
 * Trains, evaluates and predicts; fills `_ins_predictions (doc, intent,
 * confidence, low_confidence)`. `vocabulary` are the feature terms.
 * `workers` (insights/workers.ts), when given, find the features of each
 * batch, fit the two logistic regressions side by side and predict, while
 * the main thread reads, counts for naive Bayes and appends: the same
 * results as without them. Call inside `db.exclusive`, after {@link prepareText}.
 */
export async function classifyIntents(db: Warehouse, vocabulary: readonly string[], workers: readonly InsightWorker[] = []): Promise<IntentResult> {
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
  for (const w of workers) await w.ask({ type: 'vocabulary', vocabulary });
  // the first pass also keeps each conversation's features as vocabulary indices (a blob of int32),
  // so that the second pass neither reads nor splits the terms again
  await db.run('create or replace temp table _ins_doc_vectors (doc integer, has_terms boolean, held_out boolean, features blob)');
  const vectors = await db.connection.createAppender('_ins_doc_vectors', 'main', 'temp');
  let trained = 0;
  type Rows = Array<[number, string, string | null, string | null, boolean]>;
  const train = (rows: Rows, { offsets, indices }: IndexBatch) => {
    for (let r = 0; r < rows.length; r++) {
      const [doc, key, , label, hasTerms] = rows[r]!;
      const heldOut = label !== null && hasTerms && isHeldOut(key, SPLIT_SEED, HELD_OUT_FRACTION);
      const idx = indices.slice(offsets[r]!, offsets[r + 1]!);
      vectors.appendInteger(doc);
      vectors.appendBoolean(hasTerms);
      vectors.appendBoolean(heldOut);
      vectors.appendBlob(new Uint8Array(idx.buffer, idx.byteOffset, idx.byteLength));
      vectors.endRow();
      if (label === null || !hasTerms) continue;
      // both trainers share the vocabulary's indices: the features are looked up once
      trainB.addIndices(idx, label, key);
      if (!heldOut) trainA.addIndices(idx, label, key);
      trained++;
    }
    vectors.flushSync();
  };
  const firstPass = new InOrder(workers, train);
  try {
    for (let from = 1; from <= maxDoc; from += BATCH_CONVERSATIONS) {
      const reader = await db.connection.runAndReadAll(
        // the features are terms of one or two words: three-word phrases are not read
        `select
           c.doc,
           c.source || '/' || c.conversation_id as key,
           array_to_string(list_filter(string_split(d.terms, chr(9)), t -> length(t) - length(replace(t, ' ', '')) <= 1), chr(9)) as terms,
           l.intent,
           coalesce(d.terms, '') <> '' as has_terms
         from _ins_conv c
         left join _ins_docs d using (doc)
         left join _ins_labels l using (doc)
         where c.doc between $1 and $2
         order by c.doc`,
        [from, from + BATCH_CONVERSATIONS - 1],
      );
      const rows = reader.getRows() as Rows;
      const docs = rows.map((r) => r[2]);
      if (workers.length === 0) train(rows, featureBatch(trainB.vocabulary, docs));
      else await firstPass.push(rows, (w) => w.ask({ type: 'features', docs }));
    }
    await firstPass.drain();
  } finally {
    firstPass.abandon();
    vectors.closeSync();
  }
  if (trained === 0) return { evaluation: undefined, model: undefined, trained, confident: { share: 0, accuracy: null } };
  let modelA: IntentModel;
  let modelB: IntentModel;
  if (workers.length === 0) {
    modelA = trainA.finish();
    modelB = trainB.finish();
  } else {
    // the two logistic regressions are fitted side by side (in two workers when there are two)
    const a = trainA.parts();
    const b = trainB.parts();
    const [lrA, lrB] = await Promise.all([
      workers[0]!.ask({ type: 'fit', sample: a.sample, features: vocabulary.length }),
      workers[1 % workers.length]!.ask({ type: 'fit', sample: b.sample, features: vocabulary.length }),
    ]);
    modelA = joinIntentModel(a.nb, lrA);
    modelB = joinIntentModel(b.nb, lrB);
    for (const w of workers) await w.ask({ type: 'models', a: modelA, b: modelB });
  }

  const pairs: Array<{ actual: string; predicted: string }> = [];
  let confidentN = 0;
  let confidentHits = 0;
  const appender = await db.connection.createAppender('_ins_predictions', 'main', 'temp');
  type Read = { docs: Int32Array; labels: Array<string | null>; heldOut: Uint8Array };
  const take = ({ docs, labels, heldOut }: Read, { a, b }: { a: PredictionBatch; b: PredictionBatch }) => {
    for (let r = 0; r < docs.length; r++) {
      const label = labels[r]!;
      if (heldOut[r] === 1 && label !== null) {
        const predicted = modelA.classes[a.intent[r]!]!;
        pairs.push({ actual: label, predicted });
        if (a.low[r] === 0) {
          confidentN++;
          if (predicted === label) confidentHits++;
        }
      }
      appender.appendInteger(docs[r]!);
      appender.appendVarchar(modelB.classes[b.intent[r]!]!);
      appender.appendDouble(b.confidence[r]!);
      appender.appendBoolean(b.low[r] === 1);
      appender.endRow();
    }
    appender.flushSync();
  };
  const secondPass = new InOrder(workers, take);
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
      const rows = reader.getRows() as Array<[number, boolean, DuckDBBlobValue, string | null]>;
      // the features of the batch, concatenated (an Int32Array needs its own aligned buffer: the blobs' bytes may be views into a pool)
      const offsets = new Int32Array(rows.length + 1);
      for (let r = 0; r < rows.length; r++) offsets[r + 1] = offsets[r]! + (rows[r]![2].bytes.byteLength >> 2);
      const indices = new Int32Array(offsets[rows.length]!);
      const bytes = new Uint8Array(indices.buffer);
      for (let r = 0; r < rows.length; r++) bytes.set(rows[r]![2].bytes, offsets[r]! << 2);
      const read: Read = {
        docs: Int32Array.from(rows, (r) => r[0]),
        labels: rows.map((r) => r[3]),
        heldOut: Uint8Array.from(rows, (r) => (r[1] && r[3] !== null ? 1 : 0)),
      };
      const batch: IndexBatch = { offsets, indices };
      if (workers.length === 0) {
        take(read, { a: predictBatch(modelA, batch, (d) => read.heldOut[d] === 1), b: predictBatch(modelB, batch) });
      } else {
        await secondPass.push(read, (w) => w.ask({ type: 'predict', batch, heldOut: read.heldOut }, [offsets.buffer, indices.buffer]));
      }
    }
    await secondPass.drain();
  } finally {
    secondPass.abandon();
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
