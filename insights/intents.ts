/**
 * Intents for every conversation. Training data: conversations whose intent
 * was labelled by the platform, with reviewers' corrections
 * (insight_intent_corrections, latest per conversation) taking precedence.
 *
 * The model is naive Bayes and logistic regression together (classifier.ts,
 * {@link createIntentTrainer}). Two models are trained in one streamed pass over `_ins_docs`: model A on the
 * training split only (for the held-out report), model B on every labelled
 * conversation (to label the rest). A second pass scores the held-out split
 * with A and every conversation with B, appending to `_ins_predictions`.
 */
import type { Warehouse } from '../warehouse/connection.js';
import { createIntentTrainer, evaluate, isHeldOut, predictIntent, type Evaluation, type IntentModel } from './classifier.js';
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
  let trained = 0;
  for await (const batch of docBatches(db, maxDoc)) {
    for (const row of batch) {
      if (row.label === null || row.terms.length === 0) continue;
      trainB.add(row.terms, row.label, row.key);
      if (!isHeldOut(row.key, SPLIT_SEED, HELD_OUT_FRACTION)) trainA.add(row.terms, row.label, row.key);
      trained++;
    }
  }
  if (trained === 0) return { evaluation: undefined, model: undefined, trained, confident: { share: 0, accuracy: null } };
  const modelA = trainA.finish();
  const modelB = trainB.finish();

  const pairs: Array<{ actual: string; predicted: string }> = [];
  let confidentN = 0;
  let confidentHits = 0;
  const appender = await db.connection.createAppender('_ins_predictions', 'main', 'temp');
  try {
    for await (const batch of docBatches(db, maxDoc)) {
      for (const row of batch) {
        if (row.label !== null && row.terms.length > 0 && isHeldOut(row.key, SPLIT_SEED, HELD_OUT_FRACTION)) {
          const p = predictIntent(modelA, row.terms);
          pairs.push({ actual: row.label, predicted: p.intent });
          if (!p.lowConfidence) {
            confidentN++;
            if (p.intent === row.label) confidentHits++;
          }
        }
        const p = predictIntent(modelB, row.terms);
        appender.appendInteger(row.doc);
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
  const evaluation = pairs.length ? evaluate(pairs) : undefined;
  return {
    evaluation,
    model: modelB,
    trained,
    confident: { share: pairs.length ? confidentN / pairs.length : 0, accuracy: confidentN ? confidentHits / confidentN : null },
  };
}
