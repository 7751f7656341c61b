import { tableExists } from '../../warehouse/table-exists.js';
import { CommandError, UsageError, oneOf, requireBuilt, withWarehouse, type Command } from '../command.js';
import { write, type Format } from '../output.js';
import { count, progressLine } from '../progress.js';
import { loadConfig } from '../../models/config.js';
import { evaluateAlerts } from '../alerts-hook.js';

export const insightsBuildCommand: Command = {
  name: 'insights build',
  summary: 'mine customer messages: sentiment, intents, pain points (terms, topics) and emerging topics',
  usage: 'parley insights build [--config FILE] [--json]',
  help: `
Reads every public customer message (after \`parley build\`), and rewrites the insight_* tables
in one transaction: sentiment per message and conversation, an intent for every conversation
(naive Bayes trained on labelled conversations and reviewers' corrections, with a held-out
report), TF-IDF terms per month and intent, topics with their volume, trend, FCR, re-open rate
and CSAT, PII-masked examples, and emerging topics per month. See insights/README.md.
Then the alert rules of the configuration (alerts:) are evaluated, emerging topics among them.

  --config FILE  the configuration whose alert rules to evaluate (default ./parley.config.yaml when present)
  --json         print the summary (counts, held-out macro F1, timings) as JSON`,
  options: { json: { type: 'boolean' }, config: { type: 'string' } },
  async run({ values }, io) {
    let config;
    try {
      config = loadConfig(values['config'] as string | undefined);
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
    let alerts = '';
    const summary = await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      const progress = progressLine(io.err);
      try {
        // natural and the classifier load only when insights are built
        const { buildInsights } = await import('../../insights/build.js');
        const built = await buildInsights(db, io.now ? { now: io.now } : {}, (p) => progress.update(p.messages ? `reading: ${count(p.messages)} customer messages` : p.step));
        progress.done();
        alerts = await evaluateAlerts(db, config, io);
        return built;
      } finally {
        progress.done();
      }
    });
    if (values['json']) {
      io.out.write(JSON.stringify(summary, null, 2) + '\n');
      return 0;
    }
    const f1 =
      summary.intents.macroF1 === null
        ? 'no labelled conversations to train on'
        : `held-out macro F1 ${summary.intents.macroF1.toFixed(3)} on ${count(summary.intents.tested)} conversations`;
    io.out.write(
      `insights built from ${count(summary.messages)} customer messages in ${count(summary.conversations)} conversations in ${summary.seconds.toFixed(1)} s ` +
        `(${count(summary.messages / Math.max(summary.seconds, 1e-9))} messages/s)\n` +
        `${count(summary.terms)} terms, ${summary.topics} topics, ${summary.emerging} emerging rises; ` +
        `intents: ${f1}; ${count(summary.intents.predicted)} predicted (${count(summary.intents.lowConfidence)} low-confidence)\n` +
        `next: parley insights top --month YYYY-MM\n` +
        (alerts ? `${alerts}\n` : ''),
    );
    return 0;
  },
};

export const insightsTopCommand: Command = {
  name: 'insights top',
  summary: "a month's top pain points (topics by volume, with FCR, re-open rate and CSAT) and emerging topics",
  usage: 'parley insights top [--month YYYY-MM] [--limit N] [--format table|json|csv]',
  help: `
Prints, for one month (default: the latest), the topics customers wrote about most, with their
share of the month, trend, and FCR, re-open rate and CSAT of the topic's conversations in that
month beside the same rate over all of that month's conversations, then what rose significantly against
the previous months (topics first, then single terms). Run \`parley insights build\` first.

  --month YYYY-MM  the month (as in conversation_metrics.month)
  --limit N        rows per list (default 10)
  --format F       table (default), json or csv

Example:
  parley insights top --month 2026-09`,
  options: { month: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' } },
  async run({ values }, io) {
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const limit = Number(values['limit'] ?? 10);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number', this.name);
    const wanted = values['month'] as string | undefined;
    if (wanted !== undefined && !/^\d{4}-\d{2}$/.test(wanted)) throw new UsageError(`--month takes YYYY-MM (got "${wanted}")`, this.name);
    const { month, pains, emerging } = await withWarehouse(values, io, async (db) => {
      if (!(await tableExists(db, 'insight_emerging'))) throw new CommandError(`the warehouse ${db.path} has no insights yet: run \`parley insights build\` first`);
      const month = wanted ?? (await db.one<{ m: string | null }>('select max(month) as m from insight_topic_months'))?.m ?? undefined;
      if (!month) throw new CommandError('the insights hold no months: load conversations with customer messages, then run `parley insights build`');
      const known = await db.one<{ n: number }>('select count(*) as n from insight_topic_months where month = $1', [month]);
      if (!known?.n) throw new CommandError(`no insights for ${month}: pick a month that has conversations (see \`parley metrics summary --by month\`)`);
      const pains = await db.all(
        `select t.name as topic, m.conversations, m.share, t.trend, m.fcr_rate, m.fcr_rate_all, m.reopen_rate, m.reopen_rate_all,
                m.csat_rate, m.csat_rate_all, t.top_intent, t.topic_id
         from insight_topic_months m join insight_topics t using (topic_id)
         where m.month = $1 and m.conversations > 0
         order by m.conversations desc, t.topic_id limit ${limit}`,
        [month],
      );
      const emerging = await db.all(
        `select kind, label, conversations, round(expected, 1) as expected, round(ratio, 1) as ratio, p_value,
                array_to_string(variants[1:6], ', ') || case when len(variants) > 6 then ', …' else '' end as also
         from insight_emerging where month = $1
         order by case kind when 'topic' then 0 else 1 end, rank limit ${limit}`,
        [month],
      );
      return { month, pains, emerging };
    });
    if (format === 'table') {
      const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : v);
      for (const p of pains) for (const k of ['share', 'fcr_rate_all', 'reopen_rate_all', 'csat_rate_all']) p[k] = pct(p[k]);
      for (const e of emerging) e['p_value'] = typeof e['p_value'] === 'number' ? (e['p_value'] as number).toExponential(1) : e['p_value'];
      io.out.write(
        `Top pain points, ${month}: conversations of ${month} mentioning the topic (topics overlap: one conversation can mention several), ` +
          `their share of the month's conversations with customer text, and the rates of those conversations beside the same rate over all of ${month}'s conversations (*_all)\n\n`,
      );
      write(io.out, pains, 'table', [
        'topic_id',
        'topic',
        'conversations',
        'share',
        'trend',
        'fcr_rate',
        'fcr_rate_all',
        'reopen_rate',
        'reopen_rate_all',
        'csat_rate',
        'csat_rate_all',
        'top_intent',
      ]);
      io.out.write(`\nEmerging in ${month} (against up to 3 previous months; Poisson test, Bonferroni)\n\n`);
      if (emerging.length) write(io.out, emerging, 'table');
      else io.out.write('(nothing rose significantly)\n');
    } else if (format === 'json') {
      write(io.out, [{ month, pain_points: pains, emerging }], 'json');
    } else {
      write(
        io.out,
        pains.map((p) => ({ month, list: 'pain_point', ...p })),
        'csv',
      );
      write(
        io.out,
        emerging.map((e) => ({ month, list: 'emerging', ...e })),
        'csv',
      );
    }
    return 0;
  },
};

export const insightsCurateCommand: Command = {
  name: 'insights curate',
  summary: 'rename, merge, split off or hide a topic, or pin a term to one; kept across rebuilds',
  usage: 'parley insights curate --topic ID (--rename NAME | --merge-into ID | --split TERM | --hide | --pin TERM) [--by NAME] | --list',
  help: `
Records one act of curation on a topic of the last \`parley insights build\` (ids as
\`parley insights top --format json\` and the Pain points page show them). Acts are kept in the
warehouse (insight_topic_curation) and every later insights build applies them, in order,
before topics are named and ranked: rebuild to see the effect.

  --topic ID        the topic
  --rename NAME     call it NAME
  --merge-into ID   fold it into topic ID
  --split TERM      make its term TERM (as shown, or stemmed) a topic of its own
  --hide            leave it out
  --pin TERM        make TERM belong to this topic (and to no other)
  --by NAME         who curates (default: none recorded)
  --list            print every act recorded, oldest first

Example:
  parley insights curate --topic 7 --rename "Delivery address change"`,
  options: {
    topic: { type: 'string' },
    rename: { type: 'string' },
    'merge-into': { type: 'string' },
    split: { type: 'string' },
    hide: { type: 'boolean' },
    pin: { type: 'string' },
    by: { type: 'string' },
    list: { type: 'boolean' },
  },
  async run({ values }, io) {
    const { CurationError, listCuration, recordCuration } = await import('../../insights/curation.js');
    if (values['list']) {
      const acts = await withWarehouse(values, io, (db) => listCuration(db));
      write(
        io.out,
        acts.map((a) => ({ ...a, curated_at: a.curated_at.toISOString() })),
        'table',
      );
      return 0;
    }
    const chosen = (['rename', 'merge-into', 'split', 'hide', 'pin'] as const).filter((k) => values[k] !== undefined);
    if (chosen.length !== 1) throw new UsageError('give --topic and exactly one of --rename, --merge-into, --split, --hide, --pin (or --list)', this.name);
    if (values['topic'] === undefined) throw new UsageError('--topic ID is required', this.name);
    const topic = values['topic'] as string;
    const act = chosen[0]!;
    const input =
      act === 'rename'
        ? { action: 'rename' as const, topic, name: values['rename'] as string }
        : act === 'merge-into'
          ? { action: 'merge' as const, topic, into: values['merge-into'] as string }
          : act === 'split'
            ? { action: 'split' as const, topic, term: values['split'] as string }
            : act === 'pin'
              ? { action: 'pin' as const, topic, term: values['pin'] as string }
              : { action: 'hide' as const, topic };
    try {
      const message = await withWarehouse(values, io, (db) => recordCuration(db, input, (values['by'] as string | undefined) ?? null, io.now ?? new Date()));
      io.out.write(`${message}\nnext: parley insights build\n`);
    } catch (error) {
      if (error instanceof CurationError) throw new CommandError(error.message);
      throw error;
    }
    return 0;
  },
};
