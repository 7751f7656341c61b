/**
 * Rubrics: YAML files of sections of criteria, checked by zod.
 *
 * A criterion has guidance text, a scale, a weight, whether N/A is allowed,
 * whether it is critical (a failed critical criterion fails the whole review)
 * and optional root-cause choices and level descriptions (`levels`: one text
 * per scale point, in the scale's order, shown to reviewers beside the
 * rating). Scales:
 *
 * - `pass/fail`                       → ratings `pass`, `fail`
 * - `3-point`, `4-point`, `5-point`   → ratings 1 … N (1 is the lowest)
 * - `{ options: [{ label, points, fails? }] }` → ratings are the labels
 *
 * A bad file gets one message per problem, each naming the section or
 * criterion and what to change ({@link RubricError}).
 *
 * @example
 *   const rubric = parseRubric(readFileSync('scorecards/rubrics/messaging-default.yaml', 'utf8'), 'messaging-default.yaml');
 *   rubric.sections[0].criteria[0].id; // 'understanding'
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AUTOQA_CHECKS } from './autoqa-checks.js';

const slug = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lowercase letters, digits and underscores, starting with a letter');

const optionSchema = z.strictObject({
  label: z.string().min(1, 'must not be empty'),
  points: z.number().finite(),
  /** Rating this option counts as a failure (default: the option with the fewest points). */
  fails: z.boolean().optional(),
});

const SCALE_HELP = 'must be pass/fail, 3-point, 4-point, 5-point or { options: [{ label, points }] }';
const namedScaleSchema = z.enum(['pass/fail', '3-point', '4-point', '5-point']);
const optionsScaleSchema = z.strictObject({
  options: z.array(optionSchema).min(2, 'needs at least two options'),
});
const scaleSchema = z.union([namedScaleSchema, optionsScaleSchema]);

const criterionSchema = z.strictObject({
  id: slug,
  name: z.string().min(1, 'must not be empty'),
  guidance: z.string().min(1, 'must say what a reviewer looks for'),
  scale: scaleSchema,
  weight: z.number().finite().positive('must be a positive number'),
  na_allowed: z.boolean().default(false),
  critical: z.boolean().default(false),
  root_causes: z.array(z.string().min(1)).default([]),
  /** What each scale point means, in the scale's order (pass, fail; 1 … N; the options): one text per point. */
  levels: z.array(z.string().trim().min(1, 'a level description must not be empty')).optional(),
  /** The AutoQA check that measures the same thing, for AutoQA-vs-human agreement. */
  autoqa: z.enum(AUTOQA_CHECKS, { error: `must be one of ${AUTOQA_CHECKS.join(', ')}` }).optional(),
});

const sectionSchema = z.strictObject({
  id: slug,
  name: z.string().min(1, 'must not be empty'),
  criteria: z.array(criterionSchema).min(1, 'needs at least one criterion'),
});

/**
 * Which conversations a rubric grades: `human_agents` (the default) only
 * conversations with a human reply, `bots` only conversations the bot
 * answered (AutoQA covers both).
 */
export const RUBRIC_AUDIENCES = ['human_agents', 'bots'] as const;
export type RubricAudience = (typeof RUBRIC_AUDIENCES)[number];

export const rubricSchema = z.strictObject({
  id: slug,
  name: z.string().min(1, 'must not be empty'),
  description: z.string().default(''),
  for: z.enum(RUBRIC_AUDIENCES, { error: `must be ${RUBRIC_AUDIENCES.join(' or ')}` }).default('human_agents'),
  /**
   * How many disputes a review of this rubric may have in all: the first, and
   * each further one only after the one before it changed a grade (default 2).
   */
  disputes_per_review: z.number().int().min(1, 'must be at least 1').max(10, 'must be at most 10').default(2),
  sections: z.array(sectionSchema).min(1, 'needs at least one section'),
});

export type RubricInput = z.input<typeof rubricSchema>;
export type Rubric = z.output<typeof rubricSchema>;
export type Section = Rubric['sections'][number];
export type Criterion = Section['criteria'][number];
export type Scale = Criterion['scale'];

/** A rubric that failed validation; `problems` has one line per problem. */
export class RubricError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'RubricError';
  }
}

/** Where in the rubric a zod path points: 'criterion "tone" (section "communication") weight'. */
function describePath(raw: unknown, pathParts: readonly PropertyKey[]): string {
  const parts = [...pathParts];
  const at = (value: unknown, key: PropertyKey) => (value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined);
  const nameOf = (value: unknown, i: number, kind: string) => {
    const id = at(value, 'id');
    return typeof id === 'string' && id ? `${kind} "${id}"` : `${kind} #${i + 1}`;
  };
  if (parts[0] !== 'sections' || typeof parts[1] !== 'number') return parts.length ? parts.join('.') : '(top level)';
  const section = at(at(raw, 'sections'), parts[1]);
  const sectionName = nameOf(section, parts[1], 'section');
  if (parts[2] !== 'criteria' || typeof parts[3] !== 'number') {
    const rest = parts.slice(2).join('.');
    return rest ? `${sectionName} ${rest}` : sectionName;
  }
  const criterion = at(at(section, 'criteria'), parts[3]);
  const rest = parts.slice(4).join('.');
  return `${nameOf(criterion, parts[3], 'criterion')} (${sectionName})${rest ? ` ${rest}` : ''}`;
}

/** Checks that zod cannot express on one field: unique ids, unique labels. */
function crossChecks(rubric: Rubric): string[] {
  const problems: string[] = [];
  const sections = new Set<string>();
  const criteria = new Set<string>();
  for (const s of rubric.sections) {
    if (sections.has(s.id)) problems.push(`section "${s.id}": the id is used twice; give each section its own id`);
    sections.add(s.id);
    for (const c of s.criteria) {
      const where = `criterion "${c.id}" (section "${s.id}")`;
      if (criteria.has(c.id)) problems.push(`${where}: the id is used by another criterion; criterion ids must be unique in a rubric`);
      criteria.add(c.id);
      if (typeof c.scale === 'object') {
        const labels = c.scale.options.map((o) => o.label);
        const twice = labels.filter((l, i) => labels.indexOf(l) !== i);
        if (twice.length) problems.push(`${where} scale: option "${twice[0]}" is listed twice; give each option its own label`);
        const points = c.scale.options.map((o) => o.points);
        if (Math.min(...points) === Math.max(...points)) problems.push(`${where} scale: every option has the same points; give the options different points`);
      }
      const points = typeof c.scale === 'object' ? c.scale.options.length : c.scale === 'pass/fail' ? 2 : Number(c.scale[0]);
      if (c.levels && c.levels.length !== points) {
        problems.push(
          `${where} levels: the scale has ${points} points but ${c.levels.length} level ${c.levels.length === 1 ? 'description is' : 'descriptions are'} given; give one per point, in the scale's order`,
        );
      }
      const causes = c.root_causes.filter((r, i) => c.root_causes.indexOf(r) !== i);
      if (causes.length) problems.push(`${where} root_causes: "${causes[0]}" is listed twice`);
    }
  }
  return problems;
}

/**
 * Validates an already-parsed rubric object.
 *
 * @example
 *   const rubric = validateRubric({ id: 'r', name: 'R', sections: [...] }, 'inline');
 */
export function validateRubric(raw: unknown, file = 'rubric'): Rubric {
  const result = rubricSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => {
      // a scale matches neither kind: an object is an options scale with its
      // own problems (report those); anything else gets the list of scales
      if (issue.code === 'invalid_union' && issue.path.at(-1) === 'scale') {
        const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), raw);
        const nested = value && typeof value === 'object' ? (issue.errors[1] ?? []) : [];
        if (nested.length) return nested.map((n) => `${describePath(raw, [...issue.path, ...n.path])}: ${n.message}`);
        return [`${describePath(raw, issue.path)}: ${SCALE_HELP}`];
      }
      return [`${describePath(raw, issue.path)}: ${issue.message}`];
    });
    throw new RubricError(file, problems);
  }
  const problems = crossChecks(result.data);
  if (problems.length) throw new RubricError(file, problems);
  return result.data;
}

/**
 * Parses and validates a rubric YAML text; `file` names it in messages.
 *
 * @example
 *   parseRubric('id: r\nname: R\nsections: []', 'r.yaml');
 *   // throws RubricError: r.yaml: sections: needs at least one section
 */
export function parseRubric(text: string, file = 'rubric'): Rubric {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new RubricError(file, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  return validateRubric(raw, file);
}

/** Every criterion of a rubric with its section id, in rubric order. */
export function criteriaOf(rubric: Rubric): Array<Criterion & { section: string }> {
  return rubric.sections.flatMap((s) => s.criteria.map((c) => ({ ...c, section: s.id })));
}
