/**
 * Reading a notebook: YAML front matter (title, parameters with defaults),
 * then Markdown with fenced blocks that Parley runs or draws:
 *
 *   ```sql monthly                    a named query (parameters as $month)
 *   ```sql topics requires=pain_points a query that needs a table that may not exist yet
 *   ```chart fcr_trend                 an Observable Plot chart of a named result (YAML)
 *   ```table by_channel                a formatted table of a named result (YAML)
 *   ```compare headline                this month against earlier months (YAML)
 *   ```changes                         the plain-language summary of notable changes (YAML)
 *   ```planning                        the volume forecast and staffing summary (YAML, planning/)
 *   ```targets                         each configured target against the month's figure (YAML: month)
 *
 * Parsing never throws: a block that cannot be read carries its `problem`,
 * and the renderer shows it in place while the rest of the notebook renders.
 *
 * @example
 *   const nb = parseNotebook('---\ntitle: FCR\nparams:\n  month: { type: month }\n---\n```sql m\nselect 1 as n\n```\n');
 *   nb.title;          // 'FCR'
 *   nb.blocks[0].kind; // 'sql'
 */
import { Lexer } from 'marked';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const PARAM_TYPES = ['month', 'team', 'channel', 'intent', 'agent', 'text'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

const NAME = /^[a-z_][a-z0-9_]*$/;

const paramSchema = z
  .object({
    type: z.enum(PARAM_TYPES),
    label: z.string().optional(),
    /** A literal value; `latest` (month: the latest complete month) or `largest` (the value with most conversations). */
    default: z.union([z.string(), z.null()]).optional(),
    description: z.string().optional(),
  })
  .strict();

const frontMatterSchema = z
  .object({
    title: z.string().min(1),
    description: z.string().optional(),
    params: z.record(z.string().regex(NAME, 'a parameter name is lowercase letters, digits and _'), paramSchema).optional(),
  })
  .strict();

export type ParamSpec = z.infer<typeof paramSchema> & { name: string };

const MARKS = ['line', 'bar', 'area', 'dot'] as const;
export const chartSchema = z
  .object({
    type: z.enum(MARKS),
    data: z.string(),
    x: z.string(),
    y: z.string(),
    /** A column whose values draw separate series (line, area, dot) or stacked/coloured bars. */
    color: z.string().optional(),
    title: z.string().optional(),
    caption: z.string().optional(),
    height: z.number().int().min(80).max(900).optional(),
    /** bar only: bars run left to right, categories down the side (long labels). */
    horizontal: z.boolean().optional(),
    x_label: z.string().optional(),
    y_label: z.string().optional(),
    /** Start the value axis at zero (default: true for bar and area). */
    zero: z.boolean().optional(),
  })
  .strict();
export type ChartSpec = z.infer<typeof chartSchema>;

export const tableSchema = z
  .object({
    data: z.string(),
    /** Columns to show, in order (default: all); `{column: label}` renames one. */
    columns: z.array(z.union([z.string(), z.record(z.string(), z.string())])).optional(),
    title: z.string().optional(),
    /** Rows shown at most (default 50). */
    limit: z.number().int().min(1).max(1000).optional(),
    /** What to say when the result has no rows (default "No rows."). */
    empty: z.string().optional(),
  })
  .strict();
export type TableSpec = z.infer<typeof tableSchema>;

export const compareSchema = z
  .object({
    data: z.string(),
    /** The column that tells the rows apart (for example `month`). */
    by: z.string(),
    /** The parameter holding the current row's key. */
    current: z.string(),
    /** Heading → parameter holding the key of an earlier row. */
    against: z.record(z.string(), z.string()),
    metrics: z.array(z.string()).min(1),
    layout: z.enum(['cards', 'table']).optional(),
    title: z.string().optional(),
    /** What to say when the result has no row for the current key (default "No data for …"). */
    empty: z.string().optional(),
  })
  .strict();
export type CompareSpec = z.infer<typeof compareSchema>;

export const changesSchema = z
  .object({
    /** The month parameter (default `month`). */
    month: z.string().optional(),
    /** Metrics (metric_summary columns) to consider; default: the headline metrics. */
    metrics: z.array(z.string()).optional(),
    /** Dimensions searched for what drove a change (default channel, intent, team). */
    by: z.array(z.enum(['channel', 'intent', 'team'])).optional(),
    /** At most this many changes (default 4). */
    top: z.number().int().min(1).max(10).optional(),
  })
  .strict();
export type ChangesSpec = z.infer<typeof changesSchema>;

export const planningSchema = z
  .object({
    /** Conversations an agent holds at once (default 3). */
    concurrency: z.number().int().min(1).max(20).optional(),
    /** PERCENT/SECONDS (default "80/120"). */
    target: z
      .string()
      .regex(/^\d+(\.\d+)?\/\d+(\.\d+)?$/)
      .optional(),
    /** Share of paid time off conversations (default 0.3). */
    shrinkage: z.number().min(0).lt(1).optional(),
    /** Mean handle time in seconds (default: measured from the data). */
    handle_time: z.number().positive().optional(),
  })
  .strict();
export type PlanningSpec = z.infer<typeof planningSchema>;

export const targetsBlockSchema = z
  .object({
    /** The month parameter (default `month`). */
    month: z.string().optional(),
  })
  .strict();
export type TargetsBlockSpec = z.infer<typeof targetsBlockSchema>;

interface BlockBase {
  /** 1-based line of the block's opening fence (or first line) in the file. */
  line: number;
  /** The block's name for messages: its given name, else `<kind> at line N`. */
  label: string;
  /** Set when the block cannot be used; shown in place of it. */
  problem?: string;
}
export type Block =
  | (BlockBase & { kind: 'markdown'; text: string })
  | (BlockBase & { kind: 'sql'; name: string; sql: string; requires: string[] })
  | (BlockBase & { kind: 'chart'; spec?: ChartSpec })
  | (BlockBase & { kind: 'table'; spec?: TableSpec })
  | (BlockBase & { kind: 'compare'; spec?: CompareSpec })
  | (BlockBase & { kind: 'changes'; spec?: ChangesSpec })
  | (BlockBase & { kind: 'planning'; spec?: PlanningSpec })
  | (BlockBase & { kind: 'targets'; spec?: TargetsBlockSpec });

export interface Notebook {
  /** The file name without `.md` (set by the caller; `notebook` by default). */
  id: string;
  title: string;
  description?: string;
  params: ParamSpec[];
  blocks: Block[];
  /** Problems with the notebook as a whole (front matter, duplicate names). */
  problems: string[];
}

function zodProblem(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const where = i.path.length ? `${i.path.join('.')}: ` : '';
      return `${where}${i.message}`;
    })
    .join('; ');
}

function readYaml<T>(text: string, schema: z.ZodType<T>): { value?: T; problem?: string } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { problem: `its YAML does not parse: ${(error as Error).message.split('\n')[0]}` };
  }
  const parsed = schema.safeParse(raw ?? {});
  return parsed.success ? { value: parsed.data } : { problem: zodProblem(parsed.error) };
}

function splitFrontMatter(text: string): { yaml: string | undefined; body: string; bodyLine: number } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(text);
  if (!m) return { yaml: undefined, body: text, bodyLine: 1 };
  return { yaml: m[1], body: text.slice(m[0].length), bodyLine: m[0].split('\n').length };
}

/** Parses a notebook's text; `id` names it in messages (usually the file name without `.md`). */
export function parseNotebook(text: string, id = 'notebook'): Notebook {
  const problems: string[] = [];
  const { yaml, body, bodyLine } = splitFrontMatter(text.replace(/^\uFEFF/, ''));
  let title = id;
  let description: string | undefined;
  let params: ParamSpec[] = [];
  if (yaml === undefined) {
    problems.push('no front matter: start the file with ---, a `title:` line and optional `params:`, then ---');
  } else {
    const fm = readYaml(yaml, frontMatterSchema);
    if (fm.problem) problems.push(`front matter: ${fm.problem}`);
    if (fm.value) {
      title = fm.value.title;
      description = fm.value.description;
      params = Object.entries(fm.value.params ?? {}).map(([name, p]) => ({ name, ...p }));
    }
  }

  const blocks: Block[] = [];
  let markdown = '';
  let markdownLine = bodyLine;
  let line = bodyLine;
  const flush = () => {
    if (markdown.trim()) blocks.push({ kind: 'markdown', text: markdown, line: markdownLine, label: `text at line ${markdownLine}` });
    markdown = '';
  };
  const names = new Set<string>();
  for (const token of new Lexer().lex(body)) {
    const tokenLine = line;
    line += (token.raw.match(/\n/g) ?? []).length;
    const info =
      token.type === 'code'
        ? String((token as { lang?: string }).lang ?? '')
            .trim()
            .split(/\s+/)
        : [];
    const kind = info[0];
    if (token.type !== 'code' || !['sql', 'chart', 'table', 'compare', 'changes', 'planning', 'targets'].includes(kind ?? '')) {
      if (!markdown && token.type === 'space') continue; // leading blank lines: the text starts at its first line
      if (!markdown) markdownLine = tokenLine;
      markdown += token.raw;
      continue;
    }
    flush();
    const content = (token as { text: string }).text;
    const given = info[1] && !info[1].includes('=') ? info[1] : undefined;
    const label = given ? `${kind} "${given}"` : `${kind} block at line ${tokenLine}`;
    if (kind === 'sql') {
      const options = Object.fromEntries(info.slice(given ? 2 : 1).map((o) => o.split('=') as [string, string]));
      const block: Block = { kind: 'sql', name: given ?? '', sql: content, requires: (options['requires'] ?? '').split(',').filter(Boolean), line: tokenLine, label };
      if (!given) block.problem = 'a sql block needs a name: write ```sql my_name';
      else if (!NAME.test(given)) block.problem = `"${given}" is not a usable name: use lowercase letters, digits and _`;
      else if (names.has(given)) block.problem = `another sql block is already named "${given}": give each query its own name`;
      const unknownOption = Object.keys(options).find((o) => o !== 'requires');
      if (unknownOption) block.problem = `unknown option "${unknownOption}" (a sql block takes requires=table1,table2)`;
      names.add(given ?? '');
      blocks.push(block);
      continue;
    }
    const schema = { chart: chartSchema, table: tableSchema, compare: compareSchema, changes: changesSchema, planning: planningSchema, targets: targetsBlockSchema }[
      kind as 'chart'
    ];
    const read = readYaml(content, schema as z.ZodType<unknown>);
    const block = { kind, line: tokenLine, label, spec: read.value } as Block;
    if (read.problem) block.problem = read.problem;
    blocks.push(block);
  }
  flush();
  return { id, title, ...(description ? { description } : {}), params, blocks, problems };
}
