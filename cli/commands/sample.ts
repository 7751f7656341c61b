/**
 * The sample commands: create a review sample, list samples, export one as
 * CSV and import its grades, and how many reviews a margin of error needs.
 * The work is done by scorecards/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CommandError, UsageError, oneOf, requireBuilt, withWarehouse, type Command } from '../command.js';
import { write, type Format } from '../output.js';
import { ensureDefaultRubric, refusals, scorecards } from '../scorecards.js';

const list = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
const int = (command: Command, flag: string, value: unknown): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${flag} takes a whole number above 0 (got "${String(value)}")`, command.name);
  return Number(value);
};

export const sampleCreateCommand: Command = {
  name: 'sample create',
  summary: 'draw a frozen review sample and assign it to reviewers',
  usage: 'parley sample create (--spec FILE.yaml | --name N --cycle C --seed S --reviewers A,B (--per-agent N | --size N)) [options]',
  help: `
Draws conversations from conversation_metrics (run 'parley build' first), assigns them
round-robin to reviewers and stores the sample; it never changes afterwards. Flags override
the spec file; a backup filter is given in the spec file (key "backup").

  --spec FILE        a YAML sample spec (fields: name, cycle, seed, rubric_id, method, filter,
                     backup, per_agent, size, reviewers, reviewer_cap)
  --name N           the sample's name
  --cycle C          sampling period, e.g. 2026-10: a conversation is sampled once per cycle
  --seed S           the same seed draws the same sample
  --rubric ID        rubric id (default messaging_default, latest version)
  --per-agent N      conversations per agent      --size N   conversations in all
  --method M         random (default) or risk (weighted by reopen, escalation, low CSAT, AutoQA…)
  --from DAY --to DAY                    created_at range (YYYY-MM-DD, inclusive)
  --channels A,B --intents A,B --teams A,B --agents A,B
  --conditions A,B   reopened, transferred, escalated, low_csat, long_resolution, unanswered_turns, low_autoqa
  --reviewers A,B    reviewer ids         --cap N    at most N conversations per reviewer
  --json             print the sample as JSON

Example:
  parley sample create --name "October QA" --cycle 2026-10 --seed 7 --from 2026-10-01 --to 2026-10-31 \\
    --per-agent 5 --method risk --reviewers ana,ben --cap 80`,
  options: {
    spec: { type: 'string' },
    name: { type: 'string' },
    cycle: { type: 'string' },
    seed: { type: 'string' },
    rubric: { type: 'string' },
    'per-agent': { type: 'string' },
    size: { type: 'string' },
    method: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    channels: { type: 'string' },
    intents: { type: 'string' },
    teams: { type: 'string' },
    agents: { type: 'string' },
    conditions: { type: 'string' },
    reviewers: { type: 'string' },
    cap: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const { createSample } = await scorecards();
    let spec: Record<string, unknown> = {};
    if (typeof values['spec'] === 'string') {
      try {
        spec = (parseYaml(readFileSync(values['spec'], 'utf8')) ?? {}) as Record<string, unknown>;
      } catch (error) {
        throw new CommandError(`cannot read the sample spec ${values['spec']}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const filter = { ...((spec['filter'] as object | undefined) ?? {}) } as Record<string, unknown>;
    for (const key of ['from', 'to'] as const) if (typeof values[key] === 'string') filter[key] = values[key];
    for (const key of ['channels', 'intents', 'teams', 'agents', 'conditions'] as const) if (list(values[key])) filter[key] = list(values[key]);
    const set = (key: string, value: unknown) => {
      if (value !== undefined) spec[key] = value;
    };
    set('name', values['name']);
    set('cycle', values['cycle']);
    set('seed', values['seed']);
    set('rubric_id', values['rubric']);
    set('method', values['method']);
    set('per_agent', int(this, 'per-agent', values['per-agent']));
    set('size', int(this, 'size', values['size']));
    set('reviewers', list(values['reviewers']));
    set('reviewer_cap', int(this, 'cap', values['cap']));
    spec['filter'] = filter;
    spec['rubric_id'] ??= 'messaging_default';
    const report = await withWarehouse(values, io, async (db) => {
      await requireBuilt(db);
      await ensureDefaultRubric(db, io.now);
      return refusals(() => createSample(db, spec as never, io.now));
    });
    if (values['json']) {
      io.out.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const s = report.sample;
    const perReviewer = new Map<string, number>();
    for (const i of s.items) perReviewer.set(i.reviewer_id ?? '(unassigned)', (perReviewer.get(i.reviewer_id ?? '(unassigned)') ?? 0) + 1);
    io.out.write(`sample ${s.sample_id} "${s.name}" (cycle ${s.cycle}, seed ${s.seed}, rubric ${s.rubric_id} v${s.rubric_version}): ${s.items.length} conversations\n`);
    io.out.write(`  reviewers: ${[...perReviewer].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}\n`);
    const backup = s.items.filter((i) => i.tier === 2).length;
    if (backup) io.out.write(`  ${backup} drawn from the backup filter\n`);
    const short = Object.entries(report.short);
    if (short.length)
      io.out.write(
        `  quota not filled for ${short.length} agents: ${short
          .slice(0, 10)
          .map(([a, n]) => `${a} (${n})`)
          .join(', ')}${short.length > 10 ? ', …' : ''}\n`,
      );
    io.out.write(`export it for grading: parley sample export ${s.sample_id} --out grades.csv\n`);
    return 0;
  },
};

export const sampleListCommand: Command = {
  name: 'sample list',
  summary: 'review samples and their progress',
  usage: 'parley sample list [--format table|json|csv]',
  help: `
  --format F  table (default), json or csv`,
  options: { format: { type: 'string' } },
  async run({ values }, io) {
    const { listSamples } = await scorecards();
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const rows = await withWarehouse(values, io, (db) => listSamples(db));
    write(io.out, rows as never, format);
    return 0;
  },
};

export const sampleExportCommand: Command = {
  name: 'sample export',
  summary: 'a sample as CSV to grade in a spreadsheet',
  usage: 'parley sample export SAMPLE_ID [--out FILE] [--reviewer ID] [--link-base URL]',
  help: `
One row per conversation, one column per criterion (line 2 lists the accepted ratings; write
n/a where the rubric allows it), root causes separated by ";", comment and time_spent_s; then,
for reading, a link to the conversation in the dashboard and its transcript (not imported).

  --out FILE        write to FILE (default: standard output)
  --reviewer ID     only this reviewer's conversations (and unassigned ones)
  --link-base URL   the dashboard's address for the links (default: $ORIGIN, else http://127.0.0.1:5173)`,
  options: { out: { type: 'string' }, reviewer: { type: 'string' }, 'link-base': { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { exportSampleCsv, parseCsv } = await scorecards();
    if (positionals.length !== 1) throw new UsageError('give one sample id (parley sample list)', this.name);
    const text = await withWarehouse(values, io, (db) =>
      refusals(() =>
        exportSampleCsv(db, positionals[0]!, {
          ...(typeof values['reviewer'] === 'string' ? { reviewer_id: values['reviewer'] } : {}),
          ...(typeof values['link-base'] === 'string' ? { link_base: values['link-base'] } : {}),
        }),
      ),
    );
    if (typeof values['out'] === 'string') {
      writeFileSync(values['out'], text);
      io.out.write(`wrote ${parseCsv(text).length - 2} conversations to ${values['out']}; import the grades with: parley sample import ${positionals[0]} ${values['out']}\n`);
    } else io.out.write(text);
    return 0;
  },
};

export const sampleImportCommand: Command = {
  name: 'sample import',
  summary: 'import grades from a filled-in sample CSV (all rows or none)',
  usage: 'parley sample import SAMPLE_ID FILE.csv',
  help: `
Saves one review per filled row; blank rows are skipped. Nothing is saved when any row is
wrong (unknown criterion column, rating off its scale, conversation already reviewed): every
problem is listed with its row.`,
  options: {},
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { importGradesCsv } = await scorecards();
    if (positionals.length !== 2) throw new UsageError('give the sample id and the CSV file', this.name);
    const [sampleId, file] = positionals as [string, string];
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new CommandError(`cannot read ${file}: check the path`);
    }
    const result = await withWarehouse(values, io, (db) => refusals(() => importGradesCsv(db, sampleId, text, file, io.now)));
    io.out.write(`imported ${result.saved.length} reviews into sample ${sampleId}${result.skipped ? `; ${result.skipped} rows not graded yet` : ''}\n`);
    return 0;
  },
};

export const sampleSizeCommand: Command = {
  name: 'sample size',
  summary: 'how many reviews give a margin of error at 95% confidence',
  usage: 'parley sample size --margin POINTS [--sd POINTS | --agent ID | --team NAME] [--population N]',
  help: `
n = (1.96 × sd ÷ margin)², with the finite-population correction when --population is given.
sd comes from --sd, else from the past reviews of --agent or --team, else 15 points.

Example:
  parley sample size --margin 5 --agent agent-07 --population 240`,
  options: { margin: { type: 'string' }, sd: { type: 'string' }, agent: { type: 'string' }, team: { type: 'string' }, population: { type: 'string' } },
  async run({ values }, io) {
    const { qaScoreSpread, sampleSize } = await scorecards();
    const number = (flag: string) => {
      const v = values[flag];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || !(Number(v) > 0)) throw new UsageError(`--${flag} takes a positive number (got "${String(v)}")`, this.name);
      return Number(v);
    };
    const margin = number('margin');
    if (margin === undefined) throw new UsageError('give --margin, in qa_score points', this.name);
    let sd = number('sd');
    let basis = sd === undefined ? 'an assumed sd of 15 points' : `sd ${sd}`;
    if (sd === undefined && (values['agent'] || values['team'])) {
      const group = values['agent'] ? { agent_id: values['agent'] as string } : { team: values['team'] as string };
      const spread = await withWarehouse(values, io, (db) => qaScoreSpread(db, group));
      if (spread.sd !== null) {
        sd = spread.sd;
        basis = `sd ${spread.sd.toFixed(1)} from ${spread.reviews} past reviews`;
      } else basis = `an assumed sd of 15 points (${spread.reviews} past reviews are too few)`;
    }
    const population = number('population');
    const n = sampleSize({ margin, ...(sd !== undefined ? { sd } : {}), ...(population !== undefined ? { population } : {}) });
    io.out.write(`${n} reviews give ±${margin} points at 95% confidence (${basis}${population ? `, of ${population} conversations` : ''})\n`);
    return 0;
  },
};
