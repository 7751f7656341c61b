/**
 * CSV formula injection (issue 20, item 13): every CSV Parley writes makes a
 * text cell that a spreadsheet would run as a formula inert with a leading
 * `'` (OWASP), leaves numbers as numbers, and `sample import` reads its own
 * export back to the original ids.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parley } from '../testing/cli.js';
import { agent, assign, conversation, customer, horizon, on, status } from '../testing/fixtures.js';
import { testWarehouse } from '../testing/warehouse.js';
import { addReviewers } from '../testing/scorecards.js';
import { parseCsv } from '../scorecards/csv.js';

const TEAM = "+cmd|' /C calc'!A0";
const CUSTOMER = '=2+5';
const AGENT = '=HYPERLINK("http://evil.example","x")';
const CONVERSATION = '@c1';

let dir: string;
let db: string;
const run = (...argv: string[]) => parley(...argv, '--db', db);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-csv-safety-'));
  db = path.join(dir, 'w.duckdb');
  const at = on('2026-10-06');
  const w = await testWarehouse({
    path: db,
    records: [
      conversation(CONVERSATION, [customer(at('09:00')), assign(at('09:01'), { agent_id: AGENT, team: TEAM }), agent(at('09:05'), AGENT), status(at('09:10'), 'resolved')], {
        customer: CUSTOMER,
      }),
      horizon('2026-12-31T00:00:00Z'),
    ],
    now: new Date('2027-01-15T00:00:00Z'),
    build: true,
  });
  await addReviewers(w.db, ['ana']);
  w.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CSV cells that a spreadsheet would run as formulas', () => {
  it('metrics conversations --format csv writes them with a leading quote', async () => {
    const r = await run('metrics', 'conversations', '--format', 'csv');
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsvRaw(r.out);
    const row = rows.find((cells) => cells[header!.indexOf('conversation_id')] === `'${CONVERSATION}`)!;
    expect(row).toBeDefined();
    expect(row[header!.indexOf('customer_id')]).toBe(`'${CUSTOMER}`);
    expect(row[header!.indexOf('team')]).toBe(`'${TEAM}`);
    expect(row[header!.indexOf('owner_agent')]).toBe(`'${AGENT}`);
    // the raw text: the quoted cell keeps its doubled quotes after the inert prefix
    expect(r.out).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  });

  it('metrics summary --by team --format csv escapes the team', async () => {
    const r = await run('metrics', 'summary', '--by', 'team', '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').some((line) => line.startsWith(`'${TEAM},`))).toBe(true);
    expect(r.out).not.toMatch(/^\+cmd/m);
  });

  it('sql --format csv: numbers stay numbers, text that starts like a formula is escaped, tab and CR too', async () => {
    const r = await run('sql', "select -3 as n, '-3' as t, 1.5 as x, '@SUM(A1)' as a, chr(9) || 'x' as tab, chr(13) || 'y' as cr, 'plain' as p", '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`n,t,x,a,tab,cr,p\n-3,'-3,1.5,'@SUM(A1),'\tx,"'\ry",plain\n`);
  });

  it('sample export escapes the ids, and sample import reads its own export back to the original ids', async () => {
    const created = await run('sample', 'create', '--name', 'Oct', '--cycle', '2026-10', '--seed', '7', '--per-agent', '1', '--reviewers', 'ana', '--json');
    expect(created.err).toBe('');
    const id = JSON.parse(created.out).sample.sample_id as string;
    const file = path.join(dir, 'grades.csv');
    expect((await run('sample', 'export', id, '--out', file)).code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[2]!.startsWith(`canonical,'${CONVERSATION},"'=HYPERLINK(""http://evil.example"",""x"")",ana,`)).toBe(true);
    const cells = parseCsvRaw(lines[2]!)[0]!;
    const header = lines[0]!.split(',');
    const grades: Record<string, string> = { understanding: '4', accuracy: 'pass', process: 'pass', clarity: '4', tone_empathy: '5', proactive_guidance: 'Done', closure: 'pass' };
    for (const [criterion, rating] of Object.entries(grades)) cells[header.indexOf(criterion)] = rating;
    const filled = [lines[0], lines[1], cells.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')].join('\n') + '\n';
    writeFileSync(file, filled);
    const imported = await run('sample', 'import', id, file);
    expect(imported.err).toBe('');
    expect(imported.out).toBe(`imported 1 reviews into sample ${id}\n`);
    const review = await run('sql', 'select conversation_id, agent_id from qa_reviews', '--format', 'json');
    expect(JSON.parse(review.out)).toEqual([{ conversation_id: CONVERSATION, agent_id: AGENT }]);
    expect(parseCsv(lines[2]!)[0]!.slice(1, 3)).toEqual([CONVERSATION, AGENT]);
  });
});

/** RFC 4180 cells as written (quotes undone, the inert `'` kept): what a spreadsheet would be given. */
function parseCsvRaw(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}
