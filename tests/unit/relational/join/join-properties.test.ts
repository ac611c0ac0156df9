// Every strategy x every join type equals DuckDB on random tables (join-property-check.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { stopJoinThreads } from '../../../../runtime/relational/join/index.js';
import { openDuckDB } from './join-fixtures.js';
import { checkJoinsAgainstDuckDB } from './join-property-check.js';

let conn: DuckDBConnection;
before(async () => {
  conn = await openDuckDB();
});
after(async () => {
  conn.closeSync();
  await stopJoinThreads();
});

test('every strategy and join type equals DuckDB on random tables', async () => {
  const cases = await checkJoinsAgainstDuckDB(conn, { numRuns: Number(process.env.JOIN_PROPERTY_RUNS ?? 60), seed: Number(process.env.JOIN_PROPERTY_SEED ?? 20240611), maxRows: 40 });
  assert.ok(cases > 0);
});
