/**
 * The intent classifier on real labelled text: ../shared/data/dstc11-insurance
 * (913 customer utterances, 22 intents, CDLA-Permissive-2.0). 70 % of the
 * utterances train (a hash of the utterance id and the build's split seed),
 * the other 30 % are predicted. Two plain baselines are computed in the same
 * run on the same split — TF-IDF nearest centroid and TF-IDF logistic
 * regression (baselines.ts) — and the classifier the build uses (naive Bayes
 * and logistic regression over its terms, classifier.ts) must beat both in
 * accuracy and in macro F1. `PARLEY_SHOW_INTENTS=1` prints the figures and
 * the per-intent precision and recall (copied into insights/README.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../testing/paths.js';
import { fitSoftmax, fitTfidf, nearestCentroid, softmaxPredict } from './baselines.js';
import { featureMinDf, DEFAULT_INSIGHT_OPTIONS } from './build.js';
import { createIntentTrainer, evaluate, isHeldOut, predictIntent, type Evaluation } from './classifier.js';
import { SPLIT_SEED } from './intents.js';
import { terms } from './text.js';

const FILE = sharedData('dstc11-insurance', 'utterances.jsonl');

describe('intents on dstc11-insurance (70 % labelled, 30 % predicted)', () => {
  it('beat a TF-IDF nearest-centroid and a TF-IDF logistic-regression baseline in accuracy and macro F1', () => {
    const rows = readFileSync(FILE, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { utterance: string; utterance_id: string; intent: string });
    expect(rows.length).toBe(913);
    const test = rows.filter((r) => isHeldOut(r.utterance_id, SPLIT_SEED, 0.3));
    const train = rows.filter((r) => !isHeldOut(r.utterance_id, SPLIT_SEED, 0.3));
    expect(test.length / rows.length).toBeGreaterThan(0.25);
    expect(test.length / rows.length).toBeLessThan(0.35);
    const score = (predictFn: (text: string) => string): Evaluation => evaluate(test.map((r) => ({ actual: r.intent, predicted: predictFn(r.utterance) })));

    // the baselines
    const tfidf = fitTfidf(train.map((r) => r.utterance));
    const vectors = train.map((r) => ({ x: tfidf.transform(r.utterance), y: r.intent }));
    const centroid = nearestCentroid(vectors);
    const logistic = fitSoftmax(vectors, tfidf.vocabulary.size);
    const baselines = {
      'TF-IDF nearest centroid': score((t) => centroid(tfidf.transform(t))),
      'TF-IDF logistic regression': score((t) => softmaxPredict(logistic, tfidf.transform(t))),
    };

    // the build's classifier: its terms (one or two words), its feature minimum for a warehouse of this size
    const docs = train.map((r) => [...new Set(terms(r.utterance, [], { maxN: 2 }))]);
    const df = new Map<string, number>();
    for (const d of docs) for (const t of d) df.set(t, (df.get(t) ?? 0) + 1);
    const minDf = featureMinDf(DEFAULT_INSIGHT_OPTIONS.minDf, rows.length);
    const trainer = createIntentTrainer(
      [...df].filter(([, n]) => n >= minDf).map(([t]) => t),
      train.length,
    );
    docs.forEach((d, i) => trainer.add(d, train[i]!.intent, train[i]!.utterance_id));
    const model = trainer.finish();
    const ours = score((t) => predictIntent(model, terms(t, [], { maxN: 2 })).intent);

    if (process.env['PARLEY_SHOW_INTENTS']) {
      const line = (name: string, e: Evaluation) => `${name.padEnd(28)} accuracy ${e.accuracy.toFixed(3)}  macro F1 ${e.macroF1.toFixed(3)}`;
      console.log(
        [
          `train ${train.length}, test ${test.length}, feature min df ${minDf}`,
          ...Object.entries(baselines).map(([n, e]) => line(n, e)),
          line('classifier (NB + LR)', ours),
          ...ours.perIntent.map((r) => `  ${r.intent.padEnd(26)} P ${r.precision?.toFixed(2) ?? '–'}  R ${r.recall?.toFixed(2) ?? '–'}  n ${r.support}`),
        ].join('\n'),
      );
    }
    for (const [name, e] of Object.entries(baselines)) {
      expect(ours.accuracy, `accuracy vs ${name}`).toBeGreaterThan(e.accuracy);
      expect(ours.macroF1, `macro F1 vs ${name}`).toBeGreaterThan(e.macroF1);
    }
    // per-intent precision and recall for every intent of the test split
    expect(ours.perIntent.filter((r) => r.support > 0).length).toBe(new Set(test.map((r) => r.intent)).size);
    for (const r of ours.perIntent.filter((x) => x.support > 0)) expect(r.recall).not.toBeNull();
  });
});
