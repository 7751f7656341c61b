/**
 * The scorecard commands end to end on a warehouse file: rubrics, a sample,
 * the CSV round trip, the scorecard, and one-line refusals.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../testing/cli.js';
import { AGENTS, addReviewers, fixtureConversations } from '../testing/scorecards.js';
import { parseCsv } from './csv.js';
import { testWarehouse } from '../testing/warehouse.js';

let dir: string;
let db: string;

const run = (...argv: string[]) => parley(...argv, '--db', db);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-scorecards-'));
  db = path.join(dir, 'w.duckdb');
  const w = await testWarehouse({
    path: db,
    records: fixtureConversations({ perAgent: 4 }),
    agents: AGENTS.map(({ agent_id, ...r }) => ({ id: agent_id, ...r })),
    now: new Date('2027-01-15T00:00:00Z'),
    build: true,
  });
  await addReviewers(w.db, ['ana', 'ben']);
  w.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parley rubrics', () => {
  it('validate: ok for the default rubric; one line per problem and exit 1 for a bad one', async () => {
    const ok = await run('rubrics', 'validate', 'scorecards/rubrics/messaging-default.yaml');
    expect(ok.code).toBe(0);
    expect(ok.out).toBe('scorecards/rubrics/messaging-default.yaml: ok — rubric messaging_default, 3 sections, 7 criteria\n');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'id: r\nname: R\nsections:\n  - id: s\n    name: S\n    criteria:\n      - id: tone\n        name: Tone\n        guidance: g\n        scale: 7-point\n        weight: 0\n',
    );
    const r = await run('rubrics', 'validate', bad);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([
      `${bad}: criterion "tone" (section "s") scale: must be pass/fail, 3-point, 4-point, 5-point or { options: [{ label, points }] }`,
      `${bad}: criterion "tone" (section "s") weight: must be a positive number`,
    ]);
  });

  it('list shows the default rubric, registered on first use', async () => {
    const r = await run('rubrics', 'list', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject([{ rubric_id: 'messaging_default', version: 1, reviews: 0 }]);
  });
});

describe('parley sample and scorecard', () => {
  it('create → export → fill in → import → build → scorecard', async () => {
    const created = await run('sample', 'create', '--name', 'Oct', '--cycle', '2026-10', '--seed', '7', '--per-agent', '2', '--reviewers', 'ana,ben', '--json');
    expect(created.err).toBe('');
    const report = JSON.parse(created.out);
    expect(report.sample.items).toHaveLength(6);
    const id = report.sample.sample_id as string;

    const csvFile = path.join(dir, 'grades.csv');
    const exported = await run('sample', 'export', id, '--out', csvFile);
    expect(exported.out).toContain(`wrote 6 conversations to ${csvFile}`);
    // transcripts hold newlines: read the file as CSV, not by lines
    const lines = parseCsv(readFileSync(csvFile, 'utf8'));
    const toCsv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n';
    expect(lines[0]!.join(',')).toBe(
      'source,conversation_id,agent_id,reviewer_id,understanding,understanding.root_causes,accuracy,accuracy.root_causes,process,process.root_causes,' +
        'clarity,clarity.root_causes,tone_empathy,tone_empathy.root_causes,proactive_guidance,proactive_guidance.root_causes,closure,closure.root_causes,comment,time_spent_s,link,transcript',
    );
    expect(lines[1]![0]).toBe('#accepted');
    // for reading: where to open the conversation, and its public messages in order
    const first = lines[2]!;
    expect(first[20]).toBe(`http://127.0.0.1:5173/conversations/canonical/${first[1]}`);
    const day = Number(first[1]!.split('-')[1]);
    expect(first[21]!.split('\n')).toEqual([
      `[2026-10-0${day} 09:00 customer] my invoice shows the wrong amount`,
      `[2026-10-0${day} 09:05 agent] Hi there, thanks for reaching out! I'm sorry about the invoice. I fixed the amount.`,
      `[2026-10-0${day} 09:06 agent] Is there anything else I can help you with?`,
    ]);
    // grade the first two rows: one perfect, one with a bad rating → nothing imported
    const fill = (line: string[], grades: string[]) => {
      const cells = [...line];
      const at = [4, 6, 8, 10, 12, 14, 16];
      grades.forEach((g, i) => (cells[at[i]!] = g));
      cells[18] = 'fine';
      cells[19] = '120';
      return cells;
    };
    const bad = [
      lines[0]!,
      lines[1]!,
      fill(lines[2]!, ['4', 'pass', 'n/a', '4', '5', 'Done', 'pass']),
      fill(lines[3]!, ['9', 'pass', 'pass', '4', '5', 'Done', 'pass']),
      ...lines.slice(4),
    ];
    writeFileSync(csvFile, toCsv(bad));
    const refused = await run('sample', 'import', id, csvFile);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^parley sample import: nothing imported; fix these rows and import again: .*grades\.csv row 4 \(a\d-\d\): criterion "understanding": "9" is not on its 4-point scale \(use 1, 2, 3, 4\)\n$/,
    );

    const good = [...bad];
    good[3] = fill(lines[3]!, ['2', 'fail', 'pass', '4', '5', 'Done', 'pass']);
    writeFileSync(csvFile, toCsv(good));
    const imported = await run('sample', 'import', id, csvFile);
    expect(imported.out).toBe(`imported 2 reviews into sample ${id}; 4 rows not graded yet\n`);
    // importing the same file again is refused, never overwritten
    const again = await run('sample', 'import', id, csvFile);
    expect(again.code).toBe(1);
    expect(again.err).toContain('was already reviewed');

    expect((await run('build')).code).toBe(0);
    const agent = good[2]![2]!;
    const card = await run('scorecard', agent, '--format', 'json');
    expect(card.code).toBe(0);
    const parsed = JSON.parse(card.out)[0];
    expect(parsed.months[0]).toMatchObject({ month: '2026-10', conversations: 4 });
    expect(parsed.reviews.length).toBeGreaterThanOrEqual(1);
    const table = await run('scorecard', agent);
    expect(table.out).toContain(`Scorecard of ${agent}`);
    expect(table.out).toContain('tone_empathy');
  });

  it('refusals are one line', async () => {
    const r = await run('scorecard', 'nobody');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('no agent nobody in the scorecards');
    const s = await run('sample', 'create', '--name', 'x', '--cycle', 'c', '--seed', '1', '--reviewers', 'a');
    expect(s.code).toBe(1);
    expect(s.err).toBe('parley sample create: sample spec per_agent: give per_agent (a quota per agent) or size (a total), one of the two\n');
    const size = await run('sample', 'size', '--margin', '5', '--population', '120');
    expect(size.out).toBe('28 reviews give ±5 points at 95% confidence (an assumed sd of 15 points, of 120 conversations)\n');
  });
});
