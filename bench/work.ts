// One unit of benchmark work, run in its own process by bench/measure.ts;
// prints its own peak memory last.
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../ingest/adapters/sql.js';

const [task, ...args] = process.argv.slice(2);

switch (task) {
  case 'parley': {
    // the real command line, in process, so that its memory is this process's
    const { main } = await import('../cli/main.js');
    const code = await main(args);
    if (code !== 0) process.exit(code);
    break;
  }
  case 'parley-at': {
    // the command line of another checkout (ROOT), to time the code before a change beside it
    const [root, ...rest] = args as [string, ...string[]];
    const other = (await import(path.resolve(root, 'cli/main.ts'))) as typeof import('../cli/main.js');
    const code = await other.main(rest);
    if (code !== 0) process.exit(code);
    break;
  }
  case 'build-lanes': {
    // one full build with each step's CPU time and single-thread share, and what two lanes could gain (bench/build-lanes.ts)
    const [db, config, memoryLimit] = args as [string, string, string?];
    const { profileBuild } = await import('./build-lanes.js');
    process.stdout.write(await profileBuild(db, config, 2, memoryLimit));
    break;
  }
  case 'duckdb-read-json': {
    // DuckDB's own reader of the same file into a table: the baseline
    const [file, db] = args as [string, string];
    const instance = await DuckDBInstance.create(db);
    const connection = await instance.connect();
    await connection.run(`create or replace table baseline as select * from read_json(${sqlString(file)}, format = 'newline_delimited')`);
    const reader = await connection.runAndReadAll('select count(*) as n from baseline');
    process.stdout.write(`rows ${reader.getRows()[0]![0]}\n`);
    connection.closeSync();
    instance.closeSync();
    break;
  }
  default:
    throw new Error(`unknown task ${task}`);
}
const usage = process.resourceUsage();
process.stdout.write(`cpu_us ${usage.userCPUTime + usage.systemCPUTime}\n`);
process.stdout.write(`maxrss_kib ${usage.maxRSS}\n`);
