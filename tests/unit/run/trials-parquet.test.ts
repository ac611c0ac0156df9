import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { addUnit, newTrial } from '../../../runtime/run/trial-book.js';
import { writeTrialsTable } from '../../../runtime/run/trials-table.js';
import { scratchDir } from '../../helpers.js';

test('trials.parquet holds the CSV rows with typed columns: whole numbers BIGINT, others DOUBLE, text VARCHAR, nulls kept', async () => {
  const dir = scratchDir('dlc-trials-parquet-');
  try {
    const t = newTrial(2, { act: 'relu,x', units: 64, lr: 0.01 }, 1, 32, 1);
    addUnit(t, { metrics: { loss: 0.25 }, validation: { loss: 0.5 }, examples: 10, seconds: 1.5, checkpoint: 'c', bytesMoved: 0 }, true);
    t.outcome = 'completed';
    const pending = newTrial(3, { act: 'tanh', units: 8, lr: 0.1 }, 1, 32, 1);
    await writeTrialsTable(dir, 'search', { trials: [t, pending] });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const file = join(dir, 'trials.parquet').replace(/'/g, "''");
      const types = await (await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`)).getRowObjectsJS();
      const typeOf = Object.fromEntries(types.map((r) => [r.column_name, r.column_type]));
      assert.equal(typeOf.trial, 'BIGINT');
      assert.equal(typeOf.param_units, 'BIGINT');
      assert.equal(typeOf.param_lr, 'DOUBLE');
      assert.equal(typeOf.param_act, 'VARCHAR');
      assert.equal(typeOf.loss, 'DOUBLE');
      const rows = await (await connection.runAndReadAll(`SELECT trial, status, param_act, param_units, epoch, loss, val_loss FROM read_parquet('${file}') ORDER BY trial`)).getRowObjectsJS();
      assert.deepEqual(rows, [
        { trial: 2n, status: 'completed', param_act: 'relu,x', param_units: 64n, epoch: 1n, loss: 0.25, val_loss: 0.5 },
        { trial: 3n, status: 'running', param_act: 'tanh', param_units: 8n, epoch: null, loss: null, val_loss: null },
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
