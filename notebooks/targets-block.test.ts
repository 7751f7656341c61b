import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizon } from '../testing/fixtures.js';
import { monthOfConversations } from '../testing/month-fixtures.js';
import { testWarehouse, type TestWarehouse } from '../testing/warehouse.js';
import { renderTargetsBlock } from './targets-block.js';
import path from 'node:path';
import { loadNotebook, NOTEBOOKS_DIR, renderNotebook } from './index.js';

let w: TestWarehouse;
beforeAll(async () => {
  // November: 10 conversations, 3 escalated (FCR 7 of 10 = 70%), first responses 1…10 minutes (median 5m 30s)
  const records = [...monthOfConversations('2026-11', { escalated: 3 }), horizon('2026-11-30T23:00:00Z')];
  w = await testWarehouse({
    records,
    build: {
      targets: [
        { metric: 'fcr_rate', value: '80%' },
        { metric: 'first_response_s', value: '10m' },
        { metric: 'csat_rate', value: '90%', month: '2026-10' },
      ],
    },
  });
});
afterAll(() => w.close());

describe('the targets block', () => {
  it('holds each target against the month in a sentence: met or missed, by how much', async () => {
    const html = await renderTargetsBlock(w.db, '2026-11');
    expect(html).toContain('<li class="nb-bad nb-missed">FCR rate 70.0% against a target of 80.0%: missed by 10.0 pts.</li>');
    // lower is better: 5m 30s is 4m 30s inside the 10m target
    expect(html).toContain('<li class="nb-good nb-met">First response time 5m 30s against a target of 10m: met, 4m 30s below.</li>');
    // October's own CSAT target is not November's
    expect(html).not.toContain('CSAT');
  });

  it('is in the monthly report', async () => {
    const notebook = await loadNotebook(path.join(NOTEBOOKS_DIR, 'monthly-report.md'));
    const { html } = await renderNotebook(w.db, notebook, { month: '2026-11' });
    expect(html).toContain('Against target');
    expect(html).toContain('FCR rate 70.0% against a target of 80.0%: missed by 10.0 pts.');
  });
});
