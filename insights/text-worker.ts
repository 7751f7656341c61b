/**
 * A worker thread of the text pass (prepare.ts, insights/workers.ts): each
 * batch it is sent is analysed with {@link analyseBatch}, in order, with the
 * worker's own text cache and surface forms; `text-finish` answers with the
 * forms it counted.
 */
import { parentPort } from 'node:worker_threads';
import { analyseBatch, TextCache } from './prepare.js';
import { SurfaceForms } from './text.js';
import type { WorkerRequest } from './workers.js';

const port = parentPort;
if (!port) throw new Error('insights/text-worker.ts runs as a worker thread');
const texts = new TextCache();
const forms = new SurfaceForms();

port.on('message', (m: WorkerRequest) => {
  if (m.type === 'text') {
    const result = analyseBatch(m.batch, texts, forms);
    port.postMessage(result, [result.scores.buffer as ArrayBuffer]);
  } else if (m.type === 'text-finish') {
    port.postMessage({ forms: forms.dump(), misses: texts.misses });
  } else throw new Error(`the text worker does not do ${m.type}`);
});
