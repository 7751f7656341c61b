/**
 * The rubric commands: validate rubric files, register them in the
 * warehouse, list the versions there. The work is done by scorecards/.
 */
import { UsageError, oneOf, withWarehouse, type Command } from '../command.js';
import { write, type Format } from '../output.js';
import { ensureDefaultRubric, refusals, scorecards } from '../scorecards.js';

export const rubricsValidateCommand: Command = {
  name: 'rubrics validate',
  summary: 'check rubric YAML files; each problem names the criterion and the fix',
  usage: 'parley rubrics validate FILE...',
  help: `
Validates rubric files (scorecards/rubrics/*.yaml shows the format). Prints one line per
file, or one line per problem; exit status 1 when any file is invalid. Needs no warehouse.

Example:
  parley rubrics validate scorecards/rubrics/messaging-default.yaml`,
  options: {},
  allowPositionals: true,
  async run({ positionals }, io) {
    const { loadRubricFile, RubricError, criteriaOf } = await scorecards();
    if (!positionals.length) throw new UsageError('give one or more rubric files', this.name);
    let bad = 0;
    for (const file of positionals) {
      try {
        const r = loadRubricFile(file);
        io.out.write(`${file}: ok — rubric ${r.id}, ${r.sections.length} sections, ${criteriaOf(r).length} criteria\n`);
      } catch (error) {
        if (!(error instanceof RubricError)) throw error;
        bad++;
        for (const p of error.problems) io.err.write(`${file}: ${p}\n`);
      }
    }
    return bad ? 1 : 0;
  },
};

export const rubricsAddCommand: Command = {
  name: 'rubrics add',
  summary: 'register rubric files in the warehouse (a changed rubric becomes a new version)',
  usage: 'parley rubrics add FILE...',
  help: `
Stores each rubric as a version in the warehouse. The same content again keeps its version;
changed content becomes version n+1, and the versions that reviews use never change.

Example:
  parley rubrics add my-rubric.yaml`,
  options: {},
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { loadRubricFile, registerRubric } = await scorecards();
    if (!positionals.length) throw new UsageError('give one or more rubric files', this.name);
    const rubrics = await refusals(async () => positionals.map((f) => loadRubricFile(f)));
    await withWarehouse(values, io, async (db) => {
      for (const [i, r] of rubrics.entries()) {
        const v = await registerRubric(db, r, io.now);
        io.out.write(`${positionals[i]}: rubric ${v.rubric_id} version ${v.version}${v.created ? ' registered' : ' (unchanged)'}\n`);
      }
    });
    return 0;
  },
};

export const rubricsListCommand: Command = {
  name: 'rubrics list',
  summary: 'rubric versions in the warehouse and how many reviews use each',
  usage: 'parley rubrics list [--format table|json|csv]',
  help: `
Lists every registered rubric version (the default messaging rubric is registered on first use).

  --format F  table (default), json or csv`,
  options: { format: { type: 'string' } },
  async run({ values }, io) {
    const { listRubrics } = await scorecards();
    const format: Format = oneOf(this, 'format', values['format'], ['table', 'json', 'csv'] as const, 'table');
    const rows = await withWarehouse(values, io, async (db) => {
      await ensureDefaultRubric(db, io.now);
      return listRubrics(db);
    });
    write(io.out, rows as never, format);
    return 0;
  },
};
