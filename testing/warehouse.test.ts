import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agent, conversation, customer, on } from './fixtures.js';
import { repoRoot } from './paths.js';
import { testWarehouse } from './warehouse.js';

const at = on('2026-10-06');

/** Every source file outside testing/, tests/ and the *.test.ts files. */
function productionFiles(dir = repoRoot): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || ['node_modules', 'build', 'testing', 'tests'].includes(entry.name)) return [];
      return productionFiles(full);
    }
    return /\.(ts|js|svelte)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [full] : [];
  });
}

describe('testWarehouse', () => {
  it('loads canonical records and builds the models when asked', async () => {
    const w = await testWarehouse({ records: [conversation('c1', [customer(at('09:00')), agent(at('09:05'))])], build: true, now: new Date('2026-11-01T00:00:00Z') });
    try {
      expect(w.load).toMatchObject({ read: 1, loaded: 1, quarantined: 0 });
      expect((await w.metrics('c1')).first_response_s).toBe(300);
    } finally {
      w.close();
    }
  });

  it('with nothing to load is an empty, migrated warehouse', async () => {
    const w = await testWarehouse();
    try {
      expect(w.load).toMatchObject({ files: 0, loaded: 0 });
      expect(await w.db.one('select count(*) as n from raw_conversations')).toEqual({ n: 0 });
    } finally {
      w.close();
    }
  });
});

describe('testing/', () => {
  it('is imported by tests only, never by production code', () => {
    const importers = productionFiles().filter((file) => /from\s+['"](\.\.?\/)+testing\//.test(readFileSync(file, 'utf8')));
    expect(importers.map((file) => path.relative(repoRoot, file))).toEqual([]);
  });
});
