import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EpochFinished, RunEvent, TrialStarted } from '../../../runtime/events/types.js';
import { visitLogFromEvents } from '../../../runtime/run/visit-log.js';
import { finished, outcomes, runSearch, searchStep } from './search-fixture.js';
import { stepOf } from './stub-backend.js';

const ALGORITHMS: Record<string, Record<string, unknown>> = {
  random: { algorithm: 'random', trials: 5 },
  tpe: { algorithm: 'tpe', trials: 7, startup_trials: 3 },
  hyperband: { algorithm: 'hyperband', max_epochs: 9, eta: 3 },
  asha: { algorithm: 'asha', trials: 8, max_epochs: 9, grace_period: 1, reduction_factor: 3 },
  pbt: { algorithm: 'pbt', trials: 4, interval: 2 },
  'random + median_stop': { algorithm: 'random', trials: 8, median_stop: { grace_period: 1, min_trials: 2 } },
};

/** Each trial trains its model epochs once: units cover [from, to) in order, every partition once per epoch. */
function checkUnits(events: readonly RunEvent[], partitions: number | 'all'): void {
  const starts = new Map(events.flatMap((e) => (e.type === 'trial_started' ? [[e.trial, e] as const] : [])));
  const seen = new Map<number, Map<number, number>>();
  for (const e of events) {
    if (e.type !== 'unit_finished' || e.status !== 'completed') continue;
    const perEpoch = seen.get(e.trial) ?? new Map<number, number>();
    perEpoch.set(e.epoch, (perEpoch.get(e.epoch) ?? 0) + 1);
    seen.set(e.trial, perEpoch);
  }
  const per = partitions === 'all' ? 1 : partitions;
  for (const [trial, perEpoch] of seen) {
    const from = starts.get(trial)?.from_epoch ?? 0;
    const epochs = [...perEpoch.keys()].sort((a, b) => a - b);
    assert.deepEqual(epochs, epochs.map((_, i) => from + i), `trial ${trial} trained epochs ${epochs.join(',')} from ${from}`);
    for (const [epoch, n] of perEpoch) assert.ok(n <= per, `trial ${trial} epoch ${epoch}: ${n} units`);
  }
  const ends = finished(events).map((e) => e.trial);
  assert.equal(new Set(ends).size, ends.length, 'a trial finished twice');
}

for (const [name, search] of Object.entries(ALGORITHMS)) {
  for (const strategy of ['hopper', 'task'] as const) {
    test(`${name} under ${strategy}: every trial ends once, and the results do not depend on timing`, async () => {
      const step = searchStep(search);
      const a = await runSearch(step, { strategy, delaySeed: 1 });
      assert.equal(a.result.status, 'completed', a.result.error);
      checkUnits(a.events, strategy === 'hopper' ? 2 : 'all');
      const b = await runSearch(step, { strategy, delaySeed: 2 });
      assert.deepEqual(outcomes(b.events), outcomes(a.events));
      assert.ok(a.result.best);
    });
  }
}

for (const [name, search] of Object.entries(ALGORITHMS)) {
  test(`${name}: stopped mid-search and resumed, it ends exactly as an uninterrupted run`, async () => {
    const step = searchStep(search);
    const whole = await runSearch(step, { delaySeed: 3 });
    const units = whole.events.filter((e) => e.type === 'unit_finished').length;
    const first = await runSearch(step, { delaySeed: 4, stopAfter: Math.floor(units / 2) });
    assert.equal(first.result.status, 'interrupted');
    const rest = await runSearch(step, { delaySeed: 5, earlier: first.events, runDir: first.runDir });
    assert.equal(rest.result.status, 'completed', rest.result.error);
    const all = [...first.events, ...rest.events];
    checkUnits(all, 2);
    assert.deepEqual(outcomes(all), outcomes(whole.events));
  });
}

test('hyperband: promotions continue the same model as new trials, rung by rung', async () => {
  const run = await runSearch(searchStep({ algorithm: 'hyperband', max_epochs: 9, eta: 3 }));
  const ends = finished(run.events);
  const starts = run.events.filter((e): e is TrialStarted => e.type === 'trial_started');
  // Brackets for R = 9, η = 3: 9 + 5 + 3 configurations at rung 0; 3 + 1 promoted from the first two; 1 more.
  assert.equal(starts.filter((s) => s.rung === 0).length, 17);
  assert.equal(ends.filter((e) => e.status === 'promoted').length, 3 + 1 + 1);
  assert.equal(ends.filter((e) => e.status === 'completed').length, 1 + 1 + 3);
  for (const s of starts.filter((x) => x.parent !== undefined)) {
    const parent = ends.find((e) => e.trial === s.parent)!;
    assert.equal(parent.status, 'promoted');
    assert.deepEqual(s.params, parent.params);
    assert.equal(s.from_epoch, parent.epochs);
  }
  assert.ok(ends.filter((e) => e.status === 'stopped_early').every((e) => e.stopped_by === 'successive_halving'));
});

test('PBT exploit copies the donor\'s checkpoint: the new trial\'s first metrics continue from the donor\'s', async () => {
  const run = await runSearch(searchStep({ algorithm: 'pbt', trials: 4, interval: 2, quantile: 0.25 }), { partitions: 2 });
  const ends = finished(run.events);
  const exploits = run.events.filter((e): e is TrialStarted => e.type === 'trial_started' && e.inherit === 'exploit');
  assert.equal(exploits.length, 2, 'one exploit per generation boundary (4 members, quantile 0.25, 6 epochs every 2)');
  for (const child of exploits) {
    const donor = ends.find((e) => e.trial === child.parent)!;
    const replaced = ends.find((e) => e.trial === child.trial - 4)!;
    assert.equal(replaced.status, 'stopped_early');
    assert.equal(replaced.stopped_by, 'pbt');
    assert.ok(donor.objective.value! > replaced.objective.value!, 'the donor was the better member');
    // Weights and optimizer state come as a byte copy of the donor's last checkpoint.
    const firstTask = run.backend.tasks.find((t) => t.trial === child.trial)!;
    assert.match(firstTask.checkpointIn!, new RegExp(`from-trial-${donor.trial}\\.ckpt$`));
    assert.equal(readFileSync(firstTask.checkpointIn!, 'utf8'), readFileSync(join(run.runDir, donor.checkpoint!), 'utf8'));
    // The model: the donor's w, trained one epoch (two partitions) at the explored values.
    const w = donor.metrics.val_accuracy!;
    const expected = stepOf(stepOf(w, child.params, 2), child.params, 2);
    const firstEpoch = run.events.find((e): e is EpochFinished => e.type === 'epoch_finished' && e.trial === child.trial)!;
    assert.equal(firstEpoch.epoch, donor.epochs + 1);
    assert.ok(Math.abs(firstEpoch.metrics.val_accuracy! - expected) < 1e-12, `${firstEpoch.metrics.val_accuracy} vs ${expected}`);
    // Units shape the weights, so explore leaves them; the learning rate and dropout may change.
    assert.equal(child.params.units, donor.params.units);
    assert.equal(child.generation, donor.generation! + 1);
  }
});

test('max_epochs_total stops the search cleanly: never more epochs than the budget, and it says so', async () => {
  const run = await runSearch(searchStep({ algorithm: 'random', trials: 6, max_epochs_total: 10 }));
  assert.equal(run.result.status, 'completed', run.result.error);
  const epochs = run.events.filter((e) => e.type === 'epoch_finished').length;
  assert.ok(epochs <= 10 && epochs >= 8, `${epochs} epochs`);
  assert.ok(run.events.some((e) => e.type === 'log' && /max_epochs_total 10 reached/.test(e.message)));
  assert.ok(finished(run.events).some((e) => e.status === 'stopped_early' && e.stopped_by === 'max_epochs_total'));
  // Every unit handed out finished its epoch: no model is left half-way through one.
  const units = run.events.filter((e) => e.type === 'unit_finished').length;
  assert.equal(units, epochs * 2);
});

test('time stops the search once it has passed, and max_trials cuts a grid', async () => {
  const timed = await runSearch(searchStep({ algorithm: 'random', trials: 6, time: '0s' }));
  assert.ok(timed.events.some((e) => e.type === 'log' && /budget time 0s reached/.test(e.message)));
  const grid = await runSearch(
    searchStep({ algorithm: 'grid', max_trials: 2, space: { units: { choice: [16, 32, 64] }, lr: { choice: [0.01, 0.1] }, dropout: { choice: [0.1] } } }),
  );
  assert.equal(finished(grid.events).length, 2);
  assert.ok(grid.events.some((e) => e.type === 'log' && /max_trials reached: max_trials 2 of the grid's 6 configurations/.test(e.message)));
});

test('median stopping stops trials worse than the median of the others at the same epoch', async () => {
  const run = await runSearch(searchStep({ algorithm: 'random', trials: 8, median_stop: { grace_period: 1, min_trials: 2 } }));
  const ends = finished(run.events);
  const stopped = ends.filter((e) => e.stopped_by === 'median_stop');
  assert.ok(stopped.length >= 2, JSON.stringify(ends.map((e) => [e.trial, e.status, e.epochs])));
  assert.ok(stopped.every((e) => e.epochs >= 2 && e.epochs < 6));
  const completed = ends.filter((e) => e.status === 'completed');
  assert.ok(completed.length >= 1);
});

test('--replay of an adaptive search repeats its visit order: trials are added and held as they were', async () => {
  for (const search of [ALGORITHMS.asha!, ALGORITHMS['random + median_stop']!, ALGORITHMS.pbt!]) {
    const step = searchStep(search);
    const recorded = await runSearch(step, { delaySeed: 6 });
    const log = visitLogFromEvents(recorded.events);
    const again = await runSearch(step, { delaySeed: 7, replay: log });
    assert.equal(again.result.status, 'completed', again.result.error);
    assert.deepEqual(outcomes(again.events), outcomes(recorded.events));
    const order = (events: readonly RunEvent[]) => events.flatMap((e) => (e.type === 'unit_started' ? [`${e.worker}:${e.trial}/${e.epoch}/${e.partition}`] : []));
    const byWorker = (list: string[]) => [...list].sort();
    assert.deepEqual(byWorker(order(again.events)), byWorker(order(recorded.events)));
  }
});
