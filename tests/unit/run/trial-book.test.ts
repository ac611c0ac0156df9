import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUnit, earlyStoppingOf, finalMetrics, newTrial } from '../../../runtime/run/trial-book.js';
import { toCsv, trialRows } from '../../../runtime/run/trials-table.js';
import { visitLogFromEvents } from '../../../runtime/run/visit-log.js';
import type { RunEvent } from '../../../runtime/events/types.js';

const unit = (loss: number, examples: number, validation?: Record<string, number>) => ({ metrics: { loss, accuracy: 1 - loss }, ...(validation ? { validation } : {}), examples, seconds: 1, checkpoint: 'c', bytesMoved: 10 });

test('epoch metrics average the units by examples and take validation from the closing unit', () => {
  const t = newTrial(0, { lr: 0.1 }, 3, 32, 1);
  assert.equal(addUnit(t, unit(0.5, 100), false).epoch, undefined);
  const { epoch } = addUnit(t, unit(0.2, 300, { loss: 0.4, accuracy: 0.7 }), true);
  assert.ok(epoch);
  assert.equal(epoch.epoch, 1);
  assert.ok(Math.abs(epoch.metrics.loss! - (0.5 * 100 + 0.2 * 300) / 400) < 1e-12);
  assert.equal(epoch.metrics.val_accuracy, 0.7);
  assert.equal(t.bytesMoved, 20);
  assert.deepEqual(finalMetrics(t), epoch.metrics);
});

test('early stopping follows Keras: patience counts epochs without improvement beyond min_delta', () => {
  const rule = earlyStoppingOf({ monitor: 'val_loss', patience: 2 })!;
  assert.equal(rule.mode, 'min');
  const t = newTrial(0, {}, 10, 32, 1);
  const losses = [1.0, 0.8, 0.81, 0.79, 0.85, 0.9];
  const stops = losses.map((l) => addUnit(t, unit(0.1, 1, { loss: l }), true, rule).stop);
  assert.deepEqual(stops, [false, false, false, false, false, true]);
  assert.equal(earlyStoppingOf({ monitor: 'val_accuracy' })!.mode, 'max');
  assert.equal(earlyStoppingOf(undefined), undefined);
});

test('trials table: one row per trial and epoch; CSV quotes what needs quoting', () => {
  const t = newTrial(2, { act: 'relu,x', units: 64 }, 1, 32, 1);
  addUnit(t, unit(0.3, 10, { loss: 0.2 }), true);
  t.outcome = 'completed';
  const rows = trialRows('search', { trials: [t, newTrial(3, { act: 'tanh', units: 8 }, 1, 32, 1)] });
  assert.equal(rows.length, 2);
  const csv = toCsv(rows);
  assert.match(csv.split('\n')[0]!, /^node,trial,status,param_act,param_units,epoch,seconds,loss,accuracy,val_loss$/);
  assert.match(csv, /"relu,x"/);
  assert.match(csv.split('\n')[2]!, /^search,3,running,tanh,8,,,,,$/);
});

test('visit log from events: every handed-out unit with its outcome, in seq order', () => {
  const time = 't';
  const events: RunEvent[] = [
    { type: 'unit_started', time, node: 'n', trial: 0, epoch: 0, partition: 1, worker: 'w1', seq: 1 },
    { type: 'unit_started', time, node: 'n', trial: 1, epoch: 0, partition: 0, worker: 'w0', seq: 0 },
    { type: 'unit_finished', time, node: 'n', trial: 1, epoch: 0, partition: 0, worker: 'w0', seq: 0, status: 'completed' },
    { type: 'unit_finished', time, node: 'n', trial: 0, epoch: 0, partition: 1, worker: 'w1', seq: 1, status: 'lost' },
  ];
  assert.deepEqual(
    visitLogFromEvents(events).map((e) => `${e.seq}:${e.worker}:${e.outcome}`),
    ['0:w0:completed', '1:w1:lost'],
  );
});
