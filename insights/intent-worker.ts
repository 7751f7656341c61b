/**
 * A worker thread of the intent model (intents.ts, insights/workers.ts):
 * answers each message in order — the feature indices of a batch of
 * documents, the logistic regression's fit, and both models' predictions.
 */
import { parentPort } from 'node:worker_threads';
import { featureBatch, fitIntentLr, predictBatch, type IntentModel } from './classifier.js';
import type { WorkerRequest } from './workers.js';

const port = parentPort;
if (!port) throw new Error('insights/intent-worker.ts runs as a worker thread');
let vocabulary = new Map<string, number>();
let models: { a: IntentModel; b: IntentModel } | undefined;

port.on('message', (m: WorkerRequest) => {
  switch (m.type) {
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
    default:
      throw new Error(`the intent worker does not do ${m.type}`);
  }
});
