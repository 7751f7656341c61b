/**
 * A malformed rubric gets messages naming the criterion and the problem.
 */
import { describe, expect, it } from 'vitest';
import { parseRubric, RubricError } from './rubric-schema.js';
import { defaultRubric } from './rubrics.js';
import { scaleRatings } from './scoring.js';

function problems(yaml: string): string[] {
  try {
    parseRubric(yaml, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(RubricError);
    return (error as RubricError).problems;
  }
  throw new Error('expected a RubricError');
}

const criterion = (extra: string) => `
id: r
name: R
sections:
  - id: main
    name: Main
    criteria:
      - id: tone
        name: Tone
        guidance: Polite.
        scale: 4-point
        weight: 10
${extra}`;

describe('rubric validation', () => {
  it('names the criterion and the problem for a bad weight and a bad scale', () => {
    const p = problems(`
id: r
name: R
sections:
  - id: main
    name: Main
    criteria:
      - id: tone
        name: Tone
        guidance: Polite.
        scale: 6-point
        weight: -1
`);
    expect(p).toContain('criterion "tone" (section "main") scale: must be pass/fail, 3-point, 4-point, 5-point or { options: [{ label, points }] }');
    expect(p).toContain('criterion "tone" (section "main") weight: must be a positive number');
  });

  it('names a criterion by position when it has no id, and reports a missing field', () => {
    const p = problems(`
id: r
name: R
sections:
  - id: main
    name: Main
    criteria:
      - name: Tone
        scale: pass/fail
        weight: 1
        guidance: g
`);
    expect(p.length).toBe(1);
    expect(p[0]).toMatch(/^criterion #1 \(section "main"\) id: /);
  });

  it('refuses duplicate criterion ids, an unknown field and options with one choice', () => {
    const p = problems(
      criterion(`      - id: tone
        name: Tone again
        guidance: g
        scale: { options: [{ label: Yes, points: 1 }] }
        weight: 1
        critcal: true
`),
    );
    expect(p.some((m) => m.startsWith('criterion "tone" (section "main") scale.options: needs at least two options'))).toBe(true);
    expect(p.some((m) => m.startsWith('criterion "tone" (section "main")') && /critcal/.test(m))).toBe(true);
    const dup = problems(
      criterion(`      - id: tone
        name: Tone again
        guidance: g
        scale: pass/fail
        weight: 1
`),
    );
    expect(dup).toEqual(['criterion "tone" (section "main"): the id is used by another criterion; criterion ids must be unique in a rubric']);
  });

  it('refuses an unknown AutoQA check, naming the checks it knows', () => {
    expect(problems(criterion('        autoqa: smile\n'))).toEqual([
      'criterion "tone" (section "main") autoqa: must be one of greeting, closing_confirmation, empathy, no_unanswered_turns, no_long_silence, reply_length, readability',
    ]);
  });

  it('keeps one level description per scale point and refuses a count that does not match the scale', () => {
    const ok = parseRubric(criterion('        levels: [Curt, Neutral, Warm, Personal]\n'), 'ok.yaml');
    expect(ok.sections[0]!.criteria[0]!.levels).toEqual(['Curt', 'Neutral', 'Warm', 'Personal']);
    expect(problems(criterion('        levels: [Curt, Warm]\n'))).toEqual([
      'criterion "tone" (section "main") levels: the scale has 4 points but 2 level descriptions are given; give one per point, in the scale\'s order',
    ]);
  });

  it('checks that the default rubric describes every scale point of every criterion', () => {
    for (const c of defaultRubric().sections.flatMap((s) => s.criteria)) expect(c.levels?.length, c.id).toBe(scaleRatings(c.scale).length);
  });

  it('reports YAML syntax errors in one line', () => {
    expect(problems('id: [unclosed')[0]).toMatch(/^not valid YAML: /);
  });
});
