// The same property with partitions of 3 build rows: small tables then take the paths large ones take
// (many partitions per worker, inner parts, row numbers carried for a broadcast's build flags).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDB } from './join-fixtures.js';

process.env.DLC_JOIN_PART_ROWS = '3';
const { stopJoinThreads } = await import('../../../../runtime/relational/join/index.js');
const { checkJoinsAgainstDuckDB } = await import('./join-property-check.js');

let conn: DuckDBConnection;
before(async () => {
  conn = await openDuckDB();
});
after(async () => {
  conn.closeSync();
  await stopJoinThreads();
});

test('with cache-sized parts of 3 rows, every strategy and join type still equals DuckDB', async () => {
  const cases = await checkJoinsAgainstDuckDB(conn, { numRuns: Number(process.env.JOIN_PROPERTY_RUNS ?? 60), seed: Number(process.env.JOIN_PROPERTY_SEED ?? 7), maxRows: 60 });
  assert.ok(cases > 0);
});
