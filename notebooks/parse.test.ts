import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNotebook } from './parse.js';
import { loadNotebook } from './index.js';

const text = `---
title: Test
params:
  month: { type: month, default: latest }
---

# Heading

Some prose with {month}.

\`\`\`sql monthly
select 1 as n
\`\`\`

\`\`\`chart trend
type: line
data: monthly
x: n
y: n
\`\`\`

\`\`\`js
console.log('code stays prose')
\`\`\`
`;

describe('parseNotebook', () => {
  it('reads the front matter and splits prose from sql and chart blocks, with their lines', () => {
    const nb = parseNotebook(text, 'test');
    expect(nb.title).toBe('Test');
    expect(nb.params).toEqual([{ name: 'month', type: 'month', default: 'latest' }]);
    expect(nb.problems).toEqual([]);
    expect(nb.blocks.map((b) => [b.kind, b.line, b.label])).toEqual([
      ['markdown', 7, 'text at line 7'],
      ['sql', 11, 'sql "monthly"'],
      ['chart', 15, 'chart "trend"'],
      ['markdown', 22, 'text at line 22'],
    ]);
  });

  it('marks a chart with a bad option and an unnamed or duplicate query, and keeps going', () => {
    const nb = parseNotebook(
      '---\ntitle: T\n---\n```sql\nselect 1\n```\n```sql a\nselect 1\n```\n```sql a\nselect 2\n```\n```chart\ntype: pie\ndata: a\nx: n\ny: n\n```\n```table\ndata: a\n```\n',
    );
    expect(nb.blocks.map((b) => b.problem)).toEqual([
      'a sql block needs a name: write ```sql my_name',
      undefined,
      'another sql block is already named "a": give each query its own name',
      expect.stringMatching(/^type: Invalid option/),
      undefined,
    ]);
  });

  it('reads requires= on a query', () => {
    const nb = parseNotebook('---\ntitle: T\n---\n```sql q requires=pain_points,qa_reviews\nselect 1\n```\n');
    expect(nb.blocks[0]).toMatchObject({ kind: 'sql', name: 'q', requires: ['pain_points', 'qa_reviews'] });
  });

  it('reports missing or invalid front matter without throwing', () => {
    expect(parseNotebook('# no front matter').problems[0]).toMatch(/no front matter/);
    expect(parseNotebook('---\ntitle: T\nparams:\n  month: { type: week }\n---\n').problems[0]).toMatch(/^front matter: params\.month\.type/);
  });
});

describe('loadNotebook', () => {
  it('keeps the parse of a file whose text is unchanged, and parses an edited file anew', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-load-notebook-'));
    try {
      const file = path.join(dir, 'kept.md');
      writeFileSync(file, text);
      const first = await loadNotebook(file);
      expect(await loadNotebook(file)).toBe(first);
      expect(first).toEqual(parseNotebook(text, 'kept'));
      writeFileSync(file, text.replace('title: Test', 'title: Edited'));
      const edited = await loadNotebook(file);
      expect(edited).not.toBe(first);
      expect(edited.title).toBe('Edited');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
