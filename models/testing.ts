/**
 * Test harness: an in-memory warehouse loaded with hand-written canonical
 * records through the real loader, with the models built. Used by the
 * model tests, which state their expected values by hand from spec/metrics.md.
 *
 * @example
 *   const w = await warehouseWith([conversation]);
 *   expect((await w.metrics('c1')).first_response_s).toBe(300);
 *   w.close();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWarehouse, type Row, type Warehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { loadFiles, type LoadSummary } from '../ingest/load.js';
import { buildModels } from './build.js';
import { parseConfig, type ConfigInput } from './config.js';
import { summarySql, type Dimension } from './summary.js';

export interface TestWarehouse {
  db: Warehouse;
  load: LoadSummary;
  /** The conversation_metrics row of one conversation. */
  metrics(conversationId: string, source?: string): Promise<Row>;
  /** The summary grouped by `dims`. */
  summary(dims?: Dimension[]): Promise<Row[]>;
  close(): void;
}

export interface WarehouseWithOptions {
  config?: ConfigInput;
  agents?: object[];
  /** The moment of the load (default: now). */
  now?: Date;
}

export async function warehouseWith(records: readonly object[], options: WarehouseWithOptions = {}): Promise<TestWarehouse> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-test-'));
  const files = [path.join(dir, 'conversations.jsonl')];
  writeFileSync(files[0]!, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  if (options.agents) {
    files.push(path.join(dir, 'agents.jsonl'));
    writeFileSync(files[1]!, options.agents.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
  const db = await openWarehouse(':memory:');
  await migrate(db);
  const load = await loadFiles(db, files.map((file) => ({ file })), options.now ? { now: options.now } : {});
  rmSync(dir, { recursive: true, force: true });
  await buildModels(db, parseConfig(options.config ?? {}));
  return {
    db,
    load,
    async metrics(conversationId, source = 'canonical') {
      const row = await db.one('select * from conversation_metrics where conversation_id = $1 and source = $2', [conversationId, source]);
      if (!row) throw new Error(`no conversation ${source}/${conversationId} in conversation_metrics (quarantined? ${JSON.stringify(await db.all('select line, reason from quarantine'))})`);
      return row;
    },
    summary: (dims = []) => db.all(summarySql(dims)),
    close: () => db.close(),
  };
}
