import { formatBytes } from '../../compiler/spec/size.js';
import type { Gpu } from './nvidia-smi.js';
import type { DeviceResolution } from './resolve.js';

export type WorkerDevice = { kind: 'gpu'; index: number; uuid?: string } | { kind: 'cpu' };

/**
 * Environment a worker process starts with. CUDA numbers devices fastest-first by default while nvidia-smi
 * numbers them in PCI bus order; CUDA_DEVICE_ORDER=PCI_BUS_ID makes the index in CUDA_VISIBLE_DEVICES mean
 * the GPU `nvidia-smi` and `dlc doctor` show under that index, on machines with mixed GPU models too.
 */
export interface WorkerEnv {
  /**
   * The one GPU the worker may see (its nvidia-smi index), or `-1` for a CPU worker. CUDA stops reading the
   * list at the first invalid entry, so `-1` hides every GPU. An empty string hides them as well by the CUDA
   * documentation, but some launchers and shells treat an empty variable as unset (which shows every GPU);
   * `-1` survives that and is the value TensorFlow's own examples use to force the CPU.
   */
  CUDA_VISIBLE_DEVICES: string;
  CUDA_DEVICE_ORDER: 'PCI_BUS_ID';
  /**
   * Set when several workers share one GPU: TensorFlow otherwise reserves nearly all of a GPU's memory in
   * the first process that touches it, and the next worker on that GPU fails to allocate.
   */
  TF_FORCE_GPU_ALLOW_GROWTH?: 'true';
}

export interface WorkerSlot {
  id: number;
  device: WorkerDevice;
  env: WorkerEnv;
  /** V8 old-space limit in MiB (`--max-old-space-size`), from memory_per_worker. */
  heapLimitMb?: number;
}

export interface WorkerPlanInput {
  workers: 'auto' | number;
  devices: DeviceResolution;
  /** Logical cores available to this run (os.availableParallelism()). */
  cores: number;
  memoryPerWorker?: number;
  /** Bytes of memory on this machine (os.totalmem()). */
  totalMemory: number;
  /** The GPUs found, so slots can carry each GPU's UUID for logs and reports. */
  gpus?: readonly Gpu[];
}

export interface WorkerPlan {
  slots: WorkerSlot[];
  /** What does not fit, starting with the spec path; the caller decides whether it is fatal. */
  problems: string[];
}

const MIB = 2 ** 20;

/**
 * One slot per worker process. `workers: auto` means one worker per GPU when GPUs are used (a GPU serves
 * one training process well; two mostly contend) and one per core otherwise. An explicit count on GPUs
 * deals the GPUs out round-robin.
 */
export function planWorkers(input: WorkerPlanInput): WorkerPlan {
  const problems: string[] = [];
  const gpuIndexes = input.devices.kind === 'gpu' ? input.devices.gpuIndexes : [];
  const cores = Math.max(1, Math.floor(input.cores));

  let count: number;
  if (input.workers === 'auto') count = gpuIndexes.length > 0 ? gpuIndexes.length : cores;
  else if (Number.isSafeInteger(input.workers) && input.workers >= 1) count = input.workers;
  else {
    problems.push(`resources.workers: ${input.workers} is not a positive whole number; using 1`);
    count = 1;
  }

  let heapLimitMb: number | undefined;
  if (input.memoryPerWorker !== undefined) {
    heapLimitMb = Math.floor(input.memoryPerWorker / MIB);
    if (heapLimitMb < 1) {
      problems.push(`resources.memory_per_worker: ${formatBytes(input.memoryPerWorker)} is less than 1 MiB`);
      heapLimitMb = undefined;
    }
    const needed = count * input.memoryPerWorker;
    if (needed > input.totalMemory) {
      problems.push(
        `resources.memory_per_worker: ${count} ${count === 1 ? 'worker' : 'workers'} × ${formatBytes(input.memoryPerWorker)} = ` +
          `${formatBytes(needed)}, more than this machine's ${formatBytes(input.totalMemory)} of memory`,
      );
    }
  }

  const uuidOf = new Map((input.gpus ?? []).map((g) => [g.index, g.uuid]));
  const perGpu = new Map<number, number>();
  for (let i = 0; i < count && gpuIndexes.length > 0; i++) {
    const g = gpuIndexes[i % gpuIndexes.length]!;
    perGpu.set(g, (perGpu.get(g) ?? 0) + 1);
  }

  const slots: WorkerSlot[] = [];
  for (let id = 0; id < count; id++) {
    let slot: WorkerSlot;
    if (gpuIndexes.length > 0) {
      const index = gpuIndexes[id % gpuIndexes.length]!;
      const device: WorkerDevice = { kind: 'gpu', index };
      const uuid = uuidOf.get(index);
      if (uuid !== undefined) device.uuid = uuid;
      const env: WorkerEnv = { CUDA_VISIBLE_DEVICES: String(index), CUDA_DEVICE_ORDER: 'PCI_BUS_ID' };
      if ((perGpu.get(index) ?? 0) > 1) env.TF_FORCE_GPU_ALLOW_GROWTH = 'true';
      slot = { id, device, env };
    } else {
      slot = { id, device: { kind: 'cpu' }, env: { CUDA_VISIBLE_DEVICES: '-1', CUDA_DEVICE_ORDER: 'PCI_BUS_ID' } };
    }
    if (heapLimitMb !== undefined) slot.heapLimitMb = heapLimitMb;
    slots.push(slot);
  }
  return { slots, problems };
}

/** Node flags a worker process starts with for its slot. */
export function nodeArgsFor(slot: WorkerSlot): string[] {
  return slot.heapLimitMb === undefined ? [] : [`--max-old-space-size=${slot.heapLimitMb}`];
}
