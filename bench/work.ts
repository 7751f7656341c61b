// One unit of benchmark work, run in its own process by bench/measure.ts;
// prints its own peak memory last.
import { DuckDBInstance } from '@duckdb/node-api';
import { main } from '../cli/main.js';
import { sqlString } from '../ingest/adapters/sql.js';

const [task, ...args] = process.argv.slice(2);

switch (task) {
  case 'parley': {
    // the real command line, in process, so that its memory is this process's
    const code = await main(args);
    if (code !== 0) process.exit(code);
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
// CPU time of every thread of the process (DuckDB's included), in microseconds: on a shared machine less noisy than wall time
process.stdout.write(`cpu_us ${usage.userCPUTime + usage.systemCPUTime}\n`);
process.stdout.write(`maxrss_kib ${usage.maxRSS}\n`);
