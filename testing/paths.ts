/**
 * Where the tests find their inputs: the repository, the real exports in the
 * shared data folder beside it, and the adapters' hand-written fixtures.
 *
 * @example
 *   const w = await testWarehouse({ adapter: twcsAdapter, files: [sharedData('twcs/twcs_head5000.csv')], build: true });
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A real export from the shared data folder beside the repository. */
export const sharedData = (...parts: string[]) => path.resolve(repoRoot, '../shared/data', ...parts);
/** A hand-written fixture of the adapters. */
export const fixture = (...parts: string[]) => path.resolve(repoRoot, 'ingest/adapters/fixtures', ...parts);
