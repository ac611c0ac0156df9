import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SpaceEntry } from '../../../compiler/spec/types.js';
import { createRng } from '../../../runtime/random/rng.js';
import { sampleConfiguration } from '../../../runtime/scheduler/search-space.js';
import {
  ashaRungs,
  createAsha,
  createPbt,
  createTpe,
  explore,
  generationEnds,
  hyperbandBrackets,
  parzenEstimator,
  promotes,
  type SearchAlgorithm,
  type Verdict,
} from '../../../runtime/scheduler/search/index.js';

test('hyperband brackets for max_epochs 81, eta 3 match Li et al. (JMLR 2018), Table 1', () => {
  const table = hyperbandBrackets(81, 3).map((b) => [b.s, b.rungs.map((r) => [r.n, r.r])]);
  assert.deepEqual(table, [
    [4, [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]]],
    [3, [[34, 3], [11, 9], [3, 27], [1, 81]]],
    [2, [[15, 9], [5, 27], [1, 81]]],
    [1, [[8, 27], [2, 81]]],
    [0, [[5, 81]]],
  ]);
  // Epochs stay whole and rising when R is not a power of η; the last round always trains R.
  for (const b of hyperbandBrackets(10, 3)) {
    const r = b.rungs.map((x) => x.r);
    assert.ok(r.every((x, i) => Number.isInteger(x) && x >= 1 && (i === 0 || x > r[i - 1]!)), JSON.stringify(r));
    assert.equal(r.at(-1), 10);
  }
});

const space: Record<string, SpaceEntry> = { x: { uniform: [0, 1] } };
const objective = { metric: 'score', mode: 'max' as const };

/** Feeds each trial's epochs in order with the score `f(config, epoch)`, the way the driver would. */
function report(alg: SearchAlgorithm, trial: number, from: number, to: number, f: (epoch: number) => number): Verdict[] {
  const out: Verdict[] = [];
  for (let e = from + 1; e <= to; e++) out.push(...alg.onEpoch(trial, e, { score: f(e) }));
  return out;
}

test("ASHA's rule: promoted when in the top 1/η of the rung's results so far, counted in configuration order", () => {
  assert.deepEqual(ashaRungs(9, 1, 3), [1, 3, 9]);
  assert.deepEqual(ashaRungs(10, 2, 2), [2, 4, 8, 10]);
  assert.equal(promotes(1, 1, 3), true, 'the first result at a rung always goes on');
  assert.equal(promotes(2, 2, 3), false);
  assert.equal(promotes(2, 6, 3), true);
  assert.equal(promotes(3, 6, 3), false);

  const alg = createAsha({ space, seed: 1, objective, trials: 6, maxEpochs: 9, gracePeriod: 1, reductionFactor: 3 });
  const plans = alg.suggest();
  assert.deepEqual(plans.map((p) => [p.id, p.fromEpoch, p.toEpoch, p.rung]), [0, 1, 2, 3, 4, 5].map((c) => [c, 0, 1, 0]));
  const scores = [0.5, 0.9, 0.2, 0.95, 0.1, 0.3];
  // Configuration 1 finishes rung 0 first, but is judged only after configuration 0.
  assert.deepEqual(report(alg, 1, 0, 1, () => scores[1]!), []);
  const v0 = report(alg, 0, 0, 1, () => scores[0]!);
  // 0 alone: promoted; then 1 is judged: rank 1 of 2, ⌊2/3⌋ = 0 → max(1, 0) = 1 → promoted.
  assert.deepEqual(v0, [
    { trial: 0, action: 'end', status: 'promoted' },
    { trial: 1, action: 'end', status: 'promoted' },
  ]);
  assert.deepEqual(alg.suggest().map((p) => [p.id, p.parent, p.fromEpoch, p.toEpoch, p.rung]), [
    [6, 0, 1, 3, 1],
    [7, 1, 1, 3, 1],
  ]);
  // 2 ranks 3rd of 3 → stops; 3 ranks 1st of 4 → promoted; 4: 5th of 5 → stops; 5: 4th of 6, ⌊6/3⌋ = 2 → stops.
  const rest = [2, 3, 4, 5].flatMap((c) => report(alg, c, 0, 1, () => scores[c]!));
  assert.deepEqual(
    rest.map((v) => [v.trial, v.action === 'end' ? v.status : v.action]),
    [
      [2, 'stopped_early'],
      [3, 'promoted'],
      [4, 'stopped_early'],
      [5, 'stopped_early'],
    ],
  );
  assert.deepEqual(alg.suggest().map((p) => p.id), [9]);
  // Rung 1: 6 (config 0) then 7 (config 1) then 9 (config 3); top rung ends them as completed.
  const r1 = [...report(alg, 7, 1, 3, () => 0.9), ...report(alg, 6, 1, 3, () => 0.6), ...report(alg, 9, 1, 3, () => 0.3)];
  assert.deepEqual(r1.map((v) => [v.trial, v.action === 'end' ? v.status : v.action]), [
    [6, 'promoted'],
    [7, 'promoted'],
    [9, 'stopped_early'],
  ]);
  const top = alg.suggest();
  assert.deepEqual(top.map((p) => [p.id, p.toEpoch]), [[12, 9], [13, 9]]);
  assert.equal(alg.finished(), false);
  report(alg, 12, 3, 9, () => 0.7);
  assert.deepEqual(report(alg, 13, 3, 9, () => 0.95), [{ trial: 13, action: 'end', status: 'completed' }]);
  assert.equal(alg.finished(), true);
});

test('PBT: generations every interval epochs; explore perturbs within bounds and keeps frozen values', () => {
  assert.deepEqual(generationEnds(10, 3), [3, 6, 9, 10]);
  const s: Record<string, SpaceEntry> = {
    lr: { loguniform: [0.001, 0.1] },
    units: { choice: [16, 32, 64] },
    layers: { int: [1, 4] },
    momentum: { uniform: [0.5, 0.9], when: { opt: 'sgd' } },
    opt: { choice: ['adam', 'sgd'] },
  };
  const rng = createRng(3, 'explore-test');
  for (let i = 0; i < 200; i++) {
    const before = sampleConfiguration(s, 5, i).params;
    const after = explore(s, before, rng, { frozen: new Set(['units']) });
    assert.equal(after.units, before.units);
    assert.ok((after.lr as number) >= 0.001 && (after.lr as number) <= 0.1);
    assert.ok(Number.isInteger(after.layers) && (after.layers as number) >= 1 && (after.layers as number) <= 4);
  }
  const pbt = createPbt({ space: s, seed: 2, objective, population: 4, epochs: 4, interval: 2, quantile: 0.25 });
  const gen0 = pbt.suggest();
  assert.deepEqual(gen0.map((p) => [p.id, p.toEpoch, p.generation]), [0, 1, 2, 3].map((m) => [m, 2, 0]));
  const verdicts = [0, 1, 2, 3].flatMap((m) => report(pbt, m, 0, 2, () => [0.4, 0.9, 0.1, 0.5][m]!));
  assert.deepEqual(verdicts.map((v) => [v.trial, v.action === 'end' ? `${v.status}${v.stoppedBy ? `/${v.stoppedBy}` : ''}` : v.action]), [
    [0, 'promoted'],
    [1, 'promoted'],
    [2, 'stopped_early/pbt'],
    [3, 'promoted'],
  ]);
  const gen1 = pbt.suggest();
  const exploited = gen1.find((p) => p.inherit === 'exploit')!;
  assert.equal(exploited.id, 6);
  assert.equal(exploited.parent, 1, 'the worst member copies the best');
  assert.deepEqual(gen1.filter((p) => p.inherit === 'continue').map((p) => [p.id, p.parent]), [[4, 0], [5, 1], [7, 3]]);
});

test('Parzen estimators: densities peak at the observations, for log-scale, integer and categorical entries', () => {
  const log = parzenEstimator('lr', { loguniform: [1e-5, 1] }, [1e-3, 1.2e-3, 0.9e-3]);
  assert.ok(log.logDensity(1e-3) > log.logDensity(1e-1));
  const int = parzenEstimator('n', { int: [1, 100] }, [50, 51, 49]);
  assert.ok(int.logDensity(50) > int.logDensity(90));
  const cat = parzenEstimator('act', { choice: ['relu', 'tanh', 'elu'] }, ['tanh', 'tanh', 'relu']);
  assert.ok(cat.logDensity('tanh') > cat.logDensity('relu') && cat.logDensity('relu') > cat.logDensity('elu'));
  const rng = createRng(1, 'parzen');
  for (let i = 0; i < 100; i++) {
    const v = int.sample(rng) as number;
    assert.ok(Number.isInteger(v) && v >= 1 && v <= 100);
  }
});

/** A synthetic objective to minimise: a log-scale optimum, an integer one, a categorical one, a conditional one. */
const synthetic: Record<string, SpaceEntry> = {
  lr: { loguniform: [1e-5, 1] },
  units: { int: [1, 256] },
  act: { choice: ['relu', 'tanh', 'sigmoid', 'elu'] },
  opt: { choice: ['adam', 'sgd'] },
  momentum: { uniform: [0, 1], when: { opt: 'sgd' } },
};
function loss(p: Record<string, unknown>): number {
  const lr = Math.log10(p.lr as number) + 2.5;
  const units = ((p.units as number) - 180) / 60;
  const act = { relu: 0, tanh: 0.6, sigmoid: 1, elu: 0.3 }[p.act as string]!;
  const opt = p.opt === 'adam' ? 0.4 : 0.8 * ((p.momentum as number) - 0.9) ** 2;
  return lr * lr + units * units + act + opt;
}

/** Trials one after another (each sees all before it); the best loss found. */
function bestOf(alg: SearchAlgorithm): number {
  let best = Infinity;
  for (;;) {
    const plans = alg.suggest();
    if (plans.length === 0) break;
    for (const p of plans) {
      const l = loss(p.params);
      best = Math.min(best, l);
      alg.onEpoch(p.id, 1, { loss: l });
    }
  }
  assert.ok(alg.finished());
  return best;
}

test('TPE beats random search on a synthetic objective, averaged over 20 seeds', (t) => {
  const trials = 40;
  let tpe = 0;
  let random = 0;
  let wins = 0;
  for (let seed = 0; seed < 20; seed++) {
    const common = { space: synthetic, seed, objective: { metric: 'loss', mode: 'min' as const }, trials, epochsOf: () => 1 };
    const t = bestOf(createTpe({ ...common, startupTrials: 10 }));
    // Random search is TPE that never leaves its start-up phase: the same draws for the first 10 trials.
    const r = bestOf(createTpe({ ...common, startupTrials: trials }));
    tpe += t / 20;
    random += r / 20;
    if (t < r) wins++;
  }
  t.diagnostic(`mean best loss over 20 seeds, 40 trials: TPE ${tpe.toFixed(4)}, random ${random.toFixed(4)}; TPE better on ${wins} seeds`);
  assert.ok(tpe < random * 0.75, `mean best loss: TPE ${tpe.toFixed(4)}, random ${random.toFixed(4)}`);
  assert.ok(wins >= 12, `TPE better on ${wins} of 20 seeds`);
});

test('TPE waits for the trials its proposal depends on: trial i sees trials 0 … i−W', () => {
  const tpe = createTpe({ space, seed: 4, objective, trials: 6, startupTrials: 2, window: 2, epochsOf: () => 1 });
  assert.deepEqual(tpe.suggest().map((p) => p.id), [0, 1]);
  tpe.onEpoch(1, 1, { score: 0.5 });
  assert.deepEqual(tpe.suggest().map((p) => p.id), [], 'trial 2 needs trial 0');
  tpe.onEpoch(0, 1, { score: 0.1 });
  assert.deepEqual(tpe.suggest().map((p) => p.id), [2, 3]);
});
