// One unit of benchmark work, run in its own process by bench/measure.ts (which preloads
// bench/report-usage.js to print the process's CPU time and peak memory last). Plain
// JavaScript, loaded without tsx, so that a baseline pays for nothing but itself.
import { DuckDBInstance } from '@duckdb/node-api';

const [task, ...args] = process.argv.slice(2);

switch (task) {
  case 'duckdb-read-json': {
    // DuckDB's own reader of the same file into a table: the baseline
    const [file, db] = args;
    const instance = await DuckDBInstance.create(db);
    const connection = await instance.connect();
    await connection.run("create or replace table baseline as select * from read_json($1, format = 'newline_delimited')", [file]);
    const reader = await connection.runAndReadAll('select count(*) as n from baseline');
    process.stdout.write(`rows ${reader.getRows()[0][0]}\n`);
    connection.closeSync();
    instance.closeSync();
    break;
  }
  default:
    throw new Error(`unknown task ${task}`);
}
