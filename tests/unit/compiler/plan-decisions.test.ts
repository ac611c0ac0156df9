import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMachineProfile, type MachineProfile } from '../../../compiler/cost/constants.js';
import type { CompilerHost, KeySketch, SourceStats } from '../../../compiler/host.js';
import { compile, type CompileResult } from '../../../compiler/index.js';
import type { Decision, PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';

const GiB = 2 ** 30;

interface FakeSource {
  rows: number;
  /** Distinct keys per key (columns joined with commas). */
  keys?: Record<string, number>;
  files?: number;
}

/** A machine with only what the test says: spec text, statistics by file name, key sketches, constants. */
function host(spec: string, sources: Record<string, FakeSource>, machine: MachineProfile = { ...defaultMachineProfile(), memory_bytes: 16 * GiB }): CompilerHost {
  const byPath = (p: string | undefined) => sources[(p ?? '').split('/').pop() ?? ''];
  return {
    readFile: (p) => (p === '/specs/spec.yaml' ? spec : undefined),
    fileExists: (p) => p === '/specs/spec.yaml',
    env: () => undefined,
    inspectSource(s) {
      const f = byPath(s.path);
      if (!f) return { ok: false, problem: { kind: 'missing', file: s.path ?? '', message: `${s.path}: no such file` } };
      const files = Array.from({ length: f.files ?? 1 }, (_, i) => ({ path: `${s.path}.${i}`, bytes: (f.rows * 16) / (f.files ?? 1) }));
      const stats: SourceStats = { files, rows: f.rows, bytes: f.rows * 16, schemaFrom: 'test' };
      return { ok: true, stats };
    },
    keySketches(s, keys) {
      const f = byPath(s.path);
      return keys.map((k): KeySketch | undefined => {
        const d = f?.keys?.[k.join(',')];
        return d === undefined ? undefined : { columns: k, distinct: d, sampledRows: 1000, sampledDistinct: Math.min(d, 1000), complete: false, from: 'test sketch' };
      });
    },
    machine: () => machine,
  };
}

function plan(spec: string, sources: Record<string, FakeSource>, opts: { workers?: number; machine?: MachineProfile } = {}): CompileResult {
  return compile({ file: '/specs/spec.yaml', host: host(spec, sources, opts.machine), mode: 'plan', cores: 64, ...(opts.workers !== undefined ? { workers: opts.workers } : {}) });
}

function decision(r: CompileResult, id: string): { node: PlanNode; d: Decision } {
  assert.ok(r.ok, `expected a plan: ${r.ok ? '' : r.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`);
  const node = r.plan!.nodes.find((n) => n.id === id)!;
  assert.ok(node.decision, `${id} has a decision`);
  return { node, d: node.decision };
}

const joinSpec = (opts: { left?: string; right?: string; strategy?: string; how?: string; memory?: string; bloom?: string } = {}) => `dlc: 1
name: j
resources:
  memory_per_worker: ${opts.memory ?? '8GiB'}
sources:
  big:
    format: parquet
    path: ./big.parquet
    schema: { k: int64, v: float64 }
  small:
    format: parquet
    path: ./small.parquet
    schema: { k: int64, w: float64 }
steps:
  joined:
    op: join
    left: ${opts.left ?? 'big'}
    right: ${opts.right ?? 'small'}
    on: k
    how: ${opts.how ?? 'inner'}
    strategy: ${opts.strategy ?? 'auto'}
    bloom_filter: ${opts.bloom ?? 'auto'}
  out:
    op: export
    from: joined
    path: ./out.parquet
    format: parquet
`;

const crossover = { 'big.parquet': { rows: 60e6, keys: { k: 15e6 } }, 'small.parquet': { rows: 15e6, keys: { k: 15e6 } } };

test('dlc plan broadcasts at 2 workers and stops where the workers outnumber the size ratio (A+B = 5 units of B)', () => {
  const chosen = new Map<number, string>();
  for (const n of [2, 3, 4, 5, 6, 8, 16]) {
    const { node, d } = decision(plan(joinSpec(), crossover, { workers: n }), 'joined');
    chosen.set(n, d.strategy);
    assert.equal(node.strategy, d.strategy, 'the node carries the chosen strategy');
    assert.equal(d.requested, 'auto');
    assert.deepEqual(d.alternatives.map((a) => a.strategy), ['broadcast', 'shuffle_hash', 'sort_merge', 'colocated']);
    assert.ok(d.alternatives.every((a) => a.unit === 's'));
    assert.equal(d.inputs['workers']?.value, n);
    assert.equal(d.inputs['workers']?.from, 'flag');
    assert.equal(d.inputs['left.rows']?.from, 'file metadata');
    assert.equal(d.inputs['left.key_distinct']?.from, 'sample');
    assert.equal(d.inputs['read_bytes_per_s']?.from, 'default');
  }
  assert.equal(chosen.get(2), 'broadcast');
  // Shuffle hash, counted per worker as sort-merge is, takes over once A < 2(n−1)B: from 3 workers here.
  for (const n of [3, 4, 5, 6, 8, 16]) assert.equal(chosen.get(n), 'shuffle_hash', `${n} workers`);
  const two = decision(plan(joinSpec(), crossover, { workers: 2 }), 'joined').d;
  assert.match(two.reason, /broadcasting small beats sort-merge below ~5 workers and there are 2/);
});

test('the build side is the smaller input whichever side of the spec it is written on', () => {
  const right = decision(plan(joinSpec(), crossover, { workers: 2 }), 'joined').d;
  assert.equal(right.settings.build_side, 'right');
  const left = decision(plan(joinSpec({ left: 'small', right: 'big' }), crossover, { workers: 2 }), 'joined').d;
  assert.equal(left.settings.build_side, 'left');
  assert.equal(left.strategy, 'broadcast');
  assert.deepEqual(
    left.alternatives.map((a) => a.cost),
    right.alternatives.map((a) => a.cost),
    'the same estimates either way round',
  );
});

test('an explicit strategy estimated more than twice as costly is honoured with DLC501 saying by how much', () => {
  const sources = { 'big.parquet': { rows: 100e6, keys: { k: 1e6 } }, 'small.parquet': { rows: 1e6, keys: { k: 1e6 } } };
  const r = plan(joinSpec({ strategy: 'sort_merge' }), sources, { workers: 2 });
  const { d } = decision(r, 'joined');
  assert.equal(d.strategy, 'sort_merge');
  assert.equal(d.requested, 'sort_merge');
  const w = r.warnings.find((x) => x.code === 'DLC501');
  assert.ok(w, 'a DLC501 warning');
  assert.equal(w.severity, 'warning');
  assert.equal(w.path, 'steps.joined.strategy');
  assert.match(w.message, /sort_merge is estimated at .* per worker, 2\.\d+× the .* of broadcast/);
  // Not much worse: no warning.
  const close = plan(joinSpec({ strategy: 'sort_merge' }), crossover, { workers: 4 });
  assert.equal(close.warnings.filter((x) => x.code === 'DLC501').length, 0);
});

test('an infeasible explicit strategy is DLC502: a broadcast table that cannot fit, a Bloom filter that would drop kept rows', () => {
  const r = plan(joinSpec({ strategy: 'broadcast', memory: '512MiB' }), crossover, { workers: 4 });
  assert.equal(r.ok, false);
  const e = !r.ok ? r.errors.find((x) => x.code === 'DLC502') : undefined;
  assert.ok(e);
  assert.match(e.message, /broadcast cannot run here: the hash table of small .* exceeds a third of the 512 MiB per worker/);
  const bloom = plan(joinSpec({ how: 'left', bloom: 'true' }), crossover, { workers: 4 });
  assert.ok(!bloom.ok && bloom.errors.some((x) => x.code === 'DLC502' && x.path === 'steps.joined.bloom_filter'));
  // Under auto the same join simply does not broadcast.
  assert.notEqual(decision(plan(joinSpec({ memory: '512MiB' }), crossover, { workers: 4 }), 'joined').d.strategy, 'broadcast');
});

test('an outer join does not broadcast the side it keeps whole; colocated needs a proof', () => {
  const left = decision(plan(joinSpec({ left: 'small', right: 'big', how: 'left' }), crossover, { workers: 2 }), 'joined').d;
  assert.equal(left.settings.build_side, 'left');
  assert.equal(left.alternatives.find((a) => a.strategy === 'broadcast')!.feasible, false);
  assert.notEqual(left.strategy, 'broadcast');
  const r = plan(joinSpec({ strategy: 'colocated' }), crossover, { workers: 2 });
  assert.ok(!r.ok && r.errors.some((x) => x.code === 'DLC502' && /not co-located: big is not partitioned on k/.test(x.message)));
});

test('without statistics: no estimates, sort-merge, and the inputs say they are unknown', () => {
  const spec = joinSpec().replace('./big.parquet', './gone.parquet').replace('./small.parquet', './gone2.parquet');
  const none = decision(plan(spec, {}, { workers: 2 }), 'joined').d;
  assert.equal(none.strategy, 'sort_merge');
  assert.ok(none.alternatives.every((a) => a.cost === null));
  assert.equal(none.inputs['left.rows']?.from, 'unknown');
  assert.match(none.reason, /sizes unknown/);
});

test('calibrated constants are used and named as such in the inputs', () => {
  const machine: MachineProfile = { ...defaultMachineProfile(), memory_bytes: 16 * GiB, calibrated_at: '2025-01-01T00:00:00Z' };
  machine.constants.hash_bytes_per_s /= 10;
  machine.from.hash_bytes_per_s = 'calibration';
  const { d } = decision(plan(joinSpec(), crossover, { workers: 2, machine }), 'joined');
  assert.equal(d.inputs['hash_bytes_per_s']?.from, 'calibration');
  assert.equal(d.inputs['hash_bytes_per_s']?.value, 20e6);
  // Slow hashing makes broadcast (a full table of B per worker) lose even at 2 workers.
  assert.equal(d.strategy, 'sort_merge');
});

const hidden = (units: number | string) => `- dense: { units: ${units}, activation: relu }`;
const trainSpec = (parallelism: string, opts: { units?: number; memory?: string; workers?: number; grid?: string; layers?: string; batch?: number } = {}) => `dlc: 1
name: t
resources:
  workers: ${opts.workers ?? 2}
  memory_per_worker: ${opts.memory ?? '8GiB'}
sources:
  train:
    format: parquet
    path: ./train.parquet
    schema: { x: { tensor: float32, shape: [784] }, label: int32 }
steps:
  search:
    op: train
    data: { train: train }
    features: [x]
    label: label
    model:
      input_shape: [784]
      layers:
        ${opts.layers ?? hidden(opts.units ?? '"${hp.units}"')}
        - dense: { units: 10, activation: softmax }
    optimizer: { name: adam, learning_rate: "\${hp.lr}" }
    loss: sparse_categorical_crossentropy
    batch_size: ${opts.batch ?? 64}
    epochs: 3
    search:
      algorithm: grid
      space:
        units: { choice: ${opts.grid ?? '[64, 128]'} }
        lr: { choice: [0.001, 0.003] }
      objective: { metric: loss, mode: min }
    parallelism: ${parallelism}
  publish:
    op: export
    from: search.best
    path: ./model
`;

test('the quickstart shape under auto (|S| = 4, p = 2): model hopper, with the reason and the partition count', () => {
  const { node, d } = decision(plan(trainSpec('auto'), { 'train.parquet': { rows: 5400 } }), 'search');
  assert.equal(node.strategy, 'hopper');
  assert.equal(d.kind, 'training');
  assert.equal(d.settings.partitions, 2);
  assert.equal(d.inputs['partitions']?.value, 2);
  assert.equal(d.inputs['configurations']?.value, 4);
  assert.equal(d.inputs['parameters']?.value, 784 * 128 + 128 + 1290, 'the largest configuration of the grid');
  assert.match(d.reason, /^4 configurations on 2 workers \(\|S\| ≥ p\/2\): model hopper/);
  assert.deepEqual(d.alternatives.map((a) => a.strategy), ['hopper', 'task', 'data', 'model']);
  for (const a of d.alternatives) assert.equal(typeof a.bytes_moved, 'number', a.strategy);
  const p = decision(plan(trainSpec('{ strategy: hopper, partitions: 8 }'), { 'train.parquet': { rows: 5400 } }), 'search').d;
  assert.equal(p.settings.partitions, 8);
  assert.equal(p.inputs['partitions']?.from, 'declared');
});

test('explicit training strategies: task with a model too large for a device is DLC502; a much slower choice is DLC501', () => {
  const big = plan(trainSpec('task', { units: 2_000_000, memory: '4GiB' }), { 'train.parquet': { rows: 5400 } });
  assert.ok(!big.ok && big.errors.some((e) => e.code === 'DLC502' && e.path === 'steps.search.parallelism' && /task cannot train this model/.test(e.message)));
  // Large mini-batches: each data-parallel step's work outweighs its exchange and wait.
  const one = plan(trainSpec('task', { workers: 8, grid: '[64]', batch: 1024 }).replace('lr: { choice: [0.001, 0.003] }', 'lr: { choice: [0.001] }'), { 'train.parquet': { rows: 54000 } });
  assert.ok(one.ok);
  assert.ok(one.warnings.some((w) => w.code === 'DLC501' && /task is estimated at .*× the .* of data for 1 configuration on 8 workers/.test(w.message)));
  // Model averaging is honoured when asked for, and never chosen by auto.
  const avg = decision(plan(trainSpec('{ strategy: data, sync: average }'), { 'train.parquet': { rows: 5400 } }), 'search').d;
  assert.equal(avg.strategy, 'data');
  assert.equal(avg.settings.sync, 'average');
  assert.ok(avg.alternatives.some((a) => a.strategy === 'data/average'));
});

test('auto with a model that does not fit a device: model parallelism with stages and micro-batches', () => {
  // Three 8192-unit layers with Adam need ~2.3 GiB; each fits 2 GiB, two of them together do not.
  const layers = [hidden('"${hp.units}"'), hidden(8192), hidden(8192)].join('\n        ');
  const { d } = decision(plan(trainSpec('auto', { memory: '2GiB', grid: '[8192]', layers }), { 'train.parquet': { rows: 5400 } }), 'search');
  assert.equal(d.strategy, 'model');
  assert.ok((d.settings.stages ?? 0) >= 2);
  assert.equal(d.settings.microbatches, 4 * d.settings.stages!);
});

test('model parallelism with fewer workers than stages: cut again when the fewer stages fit, else spill, and the plan says which', () => {
  const layers = [hidden('"${hp.units}"'), hidden(8192), hidden(8192)].join('\n        ');
  const spec = (workers: number, memory: string) => trainSpec('{ strategy: model, stages: 3 }', { memory, grid: '[8192]', layers, workers });
  const model = (d: ReturnType<typeof decision>['d']) => d.alternatives.find((a) => a.strategy === 'model')!;
  // 3 stages on 2 workers; at 8 GiB a worker 2 stages fit: cut into 2, nothing spilled.
  const roomy = decision(plan(spec(2, '8GiB'), { 'train.parquet': { rows: 5400 } }), 'search').d;
  assert.equal(roomy.settings.min_stages, 1);
  assert.match(model(roomy).note!, /3 stages planned, cut into 2 on 2 workers: the whole model fits a worker's memory, faster than spilling/);
  assert.equal(model(roomy).spill_bytes, undefined);
  // At 1.05 GiB each 8192-unit layer fits alone, no two together: 3 stages stay 3, worker 0 hosting two and spilling.
  const tight = decision(plan(spec(2, '1.05GiB'), { 'train.parquet': { rows: 5400 } }), 'search').d;
  assert.equal(tight.settings.min_stages, 3);
  assert.equal(tight.settings.stages, 3);
  assert.match(model(tight).note!, /3 stages on 2 workers \(3 needed to fit a worker's memory\): worker 0 stages 0–1, worker 1 stage 2/);
  assert.ok(model(tight).spill_bytes! > 0);
  // The wasm backend holds at most 4 GiB whatever the worker's memory: the device is what must fit.
  const wasm: MachineProfile = { ...defaultMachineProfile(), memory_bytes: 16 * GiB, device_limit: { bytes: Math.floor(1.05 * GiB), note: 'a test backend' } };
  const capped = decision(plan(spec(2, '8GiB'), { 'train.parquet': { rows: 5400 } }, { machine: wasm }), 'search').d;
  assert.deepEqual(capped.inputs['device_memory'], { value: Math.floor(1.05 * GiB), unit: 'B', from: 'machine', note: 'a test backend' });
  assert.equal(capped.settings.min_stages, 3);
});

test('a plan is plain data: it survives JSON and the node strategy is on every join and train node', () => {
  const r = plan(joinSpec(), crossover, { workers: 2 });
  assert.ok(r.ok);
  assert.deepEqual(JSON.parse(JSON.stringify(r.plan)), r.plan);
  for (const n of r.plan!.nodes) if (n.op === 'join' || n.op === 'train') assert.equal(typeof n.strategy, 'string');
});

test('the Bloom filter of the smaller input\'s keys: used where few keys match and the larger input moves, never where its unmatched rows are kept', () => {
  const sparse = { 'big.parquet': { rows: 200e6, keys: { k: 100e6 } }, 'small.parquet': { rows: 20e6, keys: { k: 20e6 } } };
  const inner = decision(plan(joinSpec(), sparse, { workers: 8 }), 'joined').d;
  assert.equal(inner.strategy, 'shuffle_hash');
  assert.equal(inner.settings.bloom_filter, true);
  assert.equal(inner.inputs['match_fraction']?.value, 0.2);
  assert.match(inner.reason, /a Bloom filter of the keys in small .*: ~20% of the keys in big match/);
  assert.equal(decision(plan(joinSpec({ how: 'semi' }), sparse, { workers: 8 }), 'joined').d.settings.bloom_filter, true, 'a semi join drops them anyway');
  for (const how of ['left', 'anti', 'full']) {
    const d = decision(plan(joinSpec({ how }), sparse, { workers: 32 }), 'joined').d;
    assert.equal(d.settings.bloom_filter, false, how);
    assert.match(d.reason, new RegExp(`no Bloom filter: a ${how} join keeps the unmatched rows of big`));
  }
  assert.equal(decision(plan(joinSpec({ bloom: 'false' }), sparse, { workers: 32 }), 'joined').d.settings.bloom_filter, false);
});
