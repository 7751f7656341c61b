/**
 * Test harness for the adapters: an in-memory warehouse, an adapter's
 * prepare + the real loader, and (optionally) the models built.
 *
 * @example
 *   const w = await adapterWarehouse(twcsAdapter, [file], { build: true });
 *   const rows = await w.db.all('select * from conversation_metrics');
 *   w.close();
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWarehouse, type Warehouse } from '../../../warehouse/connection.js';
import { migrate } from '../../../warehouse/migrate.js';
import { loadFiles, type LoadSummary } from '../../load.js';
import { buildModels } from '../../../models/build.js';
import { parseConfig } from '../../../models/config.js';
import type { Adapter, PrepareOptions } from '../types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** A real export from the shared data folder beside the repository. */
export const sharedData = (...parts: string[]) => path.resolve(repoRoot, '../shared/data', ...parts);
/** A hand-written fixture of the adapters. */
export const fixture = (...parts: string[]) => path.resolve(repoRoot, 'ingest/adapters/fixtures', ...parts);

export interface AdapterWarehouse {
  db: Warehouse;
  load: LoadSummary;
  quarantine(): Promise<{ file: string; line: number; reason: string; raw: string }[]>;
  /** The canonical conversation as stored, messages and events in order. */
  conversation(id: string): Promise<{ messages: Record<string, unknown>[]; events: Record<string, unknown>[]; conversation: Record<string, unknown> }>;
  close(): void;
}

export async function adapterWarehouse(
  adapter: Adapter,
  paths: string[],
  options: PrepareOptions & { build?: boolean; now?: Date } = {},
): Promise<AdapterWarehouse> {
  const db = await openWarehouse(':memory:');
  await migrate(db);
  const prepared = await adapter.prepare(db, paths, options);
  let load: LoadSummary;
  try {
    load = await loadFiles(db, prepared.inputs, options.now ? { now: options.now } : {});
  } finally {
    await prepared.cleanup();
  }
  if (options.build) await buildModels(db, parseConfig({}));
  return {
    db,
    load,
    quarantine: () => db.all('select file, line, reason, raw from quarantine order by file, line'),
    async conversation(id) {
      const conversation = (await db.one('select * from raw_conversations where conversation_id = $1', [id]))!;
      const messages = await db.all('select * from raw_messages where conversation_id = $1 order by seq', [id]);
      const events = await db.all('select * from raw_events where conversation_id = $1 order by seq', [id]);
      return { conversation, messages, events };
    },
    close: () => db.close(),
  };
}
