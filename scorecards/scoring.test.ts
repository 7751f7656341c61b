/**
 * The QA score arithmetic, worked by hand (SCORING.md walks the same cases).
 */
import { describe, expect, it } from 'vitest';
import { validateRubric, type Rubric } from './rubric-schema.js';
import { GradeError, scoreReview } from './scoring.js';
import { defaultRubric } from './rubrics.js';

// weights 1, 2, 3, 4 = 10; one scale of each kind
const RUBRIC: Rubric = validateRubric(
  {
    id: 'hand',
    name: 'Hand-worked',
    sections: [
      {
        id: 's1',
        name: 'One',
        criteria: [
          { id: 'four', name: 'Four-point', guidance: 'g', scale: '4-point', weight: 1 },
          { id: 'pf', name: 'Pass/fail', guidance: 'g', scale: 'pass/fail', weight: 2, critical: true },
        ],
      },
      {
        id: 's2',
        name: 'Two',
        criteria: [
          { id: 'five', name: 'Five-point', guidance: 'g', scale: '5-point', weight: 3, na_allowed: true },
          {
            id: 'opt',
            name: 'Options',
            guidance: 'g',
            scale: {
              options: [
                { label: 'No', points: 0 },
                { label: 'Partly', points: 1 },
                { label: 'Yes', points: 4 },
              ],
            },
            weight: 4,
            na_allowed: true,
            root_causes: ['rushed'],
          },
        ],
      },
    ],
  },
  'hand.yaml',
);

describe('qa_score', () => {
  it('is the weighted mean of criteria normalised to 0–100 over their scales', () => {
    // four: 3 on 1..4 → (3−1)/(4−1) = 66.67; pf: pass → 100; five: 4 on 1..5 → 75; opt: Partly = 1 on 0..4 → 25
    // (1·66.67 + 2·100 + 3·75 + 4·25) ÷ 10 = (66.67 + 200 + 225 + 100) ÷ 10 = 59.17
    const r = scoreReview(RUBRIC, [
      { criterion: 'four', rating: 3 },
      { criterion: 'pf', rating: 'pass' },
      { criterion: 'five', rating: '4' },
      { criterion: 'opt', rating: 'Partly' },
    ]);
    expect(r.qa_score).toBeCloseTo((200 / 3 + 200 + 225 + 100) / 10, 10);
    expect(r.auto_failed).toBe(false);
    const scores = r.criteria.map((c) => c.score!);
    [200 / 3, 100, 75, 25].forEach((want, i) => expect(scores[i]).toBeCloseTo(want, 10));
  });

  it('leaves N/A criteria out of numerator and denominator', () => {
    // four: 4 → 100 (w1); pf pass → 100 (w2); five N/A; opt N/A → (100 + 200) ÷ 3 = 100
    const r = scoreReview(RUBRIC, [
      { criterion: 'four', rating: 4 },
      { criterion: 'pf', rating: 'pass' },
      { criterion: 'five', na: true },
      { criterion: 'opt', na: true },
    ]);
    expect(r.qa_score).toBe(100);
    // with four at 1 → 0 (w1): (0 + 200) ÷ 3 = 66.67, not (0 + 200) ÷ 10 = 20
    const low = scoreReview(RUBRIC, [
      { criterion: 'four', rating: 1 },
      { criterion: 'pf', rating: 'pass' },
      { criterion: 'five', na: true },
      { criterion: 'opt', na: true },
    ]);
    expect(low.qa_score).toBeCloseTo(200 / 3, 10);
  });

  it('is 0 when a critical criterion fails, and keeps the score before the auto-fail for category trends', () => {
    // pf fail (critical): everything else top → before = (1·100 + 2·0 + 3·100 + 4·100) ÷ 10 = 80
    const r = scoreReview(RUBRIC, [
      { criterion: 'four', rating: 4 },
      { criterion: 'pf', rating: 'fail' },
      { criterion: 'five', rating: 5 },
      { criterion: 'opt', rating: 'Yes' },
    ]);
    expect(r.qa_score).toBe(0);
    expect(r.auto_failed).toBe(true);
    expect(r.score_before_auto_fail).toBe(80);
    expect(r.criteria.find((c) => c.criterion === 'five')!.score).toBe(100);
  });

  it('does not auto-fail on the lowest rating of a criterion that is not critical', () => {
    const r = scoreReview(RUBRIC, [
      { criterion: 'four', rating: 1 },
      { criterion: 'pf', rating: 'pass' },
      { criterion: 'five', rating: 1 },
      { criterion: 'opt', rating: 'No' },
    ]);
    // (0 + 200 + 0 + 0) ÷ 10 = 20
    expect(r.qa_score).toBe(20);
    expect(r.auto_failed).toBe(false);
  });

  it('is null when every rated criterion is N/A… unless a criterion cannot be N/A, which is refused', () => {
    expect(() =>
      scoreReview(RUBRIC, [
        { criterion: 'four', na: true },
        { criterion: 'pf', rating: 'pass' },
        { criterion: 'five', na: true },
        { criterion: 'opt', na: true },
      ]),
    ).toThrow(/criterion "four" cannot be N\/A in rubric hand/);
  });
});

describe('grades that do not fit the rubric are refused', () => {
  const full = [
    { criterion: 'four', rating: 2 },
    { criterion: 'pf', rating: 'pass' },
    { criterion: 'five', rating: 3 },
    { criterion: 'opt', rating: 'Yes' },
  ];
  const problems = (grades: object[]) => {
    try {
      scoreReview(RUBRIC, grades as never);
    } catch (error) {
      expect(error).toBeInstanceOf(GradeError);
      return (error as GradeError).problems;
    }
    throw new Error('expected a GradeError');
  };

  it('an unknown criterion', () => {
    expect(problems([...full, { criterion: 'speed', rating: 3 }])).toEqual(['criterion "speed" is not in rubric hand (its criteria: four, pf, five, opt)']);
  });

  it('a rating outside the scale', () => {
    expect(problems([{ criterion: 'four', rating: 5 }, ...full.slice(1)])).toEqual(['criterion "four": 5 is not on its 4-point scale (use 1, 2, 3, 4)']);
    expect(problems([...full.slice(0, 3), { criterion: 'opt', rating: 'Maybe' }])).toEqual(['criterion "opt": "Maybe" is not on its options scale (use No, Partly, Yes)']);
    expect(problems([full[0]!, { criterion: 'pf', rating: 'ok' }, ...full.slice(2)])[0]).toMatch(/criterion "pf": "ok" is not on its pass\/fail scale/);
  });

  it('a missing grade, and an unknown root cause', () => {
    expect(problems(full.slice(1))).toEqual(['criterion "four" has no grade: rate it (1, 2, 3, 4)']);
    expect(problems([...full.slice(0, 3), { criterion: 'opt', rating: 'Yes', root_causes: ['lazy'] }])).toEqual([
      'criterion "opt": root cause "lazy" is not one of its choices (rushed)',
    ]);
  });
});

describe('the default messaging rubric', () => {
  it('validates, has the seven criteria of the brief, and weights that add up to 100', () => {
    const r = defaultRubric();
    const ids = r.sections.flatMap((s) => s.criteria.map((c) => c.id));
    expect(ids).toEqual(['understanding', 'accuracy', 'process', 'clarity', 'tone_empathy', 'proactive_guidance', 'closure']);
    expect(r.sections.flatMap((s) => s.criteria).reduce((a, c) => a + c.weight, 0)).toBe(100);
  });

  it('scores a typical review as SCORING.md works it', () => {
    // understanding 3/4 → 66.67 ×20; accuracy pass ×25; process N/A; clarity 4/4 ×15;
    // tone 4/5 → 75 ×10; proactive Partly (1 of 0..2) → 50 ×10; closure fail → 0 ×5 (not critical)
    // = (1333.3 + 2500 + 1500 + 750 + 500 + 0) ÷ 85 = 77.45
    const r = scoreReview(defaultRubric(), [
      { criterion: 'understanding', rating: 3 },
      { criterion: 'accuracy', rating: 'pass' },
      { criterion: 'process', na: true },
      { criterion: 'clarity', rating: 4 },
      { criterion: 'tone_empathy', rating: 4 },
      { criterion: 'proactive_guidance', rating: 'Partly' },
      { criterion: 'closure', rating: 'fail' },
    ]);
    expect(r.qa_score).toBeCloseTo(((20 * 200) / 3 + 2500 + 1500 + 750 + 500) / 85, 10);
    expect(r.qa_score!.toFixed(2)).toBe('77.45');
  });
});
