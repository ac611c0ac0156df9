import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Gpu } from '../../../runtime/devices/nvidia-smi.js';
import { nodeArgsFor, planWorkers, type WorkerEnv, type WorkerSlot } from '../../../runtime/devices/placement.js';
import { resolveDevices } from '../../../runtime/devices/resolve.js';

const GiB = 2 ** 30;

function gpus(n: number): Gpu[] {
  return Array.from({ length: n }, (_, i) => ({ index: i, uuid: `GPU-0000000${i}-aaaa-bbbb-cccc-dddddddddddd`, name: 'NVIDIA A100-SXM4-80GB' }));
}

const cpuEnv: WorkerEnv = { CUDA_VISIBLE_DEVICES: '-1', CUDA_DEVICE_ORDER: 'PCI_BUS_ID' };
const gpuEnv = (i: number): WorkerEnv => ({ CUDA_VISIBLE_DEVICES: String(i), CUDA_DEVICE_ORDER: 'PCI_BUS_ID' });

// --- resolveDevices ---

test('auto uses every GPU found, and the CPU when there is none', () => {
  assert.deepEqual(resolveDevices('auto', gpus(4)), { kind: 'gpu', gpuIndexes: [0, 1, 2, 3] });
  assert.deepEqual(resolveDevices('auto', gpus(1)), { kind: 'gpu', gpuIndexes: [0] });
  assert.deepEqual(resolveDevices('auto', []), { kind: 'cpu', gpuIndexes: [] });
});

test('cpu ignores the GPUs', () => {
  assert.deepEqual(resolveDevices('cpu', gpus(4)), { kind: 'cpu', gpuIndexes: [] });
});

test('gpu without a GPU falls back to the CPU and says why', () => {
  assert.deepEqual(resolveDevices('gpu', gpus(2)), { kind: 'gpu', gpuIndexes: [0, 1] });
  assert.deepEqual(resolveDevices('gpu', []), {
    kind: 'cpu',
    gpuIndexes: [],
    problem: 'resources.devices: gpu asks for a GPU, but no GPU was found',
  });
});

test('an explicit list keeps its order, drops repeats, and names the indexes that are not there', () => {
  assert.deepEqual(resolveDevices([2, 0, 2], gpus(4)), { kind: 'gpu', gpuIndexes: [2, 0] });
  assert.deepEqual(resolveDevices([1, 5], gpus(4)), {
    kind: 'gpu',
    gpuIndexes: [1],
    problem: 'resources.devices: GPU 5 is not present (this machine has GPUs 0, 1, 2 and 3)',
  });
  assert.deepEqual(resolveDevices([4, 6], gpus(1)), {
    kind: 'cpu',
    gpuIndexes: [],
    problem: 'resources.devices: GPUs 4 and 6 are not present (this machine has GPU 0)',
  });
  assert.deepEqual(resolveDevices([0], []), {
    kind: 'cpu',
    gpuIndexes: [],
    problem: 'resources.devices: GPU 0 is not present (this machine has no GPU)',
  });
  assert.deepEqual(resolveDevices([-1, 0], gpus(1)), {
    kind: 'gpu',
    gpuIndexes: [0],
    problem: 'resources.devices: -1 is not a GPU index',
  });
  assert.deepEqual(resolveDevices([], gpus(1)), { kind: 'cpu', gpuIndexes: [], problem: 'resources.devices: the list names no GPU' });
});

test('indexes need not be contiguous (a GPU excluded by the administrator leaves a gap)', () => {
  const found = [gpus(4)[0]!, gpus(4)[2]!, gpus(4)[3]!];
  assert.deepEqual(resolveDevices('auto', found), { kind: 'gpu', gpuIndexes: [0, 2, 3] });
  assert.equal(resolveDevices([1], found).problem, 'resources.devices: GPU 1 is not present (this machine has GPUs 0, 2 and 3)');
});

// --- planWorkers ---

function plan(workers: 'auto' | number, devices: ReturnType<typeof resolveDevices>, extra: { cores?: number; memoryPerWorker?: number; totalMemory?: number; gpus?: Gpu[] } = {}) {
  const input = { workers, devices, cores: extra.cores ?? 8, totalMemory: extra.totalMemory ?? 64 * GiB, ...(extra.gpus ? { gpus: extra.gpus } : {}) };
  return planWorkers(extra.memoryPerWorker === undefined ? input : { ...input, memoryPerWorker: extra.memoryPerWorker });
}

test('0 GPUs: auto gives one CPU worker per core, each with every GPU hidden', () => {
  const { slots, problems } = plan('auto', resolveDevices('auto', []), { cores: 4 });
  assert.deepEqual(problems, []);
  assert.deepEqual(slots, [0, 1, 2, 3].map((id): WorkerSlot => ({ id, device: { kind: 'cpu' }, env: cpuEnv })));
});

test('1 GPU: auto gives one worker pinned to it, whatever the core count', () => {
  const found = gpus(1);
  const { slots } = plan('auto', resolveDevices('auto', found), { cores: 32, gpus: found });
  assert.deepEqual(slots, [{ id: 0, device: { kind: 'gpu', index: 0, uuid: found[0]!.uuid }, env: gpuEnv(0) }]);
});

test('4 GPUs: auto gives one worker per GPU, CUDA_VISIBLE_DEVICES naming only its own', () => {
  const found = gpus(4);
  const { slots, problems } = plan('auto', resolveDevices('auto', found), { cores: 2, gpus: found });
  assert.deepEqual(problems, []);
  assert.deepEqual(slots.map((s) => s.env.CUDA_VISIBLE_DEVICES), ['0', '1', '2', '3']);
  assert.deepEqual(slots.map((s) => s.device), found.map((g) => ({ kind: 'gpu', index: g.index, uuid: g.uuid })));
  assert.ok(slots.every((s) => s.env.CUDA_DEVICE_ORDER === 'PCI_BUS_ID' && s.env.TF_FORCE_GPU_ALLOW_GROWTH === undefined));
});

test('an explicit GPU list places workers on exactly those GPUs, in the list order', () => {
  const found = gpus(4);
  const { slots } = plan('auto', resolveDevices([3, 1], found), { gpus: found });
  assert.deepEqual(slots.map((s) => [s.id, s.env.CUDA_VISIBLE_DEVICES]), [[0, '3'], [1, '1']]);
});

test('more workers than GPUs share them round-robin, with memory growth on for the shared ones', () => {
  const found = gpus(2);
  const { slots } = plan(3, resolveDevices('auto', found), { gpus: found });
  assert.deepEqual(
    slots.map((s) => s.env),
    [
      { ...gpuEnv(0), TF_FORCE_GPU_ALLOW_GROWTH: 'true' },
      gpuEnv(1),
      { ...gpuEnv(0), TF_FORCE_GPU_ALLOW_GROWTH: 'true' },
    ],
  );
});

test('fewer workers than GPUs leave the rest idle', () => {
  const { slots } = plan(2, resolveDevices('auto', gpus(4)));
  assert.deepEqual(slots.map((s) => s.device), [{ kind: 'gpu', index: 0 }, { kind: 'gpu', index: 1 }]);
});

test('devices: cpu on a GPU machine hides the GPUs from every worker', () => {
  const { slots } = plan(2, resolveDevices('cpu', gpus(4)));
  assert.deepEqual(slots.map((s) => s.env), [cpuEnv, cpuEnv]);
});

test('an explicit worker count on the CPU is taken as given', () => {
  assert.equal(plan(3, resolveDevices('cpu', []), { cores: 1 }).slots.length, 3);
});

test('a worker count that is not a positive whole number is reported and replaced by 1', () => {
  for (const bad of [0, -2, 1.5]) {
    const r = plan(bad, resolveDevices('cpu', []));
    assert.equal(r.slots.length, 1);
    assert.deepEqual(r.problems, [`resources.workers: ${bad} is not a positive whole number; using 1`]);
  }
});

test('memory_per_worker becomes a V8 heap limit in MiB on every slot', () => {
  const { slots, problems } = plan(2, resolveDevices('cpu', []), { memoryPerWorker: 4 * GiB, totalMemory: 16 * GiB });
  assert.deepEqual(problems, []);
  assert.deepEqual(slots.map((s) => s.heapLimitMb), [4096, 4096]);
  assert.deepEqual(nodeArgsFor(slots[0]!), ['--max-old-space-size=4096']);
  assert.deepEqual(nodeArgsFor(plan(1, resolveDevices('cpu', [])).slots[0]!), []);
  // Decimal units round down to whole MiB: 1.5 GB is 1430.5 MiB.
  assert.equal(plan(1, resolveDevices('cpu', []), { memoryPerWorker: 1.5e9 }).slots[0]!.heapLimitMb, 1430);
});

test('workers × memory_per_worker must fit in the machine memory', () => {
  const r = plan('auto', resolveDevices('auto', gpus(4)), { memoryPerWorker: 4 * GiB, totalMemory: 12 * GiB });
  assert.equal(r.slots.length, 4);
  assert.deepEqual(r.problems, ["resources.memory_per_worker: 4 workers × 4 GiB = 16 GiB, more than this machine's 12 GiB of memory"]);
  // Exactly full is allowed.
  assert.deepEqual(plan(3, resolveDevices('cpu', []), { memoryPerWorker: 4 * GiB, totalMemory: 12 * GiB }).problems, []);
  assert.deepEqual(plan(1, resolveDevices('cpu', []), { memoryPerWorker: 3 * GiB, totalMemory: 2 * GiB }).problems, [
    "resources.memory_per_worker: 1 worker × 3 GiB = 3 GiB, more than this machine's 2 GiB of memory",
  ]);
});

test('a memory_per_worker below 1 MiB gives no heap limit and a problem', () => {
  const r = plan(1, resolveDevices('cpu', []), { memoryPerWorker: 1000 });
  assert.equal(r.slots[0]!.heapLimitMb, undefined);
  assert.deepEqual(r.problems, ['resources.memory_per_worker: 1000 B is less than 1 MiB']);
});
