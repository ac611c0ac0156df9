#!/usr/bin/env node
// DuckDB's side of the whole-pipeline join benchmark, as a process of its own (what a user of DuckDB from
// Node would run): open an in-memory database with THREADS threads, run the two-join query over the
// Parquet files and write the result as Parquet, then fsync it as dlc's export does (a file that is
// whole once the step says so). Prints {"openMs", "queryMs", "fsyncMs"} as JSON.
//
//   node bench/lib/duck-join.mjs LEFT RIGHT DIM OUT THREADS
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [left, right, dim, out, threads] = process.argv.slice(2);
if (!threads) {
  process.stderr.write('usage: duck-join.mjs LEFT RIGHT DIM OUT THREADS\n');
  process.exit(2);
}
/** The pipeline of the benchmark's spec: facts joined to users on k, then to the dimension on c. */
const PIPELINE_SQL = (l, r, d) =>
  `SELECT f.id, f.k, f.v, f.c, u.name, u.w, d.label, d.weight FROM read_parquet('${l}') f JOIN read_parquet('${r}') u ON f.k = u.k JOIN read_parquet('${d}') d ON f.c = d.c`;

const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await instance.connect();
const t1 = performance.now();
await conn.run(`COPY (${PIPELINE_SQL(left, right, dim)}) TO '${out}' (FORMAT parquet)`);
const t2 = performance.now();
const fd = openSync(out, 'r');
fsyncSync(fd);
closeSync(fd);
const t3 = performance.now();
conn.closeSync();
process.stdout.write(`${JSON.stringify({ openMs: t1 - t0, queryMs: t2 - t1, fsyncMs: t3 - t2 })}\n`);
