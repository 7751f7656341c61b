/**
 * The reports' caveats (models/caveats.ts, the rule the dashboard's tiles
 * follow too): a figure hidden for too few reviews or conversations says so
 * under its comparison or table, and a report whose figures rest on
 * resolutions, in a month where most were inferred, says so above it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mostlyInferredOctober } from '../testing/records.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { loadNotebook, NOTEBOOKS_DIR, parseNotebook, renderNotebook } from './index.js';

// October 2026: 18 conversations without status events (resolved by inference, the data running on
// to 20 October) and 2 resolved by a status event — 18 of 20 resolutions inferred.
let w: TestWarehouse;
beforeAll(async () => {
  w = await testWarehouse({ records: mostlyInferredOctober(), build: true });
});
afterAll(() => w?.close());

const NOTEBOOK = `---
title: Caveats
params:
  month: { type: month, default: latest }
---

\`\`\`sql quality
select * from (values ('2026-10', 5, null::double), ('2026-09', 12, 81.5)) t(month, reviews, qa_score_mean)
\`\`\`

\`\`\`compare
data: quality
by: month
current: month
against:
  previous month: month_previous
metrics: [reviews, qa_score_mean]
layout: table
\`\`\`

\`\`\`sql agents
select * from (values ('Ana', 12, 84.0), ('Ben', 3, null::double)) t(agent, reviews, qa_score_mean)
\`\`\`

\`\`\`table
data: agents
\`\`\`
`;

const NOTE_5 = '<p class="nb-note nb-caveat-note">5 reviews: fewer than 10 reviews hide a score.</p>';
const NOTE_TABLE = `<p class="nb-note nb-caveat-note">&quot;–&quot; where fewer than 10 reviews stand behind a figure: too few to judge (the catalogue&#39;s minimum sample).</p>`;
const INFERRED =
  '<div class="nb-caveat" role="note"><strong>Caveat for October 2026:</strong> 90.0% of these 20 resolutions are inferred: the export has no status events, so a conversation counts as resolved at its last reply. ' +
  'Re-opens cannot be seen there, so first contact resolution reads high and the re-open rate low.</div>';

describe('a report', () => {
  it('says that fewer than 10 reviews hide a score, under the comparison and under the table', async () => {
    const { html, errors } = await renderNotebook(w.db, parseNotebook(NOTEBOOK, 'caveats'), { month: '2026-10' });
    expect(errors).toEqual([]);
    expect(html).toContain(NOTE_5);
    expect(html).toContain(NOTE_TABLE);
    // none of its figures rests on resolutions: no inferred-resolution caveat
    expect(html).not.toContain('<div class="nb-caveat"');
  });

  it('says why a rate shows "–" in a row of enough conversations: too few survey answers', async () => {
    const nb = `---\ntitle: Reasons\n---\n\n\`\`\`sql reasons\nselect * from (values ('billing', 62, 0.5, null::double), ('refund', 40, 0.7, 0.9)) t(intent, conversations, fcr_rate, csat_rate)\n\`\`\`\n\n\`\`\`table\ndata: reasons\n\`\`\`\n`;
    const { html, errors } = await renderNotebook(w.db, parseNotebook(nb, 'reasons'));
    expect(errors).toEqual([]);
    expect(html).toContain(
      `<p class="nb-note nb-caveat-note">&quot;–&quot; where fewer than 10 conversations (for a survey score, fewer than 10 answers) stand behind a figure: too few to judge (the catalogue&#39;s minimum sample).</p>`,
    );
  });

  it('with enough reviews, says nothing', async () => {
    const { html } = await renderNotebook(
      w.db,
      parseNotebook(NOTEBOOK.replace("('2026-10', 5, null::double)", "('2026-10', 10, 80.0)").replace("('Ben', 3, null::double)", "('Ben', 10, 70.0)"), 'caveats'),
      {
        month: '2026-10',
      },
    );
    expect(html).not.toContain('<p class="nb-note nb-caveat-note">');
  });

  it('the monthly report says above its figures that most of the month’s resolutions are inferred', async () => {
    const nb = await loadNotebook(path.join(NOTEBOOKS_DIR, 'monthly-report.md'));
    const { html } = await renderNotebook(w.db, nb, { month: '2026-10' });
    expect(html).toContain(INFERRED);
    expect(html.indexOf(INFERRED)).toBeLessThan(html.indexOf('<h2'));
  });
});
