import { describe, expect, it } from 'vitest';
import { revealGrid } from './calibration.js';
import { describeChanges } from './disputes.js';
import type { AuditEntry } from '../../../scorecards/index.js';

const criteria = [
  { id: 'clarity', name: 'Clarity' },
  { id: 'tone', name: 'Tone and empathy' },
];
const review = (reviewer_id: string, kind: string, grades: Record<string, [string | null, string?]>) =>
  ({
    reviewer_id,
    kind,
    criteria: Object.entries(grades).map(([criterion, [rating, comment]]) => ({ criterion, rating, na: rating === null, comment: comment ?? null })),
  }) as never;

describe('the calibration reveal', () => {
  it('shows every grade and comment per criterion, marks disagreement and grades off the benchmark', () => {
    const grid = revealGrid(
      criteria,
      ['ana', 'ben', 'cy'],
      [
        review('ben', 'calibration', { clarity: ['2', 'too long'], tone: ['4'] }),
        review('ana', 'calibration', { clarity: ['3'], tone: ['4'] }),
        review('sup', 'benchmark', { clarity: ['3'], tone: [null] }),
      ],
    );
    expect(grid.reviewers).toEqual(['ana', 'ben', 'cy']);
    expect(grid.benchmark).toBe('sup');
    expect(
      grid.rows.map((r) => [
        r.name,
        r.disagree,
        r.benchmark?.rating,
        r.grades.map((g) => `${g.reviewer}=${g.rating}${g.comment ? `(${g.comment})` : ''}${g.offBenchmark ? '!' : ''}`),
      ]),
    ).toEqual([
      ['Clarity', true, '3', ['ana=3', 'ben=2(too long)!', 'cy=–']],
      ['Tone and empathy', false, 'N/A', ['ana=4!', 'ben=4!', 'cy=–']],
    ]);
  });
});

describe("a dispute's changes", () => {
  const entry = (field: 'criterion' | 'qa_score', criterion_id: string | null, before_value: unknown, after_value: unknown) =>
    ({ field, criterion_id, before_value, after_value }) as AuditEntry;
  it('reads as the rubric names them, with the score before and after', () => {
    const names = new Map([['clarity', 'Clarity']]);
    expect(
      describeChanges(
        [
          entry('criterion', 'clarity', { rating: '2', na: false, score: 33.3 }, { rating: '3', na: false, score: 66.7 }),
          entry('qa_score', null, { qa_score: 86.66666666666667, auto_failed: false }, { qa_score: 93.33333333333331, auto_failed: false }),
        ],
        (id) => names.get(id) ?? id,
      ),
    ).toBe('Clarity: 2 → 3 (score 86.7 → 93.3)');
    expect(describeChanges([], (id) => id)).toBe('no grade changed');
  });
});
