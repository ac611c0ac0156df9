import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossWorkerCuts, hostedStages, hostRanges, placeStages, spillTraffic } from '../../../compiler/cost/stage-placement.js';

test('stages go one per worker, are cut again when fewer, bigger stages fit, and spill only when they do not', () => {
  assert.deepEqual(placeStages(2, 1, 4), { how: 'spread', stages: 2, hosted: [1, 1] });
  // 4 stages planned on 2 workers; 2 stages fit a worker's memory: cut into 2, nothing swaps.
  assert.deepEqual(placeStages(4, 2, 2), { how: 'recut', stages: 2, hosted: [1, 1] });
  // 4 needed: keep 4, two per worker.
  assert.deepEqual(placeStages(4, 4, 2), { how: 'spill', stages: 4, hosted: [2, 2] });
  assert.deepEqual(placeStages(5, 3, 2), { how: 'spill', stages: 5, hosted: [3, 2] });
  assert.deepEqual(placeStages(3, 3, 1), { how: 'spill', stages: 3, hosted: [3] });
  assert.deepEqual(hostedStages(7, 3), [3, 2, 2]);
  assert.deepEqual(hostRanges([3, 2, 2]), [[0, 3], [3, 5], [5, 7]]);
  assert.deepEqual(crossWorkerCuts([3, 2, 2]), [2, 4], 'after stage 2 and stage 4');
});

test('spill traffic: 2 swaps per mini-batch per stage beyond a worker\'s first', () => {
  const states = [0, 1, 2, 3].map(() => ({ fresh: 100, trained: 100, grads: 10 }));
  const run = { states, configurations: 1, epochs: 1, scoringBatches: 0, deferredGradients: false };
  // Nothing hosted twice: nothing moves.
  assert.deepEqual(spillTraffic({ ...run, hosted: [1, 1, 1, 1], steps: 10 }), { spilled: 0, loaded: 0 });
  // 2 stages per worker, 10 steps: per worker the build spills 1 stage, each step swaps twice, writing the parts once.
  assert.deepEqual(spillTraffic({ ...run, hosted: [2, 2], steps: 10 }), { spilled: 2 * (100 + 21 * 100), loaded: 2 * 21 * 100 });
  // Global-norm clipping: the second stage's gradients out and back every step.
  assert.deepEqual(spillTraffic({ ...run, hosted: [2, 2], steps: 10, deferredGradients: true }), { spilled: 2 * (100 + 21 * 100 + 10 * 10), loaded: 2 * (21 * 100 + 10 * 10) });
  // Twice the trials, twice the bytes; held-out batches add a pass up the stages (and back down before the next).
  const one = spillTraffic({ ...run, hosted: [2, 2], steps: 10, scoringBatches: 3 });
  assert.deepEqual(spillTraffic({ ...run, hosted: [2, 2], steps: 10, scoringBatches: 3, configurations: 2 }), { spilled: 2 * one.spilled, loaded: 2 * one.loaded });
  assert.equal(one.loaded - 2 * 20 * 100, 2 * (1 + 2 * 2 + 1) * 100, 'up, then down and up twice, then down to write the parts');
});
