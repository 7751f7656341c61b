// Loads the files named on the command line into the warehouse named by
// PARLEY_DB, printing each progress phase on stdout: the crash-safety test
// kills this process at a chosen phase. PARLEY_TEST_CHUNK_BYTES: the loader's chunk size.
import { TEST_NOW } from './clock.js';
import { openWarehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { loadFiles } from '../ingest/load.js';

const db = await openWarehouse(process.env['PARLEY_DB']!);
await migrate(db, undefined, TEST_NOW);
process.stdout.write('opened\n');
const summary = await loadFiles(
  db,
  process.argv.slice(2).map((file) => ({ file })),
  {
    now: TEST_NOW,
    onProgress: (p) => process.stdout.write(`${p.phase} ${p.records}\n`),
    ...(process.env['PARLEY_TEST_CHUNK_BYTES'] ? { chunkBytes: Number(process.env['PARLEY_TEST_CHUNK_BYTES']) } : {}),
  },
);
process.stdout.write(`done ${JSON.stringify({ loaded: summary.loaded })}\n`);
db.close();
