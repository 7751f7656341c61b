/**
 * Where a load's time goes, chunk by chunk (issue 21): loads one canonical
 * file into a fresh warehouse under `--memory-limit` (default 2GB, the
 * ingest command's), and prints every statement of the loader that takes
 * longer than `--over` seconds (default 0.2) with the chunk it belongs to,
 * its wall and CPU seconds (the whole process: DuckDB's threads included),
 * DuckDB's memory and temporary-file bytes after it; then per chunk the
 * wall and CPU seconds from its first line read to the next chunk's, and the
 * commit. A cost that grows with the warehouse shows as a statement or a
 * chunk whose seconds climb from the first chunk to the last.
 *
 *   node --import tsx bench/ingest-chunks.ts bench/data/canonical-1000000-7/conversations.jsonl
 *   node --import tsx bench/ingest-chunks.ts FILE --db /tmp/x.duckdb --memory-limit 4GB --over 0.5
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openWarehouse, type Params } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { loadFiles } from '../ingest/load.js';
import { fmt } from './measure.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { db: { type: 'string' }, 'memory-limit': { type: 'string' }, over: { type: 'string' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: node --import tsx bench/ingest-chunks.ts FILE [--db PATH] [--memory-limit SIZE] [--over SECONDS]');
const dbFile = path.resolve(values.db ?? 'bench/data/ingest-chunks.duckdb');
const over = Number(values.over ?? 0.2);
// a fixed moment for the "future timestamp" rule: the bench data are generated before it
const now = new Date('2026-12-01T00:00:00Z');

for (const f of [dbFile, `${dbFile}.wal`]) rmSync(f, { force: true });
const db = await openWarehouse(dbFile);
await migrate(db, undefined, now);
await db.run(`set memory_limit = '${values['memory-limit'] ?? '2GB'}'`);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const started = performance.now();
const wall = () => (performance.now() - started) / 1000;
let chunk = 0;
const chunkStarts: { wall: number; cpu: number }[] = [{ wall: 0, cpu: cpu() }];

// every statement the loader sends goes through the connection's run (the transaction's commit too)
const connection = db.connection;
const run = connection.run.bind(connection);
connection.run = (async (sql: string, params?: Params) => {
  const [w, c] = [wall(), cpu()];
  try {
    return await run(sql, params as never);
  } finally {
    const [dw, dc] = [wall() - w, cpu() - c];
    if (dw > over || /^\s*commit/i.test(sql)) {
      const mem = await connection.runAndReadAll(
        'select (select sum(memory_usage_bytes) from duckdb_memory()) as m, (select coalesce(sum(size), 0) from duckdb_temporary_files()) as t',
      );
      const [m, t] = mem.getRows()[0]!.map(Number) as [number, number];
      console.log(
        `chunk ${chunk}  ${fmt(dw, 2)} s  cpu ${fmt(dc, 2)} s  memory ${fmt(m / 2 ** 20, 0)} MiB  temp ${fmt(t / 2 ** 20, 0)} MiB  ${sql.replace(/\s+/g, ' ').trim().slice(0, 70)}`,
      );
    }
  }
}) as typeof connection.run;

const summary = await loadFiles(db, [{ file }], {
  now,
  onProgress: (p) => {
    if (p.phase !== 'checking') return;
    chunk++;
    chunkStarts.push({ wall: wall(), cpu: cpu() });
  },
});
chunkStarts.push({ wall: wall(), cpu: cpu() });
const closing = [wall(), cpu()] as const;
db.close();
console.log(`\n${summary.read} records in ${chunk} chunks`);
for (let i = 1; i < chunkStarts.length; i++) {
  const [a, b] = [chunkStarts[i - 1]!, chunkStarts[i]!];
  const what = i === chunkStarts.length - 1 ? `chunk ${chunk}'s write, the load log and the commit` : i === 1 ? 'reading chunk 1' : `chunk ${i - 1} written, chunk ${i} read`;
  console.log(`${what}: ${fmt(b.wall - a.wall, 2)} s, cpu ${fmt(b.cpu - a.cpu, 2)} s`);
}
console.log(`close: ${fmt(wall() - closing[0], 2)} s, cpu ${fmt(cpu() - closing[1], 2)} s; total ${fmt(wall(), 1)} s, cpu ${fmt(cpu(), 1)} s`);
