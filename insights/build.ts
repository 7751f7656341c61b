/**
 * `parley insights build`: customer text → sentiment, terms, intents, pain
 * points (TF-IDF terms and topics with their metrics), emerging topics.
 *
 *   1. prepare.ts   one streamed JS pass over public customer messages (appender)
 *   2. tables.ts    kept terms, sentiment tables (SQL)
 *   3. intents.ts   naive Bayes trained on labels + corrections; report
 *   4. tables.ts    insight_intents, insight_terms (SQL)
 *   5. topics.ts    topics, their months and metrics, examples
 *   6. emerging.ts  rises tested month by month
 *
 * Every output table is recreated in one transaction: readers see the
 * previous build or this one, never half of it. insights/README.md is the
 * table contract.
 */
import { readFileSync } from 'node:fs';
import type { Warehouse } from '../warehouse/connection.js';
import { buildEmerging, type EmergingRow } from './emerging.js';
import { classifyIntents } from './intents.js';
import { prepareText } from './prepare.js';
import { EMERGING_DEFAULTS } from './significance.js';
import { intentsSql, keptTermsSql, sentimentSql, termsSql, topicsSql } from './tables.js';
import { buildExamples, buildTopics } from './topics.js';
import { LOW_CONFIDENCE } from './classifier.js';
import { HELD_OUT_FRACTION, SPLIT_SEED } from './intents.js';
import { INSIGHT_WORKERS, startWorkers, WORKER_MIN_MESSAGES } from './workers.js';

export interface InsightOptions {
  /** A term is kept when at least this many conversations mention it. */
  minDf: number;
  /** Terms kept per group in insight_terms. */
  topTerms: number;
  /** Candidates for topics: the top this many terms of each month and intent. */
  topicCandidates: number;
  maxTopics: number;
  examplesPerTopic: number;
  /** Emerging: minimum conversations in the month, minimum ratio to expected, alpha (Bonferroni). */
  minCount: number;
  minRatio: number;
  alpha: number;
  baselineMonths: number;
}

export const DEFAULT_INSIGHT_OPTIONS: InsightOptions = {
  minDf: 5,
  topTerms: 30,
  topicCandidates: 12,
  maxTopics: 40,
  examplesPerTopic: 5,
  minCount: EMERGING_DEFAULTS.minCount,
  minRatio: EMERGING_DEFAULTS.minRatio,
  alpha: EMERGING_DEFAULTS.alpha,
  baselineMonths: 3,
};

/**
 * The intent model's minimum document frequency: 2 up to 2,000 conversations,
 * one more per further thousand, at most the terms' `minDf`.
 *
 * @example
 *   featureMinDf(5, 913) // 2
 */
export function featureMinDf(minDf: number, conversations: number): number {
  return Math.min(minDf, Math.max(2, Math.ceil(conversations / 1000)));
}

/** DuckDB's memory limit while insights are built (the setting before is restored after). */
export const INSIGHTS_MEMORY_LIMIT = '1GB';

export interface InsightSummary {
  conversations: number;
  messages: number;
  /** customer messages whose text was masked, scored and cut into terms afresh (the others repeat a text seen shortly before) */
  textsAnalysed: number;
  terms: number;
  topics: number;
  emerging: number;
  intents: { trained: number; tested: number; macroF1: number | null; accuracy: number | null; predicted: number; lowConfidence: number };
  /** worker threads of the text pass and of the intent model (insights/workers.ts; 0: all in the main thread) */
  workers: number;
  seconds: number;
  /** CPU seconds of the build (user + sys, all threads: the workers' and DuckDB's too). */
  cpuSeconds: number;
  /**
   * Per step: wall seconds, CPU seconds of the process (user + sys, every thread: DuckDB's and the workers' too), those of the
   * main thread alone (Linux; null elsewhere: what no other core can take over), resident memory at its end and the process's peak so far (MiB).
   */
  steps: Array<{ step: string; seconds: number; cpuSeconds: number; mainCpuSeconds: number | null; rssMiB: number; peakRssMiB: number }>;
}

export interface BuildProgress {
  step: string;
  messages?: number;
}

/**
 * Builds every insight table. The models must have been built
 * (conversation_metrics).
 *
 * @example
 *   const summary = await buildInsights(db);
 *   summary.intents.macroF1 // 0.93
 */
export async function buildInsights(
  db: Warehouse,
  options: Partial<InsightOptions> & {
    /** The moment of the build, kept as insights_built_at (default: now). */
    now?: Date;
    /** Worker threads (insights/workers.ts; default {@link INSIGHT_WORKERS} from {@link WORKER_MIN_MESSAGES} customer messages on; 0: the main thread only). */
    workers?: number;
  } = {},
  onProgress?: (p: BuildProgress) => void,
): Promise<InsightSummary> {
  const { now = new Date(), workers, ...given } = options;
  const opts = { ...DEFAULT_INSIGHT_OPTIONS, ...given };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const steps: InsightSummary['steps'] = [];
  let t = performance.now();
  let cpu = process.cpuUsage();
  let mainCpu = mainThreadCpuSeconds();
  const step = (name: string) => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    const main = mainThreadCpuSeconds();
    steps.push({
      step: name,
      seconds: (now - t) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      mainCpuSeconds: main === null || mainCpu === null ? null : main - mainCpu,
      rssMiB: process.memoryUsage.rss() / 2 ** 20,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    });
    t = now;
    cpu = process.cpuUsage();
    mainCpu = main;
    onProgress?.({ step: name });
  };

  // a large build hands its JavaScript to worker threads (started now: they load while DuckDB selects the text)
  const customerMessages =
    workers === undefined ? ((await db.one<{ n: number }>("select count(*)::integer as n from raw_messages where author_role = 'customer' and not internal"))?.n ?? 0) : 0;
  const workerCount = workers ?? (customerMessages >= WORKER_MIN_MESSAGES ? INSIGHT_WORKERS : 0);
  let pool = startWorkers(workerCount, 'text');

  // DuckDB's memory for the build is capped (what does not fit goes to its temp directory): memory stays flat as the data grow
  let limit: { v: string } | undefined;
  try {
    limit = await db.one<{ v: string }>("select current_setting('memory_limit') as v");
    await db.run(`set memory_limit = '${INSIGHTS_MEMORY_LIMIT}'`);
    return await db.transaction(async () => {
      const prepared = await prepareText(db, {
        workers: pool,
        onProgress: (messages) => onProgress?.({ step: 'reading customer messages', messages }),
      });
      // the text workers' caches go with them; fresh workers for the intent model load while DuckDB counts terms
      await Promise.all(pool.map((w) => w.close()));
      pool = startWorkers(workerCount, 'intents');
      step('text and sentiment (JS)');

      // a feature in five conversations is rare in a warehouse of a thousand: the intent model's minimum grows with the data
      await db.run(keptTermsSql(opts.minDf, featureMinDf(opts.minDf, prepared.conversations)));
      const termRows = await db.all<{ term: string }>('select term from _ins_df order by term');
      await db.run('create or replace temp table _ins_term_labels (term varchar, label varchar)');
      const labels = await db.connection.createAppender('_ins_term_labels', 'main', 'temp');
      try {
        for (const { term } of termRows) {
          labels.appendVarchar(term);
          labels.appendVarchar(prepared.forms.label(term));
          labels.endRow();
        }
        labels.flushSync();
      } finally {
        labels.closeSync();
      }
      await db.run(sentimentSql);
      step('terms and sentiment tables (SQL)');

      // features: single words and two-word phrases
      const vocabulary = (await db.all<{ term: string }>('select term from _ins_features order by term')).map((r) => r.term);
      const intents = await classifyIntents(db, vocabulary, pool);
      await db.run(intentsSql);
      await writeIntentReport(db, intents, now);
      step('intents');

      await db.run(termsSql(opts.topTerms));
      const topics = await buildTopics(db, { perGroup: opts.topicCandidates, minCount: opts.minCount, maxTopics: opts.maxTopics });
      await db.run(topicsSql);
      await buildExamples(db, opts.examplesPerTopic);
      step('pain points');

      const topicNames = new Map(topics.map((tp) => [String(tp.id), tp.name]));
      const emerging: EmergingRow[] = await buildEmerging(
        db,
        { minCount: opts.minCount, minRatio: opts.minRatio, alpha: opts.alpha, baselineMonths: opts.baselineMonths },
        topicNames,
        (term) => prepared.forms.label(term),
      );
      // insight_term_labels: one row per kept term: as customers wrote it, and in how many conversations
      await db.run(`
      create or replace table insight_term_labels as
      select l.term, l.label, d.df as conversations
      from _ins_term_labels l join _ins_df d using (term)
      order by term`);
      // insight_conversation_terms: one row per (conversation, kept term it mentions)
      await db.run(`
      create or replace table insight_conversation_terms as
      select c.source, c.conversation_id, k.term
      from _ins_kept k join _ins_conv c using (doc)
      order by c.source, c.conversation_id, k.term`);
      step('emerging');

      const counts = await db.one<{ predicted: number; low: number }>(
        "select count(*) filter (where intent_source = 'model') as predicted, count(*) filter (where low_confidence) as low from insight_intents",
      );
      await db.run("delete from warehouse_meta where key = 'insights_built_at'");
      await db.run("insert into warehouse_meta values ('insights_built_at', $1)", [now.toISOString().replace(/\.\d{3}Z$/, 'Z')]);
      for (const table of [
        '_ins_conv',
        '_ins_text',
        '_ins_message_scores',
        '_ins_docs',
        '_ins_df',
        '_ins_kept',
        '_ins_features',
        '_ins_term_labels',
        '_ins_labels',
        '_ins_predictions',
        '_ins_attr',
        '_ins_candidates',
        '_ins_topics',
        '_ins_topic_terms',
        '_ins_topic_docs',
      ]) {
        await db.run(`drop table if exists ${table}`);
      }
      return {
        conversations: prepared.conversations,
        messages: prepared.messages,
        textsAnalysed: prepared.analysed,
        terms: termRows.length,
        topics: topics.length,
        emerging: emerging.length,
        intents: {
          trained: intents.trained,
          tested: intents.evaluation?.tested ?? 0,
          macroF1: intents.evaluation?.macroF1 ?? null,
          accuracy: intents.evaluation?.accuracy ?? null,
          predicted: counts?.predicted ?? 0,
          lowConfidence: counts?.low ?? 0,
        },
        workers: workerCount,
        seconds: (performance.now() - started) / 1000,
        cpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpuStarted)),
        steps,
      };
    });
  } finally {
    await Promise.all(pool.map((w) => w.close()));
    if (limit) await db.run(`set memory_limit = '${limit.v.replace(/'/g, '')}'`);
  }
}

/** CPU seconds (user + sys) of the main thread so far, from /proc (Linux, at 100 clock ticks a second); null where there is none. */
function mainThreadCpuSeconds(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // after the command name in parentheses: state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

/**
 * insight_intent_report: one row per intent of the held-out split —
 * precision, recall, F1, support (true intent), predicted.
 * insight_intent_confusion: one row per (actual, predicted) pair with its count.
 * insight_intent_evaluation: one row — when, split sizes, accuracy, macro F1,
 * the low-confidence threshold, and the share and accuracy of the held-out
 * predictions at or above it.
 */
async function writeIntentReport(db: Warehouse, result: Awaited<ReturnType<typeof classifyIntents>>, now: Date): Promise<void> {
  await db.run(`create or replace table insight_intent_report (
    intent varchar, precision double, recall double, f1 double, support integer, predicted integer)`);
  await db.run('create or replace table insight_intent_confusion (actual varchar, predicted varchar, conversations integer)');
  await db.run(`create or replace table insight_intent_evaluation (
    built_at timestamptz, trained_conversations integer, tested_conversations integer, held_out_fraction double, split_seed integer,
    vocabulary integer, accuracy double, macro_f1 double, low_confidence_threshold double, confident_share double, confident_accuracy double)`);
  const e = result.evaluation;
  if (!e) return;
  for (const r of e.perIntent) {
    await db.run('insert into insight_intent_report values ($1, $2, $3, $4, $5, $6)', [r.intent, r.precision, r.recall, r.f1, r.support, r.predicted]);
  }
  if (e.confusion.length) {
    await db.run('insert into insight_intent_confusion select unnest($1::varchar[]), unnest($2::varchar[]), unnest($3::integer[])', [
      e.confusion.map((c) => c.actual),
      e.confusion.map((c) => c.predicted),
      e.confusion.map((c) => c.n),
    ]);
  }
  await db.run('insert into insight_intent_evaluation values ($11::timestamptz, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
    result.trained - e.tested,
    e.tested,
    HELD_OUT_FRACTION,
    SPLIT_SEED,
    result.model?.vocabulary.size ?? 0,
    e.accuracy,
    e.macroF1,
    LOW_CONFIDENCE,
    result.confident.share,
    result.confident.accuracy,
    now.toISOString(),
  ]);
}
