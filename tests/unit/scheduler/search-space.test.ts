import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SpaceEntry } from '../../../compiler/spec/types.js';
import { configurationCount } from '../../../compiler/phases/5-plan/search-size.js';
import { enumerateGrid, pickBest, sampleConfiguration, sampleRandom, SearchSpaceError } from '../../../runtime/scheduler/search-space.js';

const conditional: Record<string, SpaceEntry> = {
  optimizer: { choice: ['adam', 'sgd'] },
  learning_rate: { grid: [0.01, 0.001] },
  momentum: { grid: [0.5, 0.9], when: { optimizer: 'sgd' } },
  nesterov: { choice: [true, false], when: { optimizer: 'sgd', momentum: 0.9 } },
  units: { int: [1, 3] },
};

test('grid: every combination, the first entry slowest, conditional entries only where they hold', () => {
  const g = enumerateGrid(conditional);
  // adam: 2 rates × 3 units = 6; sgd: 2 rates × (momentum 0.5 + momentum 0.9 × 2 nesterov) × 3 units = 18.
  assert.equal(g.length, 24);
  assert.deepEqual(g.map((c) => c.id), Array.from({ length: 24 }, (_, i) => i));
  assert.deepEqual(g.slice(0, 4).map((c) => c.params), [
    { optimizer: 'adam', learning_rate: 0.01, units: 1 },
    { optimizer: 'adam', learning_rate: 0.01, units: 2 },
    { optimizer: 'adam', learning_rate: 0.01, units: 3 },
    { optimizer: 'adam', learning_rate: 0.001, units: 1 },
  ]);
  assert.deepEqual(g[6]!.params, { optimizer: 'sgd', learning_rate: 0.01, momentum: 0.5, units: 1 });
  assert.deepEqual(g[9]!.params, { optimizer: 'sgd', learning_rate: 0.01, momentum: 0.9, nesterov: true, units: 1 });
  // Keys in declaration order.
  assert.deepEqual(Object.keys(g[9]!.params), ['optimizer', 'learning_rate', 'momentum', 'nesterov', 'units']);
  for (const c of g) {
    assert.equal('momentum' in c.params, c.params.optimizer === 'sgd');
    assert.equal('nesterov' in c.params, c.params.momentum === 0.9);
  }
  assert.equal(new Set(g.map((c) => JSON.stringify(c.params))).size, 24);
  // The planner counts the same grid the same way.
  assert.equal(configurationCount({ algorithm: 'grid', space: conditional, objective: { metric: 'val_accuracy', mode: 'max' } }), 24);
});

test('grid: structured values compare by content; a condition on a later entry never holds; non-enumerable entries are refused', () => {
  const g = enumerateGrid({
    kernel: { choice: [[3, 3], [5, 5]] },
    dilation: { int: [1, 2], when: { kernel: [5, 5] } },
  });
  assert.deepEqual(g.map((c) => c.params), [{ kernel: [3, 3] }, { kernel: [5, 5], dilation: 1 }, { kernel: [5, 5], dilation: 2 }]);
  // Each configuration has its own copy of a structured value.
  (g[1]!.params.kernel as number[])[0] = 7;
  assert.deepEqual(g[2]!.params.kernel, [5, 5]);
  const later = { a: { choice: [1, 2], when: { b: 1 } }, b: { choice: [1, 2] } };
  assert.deepEqual(enumerateGrid(later).map((c) => c.params), [{ b: 1 }, { b: 2 }]);
  assert.equal(configurationCount({ algorithm: 'grid', space: later, objective: { metric: 'm', mode: 'max' } }), 2);
  assert.throws(() => enumerateGrid({ lr: { loguniform: [1e-4, 1e-1] } }), (e: unknown) => e instanceof SearchSpaceError && /cannot enumerate a loguniform/.test(e.message));
  assert.throws(() => enumerateGrid({ a: { int: [1, 1000] }, b: { int: [1, 1000] } }, { limit: 10_000 }), /more than 10000/);
  assert.throws(() => enumerateGrid({ a: { choice: [1], int: [1, 2] } }), /both choice and int/);
  assert.deepEqual(enumerateGrid({}), [{ id: 0, params: {} }]);
});

const everyKind: Record<string, SpaceEntry> = {
  opt: { choice: ['adam', 'sgd', 'rmsprop'] },
  width: { grid: [32, 64] },
  dropout: { uniform: [0.1, 0.5] },
  batch: { quniform: [16, 128, 16] },
  frac: { quniform: [0.05, 0.5, 0.1] },
  lr: { loguniform: [1e-5, 1e-1] },
  layers: { int: [1, 3] },
  filters: { logint: [8, 512] },
  bias: { normal: [0, 2] },
  momentum: { uniform: [0.8, 0.99], when: { opt: 'sgd' } },
};

test('random draws stay within their bounds and have the right shape', () => {
  const n = 4000;
  const configs = sampleRandom(everyKind, { seed: 123, trials: n });
  assert.equal(configs.length, n);
  const layers = new Set<unknown>();
  const logDecades = [0, 0, 0, 0];
  let logintBelowMid = 0;
  let momentumPresent = 0;
  for (const { params: p } of configs) {
    assert.ok(['adam', 'sgd', 'rmsprop'].includes(p.opt as string));
    assert.ok([32, 64].includes(p.width as number));
    const d = p.dropout as number;
    assert.ok(d >= 0.1 && d <= 0.5);
    const b = p.batch as number;
    assert.ok(b >= 16 && b <= 128 && b % 16 === 0, `batch ${b}`);
    const f = p.frac as number;
    assert.ok([0.1, 0.2, 0.3, 0.4, 0.5].includes(f), `frac ${f}`);
    const lr = p.lr as number;
    assert.ok(lr >= 1e-5 && lr <= 1e-1);
    logDecades[Math.min(3, Math.floor(Math.log10(lr) + 5))]!++;
    const l = p.layers as number;
    assert.ok(Number.isInteger(l) && l >= 1 && l <= 3);
    layers.add(l);
    const fl = p.filters as number;
    assert.ok(Number.isInteger(fl) && fl >= 8 && fl <= 512);
    if (fl < 64) logintBelowMid++;
    assert.ok(Number.isFinite(p.bias as number));
    assert.equal('momentum' in p, p.opt === 'sgd');
    if (p.opt === 'sgd') {
      momentumPresent++;
      const m = p.momentum as number;
      assert.ok(m >= 0.8 && m <= 0.99);
    }
  }
  // int is inclusive: both ends turn up.
  assert.deepEqual([...layers].sort(), [1, 2, 3]);
  // loguniform is uniform in log space: each of the four decades gets about a quarter (a uniform in real
  // space would put 90% in the top decade).
  for (const c of logDecades) assert.ok(Math.abs(c / n - 0.25) < 0.03, `decades ${logDecades.join(', ')}`);
  // logint likewise: 8..512 is six doublings, 8..63 is three of them.
  assert.ok(Math.abs(logintBelowMid / n - 0.5) < 0.04, `logint below 64: ${logintBelowMid / n}`);
  assert.ok(Math.abs(momentumPresent / n - 1 / 3) < 0.04);
  // normal: mean 0, sd 2.
  const bias = configs.map((c) => c.params.bias as number);
  const mean = bias.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(bias.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  assert.ok(Math.abs(mean) < 0.15 && Math.abs(sd - 2) < 0.15, `normal mean ${mean} sd ${sd}`);
  // quniform's multiples are equally likely, the ends included.
  const ends = configs.filter((c) => c.params.batch === 16 || c.params.batch === 128).length;
  assert.ok(Math.abs(ends / n - 2 / 8) < 0.03, `quniform ends ${ends / n}`);
});

test('random draws are reproducible per seed and stable when trials or parameters are added', () => {
  const a = sampleRandom(everyKind, { seed: 9, trials: 10 });
  assert.deepEqual(sampleRandom(everyKind, { seed: 9, trials: 10 }), a);
  assert.notDeepEqual(sampleRandom(everyKind, { seed: 10, trials: 10 }), a);
  // More trials: the first ten are unchanged.
  assert.deepEqual(sampleRandom(everyKind, { seed: 9, trials: 25 }).slice(0, 10), a);
  assert.deepEqual(sampleConfiguration(everyKind, 9, 4), a[4]);
  // Another parameter (or one removed): the others keep their values.
  const more = sampleRandom({ extra: { uniform: [0, 1] }, ...everyKind }, { seed: 9, trials: 10 });
  for (let i = 0; i < 10; i++) {
    const { extra, ...rest } = more[i]!.params;
    assert.equal(typeof extra, 'number');
    assert.deepEqual(rest, a[i]!.params);
  }
  assert.deepEqual(sampleRandom({}, { seed: 9, trials: 2 }), [{ id: 0, params: {} }, { id: 1, params: {} }]);
});

test('broken entries are refused before anything is drawn', () => {
  const bad: [SpaceEntry, RegExp][] = [
    [{ loguniform: [0, 1] }, /> 0/],
    [{ uniform: [2, 1] }, /reversed/],
    [{ int: [1.5, 3] }, /integers/],
    [{ logint: [0, 8] }, />= 1/],
    [{ quniform: [0, 1, 0] }, /q must be > 0/],
    [{ quniform: [0.1, 0.2, 1] }, /no multiple/],
    [{ choice: [] }, /non-empty/],
    [{}, /no distribution/],
  ];
  for (const [entry, re] of bad) assert.throws(() => sampleRandom({ x: entry }, { seed: 1, trials: 1 }), re, JSON.stringify(entry));
});

test('pickBest: max takes the highest, min the lowest; NaN, missing and infinite never win; ties go to the lower id', () => {
  const trials = [
    { id: 3, metrics: { val_accuracy: 0.91, val_loss: 0.30 } },
    { id: 1, metrics: { val_accuracy: 0.55, val_loss: 1.20 } },
    { id: 4, metrics: { val_accuracy: Number.NaN, val_loss: Number.NaN } },
    { id: 2, metrics: { val_accuracy: 0.97, val_loss: 0.12 } },
    { id: 5, metrics: { val_loss: Infinity } },
    { id: 0, metrics: { val_accuracy: null, val_loss: undefined } },
  ];
  // The bug to avoid: choosing the worst model for a metric to maximise.
  assert.equal(pickBest(trials, { metric: 'val_accuracy', mode: 'max' })?.id, 2);
  assert.equal(pickBest(trials, { metric: 'val_loss', mode: 'min' })?.id, 2);
  assert.equal(pickBest(trials, { metric: 'val_loss', mode: 'max' })?.id, 1);
  assert.equal(pickBest(trials, { metric: 'val_accuracy', mode: 'min' })?.id, 1);
  const ties = [
    { id: 7, metrics: { m: 0.5 } },
    { id: 2, metrics: { m: 0.5 } },
    { id: 9, metrics: { m: 0.5 } },
  ];
  assert.equal(pickBest(ties, { metric: 'm', mode: 'max' })?.id, 2);
  assert.equal(pickBest(ties, { metric: 'm', mode: 'min' })?.id, 2);
  assert.equal(pickBest([{ id: 0, metrics: { m: Number.NaN } }], { metric: 'm', mode: 'max' }), undefined);
  assert.equal(pickBest([], { metric: 'm', mode: 'min' }), undefined);
  assert.equal(pickBest([{ id: 1, metrics: { m: -Infinity } }, { id: 2, metrics: { m: -5 } }], { metric: 'm', mode: 'min' })?.id, 2);
});
