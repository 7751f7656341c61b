/**
 * A worker thread of the insights build (insights/workers.ts): answers each
 * message in order. The text pass: {@link analyseBatch} with the worker's own
 * text cache and surface forms (sent back on `text-finish`). The intent
 * model: feature indices of documents, the logistic regression's fit, and
 * predictions of both models.
 */
import { parentPort } from 'node:worker_threads';
import { analyseBatch, TextCache } from './prepare.js';
import { featureBatch, fitIntentLr, predictBatch, type IntentModel } from './classifier.js';
import { SurfaceForms } from './text.js';
import type { WorkerRequest } from './workers.js';

const port = parentPort;
if (!port) throw new Error('insights/worker.ts runs as a worker thread');
const texts = new TextCache();
const forms = new SurfaceForms();
let vocabulary = new Map<string, number>();
let models: { a: IntentModel; b: IntentModel } | undefined;

port.on('message', (m: WorkerRequest) => {
  switch (m.type) {
    case 'text': {
      const result = analyseBatch(m.batch, texts, forms);
      return port.postMessage(result, [result.scores.buffer as ArrayBuffer]);
    }
    case 'text-finish':
      return port.postMessage({ forms: forms.dump(), misses: texts.misses });
    case 'vocabulary':
      vocabulary = new Map(m.vocabulary.map((t, i) => [t, i]));
      return port.postMessage(null);
    case 'features': {
      const batch = featureBatch(vocabulary, m.docs);
      return port.postMessage(batch, [batch.offsets.buffer as ArrayBuffer, batch.indices.buffer as ArrayBuffer]);
    }
    case 'fit':
      return port.postMessage(fitIntentLr(m.sample, m.features));
    case 'models':
      models = m;
      return port.postMessage(null);
    case 'predict': {
      if (!models) throw new Error('predict before models');
      const a = predictBatch(models.a, m.batch, (d) => m.heldOut[d] === 1);
      const b = predictBatch(models.b, m.batch);
      return port.postMessage({ a, b });
    }
  }
});
