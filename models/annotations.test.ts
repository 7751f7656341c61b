import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { openWarehouse, type Warehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { TEST_NOW } from '../testing/clock.js';
import { addAnnotation, AnnotationError, listAnnotations, loadAnnotations, removeAnnotation } from './annotations.js';
import { parseConfig } from './config.js';
import { writeAnnotationTable } from './config-annotations.js';

const CONFIG = `
annotations:
  - { date: 2026-03-09, label: Release 4.2, kind: release }
  - { date: 2026-10-14, label: Chat outage, kind: outage, channel: chat }
  - { date: 2026-11-01, label: New refund policy, kind: policy, team: Billing }
  - { date: 2024-01-05, label: Too early }
`;

let db: Warehouse;
beforeAll(async () => {
  db = await openWarehouse(':memory:');
  await writeAnnotationTable(db, parseConfig(parseYaml(CONFIG)).annotations);
  // October's top rise is 3× what was expected (an incident); November's is 1.5× and September's is second in its month
  await db.run(`create table insight_emerging as select * from (values
    ('2026-10', 1, 'refund delay', 3.0), ('2026-11', 1, 'app crash', 1.5), ('2026-09', 2, 'password', 4.0)
  ) t(month, rank, label, ratio)`);
});
afterAll(() => db.close());

describe('annotations', () => {
  it('read from the config: an unquoted YAML date is its day, kind defaults to other, a bad date names the fix', () => {
    const [first, , , last] = parseConfig(parseYaml(CONFIG)).annotations;
    expect(first).toEqual({ date: '2026-03-09', label: 'Release 4.2', kind: 'release' });
    expect(last?.kind).toBe('other');
    expect(() => parseConfig({ annotations: [{ date: '9 March', label: 'x' }] })).toThrow('annotations.0.date: write the date as YYYY-MM-DD');
    expect(() => parseConfig({ annotations: [{ date: '2026-03-09', label: 'x', kind: 'launch' }] })).toThrow(/kind is one of release, outage, policy, incident, other/);
  });

  it('are the configured dates of the period and each month’s top emerging topic when it is at least twice the expected', async () => {
    const all = await loadAnnotations(db, { from: '2025-12-01', to: '2026-11-30' });
    expect(all).toEqual([
      { date: '2026-03-09', label: 'Release 4.2', kind: 'release' },
      { date: '2026-10-01', label: 'Rising: refund delay', kind: 'incident' },
      { date: '2026-10-14', label: 'Chat outage', kind: 'outage' },
      { date: '2026-11-01', label: 'New refund policy', kind: 'policy' },
    ]);
  });

  it('of a team or channel show on its views and on unfiltered ones, not on another team’s or channel’s', async () => {
    const email = await loadAnnotations(db, { from: '2026-10-01', to: '2026-11-30', channel: 'email', team: 'Support' });
    expect(email.map((a) => a.label)).toEqual(['Rising: refund delay']);
    const billingChat = await loadAnnotations(db, { from: '2026-10-01', to: '2026-11-30', channel: 'chat', team: 'Billing' });
    expect(billingChat.map((a) => a.label)).toEqual(['Rising: refund delay', 'Chat outage', 'New refund policy']);
  });
});

describe('annotations entered on the dashboard', () => {
  it('are checked like configured ones, listed with who entered them, drawn like them, and removable', async () => {
    const w = await openWarehouse(':memory:');
    try {
      await migrate(w, undefined, TEST_NOW);
      await writeAnnotationTable(w, parseConfig({ annotations: [{ date: '2026-03-09', label: 'Release 4.2', kind: 'release' }] }).annotations);
      // an empty team or channel (the form's "every team") is no team
      const id = await addAnnotation(w, { date: '2026-11-20', label: 'Black Friday', kind: 'other', team: '', channel: 'chat' }, 'sup', TEST_NOW);
      await expect(addAnnotation(w, { date: '20 Nov', label: 'x' }, 'sup', TEST_NOW)).rejects.toThrow('date: write the date as YYYY-MM-DD');
      await expect(addAnnotation(w, { date: '2026-11-20', label: '' }, 'sup', TEST_NOW)).rejects.toBeInstanceOf(AnnotationError);
      expect(await listAnnotations(w)).toEqual([
        { source: 'dashboard', id, date: '2026-11-20', label: 'Black Friday', kind: 'other', team: null, channel: 'chat', createdBy: 'sup' },
        { source: 'config', id: null, date: '2026-03-09', label: 'Release 4.2', kind: 'release', team: null, channel: null, createdBy: null },
      ]);
      expect(await loadAnnotations(w, { from: '2026-01-01', to: '2026-12-31', channel: 'chat' })).toEqual([
        { date: '2026-03-09', label: 'Release 4.2', kind: 'release' },
        { date: '2026-11-20', label: 'Black Friday', kind: 'other' },
      ]);
      expect((await loadAnnotations(w, { from: '2026-01-01', to: '2026-12-31', channel: 'email' })).map((a) => a.label)).toEqual(['Release 4.2']);
      expect(await removeAnnotation(w, id)).toBe(true);
      expect(await removeAnnotation(w, id)).toBe(false);
      expect((await listAnnotations(w)).map((a) => a.label)).toEqual(['Release 4.2']);
    } finally {
      w.close();
    }
  });
});
